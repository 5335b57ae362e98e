// Fault class: the connection dies: before a reply, or in the middle of the body.
// A download or a poll is simply repeated; a submit whose request went out is `unknown`, never resent.
import { describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assertInvariants, jobFile, VID } from './invariants.js';
import { emulators, workspace } from './harness.js';

const emulator = emulators();

describe('connection reset', () => {
  it('mid-body on a video download (64 KiB of 1 MiB, then the socket dies): retried, the file is whole, no partial file left', async () => {
    const videoBytes = 1024 * 1024;
    const emu = await emulator({
      videoBytes,
      faults: [{ op: 'download', kind: 'truncate', bytes: 64 * 1024, times: 2 }],
    });
    const ws = await workspace(
      emu,
      jobFile([{ name: 'clip', prompt: 'reset clip', model: VID, extra: ['duration: 5'] }]),
    );
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0, videoBytes });
    expect(manifest.results[0]!.status).toBe('success');
    expect(manifest.results[0]!.outputs[0]!.bytes).toBe(videoBytes);
    expect(emu.stats().downloads).toBe(3);
    expect((await readdir(join(ws.out, 'videos'))).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('on a download before any reply: retried and downloaded', async () => {
    const emu = await emulator({ faults: [{ op: 'download', kind: 'reset-after-receive', times: 2 }] });
    const ws = await workspace(emu, jobFile([{ name: 'img', prompt: 'reset image' }]));
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]!.status).toBe('success');
    expect(emu.stats().downloads).toBe(3);
  });

  it('on polls: keeps polling and finishes', async () => {
    const emu = await emulator({ faults: [{ op: 'poll', kind: 'reset-after-receive', times: 2 }] });
    const ws = await workspace(emu, jobFile([{ name: 'img', prompt: 'reset poll' }]));
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]!.status).toBe('success');
  });

  it('on a submit after the server read it (and created the prediction): unknown, created once, never resent', async () => {
    const emu = await emulator({ faults: [{ op: 'submit', kind: 'reset-after-receive', match: 'lost' }] });
    const ws = await workspace(
      emu,
      jobFile([
        { name: 'lost', prompt: 'lost reply' },
        { name: 'fine', prompt: 'fine reply' },
      ]),
    );
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 1 });
    expect(manifest.results.map((r) => r.status)).toEqual(['unknown', 'success']);
    expect(emu.stats().createdByPrompt['lost reply']).toBe(1);
    expect(emu.stats().submitsReceived).toBe(2);
  });
});
