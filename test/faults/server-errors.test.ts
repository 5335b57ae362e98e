// Fault class: 5xx on submit, poll and download.
// Submit: 503 is a refusal and is resent; 500/502/504 may have created the prediction, so the job is
// `unknown` and never resent (not even by a re-run). Poll and download are free to repeat.
import { describe, expect, it } from 'vitest';
import { assertInvariants, jobFile } from './invariants.js';
import { emulators, workspace } from './harness.js';

const emulator = emulators();
const pair = jobFile([
  { name: 'fragile', prompt: 'fragile vase' },
  { name: 'sturdy', prompt: 'sturdy chair' },
]);

describe('5xx on submit', () => {
  it('503 twice: resent, created once, downloaded', async () => {
    const emu = await emulator({ faults: [{ op: 'submit', kind: 'status', status: 503, times: 2 }] });
    const ws = await workspace(emu, jobFile([{ name: 'busy', prompt: 'busy upstream' }]));
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]).toMatchObject({ status: 'success', attempts: { submits: 3 } });
    expect(emu.stats().createdByPrompt['busy upstream']).toBe(1);
  });

  it.each([500, 502, 504])(
    '%i after the server created the prediction: unknown, created once, never resent, not even by a re-run',
    async (status) => {
      const emu = await emulator({
        faults: [{ op: 'submit', kind: 'status', status, created: true, match: 'fragile' }],
      });
      const ws = await workspace(emu, pair);
      const first = await ws.run();
      const { manifest } = await assertInvariants(emu, first, { exitCode: 1 });
      expect(manifest.results.map((r) => r.status)).toEqual(['unknown', 'success']);
      expect(manifest.results[0]).toMatchObject({ error_kind: 'unknown-fate', attempts: { submits: 1 } });
      expect(manifest.results[0]!.error).toMatch(new RegExp(`HTTP ${status}.*not resent`));
      expect(emu.stats().createdByPrompt['fragile vase']).toBe(1);
      const sent = emu.stats().submitsReceived;

      const second = await ws.run();
      const again = await assertInvariants(emu, second, { exitCode: 1 });
      expect(again.manifest.results.map((r) => r.status)).toEqual(['unknown', 'cached']);
      expect(emu.stats().submitsReceived).toBe(sent);
    },
  );

  it('500 without creating anything: still unknown (the client cannot tell) and not resent', async () => {
    const emu = await emulator({ faults: [{ op: 'submit', kind: 'status', status: 500, match: 'fragile' }] });
    const ws = await workspace(emu, pair);
    const run = await ws.run(['--fail-on', 'never']);
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]!.status).toBe('unknown');
    expect(emu.stats().createdByPrompt['fragile vase']).toBeUndefined();
    expect(emu.stats().submitsReceived).toBe(2);
  });

  it('retry-unknown-submits: true (opted in) resends after a 502 and may pay twice', async () => {
    const emu = await emulator({
      faults: [{ op: 'submit', kind: 'status', status: 502, created: true, match: 'fragile' }],
    });
    const ws = await workspace(emu, pair);
    const run = await ws.run(['--retry-unknown-submits']);
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0, allowResubmit: true });
    expect(manifest.results.map((r) => r.status)).toEqual(['success', 'success']);
    expect(emu.stats().createdByPrompt['fragile vase']).toBe(2);
  });
});

describe('5xx on poll', () => {
  it.each([500, 502, 503, 504])('%i on a poll: polled again, the job finishes', async (status) => {
    const emu = await emulator({ faults: [{ op: 'poll', kind: 'status', status }] });
    const ws = await workspace(emu, jobFile([{ name: 'p', prompt: `poll ${status}` }]));
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]!.status).toBe('success');
    expect(emu.stats().faultsFired).toHaveLength(1);
  });
});

describe('5xx on download', () => {
  it('500, 502, 503 on one output: retried until it arrives', async () => {
    const emu = await emulator({
      faults: [
        { op: 'download', kind: 'status', status: 500 },
        { op: 'download', kind: 'status', status: 502 },
        { op: 'download', kind: 'status', status: 503, retryAfter: 0 },
      ],
    });
    const ws = await workspace(
      emu,
      jobFile([{ name: 'dl', prompt: 'download 5xx', extra: ['params: { num_images: 2 }'] }]),
    );
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]!.status).toBe('success');
    expect(manifest.results[0]!.outputs).toHaveLength(2);
    expect(emu.stats().downloads).toBe(2 + 3);
  });
});
