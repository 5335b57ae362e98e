// Model ids against the emulator's GET /models before paying: a typo of a listed id is a file:line
// error naming it with nothing submitted; another unlisted id is a warning and the run goes on.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/server.js';
import { FAST_POLL, runCli, tempDir, writeJobFile } from '../support/run-cli.js';
import { closestListedModel, editDistance, nearMissDistance } from '../../src/jobfile/model-check.js';

let emu: Emulator | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const FLUX = 'black-forest-labs/flux-2-pro/text-to-image';
const SEEDANCE = 'bytedance/seedance-v1.5-pro/text-to-video';
const LISTED = [
  FLUX,
  'google/imagen4-ultra/text-to-image',
  SEEDANCE,
  'bytedance/seedance-v1.5-pro/image-to-video',
  'google/veo3.1/text-to-video',
  'openai/sora-v2/text-to-video',
];

async function setup(models: string[], opts: EmulatorOptions = {}) {
  emu = await startEmulator({ timeScale: 1000, ...opts });
  const dir = await tempDir();
  dirs.push(dir);
  const config = await writeJobFile(
    dir,
    ['jobs:', ...models.map((m, i) => `  - name: job ${i + 1}\n    model: ${m}\n    prompt: p${i + 1}`)].join('\n'),
  );
  return { e: emu, dir, config };
}

describe('near misses', () => {
  it('counts edits, a swap of neighbours as one', () => {
    expect(editDistance('flux-2-pro', 'flux-2-por', 3)).toBe(1);
    expect(editDistance('abc', 'abc', 3)).toBe(0);
    expect(editDistance('kitten', 'sitting', 5)).toBe(3);
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
  });

  it.each([
    ['black-forest-labs/flux-2-por/text-to-image', FLUX],
    ['Black-Forest-Labs/Flux-2-Pro/Text-To-Image', FLUX],
    ['black-forest-labs/flux-2-pro/text-to-imag', FLUX],
    ['bytedance/seedance-v1-pro/text-to-video', SEEDANCE],
    ['flux-2-pro/text-to-image', FLUX],
    ['google/veo31/text-to-video', 'google/veo3.1/text-to-video'],
  ])('%s is a slip of %s', (id, listed) => {
    expect(closestListedModel(id, LISTED)).toBe(listed);
  });

  it.each([
    'acme/pixel-1/text-to-image',
    'black-forest-labs/flux-2-pro/text-to-video',
    'bytedance/seedance-v2.0-lite/text-to-video',
    'openai/gpt-image-1',
  ])('%s is no slip of a listed id', (id) => {
    expect(closestListedModel(id, LISTED)).toBeUndefined();
  });

  it('prefers the closest listed id', () => {
    expect(nearMissDistance('a/b/text-to-imagf', 'a/b/text-to-image')).toBe(1);
    expect(closestListedModel('bytedance/seedance-v1.5-pro/text-to-vide', LISTED)).toBe(SEEDANCE);
  });
});

describe('the model check against GET /models', () => {
  it('a mistyped id is a job-file error at its line naming the listed id, before any paid call', async () => {
    const { e, dir, config } = await setup([FLUX, 'black-forest-labs/flux-2-por/text-to-image']);
    const run = await runCli(['run', '--config', config, ...FAST_POLL], { baseUrl: e.url, outputDir: join(dir, 'o') });
    expect(run.code).toBe(2);
    expect(run.output).toContain(
      `${config}:5:1: model: "black-forest-labs/flux-2-por/text-to-image" is not a model Atlas lists; did you mean "${FLUX}"?`,
    );
    expect(e.stats().modelLists).toBe(1);
    expect(e.stats().submitsReceived).toBe(0);
    expect(e.stats().uploads).toBe(0);
  });

  it('the plan command refuses the typo too, without a key', async () => {
    const { e, dir, config } = await setup(['google/veo31/text-to-video']);
    const run = await runCli(['plan', '--config', config], { baseUrl: e.url, outputDir: join(dir, 'o'), apiKey: '' });
    expect(run.code).toBe(2);
    expect(run.output).toContain(`${config}:2:1: model: "google/veo31/text-to-video"`);
    expect(run.output).toContain('did you mean "google/veo3.1/text-to-video"?');
  });

  it('an id the list does not know and that is no slip is a warning at its line, and the run goes on', async () => {
    const { e, dir, config } = await setup([FLUX, 'acme/pixel-1/text-to-image']);
    const run = await runCli(['run', '--config', config, ...FAST_POLL], { baseUrl: e.url, outputDir: join(dir, 'o') });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(
      `${config}:5: model "acme/pixel-1/text-to-image" (job "job 2") is not in GET /models' list; submitting anyway`,
    );
    expect(e.stats().submitsReceived).toBe(2);
    expect((await run.manifest()).successful).toBe(2);
  });

  it('a list that cannot be read is a warning, and the run goes on', async () => {
    const { e, dir, config } = await setup(['black-forest-labs/flux-2-por/text-to-image'], {
      faults: [{ op: 'models', kind: 'status', status: 404, times: 10 }],
    });
    const run = await runCli(['run', '--config', config, ...FAST_POLL], { baseUrl: e.url, outputDir: join(dir, 'o') });
    expect(run.output).toContain('model check: could not read GET /models');
    expect(e.stats().submitsReceived).toBe(1);
  });

  it('--check-models false skips the list (a gateway without /models)', async () => {
    const { e, dir, config } = await setup(['black-forest-labs/flux-2-por/text-to-image']);
    const run = await runCli(['run', '--config', config, '--check-models', 'false', ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'o'),
    });
    expect(run.output).not.toContain('model check');
    expect(e.stats().modelLists).toBe(0);
    expect(e.stats().submitsReceived).toBe(1);
  });

  it('live prices and the check share one read of the list', async () => {
    const { e, dir } = await setup([]);
    const config = await writeJobFile(
      dir,
      `pricing: { live: true }\njobs:\n  - { name: x, model: ${FLUX}, prompt: p }`,
    );
    const run = await runCli(['plan', '--config', config], { baseUrl: e.url, outputDir: join(dir, 'o'), apiKey: '' });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('pricing: live:');
    expect(e.stats().modelLists).toBe(1);
  });
});
