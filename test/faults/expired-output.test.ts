// Fault class: an output URL that 404s or has expired (403). The job fails, its URL and prediction id stay
// in the manifest (the user may still fetch it), an expired URL is not retried.
import { describe, expect, it } from 'vitest';
import { assertInvariants, jobFile } from './invariants.js';
import { emulators, workspace } from './harness.js';

const emulator = emulators();
const pair = jobFile([
  { name: 'gone', prompt: 'gone output' },
  { name: 'kept', prompt: 'kept output' },
]);

describe('output URL that 404s or expires', () => {
  it('404 on every try: a few retries, then failed with the URL kept', async () => {
    const emu = await emulator({
      faults: [{ op: 'download', kind: 'status', status: 404, match: 'gone', times: Infinity }],
    });
    const ws = await workspace(emu, pair);
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 1 });
    expect(manifest.results[0]).toMatchObject({ status: 'failed', error_kind: 'download' });
    expect(manifest.results[0]!.outputs[0]!.error).toMatch(/404/);
    expect(manifest.results[0]!.output_url).toBe(
      emu.stats().predictions.find((p) => p.prompt === 'gone output')!.outputs[0],
    );
    expect(manifest.results[1]!.status).toBe('success');
    expect(emu.stats().faultsFired.length).toBeLessThanOrEqual(3);
  });

  it('expired at once (outputTtlSeconds: 0, object storage answers 403 "Request has expired"): failed, not retried, URL kept; fail-on never exits 0', async () => {
    const emu = await emulator({ outputTtlSeconds: 0 });
    const ws = await workspace(emu, pair);
    const run = await ws.run(['--fail-on', 'never']);
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    for (const r of manifest.results) {
      expect(r).toMatchObject({ status: 'failed', error_kind: 'download' });
      expect(r.outputs[0]!.error).toMatch(/403.*expired/);
      expect(r.output_url).toBeTruthy();
    }
    expect(emu.stats().downloads).toBe(2);
  });

  it('a 403 fault on one download: failed with the URL, the rest succeed; fail-on all exits 0 when something succeeded', async () => {
    const emu = await emulator({ faults: [{ op: 'download', kind: 'status', status: 403, match: 'gone' }] });
    const ws = await workspace(emu, pair);
    const run = await ws.run(['--fail-on', 'all']);
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results.map((r) => r.status)).toEqual(['failed', 'success']);
    expect(manifest.results[0]!.output_url).toBeTruthy();
  });
});
