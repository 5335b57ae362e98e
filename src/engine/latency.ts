// When to poll a prediction. Atlas has no push and no ETA, so the poller predicts: it learns
// each model's latency within the run (log-normal: median and spread of the jobs seen so far,
// scaled by video length) and polls on the optimal inspection schedule for that distribution
// (Barlow & Proschan): with a cost of κ seconds of delay per poll, each next poll satisfies
//   t[i+1] − t[i] = (F(t[i]) − F(t[i−1])) / f(t[i]) − κ,
// which spends more polls where completions are likely and on long, uncertain jobs, fewer on
// short ones. κ is the poll-interval input: "a poll is worth about one poll-interval of waiting".
// Before a model has finished once it borrows the run-wide speed of other models; before anything
// has finished it backs off geometrically from the floor.
import type { PlannedJob } from '../jobfile/job.js';

export interface PollBounds {
  floorMs: number;
  ceilingMs: number;
}

/** Atlas's documented typical times (image 2–10 s, video 30 s – 3 min): only their ratio matters. */
const PRIOR_SECONDS = { image: 5, video: 60 } as const;
const PRIOR_SIGMA = 0.35;
const UNSEEN_MODEL_SIGMA = 0.5;
const MIN_SIGMA = 0.05;
/** Past this share of the distribution the schedule hands over to geometric backoff. */
const SCHEDULE_COVERAGE = 0.9995;

interface ModelStats {
  n: number;
  sumLog: number;
  sumLog2: number;
}

export interface LatencyModel {
  /** Record a finished job's latency (ms from submit to completion). */
  observe(job: PlannedJob, latencyMs: number): void;
  /** Delay until the next poll, given how long the job has run and the previous delay. */
  nextDelay(job: PlannedJob, elapsedMs: number, lastDelayMs: number): number;
  /** What the model expects, for ETAs: median ms, or undefined before any data. */
  expectedMs(job: PlannedJob): number | undefined;
}

/** Jobs of one model differ mostly by how much they make: seconds of video. */
export function sizeFactor(job: PlannedJob): number {
  if (job.type === 'video') {
    const d = Number(job.body['duration']);
    return Number.isFinite(d) && d > 0 ? d / 5 : 1;
  }
  return 1;
}

export function createLatencyModel(bounds: PollBounds): LatencyModel {
  const byModel = new Map<string, ModelStats>();
  // Run-wide ratio of observed to prior latency, in log space: the "speed" of this account/server.
  const global: ModelStats = { n: 0, sumLog: 0, sumLog2: 0 };
  const kappaMs = bounds.floorMs;

  function add(s: ModelStats, x: number) {
    s.n++;
    s.sumLog += x;
    s.sumLog2 += x * x;
  }

  function distribution(job: PlannedJob): { medianMs: number; sigma: number } | undefined {
    const scale = Math.log(sizeFactor(job));
    const s = byModel.get(job.model);
    if (s && s.n > 0) {
      const mean = s.sumLog / s.n;
      const variance = s.n > 1 ? Math.max(0, (s.sumLog2 - s.n * mean * mean) / (s.n - 1)) : 0;
      // Few samples: lean on the prior spread so one lucky job does not make the poller overconfident.
      const w = s.n / (s.n + 3);
      const sigma = Math.max(MIN_SIGMA, Math.sqrt(w * variance + (1 - w) * PRIOR_SIGMA * PRIOR_SIGMA));
      return { medianMs: Math.exp(mean + scale), sigma };
    }
    if (global.n > 0) {
      const ratio = global.sumLog / global.n;
      return {
        medianMs: Math.exp(Math.log(PRIOR_SECONDS[job.type] * 1000) + ratio + scale),
        sigma: UNSEEN_MODEL_SIGMA,
      };
    }
    return undefined;
  }

  const clamp = (ms: number) => Math.min(bounds.ceilingMs, Math.max(bounds.floorMs, ms));
  // Schedules depend only on (sigma, kappa) rounded: a run needs a few dozen of them.
  const schedules = new Map<string, number[]>();
  const scheduleFor = (sigma: number, kappa: number): number[] => {
    const s = Math.round(sigma * 200) / 200;
    const k = Number(kappa.toPrecision(2));
    const key = `${s}|${k}`;
    let hit = schedules.get(key);
    if (!hit) schedules.set(key, (hit = inspectionSchedule(s, k)));
    return hit;
  };

  return {
    observe(job, latencyMs) {
      if (!(latencyMs > 0)) return;
      const x = Math.log(latencyMs) - Math.log(sizeFactor(job));
      let s = byModel.get(job.model);
      if (!s) byModel.set(job.model, (s = { n: 0, sumLog: 0, sumLog2: 0 }));
      add(s, x);
      add(global, x - Math.log(PRIOR_SECONDS[job.type] * 1000));
    },
    nextDelay(job, elapsedMs, lastDelayMs) {
      const d = distribution(job);
      if (d) {
        const times = scheduleFor(d.sigma, kappaMs / d.medianMs);
        const next = times.find((t) => t * d.medianMs > elapsedMs + 1);
        if (next !== undefined) return clamp(next * d.medianMs - elapsedMs);
      }
      // Late, or nothing known yet: back off geometrically from the floor, like a classic poller.
      return clamp(lastDelayMs > 0 ? lastDelayMs * 1.5 : bounds.floorMs);
    },
    expectedMs(job) {
      return distribution(job)?.medianMs;
    },
  };
}

/**
 * The optimal inspection times for a log-normal latency with median 1 and spread sigma, when one
 * poll costs kappa (in units of the median) of detection delay. Found by shooting on the first
 * poll: too early a first poll makes the recursion collapse; the optimum is the earliest that
 * does not.
 */
export function inspectionSchedule(s: number, k: number): number[] {
  const F = (t: number) => normalCdf(Math.log(t) / s);
  const f = (t: number) => normalPdf(Math.log(t) / s) / (t * s);
  const run = (t1: number): number[] | undefined => {
    const ts = [t1];
    let prev = 0;
    for (let i = 0; i < 400; i++) {
      const t = ts[ts.length - 1]!;
      if (F(t) >= SCHEDULE_COVERAGE) return ts;
      const next = t + (F(t) - F(prev)) / f(t) - k;
      if (!(next > t)) return undefined;
      prev = t;
      ts.push(next);
    }
    return ts;
  };
  let lo = 1e-6;
  let hi = Math.exp(4 * s);
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (run(mid)) hi = mid;
    else lo = mid;
  }
  return run(hi) ?? [1];
}

export function normalPdf(z: number): number {
  return Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
