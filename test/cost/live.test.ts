// Live prices (`pricing: {live: true}`): GET /models through the real client against the
// emulator, the unit assumed from the model type and said so, the fallback when the list fails.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAtlasClient } from '../../src/atlas/client.js';
import { fetchLivePrices, livePriceTable } from '../../src/cost/live.js';
import { BUILTIN_PRICES, estimateCost, priceOf } from '../../src/cost/prices.js';
import { parseJobFile } from '../../src/jobfile/load.js';
import { planJobs } from '../../src/plan/jobs.js';
import { memoryLog } from '../../src/shared/log.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/server.js';
import { FAST_POLL, runCli, tempDir, writeJobFile } from '../support/run-cli.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function emulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ timeScale: 1000, ...opts });
  return emu;
}

const FLUX = 'black-forest-labs/flux-2-pro/text-to-image';
const SEEDANCE = 'bytedance/seedance-v1.5-pro/text-to-video';
const VEO = 'google/veo3.1/text-to-video';
/** Prices the emulator lists that differ from the built-in table, and models the built-in table lacks. */
const MODELS: EmulatorOptions['models'] = {
  [FLUX]: { type: 'image', typicalSeconds: 4, price: { unit: 'image', price: 0.045 } },
  'acme/pixel-1/text-to-image': { type: 'image', typicalSeconds: 3, price: { unit: 'image', price: 0.013 } },
  'acme/reel-2/text-to-video': { type: 'video', typicalSeconds: 30, price: { unit: 'second', price: 0.07 } },
  'acme/unpriced/text-to-image': { type: 'image', typicalSeconds: 3 },
};
const IMAGE_NOTE = 'live price from GET /models; unit assumed from the model type (Image: per image)';
const VIDEO_NOTE = 'live price from GET /models; unit assumed from the model type (Video: per second)';

describe('livePriceTable', () => {
  it("reads the emulator's real GET /models reply through the client: prices as numbers, unit from the type", async () => {
    const e = await emulator({ models: MODELS });
    const client = createAtlasClient({ baseUrl: e.url, apiKey: '', userAgent: 'atlas-media-action/test' });
    const table = livePriceTable(await client.listModels());
    expect({ ...table }).toEqual({
      [FLUX]: { unit: 'image', price: 0.045, note: IMAGE_NOTE },
      'google/imagen4-ultra/text-to-image': { unit: 'image', price: 0.06, note: IMAGE_NOTE },
      [SEEDANCE]: { unit: 'second', price: 0.022, note: VIDEO_NOTE },
      'bytedance/seedance-v1.5-pro/image-to-video': { unit: 'second', price: 0.022, note: VIDEO_NOTE },
      [VEO]: { unit: 'second', price: 0.03, note: VIDEO_NOTE },
      'openai/sora-v2/text-to-video': { unit: 'second', price: 0.15, note: VIDEO_NOTE },
      'acme/pixel-1/text-to-image': { unit: 'image', price: 0.013, note: IMAGE_NOTE },
      'acme/reel-2/text-to-video': { unit: 'second', price: 0.07, note: VIDEO_NOTE },
    });
    // No key was sent: GET /models is public.
    expect(e.stats().modelLists).toBe(1);
  });

  it('never guesses a unit: types other than Image and Video, and models without a price, are left out', () => {
    const table = livePriceTable([
      { model: 'a/tts', type: 'Audio', basePrice: 0.01 },
      { model: 'a/llm', type: 'Text', basePrice: 0.001 },
      { model: 'a/none', type: '', basePrice: 0.02 },
      { model: 'a/free', type: 'Image' },
      { model: 'a/neg', type: 'Image', basePrice: -1 },
      { model: 'a/nan', type: 'Video', basePrice: Number.NaN },
      { model: 'constructor', type: 'video', basePrice: 0.5 },
    ]);
    expect(Object.keys(table)).toEqual(['constructor']);
    expect(table['constructor']).toEqual({
      unit: 'second',
      price: 0.5,
      note: 'live price from GET /models; unit assumed from the model type (video: per second)',
    });
    expect(Object.getPrototypeOf(table)).toBeNull();
  });
});

describe('precedence: the file’s table > live > built-in > guess', () => {
  const live = livePriceTable([
    { model: FLUX, type: 'Image', basePrice: 0.045 },
    { model: VEO, type: 'Video', basePrice: 0.035 },
  ]);

  it('priceOf and estimateCost', () => {
    expect(priceOf(FLUX, 'image', { file: { [FLUX]: { unit: 'image', price: 1 } }, live }).source).toBe('file');
    expect(priceOf(FLUX, 'image', { live })).toEqual({ price: live[FLUX], source: 'live' });
    expect(priceOf(SEEDANCE, 'video', { live })).toEqual({ price: BUILTIN_PRICES[SEEDANCE], source: 'builtin' });
    expect(priceOf('x/y/text-to-video', 'video', { live }).source).toBe('guess');
    expect(estimateCost(VEO, 'video', { duration: 4 }, { live })).toEqual({
      unit: 'second',
      units: 4,
      unitPrice: 0.035,
      cost: 0.14,
      source: 'live',
      note: VIDEO_NOTE,
    });
    expect(estimateCost(VEO, 'video', {}, { live }).note).toBe(`${VIDEO_NOTE}; no duration given: assumed 5 s`);
  });

  it("planJobs: the job file's pricing entries win over live ones; `live` itself is not a model", () => {
    const { jobFile, jobLines } = parseJobFile(
      `pricing:\n  live: true\n  ${VEO}: {unit: second, price: 0.5}\njobs:\n  - {name: a, model: ${FLUX}, prompt: p}\n  - {name: b, model: ${VEO}, prompt: p, duration: 2}\n`,
      'f.yml',
    );
    const jobs = planJobs(jobFile, { jobLines, prices: { live } });
    expect(jobs.map((j) => [j.estimate.source, j.estimate.cost])).toEqual([
      ['live', 0.045],
      ['file', 1],
    ]);
  });

  it('pricing: live (a string) is refused with the shape to write', () => {
    expect(() => parseJobFile(`pricing: live\njobs:\n  - {name: a, model: ${FLUX}, prompt: p}\n`, 'f.yml')).toThrow(
      'f.yml:1:10: pricing: expected a mapping (key: value), got "live" (for the current prices Atlas lists, write pricing: {live: true})',
    );
    expect(() =>
      parseJobFile(`pricing: {live: yes please}\njobs:\n  - {name: a, model: ${FLUX}, prompt: p}\n`, 'f.yml'),
    ).toThrow('pricing.live: expected true or false, got "yes please"');
  });
});

describe('fetchLivePrices', () => {
  it('returns the live table and says how many prices it read', async () => {
    const e = await emulator({ models: MODELS });
    const log = memoryLog();
    const tables = await fetchLivePrices({ baseUrl: e.url, userAgent: 'atlas-media-action/test', log });
    expect(tables.live?.[FLUX]).toEqual({ unit: 'image', price: 0.045, note: IMAGE_NOTE });
    expect(log.lines.join('\n')).toContain(
      'pricing: live: 8 model prices read from GET /models (units assumed from the model type)',
    );
  });

  it('warns and returns nothing when GET /models fails', async () => {
    const e = await emulator({ faults: [{ op: 'models', kind: 'status', status: 500, times: Infinity }] });
    const log = memoryLog();
    const tables = await fetchLivePrices({ baseUrl: e.url, userAgent: 'atlas-media-action/test', log });
    expect(tables).toEqual({});
    expect(log.lines.join('\n')).toMatch(
      /pricing: live: could not read the price list \(GET \/models\): .*500.*; the estimate uses the job file's prices, then the built-in table/,
    );
    // Retried a little, not for long.
    expect(e.stats().modelLists).toBe(3);
  });
});

describe('the CLI with pricing: {live: true}', () => {
  const jobFile = [
    'pricing:',
    '  live: true',
    '  google/imagen4-ultra/text-to-image: {unit: image, price: 0.5}',
    'jobs:',
    `  - {name: flux, model: ${FLUX}, prompt: a red bike, params: {num_images: 2}}`,
    '  - {name: pixel, model: acme/pixel-1/text-to-image, prompt: a blue bike}',
    '  - {name: reel, model: acme/reel-2/text-to-video, prompt: waves, duration: 4}',
    '  - {name: imagen, model: google/imagen4-ultra/text-to-image, prompt: a green bike}',
    '  - {name: unpriced, model: acme/unpriced/text-to-image, prompt: a bike}',
  ].join('\n');

  it('a dry run (no key) prints live prices with their note', async () => {
    const e = await emulator({ models: MODELS });
    const dir = await tempDir();
    const config = await writeJobFile(dir, jobFile);
    const run = await runCli(['plan', '--config', config], { baseUrl: e.url, outputDir: join(dir, 'out'), apiKey: '' });
    expect(run.code, run.output).toBe(0);
    // One row per job, columns padded: compare with the padding squeezed.
    const row = (name: string) =>
      (run.output.split('\n').find((l) => l.startsWith(`${name} `)) ?? '').replace(/ +/g, ' ');
    expect(row('flux')).toBe(`flux image ${FLUX} 2 images $0.09 (${IMAGE_NOTE})`);
    expect(row('pixel')).toBe(`pixel image acme/pixel-1/text-to-image 1 image $0.013 (${IMAGE_NOTE})`);
    expect(row('reel')).toBe(`reel video acme/reel-2/text-to-video 4 seconds $0.28 (${VIDEO_NOTE})`);
    expect(row('imagen')).toBe('imagen image google/imagen4-ultra/text-to-image 1 image $0.50'); // the file's table wins
    expect(row('unpriced')).toContain('(no price known for acme/unpriced/text-to-image: assumed 0.05 USD per image)');
    expect(run.output).toContain('pricing: live: 8 model prices read from GET /models');
    expect(e.stats().modelLists).toBe(1);
  });

  it('a run records cost_source "live" in the manifest, per job and per model', async () => {
    const e = await emulator({ models: MODELS });
    const dir = await tempDir();
    const config = await writeJobFile(dir, jobFile);
    const run = await runCli(['run', '--config', config, ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    const m = await run.manifest();
    expect(Object.fromEntries(m.results.map((r) => [r.name, [r.cost_source, r.estimated_cost]]))).toEqual({
      flux: ['live', 0.09],
      pixel: ['live', 0.013],
      reel: ['live', 0.28],
      imagen: ['file', 0.5],
      unpriced: ['guess', 0.05],
    });
    // The unit is stated, never guessed silently: the note travels with each figure.
    expect(m.results.find((r) => r.name === 'reel')!.cost_note).toBe(VIDEO_NOTE);
    expect(m.results.find((r) => r.name === 'unpriced')!.cost_note).toMatch(/assumed 0\.05 USD per image/);
    expect(m.results.find((r) => r.name === 'imagen')!.cost_note).toBeUndefined();
    expect(m.cost_by_model[FLUX]).toMatchObject({ source: 'live', unit: 'image', price: 0.045 });
    expect(m.cost_by_model['acme/reel-2/text-to-video']).toMatchObject({ source: 'live', unit: 'second', price: 0.07 });
  });

  it('falls back to the built-in table with a warning when GET /models fails; the plan still succeeds', async () => {
    const e = await emulator({
      models: MODELS,
      faults: [{ op: 'models', kind: 'status', status: 500, times: Infinity }],
    });
    const dir = await tempDir();
    const config = await writeJobFile(dir, jobFile);
    const run = await runCli(['plan', '--config', config], { baseUrl: e.url, outputDir: join(dir, 'out'), apiKey: '' });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/warning: pricing: live: could not read the price list \(GET \/models\)/);
    const row = (name: string) => run.output.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    expect(row('flux')).toMatch(/2 images +\$0\.08$/); // built-in 0.04, no note
    expect(row('pixel')).toContain('(no price known for acme/pixel-1/text-to-image: assumed 0.05 USD per image)');
    expect(row('imagen')).toMatch(/\$0\.50$/);
    expect(run.output).not.toContain('live price');
  });
});
