// The poll schedule: optimal inspection times for a learned log-normal latency.
import { describe, expect, it } from 'vitest';
import { createLatencyModel, inspectionSchedule, normalCdf } from '../../src/engine/latency.js';
import type { PlannedJob } from '../../src/jobfile/job.js';

const job = (model: string, type: 'image' | 'video' = 'image', duration?: number): PlannedJob => ({
  index: 0,
  name: 'j',
  fileStem: 'j',
  type,
  model,
  prompt: 'p',
  body: duration ? { duration } : {},
  timeoutMs: 1e6,
  identity: 'x',
  estimate: { unit: 'image', units: 1, unitPrice: 0.04, cost: 0.04, source: 'builtin' },
});

/** Walks the model's schedule for one job that finishes at `latency`: polls made and delay. */
function pollUntil(model: ReturnType<typeof createLatencyModel>, j: PlannedJob, latency: number) {
  let t = 0;
  let last = 0;
  let polls = 0;
  while (t < latency) {
    last = model.nextDelay(j, t, last);
    t += last;
    polls++;
  }
  return { polls, delay: t - latency };
}

describe('inspectionSchedule', () => {
  it('is increasing and covers the distribution', () => {
    for (const sigma of [0.05, 0.15, 0.5]) {
      for (const kappa of [0.001, 0.01, 0.1]) {
        const ts = inspectionSchedule(sigma, kappa);
        for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThan(ts[i - 1]!);
        expect(normalCdf(Math.log(ts.at(-1)!) / sigma)).toBeGreaterThan(0.999);
        // Cheap polls relative to the spread: the first poll comes before the median.
        if (kappa < sigma / 5) expect(ts[0]!).toBeLessThan(1);
      }
    }
  });

  it('spends more polls when polls are cheaper and fewer when the latency is certain', () => {
    expect(inspectionSchedule(0.15, 0.005).length).toBeGreaterThan(inspectionSchedule(0.15, 0.05).length);
    expect(inspectionSchedule(0.05, 0.01).length).toBeLessThan(inspectionSchedule(0.5, 0.01).length);
  });
});

describe('createLatencyModel', () => {
  it('backs off from the floor before anything is known, within the ceiling', () => {
    const m = createLatencyModel({ floorMs: 100, ceilingMs: 1000 });
    const j = job('m');
    expect(m.nextDelay(j, 0, 0)).toBe(100);
    expect(m.nextDelay(j, 100, 100)).toBe(150);
    expect(m.nextDelay(j, 100, 900)).toBe(1000);
  });

  it('learns a model and then detects its completions with few polls and little delay', () => {
    // Default-like: a poll costs about one poll-interval (here 0.5 s) of waiting; images take ~4 s.
    const m = createLatencyModel({ floorMs: 500, ceilingMs: 30_000 });
    const j = job('flux');
    for (const ms of [3900, 4100, 4000, 4200, 3800, 4050]) m.observe(j, ms);
    expect(m.expectedMs(j)).toBeGreaterThan(3800);
    expect(m.expectedMs(j)).toBeLessThan(4200);
    const { polls, delay } = pollUntil(m, j, 4000);
    expect(polls).toBeLessThanOrEqual(3);
    expect(delay).toBeLessThan(600);
    // Cheaper polls buy a shorter delay.
    const eager = createLatencyModel({ floorMs: 20, ceilingMs: 30_000 });
    for (const ms of [3900, 4100, 4000, 4200, 3800, 4050]) eager.observe(j, ms);
    expect(pollUntil(eager, j, 4000).delay).toBeLessThan(delay);
    // A job far later than the model's habit is still found, by backing off.
    expect(pollUntil(m, j, 20_000).delay).toBeLessThan(10_000);
  });

  it('scales a video model by its duration, and lends other models its run-wide speed', () => {
    const m = createLatencyModel({ floorMs: 10, ceilingMs: 60_000 });
    m.observe(job('veo', 'video', 5), 40_000);
    expect(m.expectedMs(job('veo', 'video', 10))).toBeCloseTo(80_000, -2);
    // An unseen image model: the prior (5 s for images, 60 s for videos) times the speed seen so far.
    expect(m.expectedMs(job('new-image'))).toBeCloseTo((5 / 60) * 40_000, -2);
  });
});
