// `concurrency: auto`: find the account's limit from 429 answers without a published figure.
// Slow start doubles the window on each accepted submit until the first 429; a 429 sets the
// window to what was actually running (the server just told us that is its limit); after that
// the window probes one step higher, waiting twice as long after each probe that failed, so a
// stable limit costs a handful of 429s per run rather than one per probe interval.
import type { Slots } from './slots.js';

export interface ConcurrencyController {
  /** A submit was accepted (a prediction exists). */
  accepted(): void;
  /** A submit was answered 429 while `running` predictions of ours were in flight. */
  rateLimited(running: number, retryAfterMs?: number): void;
  readonly limit: number;
}

export function fixedConcurrency(slots: Slots, limit: number): ConcurrencyController {
  slots.setLimit(limit);
  return {
    accepted() {},
    rateLimited(_running, retryAfterMs) {
      if (retryAfterMs) slots.holdUntil(Date.now() + retryAfterMs);
    },
    get limit() { return slots.limit; },
  };
}

export function adaptiveConcurrency(slots: Slots, opts: { start: number; max: number; now?: () => number }): ConcurrencyController {
  const now = opts.now ?? Date.now;
  let window = Math.max(1, Math.min(opts.start, opts.max));
  let slowStart = true;
  let successesSinceChange = 0;
  let probeEvery = 0; // successes needed before the next probe; grows after failed probes
  let lastLimited = -1;
  slots.setLimit(window);

  return {
    get limit() { return window; },
    accepted() {
      successesSinceChange++;
      if (slowStart) {
        if (successesSinceChange >= Math.max(1, Math.floor(window / 2))) {
          window = Math.min(opts.max, window * 2);
          successesSinceChange = 0;
          slots.setLimit(window);
        }
        return;
      }
      if (window < opts.max && successesSinceChange >= probeEvery) {
        window += 1;
        successesSinceChange = 0;
        slots.setLimit(window);
      }
    },
    rateLimited(running, retryAfterMs) {
      const target = Math.max(1, Math.min(window, running));
      if (!slowStart && lastLimited === target) probeEvery = Math.min(probeEvery * 2, 100_000);
      else probeEvery = Math.max(probeEvery, window * 4);
      slowStart = false;
      lastLimited = target;
      window = target;
      successesSinceChange = 0;
      slots.setLimit(window);
      if (retryAfterMs) slots.holdUntil(now() + retryAfterMs);
    },
  };
}
