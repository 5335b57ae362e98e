// Fault class: 429 storms, with and without Retry-After, on submit and on poll.
// A 429 is a refusal (nothing created), so a submit is resent; a poll is free to repeat.
import { describe, expect, it } from 'vitest';
import { assertInvariants, jobFile } from './invariants.js';
import { emulators, workspace } from './harness.js';

const emulator = emulators();
const three = jobFile([
  { name: 'a', prompt: 'storm a' },
  { name: 'b', prompt: 'storm b' },
  { name: 'c', prompt: 'storm c' },
]);

describe('429 storms', () => {
  it('submit 429s without Retry-After: backs off and resends, each job created once and downloaded', async () => {
    const emu = await emulator({ faults: [{ op: 'submit', kind: 'status', status: 429, times: 4 }] });
    const ws = await workspace(emu, three);
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(emu.stats().rateLimited).toBe(4);
    expect(emu.stats().submitsReceived).toBe(3 + 4);
    expect(manifest.results.reduce((s, r) => s + r.attempts.submits, 0)).toBe(3 + 4);
  });

  it('an account concurrency limit (429 on every submit beyond 1 running): all jobs end created once', async () => {
    // Held until the limit has answered a 429: under load the jobs could otherwise run one after another.
    const emu = await emulator({ accountConcurrency: 1, holdUntilRateLimited: 1 });
    const ws = await workspace(
      emu,
      jobFile(
        [1, 2, 3, 4].map((i) => ({ name: `j${i}`, prompt: `limited ${i}` })),
        ['max_workers: 4'],
      ),
    );
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.successful).toBe(4);
    expect(emu.stats().rateLimited).toBeGreaterThan(0);
    expect(emu.stats().predictionsCreated).toBe(4);
  });

  it('a submit 429 with Retry-After: 1 is honoured (waits at least 1 s; the backoff alone would be at most 0.5 s)', async () => {
    const emu = await emulator({ faults: [{ op: 'submit', kind: 'status', status: 429, retryAfter: 1 }] });
    const ws = await workspace(emu, jobFile([{ name: 'patient', prompt: 'wait for me' }]));
    const t0 = Date.now();
    const run = await ws.run();
    const elapsed = Date.now() - t0;
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]).toMatchObject({ status: 'success', attempts: { submits: 2 } });
    expect(elapsed).toBeGreaterThanOrEqual(990);
  });

  it('poll 429s without Retry-After: backs off and finishes', async () => {
    const emu = await emulator({ faults: [{ op: 'poll', kind: 'status', status: 429, times: 2 }] });
    const ws = await workspace(emu, jobFile([{ name: 'polled', prompt: 'poll storm' }]));
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]!.status).toBe('success');
    expect(emu.stats().faultsFired.filter((f) => f.op === 'poll')).toHaveLength(2);
  });

  it("a poll storm longer than one call's 5 attempts (12 × 429, Retry-After: 0): the engine keeps polling and finishes", async () => {
    const emu = await emulator({ faults: [{ op: 'poll', kind: 'status', status: 429, retryAfter: 0, times: 12 }] });
    const ws = await workspace(emu, jobFile([{ name: 'polled', prompt: 'long storm' }]));
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]!.status).toBe('success');
    expect(emu.stats().faultsFired.filter((f) => f.op === 'poll')).toHaveLength(12);
    expect(manifest.results[0]!.attempts.polls).toBeGreaterThanOrEqual(3);
  });

  it('a poll 429 with Retry-After: 1 is honoured (at least 1 s), then the job finishes', async () => {
    const emu = await emulator({ faults: [{ op: 'poll', kind: 'status', status: 429, retryAfter: '1' }] });
    const ws = await workspace(emu, jobFile([{ name: 'polled', prompt: 'poll wait' }]));
    const t0 = Date.now();
    const run = await ws.run();
    const elapsed = Date.now() - t0;
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]!.status).toBe('success');
    expect(elapsed).toBeGreaterThanOrEqual(990);
  });
});
