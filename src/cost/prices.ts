// What a job costs: the price table (built in, overridable per model in the job file)
// and the estimate made before any paid call.
import type { MediaType, ModelPrice, PriceUnit } from '../jobfile/schema.js';

export type PriceSource = 'file' | 'builtin' | 'live' | 'guess';

export interface CostEstimate {
  unit: PriceUnit;
  /** Units this job is expected to use: images made, or seconds of video. */
  units: number;
  unitPrice: number;
  cost: number;
  source: PriceSource;
  /** Why the figure may be off, when it may. */
  note?: string;
}

/** Prices quoted by the tutorial (USD). */
export const BUILTIN_PRICES: Readonly<Record<string, ModelPrice>> = {
  'black-forest-labs/flux-2-pro/text-to-image': { unit: 'image', price: 0.04 },
  'google/imagen4-ultra/text-to-image': { unit: 'image', price: 0.06 },
  'bytedance/seedance-v1.5-pro/text-to-video': { unit: 'second', price: 0.022 },
  'google/veo3.1/text-to-video': { unit: 'second', price: 0.03 },
  'openai/sora-v2/text-to-video': { unit: 'second', price: 0.15 },
};

/** The tutorial's assumption for a model it does not know: 0.05 per unit. A guess, and said to be one. */
export const GUESS_PRICE = 0.05;
/** Length assumed for a video job that names none. */
export const DEFAULT_VIDEO_SECONDS = 5;

export interface PriceTables {
  file?: Readonly<Record<string, ModelPrice>>;
  /** From GET /models (cost/live.ts); a note says what was assumed (the unit). */
  live?: Readonly<Record<string, ModelPrice & { note?: string }>>;
}

export function priceOf(
  model: string,
  type: MediaType,
  tables: PriceTables = {},
): { price: ModelPrice & { note?: string }; source: PriceSource } {
  // Own properties only: a model id like "constructor" must not find Object's.
  const own = <P extends ModelPrice>(t: Readonly<Record<string, P>> | undefined) =>
    t && Object.hasOwn(t, model) ? t[model] : undefined;
  const fromFile = own(tables.file);
  if (fromFile) return { price: fromFile, source: 'file' };
  const live = own(tables.live);
  if (live) return { price: live, source: 'live' };
  const builtin = own(BUILTIN_PRICES);
  if (builtin) return { price: builtin, source: 'builtin' };
  return { price: { unit: type === 'video' ? 'second' : 'image', price: GUESS_PRICE }, source: 'guess' };
}

/** How many images a request asks for, from the parameters models use for it. */
export function imagesRequested(body: Record<string, unknown>): number {
  for (const key of ['num_images', 'max_images', 'n', 'num_outputs']) {
    const v = body[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 1) return Math.floor(v);
  }
  return 1;
}

export function videoSeconds(body: Record<string, unknown>): number | undefined {
  const v = body['duration'];
  if (typeof v === 'number' && v > 0) return v;
  if (typeof v === 'string' && Number.parseFloat(v) > 0) return Number.parseFloat(v);
  return undefined;
}

export function estimateCost(
  model: string,
  type: MediaType,
  body: Record<string, unknown>,
  tables: PriceTables = {},
): CostEstimate {
  const { price, source } = priceOf(model, type, tables);
  const notes: string[] = [];
  if (source === 'guess') notes.push(`no price known for ${model}: assumed ${GUESS_PRICE} USD per ${price.unit}`);
  if (source === 'live' && price.note) notes.push(price.note);
  let units: number;
  if (price.unit === 'second') {
    const seconds = videoSeconds(body);
    if (seconds === undefined) notes.push(`no duration given: assumed ${DEFAULT_VIDEO_SECONDS} s`);
    units = seconds ?? DEFAULT_VIDEO_SECONDS;
  } else {
    units = imagesRequested(body);
  }
  return {
    unit: price.unit,
    units,
    unitPrice: price.price,
    cost: roundUsd(units * price.price),
    source,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

/**
 * Cost of what was actually made: per image made, never more images than were asked for (a reply
 * listing thousands of outputs does not multiply the bill), or per second of the video asked for.
 */
export function actualCost(estimate: CostEstimate, outputs: number): number {
  if (estimate.unit === 'image') return roundUsd(Math.min(outputs, estimate.units) * estimate.unitPrice);
  return outputs > 0 ? estimate.cost : 0;
}

/** Money in USD, rounded to a tenth of a cent's hundredth so sums do not drift. */
export function roundUsd(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Dollars as people read prices: cents, and the fractions of a cent that unit prices have ($0.022). */
export function formatUsd(x: number): string {
  if (Math.abs(x) >= 1) return `$${x.toFixed(2)}`;
  const fine = x.toFixed(4).replace(/0+$/, '');
  const [whole, frac = ''] = fine.split('.');
  return `$${whole}.${frac.padEnd(2, '0')}`;
}
