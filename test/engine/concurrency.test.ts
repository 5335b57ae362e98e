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

  it('cuts once per round: 429s for submits sent before the cut are the same congestion seen late', () => {
    const c = adaptiveConcurrency(createSlots(1), { start: 8, max: 64 });
    const before = c.round;
    c.rateLimited(8, undefined, before);
    c.rateLimited(8, undefined, before);
    c.rateLimited(8, undefined, before);
    expect(c.limit).toBe(8);
    c.rateLimited(8, undefined, c.round);
    expect(c.limit).toBe(7);
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
