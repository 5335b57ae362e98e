// Fault class: a download that ends before its Content-Length.
import { describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assertInvariants, jobFile } from './invariants.js';
import { emulators, workspace } from './harness.js';

const emulator = emulators();

describe('truncated download (fewer bytes than Content-Length)', () => {
  it('once: retried to success with the right hash', async () => {
    const emu = await emulator({ faults: [{ op: 'download', kind: 'truncate', bytes: 100 }] });
    const ws = await workspace(emu, jobFile([{ name: 'short', prompt: 'short once' }]));
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]!.status).toBe('success');
    expect(emu.stats().faultsFired).toEqual([{ op: 'download', kind: 'truncate' }]);
  });

  it('always: the job fails with its output URL and prediction id in the manifest, no partial file on disk, the other job is kept', async () => {
    const emu = await emulator({
      faults: [{ op: 'download', kind: 'truncate', bytes: 100, match: 'always short', times: Infinity }],
    });
    const ws = await workspace(
      emu,
      jobFile([
        { name: 'short', prompt: 'always short' },
        { name: 'whole', prompt: 'whole file' },
      ]),
    );
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 1 });
    const [short, whole] = manifest.results;
    expect(whole!.status).toBe('success');
    expect(short).toMatchObject({ status: 'failed', error_kind: 'download', local_path: null });
    expect(short!.prediction_id).toBeTruthy();
    expect(short!.output_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//);
    expect(short!.outputs[0]!.error).toMatch(/closed before the body ended|got 100 bytes|truncat/i);
    expect(short!.cost).toBeGreaterThan(0); // paid for, and the manifest says so
    expect((await readdir(join(ws.out, 'images'))).sort()).toEqual(['whole.png']);
  });
});
