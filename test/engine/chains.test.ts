// Chained jobs end to end through the CLI against the emulator: a job that takes another job's
// output waits for it (and only it), is sent its URL, is skipped when it fails, and gets the file
// uploaded again when the output comes from an earlier run. Plus validation and identities.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions, type PredictionRecord } from '../emulator/server.js';
import { FAST_POLL, runCli, tempDir, writeJobFile } from '../support/run-cli.js';
import { parseJobFile } from '../../src/jobfile/load.js';
import { planJobs } from '../../src/plan/jobs.js';
import { filterJobs, withDependencies } from '../../src/jobfile/filter.js';
import { partition } from '../../src/plan/shard.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** Time scale 200: an image takes ~20 ms, an image-to-video ~250 ms, so the order of events is visible. */
async function emulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ timeScale: 200, ...opts });
  return emu;
}

const IMG = 'black-forest-labs/flux-2-pro/text-to-image';
const I2V = 'bytedance/seedance-v1.5-pro/image-to-video';

const job = (name: string, model: string, prompt: string, extra = '') =>
  `  - name: ${name}\n    model: ${model}\n    prompt: ${prompt}\n${extra}`;

/** Hero (image) → Clip (image-to-video from Hero), then an independent job later in the file. */
const chainFile = (heroExtra = '', from = 'Hero', clipPrompt = 'slow orbit') =>
  `max_workers: 3\njobs:\n${job('Hero', IMG, 'hero bottle', heroExtra)}${job('Clip', I2V, clipPrompt, `    duration: 5\n    params: {image: {from: "${from}"}}\n`)}${job('Later', IMG, 'later poster')}`;

function byPrompt(e: Emulator, prompt: string): PredictionRecord[] {
  return e.stats().predictions.filter((p) => p.prompt === prompt);
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('chained jobs', () => {
  it('starts the dependent once its input is downloaded, sends the output URL, and holds back nothing after it', async () => {
    const e = await emulator();
    const dir = await tempDir();
    const config = await writeJobFile(dir, chainFile());
    const run = await runCli(['run', '--config', config, ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    const m = await run.manifest();
    expect(m.results.map((r) => [r.name, r.status])).toEqual([
      ['Hero', 'success'],
      ['Clip', 'success'],
      ['Later', 'success'],
    ]);

    const [hero] = byPrompt(e, 'hero bottle');
    const [clip] = byPrompt(e, 'slow orbit');
    const [later] = byPrompt(e, 'later poster');
    // The video is sent the hero's output URL, as Atlas gave it and the manifest records it.
    expect(clip!.body['image']).toBe(hero!.outputs[0]);
    expect(clip!.body['image']).toBe(m.results[0]!.output_url);
    // Submitted only after the hero was done (and downloaded: after the manifest's downloaded_at).
    expect(clip!.submittedAtMs).toBeGreaterThan(hero!.completesAtMs);
    expect(Date.parse(m.results[1]!.timings.submitted_at!)).toBeGreaterThanOrEqual(
      Date.parse(m.results[0]!.timings.downloaded_at!),
    );
    // The job after the chain in the file did not wait for it.
    expect(later!.submittedAtMs).toBeLessThan(clip!.submittedAtMs);
    // The manifest keeps the parameter as written; nothing was uploaded.
    expect(m.results[1]!.params['image']).toEqual({ from: 'Hero' });
    expect(e.stats().uploads).toBe(0);
  });

  it('skips the dependent (error_kind dependency) without submitting it when its input failed', async () => {
    const e = await emulator({
      faults: [{ op: 'submit', kind: 'status', status: 422, match: 'hero bottle', times: Infinity }],
    });
    const dir = await tempDir();
    const config = await writeJobFile(dir, chainFile());
    const run = await runCli(['run', '--config', config, ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code).toBe(1);
    const m = await run.manifest();
    expect(m.results.map((r) => r.status)).toEqual(['failed', 'skipped', 'success']);
    expect(m.results[1]).toMatchObject({
      status: 'skipped',
      error_kind: 'dependency',
      error: 'dependency failed: Hero (failed)',
      prediction_id: null,
    });
    expect(m.results[1]!.attempts.submits).toBe(0);
    expect(byPrompt(e, 'slow orbit')).toHaveLength(0);
    expect(e.stats().submitsReceived).toBe(2);
  });

  it('"Hero#2" takes the second of num_images: 2; "#3" of two outputs skips the job', async () => {
    const e = await emulator();
    const dir = await tempDir();
    const text = `${chainFile('    params: {num_images: 2}\n', 'Hero#2')}${job('Third', I2V, 'third frame', `    duration: 5\n    params: {image: {from: "Hero#3"}}\n`)}`;
    const config = await writeJobFile(dir, text);
    const run = await runCli(['run', '--config', config, ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    const m = await run.manifest();
    const [hero] = byPrompt(e, 'hero bottle');
    expect(hero!.outputs).toHaveLength(2);
    expect(byPrompt(e, 'slow orbit')[0]!.body['image']).toBe(hero!.outputs[1]);
    expect(m.results[1]!.status).toBe('success');
    expect(m.results[3]).toMatchObject({ status: 'skipped', error_kind: 'dependency' });
    expect(m.results[3]!.error).toMatch(
      /^dependency failed: Hero \(success, but it made 2 outputs and this job takes #3\)$/,
    );
    expect(byPrompt(e, 'third frame')).toHaveLength(0);
  });

  it('refuses unknown names (with a suggestion), a job taking its own output and cycles, each at its line, before any paid call', async () => {
    const e = await emulator();
    const dir = await tempDir();
    const config = await writeJobFile(
      dir,
      [
        'jobs:',
        '  - name: Product Hero', //                                            2
        `    model: ${IMG}`,
        '    prompt: p',
        '  - name: Clip', //                                                    5
        `    model: ${I2V}`,
        '    prompt: q',
        '    params: {image: {from: "Product Hro"}}', //                         8
        '  - name: Selfie',
        `    model: ${I2V}`,
        '    prompt: r',
        '    params:',
        '      image: {from: Selfie}', //                                       13
        '  - name: A',
        `    model: ${I2V}`,
        '    prompt: s',
        '    params: {image: {from: B}}', //                                    17
        '  - name: B',
        `    model: ${I2V}`,
        '    prompt: t',
        '    params: {image: {from: "A#1"}}', //                                21
        '  - name: Zero',
        `    model: ${I2V}`,
        '    prompt: u',
        '    params: {image: {from: "Product Hero#0"}, end: {from: "Product Hero#last"}}', // 25
        '',
      ].join('\n'),
    );
    const run = await runCli(['run', '--config', config, ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code).toBe(2);
    expect(run.output).toMatch(
      /jobs\.yml:8:\d+: jobs\[1\]\.params\.image\.from: unknown job "Product Hro" in from: \(did you mean "Product Hero"\?\)/,
    );
    expect(run.output).toMatch(/jobs\.yml:13:\d+: jobs\[2\]\.params\.image\.from: the job takes its own output/);
    expect(run.output).toMatch(/jobs\.yml:17:\d+: jobs\[3\]\.params\.image\.from: chain cycle: "A" → "B" → "A"/);
    expect(run.output).toMatch(
      /jobs\.yml:25:\d+: jobs\[5\]\.params\.image\.from: #0 is not an output: outputs count from 1/,
    );
    expect(run.output).toMatch(/jobs\.yml:25:\d+: jobs\[5\]\.params\.end\.from: "#last" is not an output number/);
    expect(e.stats().submitsReceived + e.stats().uploads).toBe(0);
  });

  it('a cached input from an earlier run is uploaded again (its URL has likely expired) and that URL is sent', async () => {
    const e = await emulator();
    const dir = await tempDir();
    const out = join(dir, 'out');
    const first = await runCli(['run', '--config', await writeJobFile(dir, chainFile()), ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: out,
    });
    expect(first.code, first.output).toBe(0);
    // Same hero, another clip: the hero is reused from disk, the clip is new.
    const second = await runCli(
      ['run', '--config', await writeJobFile(dir, chainFile('', 'Hero', 'fast zoom')), ...FAST_POLL],
      { baseUrl: e.url, outputDir: out },
    );
    expect(second.code, second.output).toBe(0);
    const m = await second.manifest();
    expect(m.results.map((r) => r.status)).toEqual(['cached', 'success', 'cached']);
    expect(e.stats().uploads).toBe(1);
    const sent = byPrompt(e, 'fast zoom')[0]!.body['image'] as string;
    expect(sent.startsWith(`${e.origin}/uploads/`)).toBe(true);
    // What was uploaded is the hero's file on disk.
    const uploaded = new Uint8Array(await (await fetch(sent)).arrayBuffer());
    expect(sha256(uploaded)).toBe(sha256(await readFile(join(out, m.results[0]!.local_path!))));
    expect(e.stats().createdByPrompt['hero bottle']).toBe(1);
  });

  it('an output that came as a data: URI is uploaded and its URL sent', async () => {
    const e = await emulator({ dialect: 'data-uri' });
    const dir = await tempDir();
    const run = await runCli(['run', '--config', await writeJobFile(dir, chainFile()), ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    expect(e.stats().uploads).toBe(1);
    expect(String(byPrompt(e, 'slow orbit')[0]!.body['image']).startsWith(`${e.origin}/uploads/`)).toBe(true);
  });

  it('a jobs filter that selects a chained job also runs the job it takes its input from, and says so', async () => {
    const e = await emulator();
    const dir = await tempDir();
    const config = await writeJobFile(dir, chainFile());
    const run = await runCli(['run', '--config', config, '--jobs', 'Clip', ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    expect((await run.manifest()).results.map((r) => r.name)).toEqual(['Hero', 'Clip']);
    expect(run.output).toMatch(/running it too: "Hero" \(input of "Clip"\)/);
    expect(e.stats().predictionsCreated).toBe(2);
  });
});

describe('chained jobs: plan', () => {
  const plan = (text: string) => {
    const { jobFile, jobLines } = parseJobFile(text, 'f.yml');
    return planJobs(jobFile, { jobLines });
  };

  it("keys a dependent's identity to its dependency's: another hero prompt changes the clip too", () => {
    const a = plan(chainFile());
    const b = plan(chainFile().replace('hero bottle', 'hero jar'));
    expect(a[1]!.inputs).toEqual([{ path: ['image'], job: 'Hero', output: 1 }]);
    expect(b[0]!.identity).not.toBe(a[0]!.identity);
    expect(b[1]!.identity).not.toBe(a[1]!.identity);
    expect(b[2]!.identity).toBe(a[2]!.identity);
    // Deterministic, and independent of the order of the file (dependencies are identified first).
    expect(plan(chainFile())[1]!.identity).toBe(a[1]!.identity);
    const reordered = `jobs:\n${job('Clip', I2V, 'slow orbit', '    duration: 5\n    params: {image: {from: "Hero"}}\n')}${job('Hero', IMG, 'hero bottle')}`;
    expect(plan(reordered)[0]!.identity).toBe(a[1]!.identity);
    // #2 is another input than #1.
    expect(plan(chainFile('', 'Hero#2'))[1]!.identity).not.toBe(a[1]!.identity);
  });

  it('uses the expanded names: a matrix of clips each takes its own hero, at any depth of a parameter', () => {
    const jobs = plan(
      `jobs:\n  - name: Hero \${p}\n    model: ${IMG}\n    prompt: a \${p}\n    matrix: {p: [mug, tee]}\n  - name: Clip \${p}\n    model: ${I2V}\n    prompt: orbit\n    matrix: {p: [mug, tee]}\n    params: {refs: [{url: {from: "Hero \${p}"}}], style: {from_color: red}}\n`,
    );
    expect(jobs.map((j) => j.name)).toEqual(['Hero mug', 'Hero tee', 'Clip mug', 'Clip tee']);
    expect(jobs[2]!.inputs).toEqual([{ path: ['refs', 0, 'url'], job: 'Hero mug', output: 1 }]);
    expect(jobs[3]!.inputs).toEqual([{ path: ['refs', 0, 'url'], job: 'Hero tee', output: 1 }]);
    // Bodies equal as written, different inputs: different generations.
    expect(jobs[2]!.identity).not.toBe(jobs[3]!.identity);
    // Other mappings pass through untouched.
    expect(jobs[2]!.body['style']).toEqual({ from_color: 'red' });
  });

  it('filters add dependencies transitively; shards keep a chain together', () => {
    const jobs = plan(
      `jobs:\n${job('A', IMG, 'a')}${job('B', I2V, 'b', '    params: {image: {from: A}}\n')}${job('C', I2V, 'c', '    params: {image: {from: B}}\n')}${Array.from({ length: 12 }, (_, i) => job(`x${i}`, IMG, `x ${i}`)).join('')}`,
    );
    const picked = withDependencies(jobs, filterJobs(jobs, ['C']));
    expect(picked.jobs.map((j) => j.name)).toEqual(['A', 'B', 'C']);
    expect(picked.added).toEqual([
      { name: 'B', neededBy: 'C' },
      { name: 'A', neededBy: 'B' },
    ]);
    for (const total of [2, 3, 5]) {
      const parts = partition(jobs, total);
      const shardOf = (name: string) => parts.findIndex((p) => p.some((i) => jobs[i]!.name === name));
      expect(shardOf('B'), `${total} shards`).toBe(shardOf('A'));
      expect(shardOf('C'), `${total} shards`).toBe(shardOf('A'));
      expect(parts.flat().sort((x, y) => x - y)).toEqual(jobs.map((_, i) => i));
    }
  });
});
