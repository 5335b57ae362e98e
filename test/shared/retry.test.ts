// The one retry policy: the wait rule, the attempt count, the abort, and the bounded task queue.
import { describe, expect, it } from 'vitest';
import { retryDelay, withRetries, type Attempt } from '../../src/shared/retry.js';
import { createTaskQueue } from '../../src/shared/task-queue.js';

const policy = { maxAttempts: 3, baseMs: 100, capMs: 1_000, retryAfterCapMs: 5_000, random: () => 1 };

describe('retryDelay: one Retry-After rule', () => {
  it("waits the server's Retry-After up to its cap, else backs off exponentially up to capMs", () => {
    expect(retryDelay(policy, 1, 2_000)).toBe(2_000);
    expect(retryDelay(policy, 1, 60_000)).toBe(5_000);
    expect(retryDelay(policy, 1, 0)).toBe(0);
    expect([1, 2, 3, 9].map((n) => retryDelay(policy, n))).toEqual([100, 200, 400, 1_000]);
    expect(retryDelay({ ...policy, random: () => 0 }, 2)).toBe(100);
  });
});

describe('withRetries', () => {
  const fast = { ...policy, baseMs: 1, capMs: 1 };

  it('retries what is worth retrying, up to maxAttempts, and reports the last failure', async () => {
    let n = 0;
    const out = await withRetries(
      async (): Promise<Attempt<number, string>> => ({ error: `e${++n}`, retry: true }),
      fast,
    );
    expect(out).toEqual({ ok: false, error: 'e3', attempts: 3, retried: true, aborted: false });
  });

  it('stops at a failure not worth retrying, and returns a value as soon as there is one', async () => {
    const stop = await withRetries(async (): Promise<Attempt<number, string>> => ({ error: 'no', retry: false }), fast);
    expect(stop).toMatchObject({ ok: false, attempts: 1, retried: false });
    let n = 0;
    const ok = await withRetries(
      async (): Promise<Attempt<number, string>> => (++n < 2 ? { error: 'x', retry: true } : { value: 42 }),
      fast,
    );
    expect(ok).toEqual({ ok: true, value: 42, attempts: 2 });
  });

  it('an abort during the wait ends it at once', async () => {
    const ac = new AbortController();
    const out = withRetries(
      async (): Promise<Attempt<number, string>> => {
        setImmediate(() => ac.abort());
        return { error: 'busy', retry: true, retryAfterMs: 3_600_000 };
      },
      { ...policy, retryAfterCapMs: 3_600_000 },
      ac.signal,
    );
    expect(await out).toMatchObject({ ok: false, aborted: true, attempts: 1 });
  });
});

describe('createTaskQueue', () => {
  it('runs at most `concurrency` tasks at once, in order, and idle() waits for all', async () => {
    const q = createTaskQueue(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    for (let i = 0; i < 5; i++)
      q.push(async () => {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await new Promise<void>((r) => gates.push(r));
        running--;
      });
    expect(order).toEqual([0, 1]);
    while (gates.length) {
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await q.idle();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });
});
