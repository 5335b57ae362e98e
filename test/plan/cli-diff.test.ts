// What changed, where the output directory simply persists (the CLI, a self-hosted runner): the
// second run compares with the manifest the first one left, through the real pipeline and the emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { FAST_POLL, runCli, tempDir, writeJobFile } from '../support/run-cli.js';

const IMG = 'black-forest-labs/flux-2-pro/text-to-image';
let emu: Emulator;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({ timeScale: 1000 });
  dir = await tempDir('atlas-cli-diff-');
});
afterAll(async () => {
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
});

const file = (jobs: Array<[string, string, number?]>) =>
  [
    'jobs:',
    ...jobs.flatMap(([name, prompt, seed]) => [
      `  - name: ${name}`,
      `    model: ${IMG}`,
      `    prompt: ${prompt}`,
      ...(seed !== undefined ? [`    params: {seed: ${seed}}`] : []),
    ]),
    '',
  ].join('\n');

describe('what changed, with a persistent output directory', () => {
  it('marks new, changed (naming the parameter), unchanged and removed, and pays only for new and changed', async () => {
    const out = join(dir, 'out');
    const config = await writeJobFile(
      dir,
      file([
        ['a', 'one', 1],
        ['b', 'two'],
        ['c', 'three'],
      ]),
    );
    const first = await runCli(['run', '--config', config, ...FAST_POLL], { baseUrl: emu.url, outputDir: out });
    expect(first.code, first.output).toBe(0);
    const m1 = await first.manifest();
    expect(m1.compared_with).toBeUndefined();
    const created = emu.stats().predictionsCreated;

    await writeJobFile(
      dir,
      file([
        ['a', 'one', 2],
        ['b', 'two'],
        ['d', 'four'],
      ]),
    );
    const second = await runCli(['run', '--config', config, ...FAST_POLL], { baseUrl: emu.url, outputDir: out });
    expect(second.code, second.output).toBe(0);
    expect(emu.stats().predictionsCreated - created).toBe(2);
    const m2 = await second.manifest();
    expect(m2.results.map((r) => [r.name, r.change, r.changed_fields])).toEqual([
      ['a', 'changed', ['seed']],
      ['b', 'unchanged', undefined],
      ['d', 'new', undefined],
    ]);
    expect(m2.removed?.map((r) => r.name)).toEqual(['c']);
    expect(m2.compared_with?.generated_at).toBe(m1.generated_at);
    // a's first image is kept for the before/after, byte for byte.
    const before = m1.results[0]!.outputs[0]!;
    const kept = m2.results[0]!.previous_paths![0]!;
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(await readFile(join(out, kept)))).toBe(before.sha256);
    expect(m2.results[0]!.outputs[0]!.sha256).not.toBe(before.sha256);
  });
});
