// Pollers replayed on latencies, deterministic and independent of the CPU: the floor (every
// completion seen at once), the tutorial's fixed-backoff poller, an informed poller that knew each
// model's latency distribution exactly, and ours (the real latency model, on a simulated clock).
// All in simulated seconds; jobs start in file order at a fixed concurrency.
// `npx tsx bench/simulate.ts [budget-factor]` prints every shape in both latency worlds: use it for
// design decisions; `npm run bench` replays the emulator's actual latencies through the same code.
import { pathToFileURL } from 'node:url';
import {
  createLatencyModel,
  optimalSchedule,
  type LatencyModel,
  type LatencyModelOptions,
  type LatencyPrior,
  type Mixture,
  type PollBounds,
} from '../src/engine/latency.js';
import type { PlannedJob } from '../src/jobfile/job.js';
import {
  BAND_JITTER,
  BUILTIN_MODELS,
  floorMakespan,
  latencySeconds,
  type Jitter,
  type ModelProfile,
} from '../test/emulator/latency.js';

/** Poll times (seconds after submit) a poller would use for one job. */
export type PollPlan = (job: SimJob) => Iterable<number>;

export interface SimJob {
  model: string;
  type: 'image' | 'video';
  body: Record<string, unknown>;
  /** Seconds this job actually took. */
  latency: number;
  /** The model's typical time for this job's size (no jitter). */
  typical: number;
}

export interface SimResult {
  makespan: number;
  pollsPerPrediction: number;
  delays: number[];
  /** Polls each job took, in file order (ours only). */
  polls?: number[];
}

/** Greedy list scheduling: each job takes the first free slot; its slot frees when the poller notices completion. */
export function simulate(jobs: SimJob[], concurrency: number, plan: PollPlan | null): SimResult {
  const free: number[] = Array.from({ length: Math.max(1, concurrency) }, () => 0);
  let polls = 0;
  let makespan = 0;
  const delays: number[] = [];
  for (const job of jobs) {
    let k = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[k]!) k = i;
    const start = free[k]!;
    let seen = job.latency;
    if (plan) {
      for (const t of plan(job)) {
        polls++;
        if (t >= job.latency) {
          seen = t;
          break;
        }
      }
    }
    delays.push(seen - job.latency);
    free[k] = start + seen;
    makespan = Math.max(makespan, start + seen);
  }
  return { makespan, pollsPerPrediction: plan ? polls / jobs.length : 0, delays };
}

/** The tutorial's script: first poll after 5 s, then ×1.5 up to 30 s between polls. */
export const tutorialPlan: PollPlan = function* () {
  let t = 0;
  let wait = 5;
  for (;;) {
    t += wait;
    yield t;
    wait = Math.min(30, wait * 1.5);
  }
};

// One PlannedJob per SimJob, as the engine passes the same job object on every call.
const planned = new WeakMap<SimJob, PlannedJob>();
const asPlanned = (j: SimJob): PlannedJob => {
  let p = planned.get(j);
  if (!p) planned.set(j, (p = { model: j.model, type: j.type, body: j.body } as unknown as PlannedJob));
  return p;
};

/**
 * Ours: the action's latency model on a simulated clock. Completions are observed when seen (with
 * their true latency, as the server's stamps give it), so what it knows grows as the run goes.
 */
export function simulateOurs(
  jobs: SimJob[],
  concurrency: number,
  model: LatencyModel,
  bounds: PollBounds = { floorMs: 1000, ceilingMs: 30_000 },
): SimResult {
  interface Live {
    index: number;
    job: SimJob;
    start: number;
    next: number;
    last: number;
  }
  const live: Live[] = [];
  const perJob = jobs.map(() => 0);
  let queued = 0;
  let polls = 0;
  let makespan = 0;
  const delays: number[] = [];
  /** Job `index` submitted at t (its first poll planned), with `queued` jobs taken up so far. */
  const begin = (index: number, t: number) => {
    const job = jobs[index]!;
    const last = model.nextDelay(asPlanned(job), 0, 0, { nowMs: t * 1000, waiting: jobs.length - queued }) / 1000;
    live.push({ index, job, start: t, next: t + last, last });
  };
  // The engine takes up every job a free slot allows before the first submit returns.
  queued = Math.min(jobs.length, concurrency);
  for (let i = 0; i < queued; i++) begin(i, 0);
  while (live.length > 0) {
    let k = 0;
    for (let i = 1; i < live.length; i++) if (live[i]!.next < live[k]!.next) k = i;
    const l = live[k]!;
    const t = l.next;
    polls++;
    perJob[l.index]!++;
    const elapsed = t - l.start;
    if (elapsed >= l.job.latency - 1e-9) {
      live.splice(k, 1);
      delays.push(elapsed - l.job.latency);
      makespan = Math.max(makespan, t);
      model.observe(asPlanned(l.job), l.job.latency * 1000);
      if (queued < jobs.length) begin(queued++, t);
      continue;
    }
    l.last =
      model.nextDelay(asPlanned(l.job), elapsed * 1000, l.last * 1000, {
        nowMs: t * 1000,
        waiting: jobs.length - queued,
      }) / 1000;
    l.next = t + l.last;
  }
  void bounds;
  return { makespan, pollsPerPrediction: polls / jobs.length, delays, polls: perJob };
}

// ---- The informed bound -------------------------------------------------------------------

/** A latency world: the emulator's jitter and model table. */
export interface World {
  name: string;
  jitter: Jitter;
  models: Record<string, ModelProfile>;
}

/** The model's exact latency distribution for this job (seconds), as a fine mixture. */
export function exactMixture(world: World, typical: number): Mixture {
  const j = world.jitter;
  if (typeof j === 'number') return { points: [Math.log(typical)], weights: [1], width: Math.max(1e-3, j) };
  const points: number[] = [];
  const weights: number[] = [];
  const K = 120;
  for (let i = 0; i < K; i++) {
    const band = 1 - j.halfWidth + (2 * j.halfWidth * (i + 0.5)) / K;
    points.push(Math.log(typical * band));
    weights.push((1 - j.tailRate) / K);
    for (let q = 0; q < 4; q++) {
      const f = j.tailMin + ((j.tailMax - j.tailMin) * (q + 0.5)) / 4;
      points.push(Math.log(typical * band * f));
      weights.push(j.tailRate / K / 4);
    }
  }
  return { points, weights, width: (2 * j.halfWidth) / K / 2 };
}

/** The band a job of this typical time falls in (ignoring the tail): [lo, hi] seconds. */
function band(world: World, typical: number): [number, number] {
  const j = world.jitter;
  if (typeof j === 'number') return [typical * Math.exp(-2 * j), typical * Math.exp(2 * j)];
  return [typical * (1 - j.halfWidth), typical * (1 + j.halfWidth)];
}

/** k polls evenly spaced across the band (the last at its top), then the tutorial's backoff. */
function evenPlan(world: World, k: number): PollPlan {
  return function* (job) {
    const [lo, hi] = band(world, job.typical);
    let t = 0;
    for (let i = 1; i <= k; i++) yield (t = lo + ((hi - lo) * i) / k);
    let wait = Math.max(1, (hi - lo) / k);
    for (;;) {
      wait = Math.min(30, wait * 1.5);
      yield (t += wait);
    }
  };
}

/** The optimal schedule for each job's exact distribution at one price per poll (seconds of delay), then backoff. */
function optimalPlan(world: World, price: number): PollPlan {
  const cache = new Map<number, number[]>();
  return function* (job) {
    let times = cache.get(job.typical);
    if (!times) cache.set(job.typical, (times = optimalSchedule(exactMixture(world, job.typical), 1, { price })));
    let t = 0;
    let wait = 1;
    for (const x of times) {
      wait = Math.max(1, x - t);
      yield (t = x);
    }
    for (;;) {
      wait = Math.min(30, wait * 1.5);
      yield (t += wait);
    }
  };
}

export interface Bound {
  ratio: number;
  polls: number;
  how: string;
}

/**
 * The informed poller's best makespan within `maxPolls` per prediction on these latencies: evenly
 * spaced polls across each model's band (k = 1…12), or the optimal schedule for the exact distribution
 * (its per-job budget found by bisection); whichever is better.
 */
export function informedBound(world: World, jobs: SimJob[], concurrency: number, maxPolls: number): Bound {
  const floor = floorMakespan(
    jobs.map((j) => j.latency),
    concurrency,
  );
  let best: Bound = { ratio: Infinity, polls: 0, how: '-' };
  const consider = (r: SimResult, how: string) => {
    const ratio = r.makespan / floor;
    if (r.pollsPerPrediction <= maxPolls + 1e-9 && ratio < best.ratio) {
      best = { ratio, polls: r.pollsPerPrediction, how };
    }
  };
  const evens = Array.from({ length: 12 }, (_, i) => simulate(jobs, concurrency, evenPlan(world, i + 1)));
  evens.forEach((r, i) => consider(r, `even ${i + 1}`));
  // One price per poll for every model (the efficient split of polls between them), the cheapest in budget.
  let lo = Math.log(0.01);
  let hi = Math.log(100);
  for (let i = 0; i < 16; i++) {
    const mid = (lo + hi) / 2;
    const r = simulate(jobs, concurrency, optimalPlan(world, Math.exp(mid)));
    consider(r, 'optimal');
    if (r.pollsPerPrediction <= maxPolls) hi = mid;
    else lo = mid;
  }
  // Polls jump in steps as the price moves (every job of a model changes schedule at once): a share of
  // the jobs on the schedule just over budget and the rest on the one within it reaches the budget exactly.
  const within = optimalPlan(world, Math.exp(hi));
  const over = optimalPlan(world, Math.exp(lo));
  const k = evens.findIndex((r) => r.pollsPerPrediction > maxPolls);
  for (let share = 0.1; share < 0.95; share += 0.1) {
    consider(simulate(jobs, concurrency, mixPlan(jobs, share, over, within)), 'optimal, mixed');
    if (k > 0)
      consider(
        simulate(jobs, concurrency, mixPlan(jobs, share, evenPlan(world, k + 1), evenPlan(world, k))),
        `even ${k}/${k + 1}`,
      );
  }
  return best;
}

/** `share` of the jobs (spread evenly through the file) on plan a, the rest on plan b. */
function mixPlan(jobs: SimJob[], share: number, a: PollPlan, b: PollPlan): PollPlan {
  const index = new Map(jobs.map((j, i) => [j, i]));
  return (job) => {
    const i = index.get(job) ?? 0;
    return Math.floor((i + 1) * share) > Math.floor(i * share) ? a(job) : b(job);
  };
}

// ---- Worlds and shapes ----------------------------------------------------------------------

export const IMAGE_MODELS = ['black-forest-labs/flux-2-pro/text-to-image', 'google/imagen4-ultra/text-to-image'];
export const VIDEO_MODELS = ['bytedance/seedance-v1.5-pro/text-to-video', 'google/veo3.1/text-to-video'];

/** The README's original world: log-normal σ = 0.15 around the built-in typical times. */
export const LOGNORMAL_WORLD: World = { name: 'log-normal', jitter: 0.15, models: { ...BUILTIN_MODELS } };

/** Issue 13's world: models spread over images 2–10 s and videos 30–90 s, ±20 % uniform, 1 in 20 queued 1.5–3×. */
export const BAND_WORLD: World = {
  name: 'band + tail',
  jitter: BAND_JITTER,
  models: {
    ...BUILTIN_MODELS,
    [IMAGE_MODELS[0]!]: { ...BUILTIN_MODELS[IMAGE_MODELS[0]!]!, typicalSeconds: 3 },
    [IMAGE_MODELS[1]!]: { ...BUILTIN_MODELS[IMAGE_MODELS[1]!]!, typicalSeconds: 9 },
    [VIDEO_MODELS[0]!]: { ...BUILTIN_MODELS[VIDEO_MODELS[0]!]!, typicalSeconds: 35 },
    [VIDEO_MODELS[1]!]: { ...BUILTIN_MODELS[VIDEO_MODELS[1]!]!, typicalSeconds: 85 },
  },
};

export function images(n: number, prefix = 'image'): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    name: `${prefix} ${i + 1}`,
    model: IMAGE_MODELS[i % IMAGE_MODELS.length],
    prompt: `${prefix} ${i + 1}: a product photo, studio light, variation ${i}`,
    width: 1024,
    height: 1024,
  }));
}
export function videos(n: number, seconds = 5, prefix = 'video'): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    name: `${prefix} ${i + 1}`,
    model: VIDEO_MODELS[i % VIDEO_MODELS.length],
    prompt: `${prefix} ${i + 1}: a slow dolly shot of the product, take ${i}`,
    duration: seconds,
    resolution: '720p',
  }));
}

/** The job files of the shapes (the bench writes the same ones). */
export const SHAPES = {
  pack: { jobs: () => [...images(10), ...videos(5)], concurrency: 3 },
  catalog: { jobs: () => images(500, 'sku'), concurrency: 8 },
  preview: { jobs: () => [...images(2, 'preview'), ...videos(1, 5, 'preview video')], concurrency: 3 },
  /** The weekly pack a week earlier: the same models, other prompts (so other latencies). */
  lastWeek: { jobs: () => [...images(10, 'last week'), ...videos(5, 5, 'last week video')], concurrency: 3 },
} as const;

/** A job file's jobs with their latencies in a world (what the emulator would use at `seed`). */
export function simJobs(world: World, jobs: Array<Record<string, unknown>>, seed = 1): SimJob[] {
  return jobs.map((j) => {
    const body = { ...j };
    delete body['name'];
    const model = String(j['model']);
    const type = world.models[model]?.type ?? 'image';
    return {
      model,
      type,
      body,
      latency: latencySeconds(seed, model, body, world.models, world.jitter),
      typical: latencySeconds(seed, model, body, world.models, 0),
    };
  });
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}

export interface ShapeFigures {
  shape: string;
  world: string;
  ours: { ratio: number; polls: number };
  informed: Bound;
  tutorial: { ratio: number; polls: number };
}

/** Every shape in one world, as the action would run it with default inputs (1 s, 30 s). */
export function simulateWorld(world: World, opts: LatencyModelOptions = {}, seed = 1): ShapeFigures[] {
  const bounds = { floorMs: 1000, ceilingMs: 30_000 };
  const row = (shape: string, jobs: SimJob[], c: number, model: LatencyModel): ShapeFigures => {
    const floor = floorMakespan(
      jobs.map((j) => j.latency),
      c,
    );
    const ours = simulateOurs(jobs, c, model, bounds);
    const tut = simulate(jobs, c, tutorialPlan);
    return {
      shape,
      world: world.name,
      ours: { ratio: ours.makespan / floor, polls: ours.pollsPerPrediction },
      informed: informedBound(world, jobs, c, tut.pollsPerPrediction),
      tutorial: { ratio: tut.makespan / floor, polls: tut.pollsPerPrediction },
    };
  };
  // The action gives the model the run's jobs (its poll budget is run-wide).
  const modelFor = (jobs: SimJob[], extra: LatencyModelOptions = {}) =>
    createLatencyModel(bounds, {
      ...opts,
      ...extra,
      ...(process.env['SIM_PER_JOB'] ? {} : { jobs: jobs.map(asPlanned) }),
    });
  const pack = simJobs(world, SHAPES.pack.jobs(), seed);
  const packModel = modelFor(pack);
  const rows = [row('pack', pack, 3, packModel)];
  // The week after: last week's pack's memory as the prior.
  const lastWeek = simJobs(world, SHAPES.lastWeek.jobs(), seed);
  const lastWeekModel = modelFor(lastWeek);
  simulateOurs(lastWeek, 3, lastWeekModel);
  rows.push(row('pack warm', pack, 3, modelFor(pack, { prior: { models: lastWeekModel.snapshot(), weight: 8 } })));
  const catalog = simJobs(world, SHAPES.catalog.jobs(), seed);
  rows.push(row('catalog', catalog, 8, modelFor(catalog)));
  const preview = simJobs(world, SHAPES.preview.jobs(), seed);
  rows.push(row('preview cold', preview, 3, modelFor(preview)));
  // Warm: the pack's memory, as the next run in the same workspace loads it (fresh, full weight).
  const prior: LatencyPrior = { models: packModel.snapshot(), weight: 8 };
  rows.push(row('preview warm', preview, 3, modelFor(preview, { prior })));
  return rows;
}

function main(): void {
  // `budget=F` (expected polls = F × the classic poller's) or `cost=K` (a poll is worth K poll-intervals).
  const [kind, value] = (process.argv[2] ?? '').split('=');
  const opts: LatencyModelOptions =
    kind === 'budget' ? { budgetFactor: Number(value) } : kind === 'cost' ? { pollCost: Number(value) } : {};
  const f = (x: number, d = 3) => x.toFixed(d);
  console.log(`options ${JSON.stringify(opts)}\n`);
  const seeds = Number(process.env['SIM_SEEDS'] ?? 8);
  console.log(`mean of ${seeds} seeds; makespan / floor · polls per prediction\n`);
  console.log("| world | shape | ours | informed (within the tutorial's polls) | tutorial |");
  console.log('| --- | --- | --- | --- | --- |');
  for (const world of [BAND_WORLD, LOGNORMAL_WORLD]) {
    const runs = Array.from({ length: seeds }, (_, i) => simulateWorld(world, opts, i + 1));
    runs[0]!.forEach((r, k) => {
      const mean = (pick: (x: ShapeFigures) => number) => runs.reduce((a, run) => a + pick(run[k]!), 0) / seeds;
      console.log(
        `| ${r.world} | ${r.shape} | ${f(mean((x) => x.ours.ratio))}× · ${f(
          mean((x) => x.ours.polls),
          2,
        )} | ${f(mean((x) => x.informed.ratio))}× · ${f(
          mean((x) => x.informed.polls),
          2,
        )} | ${f(mean((x) => x.tutorial.ratio))}× · ${f(
          mean((x) => x.tutorial.polls),
          2,
        )} |`,
      );
    });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
