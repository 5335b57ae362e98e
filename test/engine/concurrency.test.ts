// The adaptive window on its own: slow start, one cut per round, probing.
import { describe, expect, it } from 'vitest';
import { adaptiveConcurrency } from '../../src/engine/concurrency.js';
import { createSlots } from '../../src/engine/slots.js';

describe('adaptiveConcurrency', () => {
  it('doubles until the first 429, then settles on what was running', () => {
    const slots = createSlots(1);
    const c = adaptiveConcurrency(slots, { start: 2, max: 64 });
    for (let i = 0; i < 7; i++) c.accepted();
    expect(c.limit).toBe(16);
    c.rateLimited(12, undefined, c.round);
    expect(c.limit).toBe(12);
    expect(slots.limit).toBe(12);
  });

  it('counts a 429 once per round, and shrinks only after 429s in two rounds in a row', () => {
    const c = adaptiveConcurrency(createSlots(1), { start: 8, max: 64 });
    const before = c.round;
    c.rateLimited(8, undefined, before);
    c.rateLimited(8, undefined, before);
    c.rateLimited(8, undefined, before);
    expect(c.limit).toBe(8);
    // One 429 at the known-good window: a submit racing a completion, not a smaller limit.
    c.rateLimited(8, undefined, c.round);
    expect(c.limit).toBe(8);
    c.rateLimited(8, undefined, c.round);
    expect(c.limit).toBe(7);
  });

  it('a whole window of accepts between two 429s forgives the first', () => {
    const c = adaptiveConcurrency(createSlots(1), { start: 8, max: 8 });
    c.rateLimited(8, undefined, c.round);
    c.rateLimited(8, undefined, c.round);
    for (let i = 0; i < 8; i++) c.accepted();
    c.rateLimited(8, undefined, c.round);
    expect(c.limit).toBe(8);
  });

  it('a failed probe goes back to the last good window, never below it', () => {
    const c = adaptiveConcurrency(createSlots(1), { start: 4, max: 64 });
    for (let i = 0; i < 2 + 4; i++) c.accepted(); // slow start: 4 → 8 → 16
    c.rateLimited(12, undefined, c.round);
    expect(c.limit).toBe(12);
    for (let i = 0; i < 12; i++) c.accepted();
    expect(c.limit).toBe(13);
    c.rateLimited(12, undefined, c.round);
    expect(c.limit).toBe(12);
    // The next probe waits two windows.
    for (let i = 0; i < 23; i++) c.accepted();
    expect(c.limit).toBe(12);
    c.accepted();
    expect(c.limit).toBe(13);
  });

  /**
   * A deterministic account with a hidden limit: each step the client fills its window (the server
   * answers 429 once `limit` predictions run), then one prediction finishes.
   */
  function drive(c: ReturnType<typeof adaptiveConcurrency>, limitAt: (step: number) => number, steps: number) {
    let running = 0;
    let rejected = 0;
    const windows: number[] = [];
    for (let step = 0; step < steps; step++) {
      while (running < c.limit) {
        if (running >= limitAt(step)) {
          rejected++;
          c.rateLimited(running, undefined, c.round);
          break;
        }
        running++;
        c.accepted();
      }
      windows.push(c.limit);
      if (running > 0) running--;
    }
    return { rejected, windows };
  }

  it('settles at a hidden limit without periodic collapses, at a handful of 429s', () => {
    const c = adaptiveConcurrency(createSlots(1), { start: 4, max: 32 });
    const { rejected, windows } = drive(c, () => 12, 500);
    expect(rejected).toBeLessThan(24);
    const settled = windows.slice(50);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(12);
    expect(Math.max(...settled)).toBeLessThanOrEqual(13);
  });

  it('follows a limit that shrinks (another shard took its share) and one that grows back', () => {
    const c = adaptiveConcurrency(createSlots(1), { start: 4, max: 32 });
    const { windows } = drive(c, (step) => (step < 200 ? 12 : step < 400 ? 8 : 12), 700);
    expect(windows[199]).toBeGreaterThanOrEqual(12);
    expect(Math.max(...windows.slice(300, 400))).toBeLessThanOrEqual(9);
    expect(windows.at(-1)).toBeGreaterThanOrEqual(12);
  });

  it('probes one higher after a window of successes, never above max', () => {
    const c = adaptiveConcurrency(createSlots(1), { start: 4, max: 5 });
    c.rateLimited(4, undefined, c.round);
    for (let i = 0; i < 4; i++) c.accepted();
    expect(c.limit).toBe(5);
    for (let i = 0; i < 50; i++) c.accepted();
    expect(c.limit).toBe(5);
  });

  it('holds every slot for a Retry-After', () => {
    const slots = createSlots(4);
    const c = adaptiveConcurrency(slots, { start: 4, max: 8 });
    let granted = false;
    c.rateLimited(2, 60_000, c.round);
    void slots.acquire().then(() => (granted = true));
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(granted).toBe(false);
        resolve();
      }, 30),
    );
  });
});
