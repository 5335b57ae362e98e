// `concurrency: auto`: find the account's limit from 429 answers without a published figure, also
// when several processes (matrix shards) share one account.
// - Slow start doubles the window every half-window of accepted submits until the first 429; that
//   429 sets the window to what was running (for a lone client, the limit itself).
// - After that, a 429 lowers the window by one — but only once per round: a 429 for a submit sent
//   before the last cut is the same congestion seen late (TCP's once-per-RTT rule). Cutting to
//   "what was running" instead would push a shard below its fair share whenever others were busy.
// - The window probes one higher after about a window of accepted submits, waiting up to 8 windows
//   after probes that failed, so a finished shard's share is picked up by the others quickly while a
//   stable limit costs a handful of 429s.
import type { Slots } from './slots.js';

export interface ConcurrencyController {
  /** A submit was accepted (a prediction exists). */
  accepted(): void;
  /**
   * A submit was answered 429 while `running` predictions of ours were in flight. `sentInRound` is
   * the `round` read when that submit was sent.
   */
  rateLimited(running: number, retryAfterMs: number | undefined, sentInRound: number): void;
  readonly limit: number;
  /** Bumped on every cut, so late 429s from before it can be told apart. */
  readonly round: number;
}

export function fixedConcurrency(slots: Slots, limit: number): ConcurrencyController {
  slots.setLimit(limit);
  return {
    accepted() {},
    rateLimited(_running, retryAfterMs) {
      if (retryAfterMs) slots.holdUntil(Date.now() + retryAfterMs);
    },
    get limit() {
      return slots.limit;
    },
    get round() {
      return 0;
    },
  };
}

export function adaptiveConcurrency(
  slots: Slots,
  opts: { start: number; max: number; now?: () => number },
): ConcurrencyController {
  const now = opts.now ?? Date.now;
  let window = Math.max(1, Math.min(opts.start, opts.max));
  let slowStart = true;
  let successes = 0;
  let probeWait = 1; // in windows of accepted submits
  let round = 0;
  let probing = false;
  slots.setLimit(window);

  const set = (w: number) => {
    window = Math.max(1, Math.min(opts.max, w));
    successes = 0;
    slots.setLimit(window);
  };

  return {
    get limit() {
      return window;
    },
    get round() {
      return round;
    },
    accepted() {
      successes++;
      if (slowStart) {
        if (successes >= Math.max(1, Math.floor(window / 2))) set(window * 2);
        return;
      }
      if (probing && successes >= window) {
        // The last probe held: the limit is at least this high, so probe again soon.
        probing = false;
        probeWait = 1;
      }
      if (window < opts.max && successes >= window * probeWait) {
        probing = true;
        set(window + 1);
      }
    },
    rateLimited(running, retryAfterMs, sentInRound) {
      if (retryAfterMs) slots.holdUntil(now() + retryAfterMs);
      if (sentInRound < round) return;
      round++;
      if (slowStart) {
        slowStart = false;
        set(Math.min(window, Math.max(1, running)));
      } else {
        if (probing) probeWait = Math.min(8, probeWait * 2);
        set(window - 1);
      }
      probing = false;
    },
  };
}
