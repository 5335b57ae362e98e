// The one home of retrying: the Retry-After header read one way, jittered backoff, the one rule
// that picks the wait, an abort-aware sleep, and `withRetries`, the loop every caller shares (the
// Atlas client, output downloads, webhooks; the engine's 429 requeue uses the same wait rule).
// Each caller keeps its own classification: it says, per attempt, whether the failure is worth
// another try and what Retry-After the server sent.
import { setTimeout as delay } from 'node:timers/promises';

/** Sleep ms, rejecting with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
}

/** Jittered exponential backoff: a random wait in [ceiling/2, ceiling], ceiling = min(cap, base * 2^attempt). */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(
  header: string | string[] | undefined | null,
  now: number = Date.now(),
): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (typeof raw !== 'string') return undefined;
  const v = raw.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const ms = Math.round(Number(v) * 1000);
    return Number.isFinite(ms) ? ms : undefined;
  }
  // An HTTP date must name a day or month; Date.parse accepts too much otherwise ("1", "-5").
  if (!/[a-z]{3}/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, at - now);
}

export interface RetryPolicy {
  /** Every send counts, the first included. */
  maxAttempts: number;
  /** Backoff grows from baseMs, doubling, up to capMs. */
  baseMs: number;
  capMs: number;
  /** The longest Retry-After honoured; a longer one is cut to this. */
  retryAfterCapMs: number;
  random?: () => number;
}

/**
 * The one Retry-After rule: when the server said how long to wait, wait that long (at most
 * retryAfterCapMs); otherwise back off with jitter. `failures` counts the attempts failed so far.
 */
export function retryDelay(policy: RetryPolicy, failures: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), policy.retryAfterCapMs);
  return backoffMs(Math.max(0, failures - 1), policy.baseMs, policy.capMs, policy.random);
}

/** One attempt's answer: a value, or a failure with whether it is worth another try. */
export type Attempt<T, E> = { value: T } | { error: E; retry: boolean; retryAfterMs?: number };

export type RetryOutcome<T, E> =
  | { ok: true; value: T; attempts: number }
  /** `aborted`: the signal fired while waiting to retry (`error` is the failure before it). */
  | { ok: false; error: E; attempts: number; retried: boolean; aborted: boolean };

/**
 * Call `attempt` until it yields a value, a failure not worth retrying, or maxAttempts sends;
 * between attempts wait by `retryDelay`, ending the wait when `signal` aborts. Never throws
 * what `attempt` does not throw: the caller shapes the final error from the outcome.
 */
export async function withRetries<T, E>(
  attempt: (n: number) => Promise<Attempt<T, E>>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<RetryOutcome<T, E>> {
  const max = Math.max(1, Math.floor(policy.maxAttempts));
  for (let n = 1; ; n++) {
    const a = await attempt(n);
    if ('value' in a) return { ok: true, value: a.value, attempts: n };
    if (!a.retry || n >= max) return { ok: false, error: a.error, attempts: n, retried: a.retry, aborted: false };
    try {
      await sleep(retryDelay(policy, n, a.retryAfterMs), signal);
    } catch {
      return { ok: false, error: a.error, attempts: n, retried: true, aborted: true };
    }
  }
}
