// When to poll a prediction. Atlas has no push and no ETA, so the poller predicts: it learns each
// model's latency distribution (the jobs seen so far, scaled by video length, smoothed in log space;
// before that a prior remembered from earlier runs, or a wide built-in one per media type) and polls
// on the schedule that minimises the expected detection delay for a price per poll.
//
// The price is run-wide: the cheapest at which the run's jobs together expect no more polls than a
// classic backoff poller would spend on them (first poll after 5 × poll-interval, then × 1.5 up to
// max-poll-interval: with the defaults, 1 s and 30 s, exactly the tutorial's 5 s → 30 s script). One
// price for every job puts each poll where it saves the most delay, so a fast model's spare polls go
// to a slow model's wide band. In the last wave (nothing left to submit) the run ends when its slowest
// job is seen, so the others are polled less. `poll-interval` stays the shortest wait between two
// polls. See the README's Performance section and docs/atlas-api.md for what a poll may answer.
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
  /**
   * The run's jobs. With them the budget is run-wide: one price per poll for every job, the cheapest
   * at which the whole run expects no more polls than the classic poller would spend on it, so a
   * fast model's spare polls go where they buy the most (a slow model's wide band, a model not yet seen).
   */
  jobs?: readonly PlannedJob[];
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
/**
 * A schedule for a model with no data (a guess) is planned at this many times the run's price: its
 * polls are spread over a wide belief, and the run's price, found with it, lets the jobs whose model
 * is known spend what the guesses save (bench/simulate.ts: the 3-job preview, nothing known).
 */
const COLD = 2;
/** Candidate poll times per schedule, and at most this many per poll-interval. */
const GRID = 150;
const GRID_PER_FLOOR = 8;
/** The schedule covers this share of the distribution; past it, geometric backoff. */
const COVERAGE = 0.9995;
/** The classic poller the budget is measured against: first poll at 5 floors, then × 1.5. */
const BACKOFF_FIRST = 5;
const BACKOFF_FACTOR = 1.5;

/** Where the run stands when a job asks for its next poll. */
export interface RunMoment {
  nowMs: number;
  /** Jobs not yet submitted. */
  waiting: number;
}

export interface LatencyModel {
  /** Record a finished job's latency (ms from submit to completion). */
  observe(job: PlannedJob, latencyMs: number): void;
  /** A job settled: if it was not observed (reused, a twin, failed, cancelled), it leaves the run's budget. */
  forget(job: PlannedJob): void;
  /** Delay until the next poll, given how long the job has run and the previous delay. */
  nextDelay(job: PlannedJob, elapsedMs: number, lastDelayMs: number, run?: RunMoment): number;
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
  /** Per-point widths, when the points are not all alike (the queue tail). */
  widths?: number[];
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

/**
 * A solved schedule as a policy: from the state "last poll at g[i−1]" (i = 0: none yet) the next poll
 * is at g[next[i] − 1]. A job whose schedule is re-solved mid-flight continues from where it is.
 */
interface Policy {
  g: number[];
  next: Int32Array;
  floorMs: number;
}

type ScheduleCache = Map<string, { policy: Policy; version: number }>;

interface SchedulePlan {
  bounds: PollBounds;
  pollCost: number;
  budgetFactor: number;
  /** Distinct (model, size) pairs of the run with their job counts, for the run-wide budget. */
  groups: Group[];
  /** The run-wide price per poll, and the knowledge version it was found at. */
  price?: { value: number; version: number };
  /** Jobs observed so far per (model, size). */
  done: Map<string, number>;
  /** Jobs being polled, by the run's clock; the last wave as planned; jobs observed or forgotten. */
  live: Map<PlannedJob, LiveJob>;
  wave?: Wave;
  seen: WeakSet<PlannedJob>;
}

interface Group {
  job: PlannedJob;
  count: number;
}

function scheduleKey(job: PlannedJob): string {
  return `${job.model}\u0000${sizeFactor(job)}`;
}

/** The run's jobs as distinct (model, size) pairs with how many jobs share each. */
function groupJobs(jobs: readonly PlannedJob[]): Group[] {
  const groups = new Map<string, Group>();
  for (const job of jobs) {
    const key = scheduleKey(job);
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { job, count: 1 });
  }
  return [...groups.values()];
}

/** Recompute after every observation at first, then in steps: a schedule barely moves with one more point. */
function stillFresh(then: number, now: number): boolean {
  return then === now || (now > 32 && now - then < Math.min(MAX_POINTS, Math.max(25, now / 8)));
}

/**
 * Queues: now and then a job waits well past its model's usual time, and a few observations rarely
 * show it. A plan built only on them polls a queued job every interval once it outlives them, so the
 * plan keeps this share of its belief for a wait 1–4× the usual and polls such a job sparsely.
 */
const QUEUE_SHARE = 0.05;
const QUEUE_SHIFT = Math.log(2);
const QUEUE_WIDTH = 0.35;

function withQueueTail(mix: Mixture, seen: number): Mixture {
  const total = mix.weights.reduce((a, b) => a + b, 0);
  // The run's own observations show the real tail once there are enough of them.
  const share = (QUEUE_SHARE * OWN_DATA_DECIDES) / (OWN_DATA_DECIDES + seen);
  return {
    points: [...mix.points, weightedMedian(mix) + QUEUE_SHIFT],
    weights: [...mix.weights, (total * share) / (1 - share)],
    width: mix.width,
    widths: [...mix.points.map(() => mix.width), QUEUE_WIDTH],
  };
}

/** The distribution a job is planned on, at its size (with the queue tail once the model has data). */
function sizedMixture(k: Knowledge, job: PlannedJob): { mix: Mixture; data: boolean } {
  const { mix, data } = mixtureFor(k, job);
  const scale = Math.log(sizeFactor(job));
  const sized = { ...mix, points: mix.points.map((p) => p + scale) };
  return { mix: data ? withQueueTail(sized, k.observed.get(job.model)?.xs.length ?? 0) : sized, data };
}

/**
 * The run-wide price per poll: the cheapest at which the run's jobs, each on its own distribution,
 * expect no more polls in all than the classic poller would spend on them (a Lagrange multiplier
 * shared by every job, so a poll goes where it saves the most delay).
 */
function runWidePrice(k: Knowledge, plan: SchedulePlan): number {
  const parts = plan.groups.map((g) => {
    const { mix, data } = sizedMixture(k, g.job);
    return {
      dear: data ? 1 : COLD,
      grid: candidateGrid(mix, plan.bounds.floorMs),
      backoff: expectedBackoffPolls(mix, plan.bounds),
      n: g.count,
    };
  });
  const budget = plan.budgetFactor * parts.reduce((a, p) => a + p.n * p.backoff, 0);
  const polls = (price: number) => parts.reduce((a, p) => a + p.n * solveAtPrice(p.grid, price * p.dear).polls, 0);
  const top = Math.max(...parts.map((p) => p.grid.hi));
  return cheapestPrice(polls, budget, top);
}

/**
 * The last wave: once no job waits to be submitted, the run ends when its slowest job is seen, so
 * the other jobs' detection delays cost little. They are planned as if a poll cost LAST_WAVE_OTHERS
 * times more; the job expected to end last keeps the run's price. (Letting that job spend the polls
 * the others save was tried in bench/simulate.ts and changed nothing: the budget is spent by then.)
 */
const LAST_WAVE_OTHERS = 4;

interface LiveJob {
  startMs: number;
  /** Expected end (ms, the run's clock) at the knowledge version it was found at. */
  end?: { ms: number; version: number };
  /** Its own schedule in the last wave, for the wave it was made for. */
  own?: { policy: Policy; wave: Wave };
}

/** The last wave as planned: the job expected to end last (undefined: one not started yet). */
interface Wave {
  latest: PlannedJob | undefined;
  size: number;
  version: number;
}

function expectedEnd(k: Knowledge, job: PlannedJob, live: LiveJob, elapsedMs: number): number {
  if (live.end && live.end.version === k.speedN && live.startMs + elapsedMs < live.end.ms) return live.end.ms;
  // The conditional median given it has run this long.
  const { mix } = sizedMixture(k, job);
  const f = mixtureCdf(mix, elapsedMs);
  const ms = live.startMs + Math.max(elapsedMs, Math.exp(mixtureQuantile(mix, f + (1 - f) / 2)));
  live.end = { ms, version: k.speedN };
  return ms;
}

/**
 * The job expected to end last: a live one, or (undefined) one of the run's jobs about to start
 * (taken up by the scheduler but not yet polled), which would then end after all the live ones.
 */
function latestOf(k: Knowledge, plan: SchedulePlan, nowMs: number): PlannedJob | undefined {
  let latest: PlannedJob | undefined;
  let latestEnd = -Infinity;
  const livePerKey = new Map<string, number>();
  for (const [j, l] of plan.live) {
    livePerKey.set(scheduleKey(j), (livePerKey.get(scheduleKey(j)) ?? 0) + 1);
    const end = expectedEnd(k, j, l, nowMs - l.startMs);
    if (end > latestEnd) {
      latestEnd = end;
      latest = j;
    }
  }
  for (const g of plan.groups) {
    const key = scheduleKey(g.job);
    const starting = g.count - (plan.done.get(key) ?? 0) - (livePerKey.get(key) ?? 0);
    if (starting > 0 && nowMs + Math.exp(weightedMedian(sizedMixture(k, g.job).mix)) > latestEnd) return undefined;
  }
  return latest;
}

/** A live job's schedule in the last wave: the run's price if it is expected to end last, dearer if not. */
function lastWaveSchedule(k: Knowledge, plan: SchedulePlan, job: PlannedJob, live: LiveJob, wave: Wave): Policy {
  if (live.own?.wave === wave) return live.own.policy;
  const price = plan.price!.value * (wave.latest === job ? 1 : LAST_WAVE_OTHERS);
  const { policy } = solveAtPrice(candidateGrid(sizedMixture(k, job).mix, plan.bounds.floorMs), price);
  live.own = { policy, wave };
  return policy;
}

/** A job's poll schedule, from the cache while what it depends on has not moved enough to matter. */
function cachedSchedule(k: Knowledge, cache: ScheduleCache, plan: SchedulePlan, job: PlannedJob): Policy {
  const key = scheduleKey(job);
  if (plan.groups.length > 0) {
    // One price for the run, found again as the run learns; every schedule follows it.
    if (!plan.price || !stillFresh(plan.price.version, k.speedN)) {
      plan.price = { value: runWidePrice(k, plan), version: k.speedN };
      cache.clear();
    }
    const hit = cache.get(key);
    if (hit) return hit.policy;
    const sized = sizedMixture(k, job);
    const grid = candidateGrid(sized.mix, plan.bounds.floorMs);
    const { policy } = solveAtPrice(grid, plan.price.value * (sized.data ? 1 : COLD));
    cache.set(key, { policy, version: plan.price.version });
    return policy;
  }
  // What the schedule depends on: this model's observations, or for an unseen model the run-wide speed.
  const version = k.observed.get(job.model)?.count ?? k.speedN;
  const hit = cache.get(key);
  if (hit && stillFresh(hit.version, version)) return hit.policy;
  const { mix, data } = sizedMixture(k, job);
  const { bounds } = plan;
  const grid = candidateGrid(mix, bounds.floorMs);
  // Without the run's jobs: one price per poll for a model with data; for a guess, the classic budget.
  const price = data
    ? plan.pollCost * bounds.floorMs
    : cheapestPrice((p) => solveAtPrice(grid, p).polls, plan.budgetFactor * expectedBackoffPolls(mix, bounds), grid.hi);
  const { policy } = solveAtPrice(grid, price);
  cache.set(key, { policy, version });
  return policy;
}

/** The policy's next poll time after `elapsedMs`, or undefined past the end of its grid. */
function nextPollTime(policy: Policy, elapsedMs: number): number | undefined {
  const { g, next } = policy;
  // lo = how many candidates lie at or before now: the state "last poll at g[lo − 1]".
  let lo = 0;
  let hi = g.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (g[mid]! <= elapsedMs + 1) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= g.length) return undefined;
  const j = next[lo]!;
  return j > g.length ? g[lo - 1]! + policy.floorMs : g[j - 1];
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
  const plan: SchedulePlan = {
    bounds,
    pollCost: options.pollCost ?? DEFAULT_POLL_COST,
    budgetFactor: options.budgetFactor ?? 1,
    groups: groupJobs(options.jobs ?? []),
    done: new Map(),
    live: new Map(),
    seen: new WeakSet(),
  };
  // Schedules per model and size, recomputed as observations arrive (every one at first, then in steps).
  const cache: ScheduleCache = new Map();
  const clamp = (ms: number) => Math.min(bounds.ceilingMs, Math.max(bounds.floorMs, ms));

  return {
    observe(job, latencyMs) {
      if (!(latencyMs > 0)) return;
      learn(k, job, latencyMs);
      settle(plan, job, true);
    },
    forget(job) {
      settle(plan, job, false);
    },
    nextDelay(job, elapsedMs, lastDelayMs, run) {
      const next = nextPollTime(scheduleNow(k, cache, plan, job, elapsedMs, run), elapsedMs);
      if (next !== undefined) return clamp(next - elapsedMs);
      // Later than the distribution allows for: back off geometrically, in step with how long it has run.
      return clamp(Math.max(lastDelayMs * BACKOFF_FACTOR, elapsedMs / 4));
    },
    expectedMs(job) {
      const { mix, known } = mixtureFor(k, job);
      return known ? Math.exp(weightedMedian(mix) + Math.log(sizeFactor(job))) : undefined;
    },
    snapshot: () => snapshotOf(k),
  };
}

/** A finished job's latency, at size 1, into what the model knows. */
function learn(k: Knowledge, job: PlannedJob, latencyMs: number): void {
  const x = Math.log(latencyMs) - Math.log(sizeFactor(job));
  let s = k.observed.get(job.model);
  if (!s) k.observed.set(job.model, (s = { type: job.type, xs: [], count: 0 }));
  s.xs.push(x);
  if (s.xs.length > MAX_POINTS) s.xs.shift();
  s.count++;
  k.speedSum += x - coldLog(k, job.type);
  k.speedN++;
}

/** A job settled: out of the live set; if it was not observed (reused, a twin, failed), out of the budget. */
function settle(plan: SchedulePlan, job: PlannedJob, observed: boolean): void {
  plan.live.delete(job);
  if (plan.seen.has(job)) return;
  plan.seen.add(job);
  const key = scheduleKey(job);
  if (observed) plan.done.set(key, (plan.done.get(key) ?? 0) + 1);
  else {
    const g = plan.groups.find((x) => scheduleKey(x.job) === key);
    if (g && g.count > (plan.done.get(key) ?? 0)) g.count--;
  }
}

/** The schedule a job follows now: its model's, or in the last wave its own. */
function scheduleNow(
  k: Knowledge,
  cache: ScheduleCache,
  plan: SchedulePlan,
  job: PlannedJob,
  elapsedMs: number,
  run: RunMoment | undefined,
): Policy {
  const policy = cachedSchedule(k, cache, plan, job);
  if (!run || plan.groups.length === 0 || !plan.price) return policy;
  let live = plan.live.get(job);
  if (!live) plan.live.set(job, (live = { startMs: run.nowMs - elapsedMs }));
  if (run.waiting > 0) return policy;
  const latest = latestOf(k, plan, run.nowMs);
  const { version } = plan.price;
  const w = plan.wave;
  if (!w || w.latest !== latest || w.size !== plan.live.size || w.version !== version) {
    plan.wave = { latest, size: plan.live.size, version };
  }
  return lastWaveSchedule(k, plan, job, live, plan.wave!);
}

/** What the model knows per model (observed in this run or carried over from the prior), for the memory file. */
function snapshotOf(k: Knowledge): Record<string, LatencyShape> {
  const out: Record<string, LatencyShape> = { ...k.prior?.models };
  for (const [model, s] of k.observed) {
    const { mix } = mixtureFor(k, { model, type: s.type, body: {} } as unknown as PlannedJob);
    out[model] = {
      type: s.type,
      points: quantiles(mix, 24),
      width: mix.width,
      n: s.xs.length + (k.prior?.models[model]?.n ?? 0),
    };
  }
  return out;
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
    s += m.weights[i]! * normalCdf((lt - m.points[i]!) / (m.widths ? m.widths[i]! : m.width));
    w += m.weights[i]!;
  }
  return s / w;
}

/** The log-ms value below which share q of the mixture lies. */
function mixtureQuantile(m: Mixture, q: number): number {
  const w = m.widths ? Math.max(...m.widths) : m.width;
  let lo = Math.min(...m.points) - 8 * w;
  let hi = Math.max(...m.points) + 8 * w;
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
  first: Int32Array;
  floorMs: number;
}

function candidateGrid(m: Mixture, floorMs: number): Grid {
  const lo = Math.max(floorMs, Math.exp(mixtureQuantile(m, 1 - COVERAGE)));
  const hi = Math.max(lo, Math.exp(mixtureQuantile(m, COVERAGE)));
  // Candidates finer than the floor, so a poll can land on a band's edge; the floor binds in the solver.
  const n = Math.max(1, Math.min(GRID, Math.floor((hi - lo) / (floorMs / GRID_PER_FLOOR)) + 1));
  const step = n > 1 ? (hi - lo) / (n - 1) : 0;
  const g = Array.from({ length: n }, (_, i) => lo + i * step);
  const F = g.map((t) => mixtureCdf(m, t));
  // first[i] = the earliest state reachable from state i: a poll at least floorMs after g[i − 1].
  const first = new Int32Array(n + 1);
  first[0] = 1;
  for (let i = 1, j = 1; i <= n; i++) {
    while (j <= n && g[j - 1]! < g[i - 1]! + floorMs - 1e-6) j++;
    first[i] = Math.max(j, i + 1); // n + 1: no candidate left; the last poll is one floor later
  }
  // Mass and first moment caught at each candidate (cell k = (g[k−1], g[k]]); cell 0 is (0, g[0]].
  const M = new Float64Array(n + 1);
  const C = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    const mass = k === 0 ? F[0]! : F[k]! - F[k - 1]!;
    const centre = k === 0 ? g[0]! * 0.75 : (g[k]! + g[k - 1]!) / 2;
    M[k + 1] = M[k]! + mass;
    C[k + 1] = C[k]! + mass * centre;
  }
  return { n, hi, floorMs, g, F, M, C, first };
}

/** The schedule minimising expected detection delay plus `price` per poll, and its expected polls. */
function solveAtPrice(grid: Grid, price: number): { times: number[]; polls: number; policy: Policy } {
  const { n, g, F, M, C, first, floorMs } = grid;
  // state i = last poll at g[i−1] (i = 0: submit, nothing polled yet).
  const survival = (i: number) => (i === 0 ? 1 : 1 - F[i - 1]!);
  const V = new Float64Array(n + 1);
  const P = new Float64Array(n + 1);
  const next = new Int32Array(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    if (first[i]! > n) {
      // Too close to the end for another candidate: one last poll a floor later catches the rest.
      const at = g[i - 1]! + floorMs;
      V[i] = price * survival(i) + at * (M[n]! - M[i]!) - (C[n]! - C[i]!);
      P[i] = survival(i);
      next[i] = n + 1;
      continue;
    }
    let best = Infinity;
    for (let j = first[i]!; j <= n; j++) {
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
  for (let i = 0; ;) {
    const j = next[i]!;
    times.push(j > n ? g[i - 1]! + floorMs : g[j - 1]!);
    if (j >= n) break;
    i = j;
  }
  return { times, polls: P[0]!, policy: { g, next, floorMs } };
}

/** The cheapest price per poll whose schedule stays within `budget` polls; polls fall as the price rises. */
function cheapestWithin(grid: Grid, budget: number): number[] {
  const price = cheapestPrice((p) => solveAtPrice(grid, p).polls, budget, grid.hi);
  return solveAtPrice(grid, price).times;
}

/** Bisection in log price for the cheapest price whose expected polls stay within budget (or the dearest tried). */
function cheapestPrice(polls: (price: number) => number, budget: number, scaleMs: number): number {
  let a = Math.log(scaleMs * 1e-6);
  let b = Math.log(scaleMs * 10);
  if (polls(Math.exp(b)) > budget) return Math.exp(b);
  for (let i = 0; i < 28; i++) {
    const mid = (a + b) / 2;
    if (polls(Math.exp(mid)) <= budget) b = mid;
    else a = mid;
  }
  return Math.exp(b);
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
