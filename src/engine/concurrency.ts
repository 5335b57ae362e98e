// `concurrency: auto`: find the account's limit from 429 answers without a published figure, also
// when several processes (matrix shards) share one account.
// - Slow start doubles the window every half-window of accepted submits until the first 429; that
//   429 sets the window to what was running (for a lone client, the limit itself).
// - After that the window remembers the largest size that held for a whole window of accepted
//   submits ("good"). A failed probe above it goes back to it, not below: at the limit, a 429 is a
//   submit racing a completion the server has not freed yet, not a reason to shrink, so the window
//   settles at the limit instead of collapsing and climbing back.
// - Only 429s in two rounds in a row without a window of accepts between them lower "good" by one:
//   the limit did shrink, or other shards took their share.
// - A 429 counts once per round: one for a submit sent before the last change is the same congestion
//   seen late (TCP's once-per-RTT rule).
// - The window probes one higher after about a window of accepted submits, waiting up to 8 windows
//   after probes that failed (halving it after one that held), so a finished shard's share is picked up by the others quickly while a
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

/**
 * `auto`: longer than a screen on purpose: one small state machine (slow start, the last good window,
 * probes, strikes) whose two events read best side by side over the same few variables.
 */
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
  /** The largest window that held for a whole window of accepts (0: none yet). */
  let good = 0;
  /** Rounds with a 429 at or below `good` since the last whole window of accepts. */
  let strikes = 0;
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
      if (successes === window) {
        // This window held: the limit is at least this high.
        // A probe that held: probe again sooner, but not at once (unseen completions make the
        // limit look a little higher at times; chasing that costs 429s).
        if (window > good) probeWait = Math.max(1, probeWait / 2);
        good = Math.max(good, window);
        strikes = 0;
      }
      if (window < opts.max && successes >= window * probeWait) set(window + 1);
    },
    rateLimited(running, retryAfterMs, sentInRound) {
      if (retryAfterMs) slots.holdUntil(now() + retryAfterMs);
      if (sentInRound < round) return;
      round++;
      if (slowStart) {
        slowStart = false;
        good = Math.min(window, Math.max(1, running));
        set(good);
        return;
      }
      if (window > good) {
        // A probe above the last good window failed: back to it, and probe less often.
        probeWait = Math.min(8, probeWait * 2);
        set(Math.max(1, good));
        return;
      }
      if (++strikes >= 2) {
        strikes = 0;
        good = Math.max(1, window - 1);
        set(good);
      }
    },
  };
}
