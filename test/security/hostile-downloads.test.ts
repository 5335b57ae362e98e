// A hostile storage or API host, through the CLI against the emulator: a download dripping a byte
// every 2 s, a body over max-download-mb, a prediction listing 100,000 outputs, and output "files"
// that are not media (HTML, JSON, SVG with script). Each ends the job with a clear error, keeps the
// prediction id and URL, writes no partial or foreign file, and holds the run's invariants.
import { describe, expect, it } from 'vitest';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertInvariants, IMG, jobFile, VID } from '../faults/invariants.js';
import { emulators, workspace } from '../faults/harness.js';
import { runAction } from '../support/action-env.js';
import { tempDir } from '../support/run-cli.js';

const emulator = emulators();

async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
}

describe('bounded downloads', () => {
  it('a host dripping a byte every 2 s: the job ends within its timeout, failed, prediction id and URL kept', async () => {
    const emu = await emulator({ faults: [{ op: 'download', kind: 'slow', bytes: 0.5, times: Infinity }] });
    const ws = await workspace(emu, jobFile([{ name: 'drip', prompt: 'a dripping host', extra: ['timeout: 5'] }]));
    const t0 = Date.now();
    const run = await ws.run();
    const took = Date.now() - t0;
    expect(took).toBeLessThan(8_000);
    const { manifest } = await assertInvariants(emu, run, { exitCode: 1 });
    const r = manifest.results[0]!;
    const p = emu.stats().predictions[0]!;
    expect(r).toMatchObject({ status: 'failed', error_kind: 'timeout', prediction_id: p.id });
    expect(r.outputs.map((o) => o.url)).toEqual(p.outputs);
    expect(await filesUnder(join(ws.out, 'images'))).toEqual([]);
  });

  it('a body over max-download-mb (3 MiB streamed, cap 1 MB) is refused naming the cap, no partial file', async () => {
    const emu = await emulator({ videoBytes: 3 * 1024 * 1024 });
    const ws = await workspace(
      emu,
      jobFile([{ name: 'big', prompt: 'a big video', model: VID, extra: ['duration: 5'] }]),
    );
    const run = await ws.run(['--max-download-mb', '1']);
    const { manifest } = await assertInvariants(emu, run, { exitCode: 1, videoBytes: 3 * 1024 * 1024 });
    const r = manifest.results[0]!;
    expect(r).toMatchObject({ status: 'failed', error_kind: 'download' });
    expect(r.error).toContain('max-download-mb cap of 1 MB');
    expect(r.outputs[0]!.url).toBe(emu.stats().predictions[0]!.outputs[0]);
    expect(await filesUnder(join(ws.out, 'videos'))).toEqual([]);
  });
});

describe('max-download-mb', () => {
  it('is checked like every input: 0 is an input error, nothing submitted', async () => {
    const emu = await emulator();
    const ws = await workspace(emu, jobFile([{ name: 'a', prompt: 'a cat' }]));
    const run = await ws.run(['--max-download-mb', '0']);
    expect(run.code).toBe(2);
    expect(run.output).toContain('--max-download-mb: "0" is not a number of megabytes above 0');
    expect(emu.stats().submitsReceived).toBe(0);
  });
});

describe('a prediction listing 100,000 outputs', () => {
  it('fails the job bad-output: no files, a small manifest and gallery, the cost of what was asked', async () => {
    const emu = await emulator({ outputsPerPrediction: 100_000 });
    const ws = await workspace(
      emu,
      jobFile([
        { name: 'flood', prompt: 'a flood of outputs', model: IMG },
        { name: 'two', prompt: 'two images', model: IMG, extra: ['params:', '  num_images: 2'] },
      ]),
    );
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 1 });
    for (const r of manifest.results) {
      expect(r).toMatchObject({ status: 'failed', error_kind: 'bad-output' });
      expect(r.error).toMatch(/listed 100000 outputs, more than the 32 any model returns/);
      expect(r.outputs).toEqual([]);
    }
    // Cost per image × what was asked (1 and 2 at $0.04), not × 100,000.
    expect(manifest.results.map((r) => r.cost)).toEqual([0.04, 0.08]);
    expect(await filesUnder(join(ws.out, 'images'))).toEqual([]);
    expect((await stat(join(ws.out, 'manifest.json'))).size).toBeLessThan(100_000);
    expect((await stat(join(ws.out, 'index.html'))).size).toBeLessThan(100_000);
    expect((await stat(join(ws.out, '.atlas-journal.jsonl'))).size).toBeLessThan(100_000);
  });
});

describe('a body that is not media', () => {
  it.each([
    ['HTML', 'text/html', '<!doctype html><html><body>Access denied</body></html>'],
    ['JSON', 'image/png', '{"error":"quota exceeded"}'],
    [
      'SVG with script',
      'image/svg+xml',
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
    ],
    ['SVG without script', 'image/svg+xml', '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'],
    ['text', 'application/octet-stream', 'Service temporarily unavailable, try again later'],
  ])('%s served as an output fails the job bad-output, URL kept, no file', async (_what, contentType, body) => {
    const emu = await emulator({ outputBody: { contentType, body } });
    const ws = await workspace(emu, jobFile([{ name: 'fake', prompt: 'a fake image' }]));
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 1 });
    const r = manifest.results[0]!;
    expect(r).toMatchObject({ status: 'failed', error_kind: 'bad-output' });
    expect(r.error).toContain('not media');
    expect(r.outputs[0]!.url).toBe(emu.stats().predictions[0]!.outputs[0]);
    expect(await filesUnder(join(ws.out, 'images'))).toEqual([]);
  });
});

describe('a prediction listing 100,000 outputs, through the bundled action', () => {
  it('step outputs and the summary stay far under 1 MB', async () => {
    const emu = await emulator({ outputsPerPrediction: 100_000 });
    const cwd = await tempDir('atlas-sec-flood-');
    try {
      await writeFile(join(cwd, 'jobs.yml'), jobFile([{ name: 'flood', prompt: 'a flood of outputs' }]));
      const run = await runAction({
        inputs: {
          config: 'jobs.yml',
          'api-key': 'test-key',
          'base-url': emu.url,
          'output-dir': 'out',
          'poll-interval': '0.001',
          'max-poll-interval': '0.02',
          'artifact-name': '',
          comment: 'never',
          cache: 'false',
        },
        cwd,
      });
      const { manifest } = await assertInvariants(
        emu,
        { code: run.code, outputDir: join(cwd, 'out') },
        { exitCode: 1 },
      );
      expect(manifest.results[0]).toMatchObject({ status: 'failed', error_kind: 'bad-output', cost: 0.04 });
      expect(JSON.stringify(run.outputs).length).toBeLessThan(20_000);
      expect(run.summary.length).toBeLessThan(50_000);
      expect(await filesUnder(join(cwd, 'out', 'images'))).toEqual([]);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
