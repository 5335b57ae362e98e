// The poll schedule: optimal inspection times for a learned log-normal latency.
import { describe, expect, it } from 'vitest';
import { createLatencyModel, optimalSchedule, normalCdf } from '../../src/engine/latency.js';
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

describe('optimalSchedule', () => {
  const logNormal = (medianMs: number, sigma: number) => ({ points: [Math.log(medianMs)], weights: [1], width: sigma });
  const expectedPolls = (ts: number[], m: ReturnType<typeof logNormal>) =>
    ts.reduce((a, _t, i) => a + (i === 0 ? 1 : 1 - normalCdf((Math.log(ts[i - 1]!) - m.points[0]!) / m.width)), 0);

  it('is increasing, never closer than the floor, and covers the distribution', () => {
    for (const sigma of [0.05, 0.15, 0.5]) {
      for (const price of [10, 100, 1000]) {
        const m = logNormal(5000, sigma);
        const ts = optimalSchedule(m, 100, { price });
        expect(ts[0]!).toBeGreaterThanOrEqual(100);
        for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBeGreaterThanOrEqual(100 - 1e-6);
        expect(normalCdf((Math.log(ts.at(-1)!) - Math.log(5000)) / sigma)).toBeGreaterThan(0.999);
      }
    }
  });

  it('spends more polls when polls are cheaper, and keeps to a budget', () => {
    const m = logNormal(5000, 0.15);
    expect(optimalSchedule(m, 10, { price: 5 }).length).toBeGreaterThan(optimalSchedule(m, 10, { price: 500 }).length);
    for (const budget of [1.5, 2, 3, 5]) {
      const ts = optimalSchedule(m, 10, { budget });
      expect(expectedPolls(ts, m)).toBeLessThanOrEqual(budget + 1e-9);
      expect(expectedPolls(ts, m)).toBeGreaterThan(budget - 0.5);
    }
  });

  it('plans a uniform band (no smooth density) with polls inside the band', () => {
    const points = Array.from({ length: 50 }, (_, i) => Math.log(8000 + (4000 * (i + 0.5)) / 50));
    const ts = optimalSchedule({ points, weights: points.map(() => 1), width: 0.005 }, 100, { budget: 3 });
    expect(ts.length).toBeGreaterThanOrEqual(3);
    expect(ts.filter((t) => t > 7900 && t < 12_200).length).toBeGreaterThanOrEqual(3);
  });
});

describe('createLatencyModel', () => {
  it('before anything is known, polls a wide built-in prior within the floor and ceiling', () => {
    const m = createLatencyModel({ floorMs: 100, ceilingMs: 1000 });
    const j = job('m');
    expect(m.expectedMs(j)).toBeUndefined();
    const first = m.nextDelay(j, 0, 0);
    expect(first).toBeGreaterThanOrEqual(100);
    expect(first).toBeLessThanOrEqual(1000);
    // Never a wait outside the bounds, however late the job runs.
    for (const elapsed of [0, 250, 900, 5000, 60_000]) {
      const d = m.nextDelay(j, elapsed, 900);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(1000);
    }
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
    // An unseen image model: the built-in prior (6 vs 60 poll-intervals) times the speed seen so far.
    expect(m.expectedMs(job('new-image'))).toBeCloseTo((6 / 60) * 40_000, -2);
  });
});

describe('the run-wide poll budget', () => {
  // A seeded generator: the same latencies every run.
  const lcg = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  /** ±20 % around the typical time, 1 job in 20 queued 2× longer. */
  const draw = (rand: () => number, typical: number) => typical * (0.8 + 0.4 * rand()) * (rand() < 0.05 ? 2 : 1);
  /** The classic poller the budget is measured against: 5 floors, then × 1.5 up to the ceiling. */
  const classicPoller = (latency: number, floorMs: number, ceilingMs: number) => {
    let t = 0;
    let wait = 5 * floorMs;
    let polls = 0;
    while (t < latency) {
      t += wait;
      polls++;
      wait = Math.min(ceilingMs, wait * 1.5);
    }
    return { polls, delay: t - latency };
  };

  it('spends no more polls than the classic poller on the run, and finds completions far sooner', () => {
    const bounds = { floorMs: 1000, ceilingMs: 30_000 };
    const fast = job('fast');
    const slow = job('slow', 'video', 5);
    const jobs = [...Array.from({ length: 40 }, () => fast), ...Array.from({ length: 10 }, () => slow)];
    const m = createLatencyModel(bounds, { jobs });
    const rand = lcg(7);
    for (let i = 0; i < 20; i++) m.observe(fast, draw(rand, 3000));
    for (let i = 0; i < 6; i++) m.observe(slow, draw(rand, 40_000));
    let ours = { polls: 0, delay: 0 };
    let classic = { polls: 0, delay: 0 };
    for (const j of jobs) {
      const latency = draw(rand, j === fast ? 3000 : 40_000);
      const r = pollUntil(m, j, latency);
      ours = { polls: ours.polls + r.polls, delay: ours.delay + r.delay };
      const c = classicPoller(latency, bounds.floorMs, bounds.ceilingMs);
      classic = { polls: classic.polls + c.polls, delay: classic.delay + c.delay };
    }
    expect(ours.polls).toBeLessThanOrEqual(classic.polls * 1.1);
    expect(ours.delay).toBeLessThan(classic.delay / 3);
  });

  it('never polls closer than the floor, also when the schedule is re-planned mid-flight', () => {
    const bounds = { floorMs: 1000, ceilingMs: 30_000 };
    const j = job('m');
    const m = createLatencyModel(bounds, { jobs: [j, j, j] });
    let t = 0;
    let last = 0;
    const rand = lcg(3);
    for (let i = 0; i < 30; i++) {
      last = m.nextDelay(j, t, last);
      expect(last).toBeGreaterThanOrEqual(1000);
      t += last;
      // What the model knows changes between two polls of the same job.
      m.observe(j, draw(rand, 8000));
    }
  });

  it('in the last wave, spends fewer polls on the jobs that do not end the run, and ends no later', () => {
    const bounds = { floorMs: 500, ceilingMs: 30_000 };
    /** A small run on a simulated clock: 6 images then 2 videos, 3 slots; with or without the run's moment. */
    const run = (seed: number, lastWave: boolean) => {
      const rand = lcg(seed);
      const jobs = [
        ...Array.from({ length: 6 }, () => job('image')),
        job('video', 'video', 5),
        job('video', 'video', 5),
      ];
      const latency = jobs.map((j) => draw(rand, j.type === 'image' ? 4000 : 40_000));
      // Both models known from an earlier run's memory.
      const shape = (type: 'image' | 'video', ms: number) => ({
        type,
        points: [0.85, 0.95, 1.05, 1.15].map((f) => Math.log(ms * f)),
        width: 0.05,
        n: 8,
      });
      const prior = { models: { image: shape('image', 4000), video: shape('video', 40_000) }, weight: 8 };
      const m = createLatencyModel(bounds, { jobs, prior });
      const live: Array<{ i: number; start: number; at: number; last: number }> = [];
      let started = 0;
      let polls = 0;
      let end = 0;
      const ask = (l: (typeof live)[number], now: number) => {
        const moment = lastWave ? { nowMs: now, waiting: jobs.length - started } : undefined;
        l.last = m.nextDelay(jobs[l.i]!, now - l.start, l.last, moment);
        l.at = now + l.last;
      };
      const start = (now: number) => {
        const l = { i: started++, start: now, at: 0, last: 0 };
        live.push(l);
        ask(l, now);
      };
      while (started < 3) start(0);
      while (live.length > 0) {
        const l = live.reduce((a, b) => (b.at < a.at ? b : a));
        const now = l.at;
        polls++;
        if (now - l.start >= latency[l.i]!) {
          live.splice(live.indexOf(l), 1);
          m.observe(jobs[l.i]!, latency[l.i]!);
          end = Math.max(end, now);
          if (started < jobs.length) start(now);
        } else ask(l, now);
      }
      return { end, polls };
    };
    let plain = { end: 0, polls: 0 };
    let last = { end: 0, polls: 0 };
    for (let seed = 1; seed <= 20; seed++) {
      const a = run(seed, false);
      const b = run(seed, true);
      plain = { end: plain.end + a.end, polls: plain.polls + a.polls };
      last = { end: last.end + b.end, polls: last.polls + b.polls };
    }
    expect(last.polls).toBeLessThan(plain.polls * 0.95);
    expect(last.end).toBeLessThanOrEqual(plain.end * 1.01);
  });
});
