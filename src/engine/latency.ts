// When to poll a prediction. Atlas has no push and no ETA, so the poller predicts: it learns each
// model's latency distribution (the jobs seen so far, scaled by video length, smoothed in log space;
// before that a prior remembered from earlier runs, or a wide built-in one per media type) and polls
// on the schedule that minimises the expected detection delay for a poll budget per prediction.
//
// The budget is what a classic backoff poller would spend on that distribution: first poll after
// 5 × poll-interval, then × 1.5 up to max-poll-interval (with the defaults, 1 s and 30 s, exactly the
// tutorial's 5 s → 30 s script). So by default a run spends no more polls than the tutorial in
// expectation and turns them into the shortest delay that budget can buy. `poll-interval` stays the
// shortest wait between two polls. See the README's Performance section.
import type { PlannedJob } from '../jobfile/job.js';

export interface PollBounds {
  floorMs: number;
  ceilingMs: number;
}

/** A model's latency at size 1 (5 s of video), as points in log-ms space with a smoothing width. */
export interface LatencyShape {
  type: 'image' | 'video';
  /** ln(ms), ascending: the observations, or quantiles of them. */
  points: number[];
  /** Kernel width in log space. */
  width: number;
  /** How many observations it summarises. */
  n: number;
}

/** What an earlier run learned: a prior the run's own observations override. */
export interface LatencyPrior {
  models: Record<string, LatencyShape>;
  /** How much one remembered model counts, in observations (decays with the memory's age). */
  weight: number;
}

export interface LatencyModelOptions {
  prior?: LatencyPrior;
  /**
   * Expected polls per prediction the schedule plans against, as a function of what a classic
   * backoff poller would spend on the same distribution. Default: the same (factor 1).
   */
  budgetFactor?: number;
  /** Instead of a budget: one poll is worth this many poll-intervals of detection delay. */
  pollCost?: number;
}

/** Typical times (Atlas documents image 2–10 s, video 30 s – 3 min), in poll-intervals (1 s by default). */
const COLD_MEDIAN = { image: 6, video: 60 } as const;
/** Wide on purpose: a model never seen may be several times faster or slower. */
const COLD_WIDTH = 0.6;
const UNSEEN_MODEL_WIDTH = 0.5;
const MIN_WIDTH = 0.01;
/** A poll is worth this many poll-intervals of detection delay (chosen with bench/simulate.ts). */
const DEFAULT_POLL_COST = 1;
/** Few observations: lean on this spread so one lucky job does not make the poller overconfident. */
const SMALL_SAMPLE_SIGMA = 0.35;
/** Observations kept per model (the most recent). */
const MAX_POINTS = 200;
/** Observations of its own after which a model's remembered prior no longer counts. */
const OWN_DATA_DECIDES = 16;
/** Candidate poll times per schedule. */
const GRID = 150;
/** The schedule covers this share of the distribution; past it, geometric backoff. */
const COVERAGE = 0.9995;
/** The classic poller the budget is measured against: first poll at 5 floors, then × 1.5. */
const BACKOFF_FIRST = 5;
const BACKOFF_FACTOR = 1.5;

export interface LatencyModel {
  /** Record a finished job's latency (ms from submit to completion). */
  observe(job: PlannedJob, latencyMs: number): void;
  /** Delay until the next poll, given how long the job has run and the previous delay. */
  nextDelay(job: PlannedJob, elapsedMs: number, lastDelayMs: number): number;
  /** What the model expects, for ETAs: median ms, or undefined before any data. */
  expectedMs(job: PlannedJob): number | undefined;
  /** What it knows per model (observed in this run or carried over from the prior), for the memory file. */
  snapshot(): Record<string, LatencyShape>;
}

/** Jobs of one model differ mostly by how much they make: seconds of video. */
export function sizeFactor(job: PlannedJob): number {
  if (job.type === 'video') {
    const d = Number(job.body['duration']);
    return Number.isFinite(d) && d > 0 ? d / 5 : 1;
  }
  return 1;
}

/** A mixture of log-normal kernels: weighted points in log-ms space. */
export interface Mixture {
  points: number[];
  weights: number[];
  width: number;
}

interface Observed {
  type: 'image' | 'video';
  xs: number[];
  /** Observations ever made (xs keeps the most recent). */
  count: number;
}

/** What the model knows: its own observations per model, the memory of earlier runs, the run-wide speed. */
interface Knowledge {
  observed: Map<string, Observed>;
  prior: LatencyModelOptions['prior'];
  /** Run-wide log ratio of observed to cold-prior latency: the speed of this account and server. */
  speedSum: number;
  speedN: number;
  /** The cold prior is stated in poll-intervals. */
  unitMs: number;
}

function coldLog(k: Knowledge, type: 'image' | 'video'): number {
  return Math.log(COLD_MEDIAN[type] * k.unitMs);
}

/** A model's remembered points (fading as its own observations come in) and its own observations, as one mixture. */
function knownMixture(k: Knowledge, own: Observed | undefined, remembered: LatencyShape | undefined): Mixture {
  const points: number[] = [];
  const weights: number[] = [];
  let width = 0;
  let total = 0;
  // The memory fades as the run's own observations come in, and is gone after OWN_DATA_DECIDES.
  const priorWeight = k.prior ? k.prior.weight * Math.max(0, 1 - (own?.xs.length ?? 0) / OWN_DATA_DECIDES) : 0;
  if (remembered && remembered.points.length > 0 && priorWeight > 0) {
    const w = priorWeight / remembered.points.length;
    for (const p of remembered.points) {
      points.push(p);
      weights.push(w);
    }
    width += priorWeight * remembered.width;
    total += priorWeight;
  }
  if (own && own.xs.length > 0) {
    for (const x of own.xs) {
      points.push(x);
      weights.push(1);
    }
    width += own.xs.length * bandwidth(own.xs);
    total += own.xs.length;
  }
  return { points, weights, width: Math.max(MIN_WIDTH, width / total) };
}

/** The latency distribution a job is planned on: known data, else the run's speed, else the cold prior. */
function mixtureFor(k: Knowledge, job: PlannedJob): { mix: Mixture; known: boolean; data: boolean } {
  const own = k.observed.get(job.model);
  const remembered = k.prior && Object.hasOwn(k.prior.models, job.model) ? k.prior.models[job.model] : undefined;
  if (own || remembered) return { mix: knownMixture(k, own, remembered), known: true, data: true };
  if (k.speedN > 0) {
    const point = coldLog(k, job.type) + k.speedSum / k.speedN;
    return { mix: { points: [point], weights: [1], width: UNSEEN_MODEL_WIDTH }, known: true, data: false };
  }
  return { mix: { points: [coldLog(k, job.type)], weights: [1], width: COLD_WIDTH }, known: false, data: false };
}

type ScheduleCache = Map<string, { times: number[]; version: number }>;

/** A job's poll schedule, from the cache while what it depends on has not moved enough to matter. */
function cachedSchedule(
  k: Knowledge,
  cache: ScheduleCache,
  plan: { bounds: PollBounds; pollCost: number; budgetFactor: number },
  job: PlannedJob,
): number[] {
  const scale = sizeFactor(job);
  const key = `${job.model}\u0000${scale}`;
  // What the schedule depends on: this model's observations, or for an unseen model the run-wide speed.
  const version = k.observed.get(job.model)?.count ?? k.speedN;
  const hit = cache.get(key);
  const fresh = (v: number) =>
    v === version || (version > 32 && version - v < Math.min(MAX_POINTS, Math.max(25, version / 8)));
  if (hit && fresh(hit.version)) return hit.times;
  const { mix, data } = mixtureFor(k, job);
  const shifted = { ...mix, points: mix.points.map((p) => p + Math.log(scale)) };
  const { bounds } = plan;
  // A model with data of its own: one price per poll for all of them. A guess: the classic budget.
  const times = optimalSchedule(
    shifted,
    bounds.floorMs,
    data
      ? { price: plan.pollCost * bounds.floorMs }
      : { budget: plan.budgetFactor * expectedBackoffPolls(shifted, bounds) },
  );
  cache.set(key, { times, version });
  return times;
}

/** The model's four methods over one `Knowledge`; the work itself is in the functions above. */
export function createLatencyModel(bounds: PollBounds, options: LatencyModelOptions = {}): LatencyModel {
  const k: Knowledge = {
    observed: new Map(),
    prior: options.prior,
    speedSum: 0,
    speedN: 0,
    unitMs: bounds.floorMs,
  };
  const { observed, prior } = k;
  const budgetFactor = options.budgetFactor ?? 1;
  const pollCost = options.pollCost ?? DEFAULT_POLL_COST;

  // Schedules per model and size, recomputed as observations arrive (every one at first, then in steps).
  const cache: ScheduleCache = new Map();
  const plan = { bounds, pollCost, budgetFactor };
  const scheduleFor = (job: PlannedJob) => cachedSchedule(k, cache, plan, job);

  const clamp = (ms: number) => Math.min(bounds.ceilingMs, Math.max(bounds.floorMs, ms));

  return {
    observe(job, latencyMs) {
      if (!(latencyMs > 0)) return;
      const x = Math.log(latencyMs) - Math.log(sizeFactor(job));
      let s = observed.get(job.model);
      if (!s) observed.set(job.model, (s = { type: job.type, xs: [], count: 0 }));
      s.xs.push(x);
      if (s.xs.length > MAX_POINTS) s.xs.shift();
      s.count++;
      k.speedSum += x - coldLog(k, job.type);
      k.speedN++;
    },
    nextDelay(job, elapsedMs, lastDelayMs) {
      const times = scheduleFor(job);
      const next = times.find((t) => t > elapsedMs + 1);
      if (next !== undefined) return clamp(next - elapsedMs);
      // Later than the distribution allows for: back off geometrically, like a classic poller.
      return clamp(lastDelayMs > 0 ? lastDelayMs * BACKOFF_FACTOR : bounds.floorMs);
    },
    expectedMs(job) {
      const { mix, known } = mixtureFor(k, job);
      return known ? Math.exp(weightedMedian(mix) + Math.log(sizeFactor(job))) : undefined;
    },
    snapshot() {
      const out: Record<string, LatencyShape> = { ...prior?.models };
      for (const [model, s] of observed) {
        const { mix } = mixtureFor(k, { model, type: s.type, body: {} } as unknown as PlannedJob);
        out[model] = {
          type: s.type,
          points: quantiles(mix, 24),
          width: mix.width,
          n: s.xs.length + (prior?.models[model]?.n ?? 0),
        };
      }
      return out;
    },
  };
}

/** Kernel width for observations in log space: narrow enough to keep a band's edges, wider when few. */
function bandwidth(xs: number[]): number {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const iqr = n >= 4 ? (sorted[Math.floor(0.75 * (n - 1))]! - sorted[Math.floor(0.25 * (n - 1))]!) / 1.34 : Infinity;
  const w = n / (n + 3);
  const sigma = Math.sqrt(w * Math.min(variance, iqr * iqr || variance) + (1 - w) * SMALL_SAMPLE_SIGMA ** 2);
  return Math.max(MIN_WIDTH, 0.5 * sigma * n ** -0.2);
}

function mixtureCdf(m: Mixture, t: number): number {
  if (!(t > 0)) return 0;
  const lt = Math.log(t);
  let s = 0;
  let w = 0;
  for (let i = 0; i < m.points.length; i++) {
    s += m.weights[i]! * normalCdf((lt - m.points[i]!) / m.width);
    w += m.weights[i]!;
  }
  return s / w;
}

/** The log-ms value below which share q of the mixture lies. */
function mixtureQuantile(m: Mixture, q: number): number {
  let lo = Math.min(...m.points) - 8 * m.width;
  let hi = Math.max(...m.points) + 8 * m.width;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (mixtureCdf(m, Math.exp(mid)) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function weightedMedian(m: Mixture): number {
  return mixtureQuantile(m, 0.5);
}

function quantiles(m: Mixture, k: number): number[] {
  return Array.from({ length: k }, (_, i) => mixtureQuantile(m, (i + 0.5) / k));
}

/** Expected polls of the classic backoff poller (5 floors, × 1.5, capped at the ceiling) on this distribution. */
export function expectedBackoffPolls(m: Mixture, bounds: PollBounds): number {
  let t = 0;
  let wait = BACKOFF_FIRST * bounds.floorMs;
  let polls = 0;
  for (let i = 0; i < 1000; i++) {
    const survive = 1 - mixtureCdf(m, t);
    if (survive < 1e-4) break;
    polls += survive;
    t += wait;
    wait = Math.min(bounds.ceilingMs, wait * BACKOFF_FACTOR);
  }
  return polls;
}

/**
 * Poll times (ms after submit) minimising E[detection delay] with E[polls] ≤ budget, for a latency
 * distribution, no two polls closer than floorMs. Dynamic programming over a grid of candidate
 * times spanning the distribution, for a price per poll found by bisection (a Lagrange multiplier).
 * Unlike the Barlow–Proschan recursion it needs no smooth density: a uniform band with a queue
 * tail is planned as well as a log-normal.
 */
export function optimalSchedule(m: Mixture, floorMs: number, plan: { budget: number } | { price: number }): number[] {
  const grid = candidateGrid(m, floorMs);
  if ('price' in plan) return solveAtPrice(grid, plan.price).times;
  return cheapestWithin(grid, plan.budget);
}

/** Candidate poll times across the distribution, with the mass and first moment caught in each cell. */
interface Grid {
  n: number;
  hi: number;
  g: number[];
  F: number[];
  M: Float64Array;
  C: Float64Array;
}

function candidateGrid(m: Mixture, floorMs: number): Grid {
  const lo = Math.max(floorMs, Math.exp(mixtureQuantile(m, 1 - COVERAGE)));
  const hi = Math.max(lo, Math.exp(mixtureQuantile(m, COVERAGE)));
  const n = Math.max(1, Math.min(GRID, Math.floor((hi - lo) / floorMs) + 1));
  const step = n > 1 ? (hi - lo) / (n - 1) : 0;
  const g = Array.from({ length: n }, (_, i) => lo + i * step);
  const F = g.map((t) => mixtureCdf(m, t));
  // Mass and first moment caught at each candidate (cell k = (g[k−1], g[k]]); cell 0 is (0, g[0]].
  const M = new Float64Array(n + 1);
  const C = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    const mass = k === 0 ? F[0]! : F[k]! - F[k - 1]!;
    const centre = k === 0 ? g[0]! * 0.75 : (g[k]! + g[k - 1]!) / 2;
    M[k + 1] = M[k]! + mass;
    C[k + 1] = C[k]! + mass * centre;
  }
  return { n, hi, g, F, M, C };
}

/** The schedule minimising expected detection delay plus `price` per poll, and its expected polls. */
function solveAtPrice(grid: Grid, price: number): { times: number[]; polls: number } {
  const { n, g, F, M, C } = grid;
  // state i = last poll at g[i−1] (i = 0: submit, nothing polled yet).
  const survival = (i: number) => (i === 0 ? 1 : 1 - F[i - 1]!);
  const V = new Float64Array(n + 1);
  const P = new Float64Array(n + 1);
  const next = new Int32Array(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    let best = Infinity;
    for (let j = i + 1; j <= n; j++) {
      const delay = g[j - 1]! * (M[j]! - M[i]!) - (C[j]! - C[i]!);
      const cost = price * survival(i) + delay + V[j]!;
      if (cost < best) {
        best = cost;
        next[i] = j;
      }
    }
    V[i] = best;
    P[i] = survival(i) + P[next[i]!]!;
  }
  const times: number[] = [];
  for (let i = next[0]!; ; i = next[i]!) {
    times.push(g[i - 1]!);
    if (i === n) break;
  }
  return { times, polls: P[0]! };
}

/** The cheapest price per poll whose schedule stays within `budget` polls; polls fall as the price rises. */
function cheapestWithin(grid: Grid, budget: number): number[] {
  let a = Math.log(grid.hi * 1e-6);
  let b = Math.log(grid.hi * 10);
  let best = solveAtPrice(grid, Math.exp(b));
  if (best.polls > budget) return best.times;
  for (let i = 0; i < 28; i++) {
    const mid = (a + b) / 2;
    const s = solveAtPrice(grid, Math.exp(mid));
    if (s.polls <= budget) {
      b = mid;
      best = s;
    } else a = mid;
  }
  return best.times;
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
