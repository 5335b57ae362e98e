// Live prices: what GET /models lists today (`pricing: {live: true}` in the job file).
// The list gives a base price as a string and says nothing of its unit. The unit is taken
// from the model type (Image: per image, Video: per second of video), and every figure
// made from it carries a note saying so. Other types (Audio, Text, none) get no live price:
// no unit can be assumed for them, so the next table (built-in, or a stated guess) applies.
import type { ModelInfo } from '../atlas/types.js';
import { readModelList, type ModelList, type ModelListOptions } from '../atlas/model-list.js';
import type { ModelPrice, PriceUnit } from '../jobfile/schema.js';
import type { Log } from '../shared/log.js';
import type { PriceTables } from './prices.js';

/** A price from the live list, with the assumption it rests on. */
export type LivePrice = ModelPrice & { note?: string };

/** The unit a model type's base price is taken to be for (lowercase type → unit). */
export const LIVE_UNIT_BY_TYPE: Readonly<Record<string, PriceUnit>> = { image: 'image', video: 'second' };

/** Prices by model id from a GET /models reply; models with no price, or of a type with no known unit, are left out. */
export function livePriceTable(models: readonly ModelInfo[]): Record<string, LivePrice> {
  // No prototype: a model id such as "constructor" must not find Object's.
  const table = Object.create(null) as Record<string, LivePrice>;
  for (const m of models) {
    const price = m.basePrice;
    if (price === undefined || !Number.isFinite(price) || price < 0) continue;
    const type = m.type.trim();
    const unit = Object.hasOwn(LIVE_UNIT_BY_TYPE, type.toLowerCase())
      ? LIVE_UNIT_BY_TYPE[type.toLowerCase()]!
      : undefined;
    if (!unit) continue;
    table[m.model] = { unit, price, note: liveNote(type, unit) };
  }
  return table;
}

/** What an estimate from a live price says about itself. */
export function liveNote(type: string, unit: PriceUnit): string {
  return `live price from GET /models; unit assumed from the model type (${type}: per ${unit})`;
}

export type LivePriceOptions = ModelListOptions & { log?: Log };

/**
 * The live price table from a GET /models reply already read (see atlas/model-list.ts). A failed read
 * is not fatal: it is logged as a warning and the plan falls back to the job file's and the built-in prices.
 */
export function livePricesFrom(list: ModelList, log?: Log): PriceTables {
  if (!list.ok) {
    log?.warning(
      `pricing: live: could not read the price list (GET /models): ${list.error}; the estimate uses the job file's prices, then the built-in table`,
    );
    return {};
  }
  const live = livePriceTable(list.models);
  const n = Object.keys(live).length;
  log?.info(
    `pricing: live: ${n} model price${n === 1 ? '' : 's'} read from GET /models (units assumed from the model type)`,
  );
  return { live };
}

/** The live price table, read from GET /models (no key: it works on dry runs too). */
export async function fetchLivePrices(opts: LivePriceOptions): Promise<PriceTables> {
  return livePricesFrom(await readModelList(opts), opts.log);
}
