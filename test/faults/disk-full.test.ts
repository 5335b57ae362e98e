// Fault class: the disk fills up while an output is written. The output dir is put on a 1 MiB tmpfs
// (root on Linux only, like test/download/disk.test.ts; skipped with the reason otherwise) and the
// video is 2 MiB: the job fails "disk full" with its URL and prediction id kept, no partial file is
// left, the manifest and journal are still written; after space is freed a re-run downloads it
// without paying again.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assertInvariants, jobFile, VID } from './invariants.js';
import { emulators, workspace } from './harness.js';

const emulator = emulators();

function mountTmpfs(dir: string, size: string): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux (tmpfs)';
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return undefined;
  } catch (e) {
    return `mount -t tmpfs failed: ${(e as Error).message}`;
  }
}

describe('disk full', () => {
  it('a 2 MiB video on a 1 MiB disk: failed "disk full", URL kept, receipts written; after freeing space the re-run downloads it without a second submit', async (ctx) => {
    const videoBytes = 2 * 1024 * 1024;
    const emu = await emulator({ videoBytes });
    const ws = await workspace(
      emu,
      jobFile([
        { name: 'still', prompt: 'small still' },
        { name: 'clip', prompt: 'big clip', model: VID, extra: ['duration: 5'] },
      ]),
    );
    await mkdir(ws.out);
    const why = mountTmpfs(ws.out, '1m');
    if (why) return ctx.skip(why);
    try {
      const run = await ws.run();
      const { manifest } = await assertInvariants(emu, run, { exitCode: 1, videoBytes });
      const [still, clip] = manifest.results;
      expect(still!.status).toBe('success');
      expect(clip).toMatchObject({ status: 'failed', error_kind: 'download' });
      expect(clip!.outputs[0]!.error).toMatch(/disk full \(ENOSPC\)/);
      expect(clip!.output_url).toBeTruthy();
      expect(clip!.prediction_id).toBeTruthy();
      // Not retried: a full disk does not get emptier by asking again.
      expect(emu.stats().downloads).toBe(2);
      expect((await readdir(join(ws.out, 'videos'))).filter((f) => f.endsWith('.part'))).toEqual([]);

      execFileSync('mount', ['-o', 'remount,size=8m', ws.out], { stdio: 'ignore' });
      const again = await ws.run();
      const second = await assertInvariants(emu, again, { exitCode: 0, videoBytes });
      expect(second.manifest.results.map((r) => r.status)).toEqual(['cached', 'success']);
      expect(second.manifest.results[1]!.prediction_id).toBe(clip!.prediction_id);
      expect(emu.stats().createdByPrompt).toEqual({ 'small still': 1, 'big clip': 1 });
    } finally {
      execFileSync('umount', [ws.out], { stdio: 'ignore' });
    }
  });
});
