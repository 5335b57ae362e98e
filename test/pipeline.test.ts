// The whole pipeline through the CLI, against the emulator over real HTTP: what a user sees
// on disk, in the manifest and in the exit code.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, readdir, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from './emulator/server.js';
import { FAST_POLL, runCli, tempDir, writeJobFile } from './support/run-cli.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function emulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ timeScale: 1000, ...opts });
  return emu;
}

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

const IMG = 'black-forest-labs/flux-2-pro/text-to-image';
const VID = 'bytedance/seedance-v1.5-pro/text-to-video';

describe('pipeline', () => {
  it("runs the tutorial's pipeline_config.yaml unchanged: every file on disk, manifest with the tutorial's fields", async () => {
    const e = await emulator();
    const dir = await tempDir();
    const config = join(dir, 'pipeline_config.yaml');
    await copyFile(new URL('../examples/pipeline_config.yaml', import.meta.url), config);
    const run = await runCli(['run', '--config', config, ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    const m = await run.manifest();
    expect(m.total_jobs).toBe(m.results.length);
    expect(m.successful).toBe(m.total_jobs);
    expect(m.failed).toBe(0);
    expect(m.total_cost).toBeGreaterThan(0);
    for (const r of m.results) {
      // The tutorial's fields, then ours.
      for (const k of [
        'name',
        'model',
        'type',
        'status',
        'output_url',
        'local_path',
        'cost',
        'generation_time',
        'error',
      ])
        expect(r).toHaveProperty(k);
      expect(r.status).toBe('success');
      expect(r.prediction_id).toBeTruthy();
      const file = join(run.outputDir, r.local_path!);
      expect(r.local_path).toMatch(r.type === 'image' ? /^images\/.+\.png$/ : /^videos\/.+\.mp4$/);
      expect(await sha256(file)).toBe(r.outputs[0]!.sha256);
      const head = (await readFile(file)).subarray(0, 12);
      if (r.type === 'image') expect(head.subarray(0, 4).toString('hex')).toBe('89504e47');
      else expect(head.subarray(4, 8).toString('latin1')).toBe('ftyp');
    }
    expect(await readdir(join(run.outputDir))).toEqual(
      expect.arrayContaining(['images', 'videos', 'manifest.json', 'report.md', 'index.html']),
    );
    expect(run.output).toContain('manifest: ');
    // Each job submitted exactly once, with our User-Agent and never a Referer.
    expect(Object.values(e.stats().createdByPrompt).every((n) => n === 1)).toBe(true);
    expect(e.stats().userAgents.every((ua) => ua.startsWith('atlas-media-action/'))).toBe(true);
    expect(e.stats().referers).toBe(0);
  });

  it('names several outputs name-1, name-2 and keeps each hash', async () => {
    const e = await emulator();
    const dir = await tempDir();
    const config = await writeJobFile(
      dir,
      `jobs:\n  - name: Product Hero\n    model: ${IMG}\n    prompt: a bottle\n    params: { num_images: 3 }\n`,
    );
    const run = await runCli(['run', '--config', config, ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    const m = await run.manifest();
    expect(m.results[0]!.outputs.map((o) => o.path)).toEqual([
      'images/product-hero-1.png',
      'images/product-hero-2.png',
      'images/product-hero-3.png',
    ]);
    expect(m.results[0]!.cost).toBeCloseTo(0.12);
    for (const o of m.results[0]!.outputs) expect(await sha256(join(run.outputDir, o.path!))).toBe(o.sha256);
  });

  it('never resends a submit the server received (HTTP 500 after creating): the job is unknown, created once, and a re-run does not pay again', async () => {
    const e = await emulator({
      faults: [{ op: 'submit', kind: 'status', status: 500, created: true, match: 'fragile' }],
    });
    const dir = await tempDir();
    const config = await writeJobFile(
      dir,
      `jobs:\n  - name: fragile\n    model: ${IMG}\n    prompt: a fragile vase\n  - name: sturdy\n    model: ${IMG}\n    prompt: a sturdy chair\n`,
    );
    const out = join(dir, 'out');
    const first = await runCli(['run', '--config', config, ...FAST_POLL], { baseUrl: e.url, outputDir: out });
    expect(first.code).toBe(1);
    const m = await first.manifest();
    expect(m.results.map((r) => r.status)).toEqual(['unknown', 'success']);
    expect(m.results[0]!.error).toMatch(/not resent/);
    expect(e.stats().createdByPrompt['a fragile vase']).toBe(1);

    const second = await runCli(['run', '--config', config, ...FAST_POLL], { baseUrl: e.url, outputDir: out });
    const m2 = await second.manifest();
    expect(m2.results.map((r) => r.status)).toEqual(['unknown', 'cached']);
    expect(e.stats().createdByPrompt['a fragile vase']).toBe(1);
    // The sturdy job's output was reused from the journal: still one prediction, the file kept, nothing paid.
    expect(e.stats().createdByPrompt['a sturdy chair']).toBe(1);
  });

  it('stops submitting when Atlas says the account is out of credit, finishes what is in flight, and fails the run', async () => {
    const e = await emulator({
      faults: [
        { op: 'submit', kind: 'status', status: 402, message: 'insufficient balance', skip: 2, times: Infinity },
      ],
    });
    const dir = await tempDir();
    const jobs = Array.from(
      { length: 6 },
      (_, i) => `  - name: job ${i}\n    model: ${IMG}\n    prompt: prompt ${i}\n`,
    ).join('');
    const config = await writeJobFile(dir, `max_workers: 1\njobs:\n${jobs}`);
    const run = await runCli(['run', '--config', config, ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code).toBe(1);
    const m = await run.manifest();
    expect(m.results.map((r) => r.status)).toEqual(['success', 'success', 'failed', 'skipped', 'skipped', 'skipped']);
    expect(m.results[2]!.error_kind).toBe('credit');
    expect(m.run.stopped).toMatch(/credit/);
    // One refused submit, then nothing more was sent.
    expect(e.stats().submitsReceived).toBe(3);
  });

  it('refuses a bad job file with every problem and its line, before any paid call', async () => {
    const e = await emulator();
    const dir = await tempDir();
    const config = await writeJobFile(
      dir,
      [
        'jobs:',
        '  - name: a',
        `    model: ${IMG}`,
        '    prompt: x',
        '    widht: 10',
        '  - name: a',
        `    model: ${IMG}`,
        '    prompt: y',
        '  - name: c',
        '    prompt: z',
        '',
      ].join('\n'),
    );
    const run = await runCli(['run', '--config', config, ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/jobs\.yml:5:\d+: .*widht.*width/);
    expect(run.output).toMatch(/jobs\.yml:6:\d+: .*duplicate/i);
    expect(run.output).toMatch(/jobs\.yml:9:\d+: .*model/);
    expect(e.stats().submitsReceived).toBe(0);
  });

  it('dry run prints the plan and the estimate and calls nothing', async () => {
    const e = await emulator();
    const dir = await tempDir();
    const config = await writeJobFile(
      dir,
      `jobs:\n  - name: still\n    model: ${IMG}\n    prompt: p\n  - name: clip\n    model: ${VID}\n    prompt: q\n    duration: 5\n  - name: mystery\n    model: acme/new-model/text-to-image\n    prompt: r\n`,
    );
    const run = await runCli(['plan', '--config', config], { baseUrl: e.url, outputDir: join(dir, 'out'), apiKey: '' });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('$0.04');
    expect(run.output).toContain('$0.11');
    expect(run.output).toMatch(/assumed 0\.05 USD per image/);
    expect(run.output).toMatch(/Estimated total: \$0\.20/);
    expect(e.stats().submitsReceived + e.stats().polls).toBe(0);
  });

  it('runs only the jobs the filter names', async () => {
    const e = await emulator();
    const dir = await tempDir();
    const config = await writeJobFile(
      dir,
      `jobs:\n  - name: hero-a\n    model: ${IMG}\n    prompt: a\n  - name: hero-b\n    model: ${IMG}\n    prompt: b\n  - name: banner\n    model: ${IMG}\n    prompt: c\n`,
    );
    const run = await runCli(['run', '--config', config, '--jobs', 'hero-*', ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    expect((await run.manifest()).results.map((r) => r.name)).toEqual(['hero-a', 'hero-b']);
    expect(e.stats().predictionsCreated).toBe(2);
  });

  it('refuses a plan over max-cost with the breakdown, and skips jobs that would cross it while running', async () => {
    const e = await emulator();
    const dir = await tempDir();
    const config = await writeJobFile(
      dir,
      `jobs:\n  - name: a\n    model: ${IMG}\n    prompt: a\n  - name: b\n    model: ${IMG}\n    prompt: b\n`,
    );
    const refused = await runCli(['run', '--config', config, '--max-cost', '0.05', ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/estimated cost \$0\.08 exceeds max-cost \$0\.05/);
    expect(e.stats().submitsReceived).toBe(0);
  });

  it('fail-on decides the exit code; everything done is kept', async () => {
    const e = await emulator({
      faults: [{ op: 'submit', kind: 'status', status: 422, message: 'bad size', match: 'broken', times: Infinity }],
    });
    const dir = await tempDir();
    const config = await writeJobFile(
      dir,
      `jobs:\n  - name: ok\n    model: ${IMG}\n    prompt: fine\n  - name: bad\n    model: ${IMG}\n    prompt: broken\n`,
    );
    const any = await runCli(['run', '--config', config, ...FAST_POLL], { baseUrl: e.url, outputDir: join(dir, 'o1') });
    expect(any.code).toBe(1);
    const never = await runCli(['run', '--config', config, '--fail-on', 'never', ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'o2'),
    });
    expect(never.code).toBe(0);
    const all = await runCli(['run', '--config', config, '--fail-on', 'all', ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'o3'),
    });
    expect(all.code).toBe(0);
    const m = await all.manifest();
    expect(m.results[1]).toMatchObject({ status: 'failed', error_kind: 'bad-request' });
    expect(m.results[1]!.error).toMatch(/bad size/);
  });

  it('downloads a large video streamed to disk with the exact bytes', async () => {
    const e = await emulator({ videoBytes: 64 * 1024 * 1024 });
    const dir = await tempDir();
    const config = await writeJobFile(
      dir,
      `jobs:\n  - name: long take\n    model: ${VID}\n    prompt: big\n    duration: 5\n`,
    );
    const run = await runCli(['run', '--config', config, ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    const r = (await run.manifest()).results[0]!;
    expect(r.outputs[0]!.bytes).toBe(64 * 1024 * 1024);
    expect(await sha256(join(run.outputDir, r.local_path!))).toBe(r.outputs[0]!.sha256);
  });
});
