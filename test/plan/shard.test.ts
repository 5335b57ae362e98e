// The matrix partition: a pure function of the set of jobs, checked by properties.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PlannedJob } from '../../src/jobfile/job.js';
import type { Plan } from '../../src/plan/types.js';
import { partition, shardOf, splitBudget, jobWeight, balanceBound, EPSILON } from '../../src/plan/shard.js';

const IMAGE_PRICES = [0.04, 0.06, 0.05];
const VIDEO_PRICES = [0.022, 0.03, 0.15];

interface Spec {
  video: boolean;
  seconds: number;
  price: number;
  id: string;
}

function job(s: Spec, name: string, index = 0): PlannedJob {
  const body: Record<string, unknown> = s.video ? { duration: s.seconds } : {};
  const cost = Math.round((s.video ? s.seconds * s.price : s.price) * 1e6) / 1e6;
  return {
    index,
    name,
    fileStem: name.replace(/\W+/g, '-'),
    type: s.video ? 'video' : 'image',
    model: s.video ? 'google/veo3.1/text-to-video' : 'black-forest-labs/flux-2-pro/text-to-image',
    prompt: name,
    body,
    timeoutMs: 600_000,
    identity: s.id,
    estimate: {
      unit: s.video ? 'second' : 'image',
      units: s.video ? s.seconds : 1,
      unitPrice: s.price,
      cost,
      source: 'builtin',
    },
  };
}

// Mixes of images and videos (of 4-10 s, cheap to dear): one job in six a video, or (videoShare) more.
const specOf = (videoShare: number): fc.Arbitrary<Spec> =>
  fc
    .record({
      video: fc.integer({ min: 1, max: 1000 }).map((k) => k <= videoShare * 1000),
      seconds: fc.constantFrom(4, 5, 8, 10),
      price: fc.nat(2),
      id: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex')),
    })
    .map((s) => ({ ...s, price: (s.video ? VIDEO_PRICES : IMAGE_PRICES)[s.price]! }));
const specArb = specOf(1 / 6);
const jobsArb = (min: number, max: number, spec: fc.Arbitrary<Spec> = specArb) =>
  fc.array(spec, { minLength: min, maxLength: max }).map((specs) => specs.map((s, i) => job(s, `job ${i}`, i)));
/** Any share of videos, all-images to all-videos. */
const anyMixArb = (min: number, max: number) =>
  fc.double({ min: 0, max: 1, noNaN: true }).chain((share) => jobsArb(min, max, specOf(share)));

/** job name → shard index */
const assignment = (jobs: PlannedJob[], parts: number[][]) => {
  const m = new Map<string, number>();
  parts.forEach((p, s) => p.forEach((i) => m.set(jobs[i]!.name, s)));
  return m;
};

describe('partition', () => {
  it('puts every job in exactly one shard, each shard listing ascending indexes', () => {
    fc.assert(
      fc.property(jobsArb(0, 120), fc.integer({ min: 1, max: 12 }), (jobs, n) => {
        const parts = partition(jobs, n);
        expect(parts).toHaveLength(n);
        const all = parts.flat().sort((a, b) => a - b);
        expect(all).toEqual(jobs.map((_, i) => i));
        for (const p of parts) expect(p).toEqual([...p].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });

  it(`keeps every shard within W/n + max(ε·W/n, (1 − 1/n)·w_max) of weight (ε = ${EPSILON}) for random mixes of images and videos`, () => {
    fc.assert(
      fc.property(anyMixArb(1, 300), fc.integer({ min: 2, max: 16 }), (jobs, n) => {
        const w = jobs.map(jobWeight);
        const bound = balanceBound(w, n);
        for (const p of partition(jobs, n)) {
          const load = p.reduce((s, i) => s + w[i]!, 0);
          expect(load).toBeLessThanOrEqual(bound * (1 + 1e-9));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is within 15% of a perfect split when no job dominates (a catalog of images with a few videos)', () => {
    fc.assert(
      fc.property(jobsArb(200, 400), fc.integer({ min: 2, max: 8 }), (jobs, n) => {
        const w = jobs.map(jobWeight);
        const W = w.reduce((s, x) => s + x, 0);
        fc.pre(Math.max(...w) <= (EPSILON * W) / (n - 1));
        for (const p of partition(jobs, n))
          expect(p.reduce((s, i) => s + w[i]!, 0)).toBeLessThanOrEqual(((1 + EPSILON) * W) / n + 1e-9);
      }),
      { numRuns: 50 },
    );
  });

  it('balances by time and cost, not by count: ten videos do not share a shard with ten images when split in two', () => {
    const videos = Array.from({ length: 10 }, (_, i) =>
      job({ video: true, seconds: 5, price: 0.03, id: `v${i}` }, `video ${i}`, i),
    );
    const images = Array.from({ length: 100 }, (_, i) =>
      job({ video: false, seconds: 0, price: 0.04, id: `i${i}` }, `image ${i}`, 10 + i),
    );
    const jobs = [...videos, ...images];
    const w = jobs.map(jobWeight);
    const loads = partition(jobs, 2).map((p) => p.reduce((s, i) => s + w[i]!, 0));
    const W = loads[0]! + loads[1]!;
    for (const l of loads) expect(l).toBeLessThanOrEqual(((1 + EPSILON) * W) / 2);
  });

  it('does not depend on the order of the file', () => {
    fc.assert(
      fc.property(
        jobsArb(0, 150).chain((jobs) =>
          fc.tuple(fc.constant(jobs), fc.shuffledSubarray(jobs, { minLength: jobs.length, maxLength: jobs.length })),
        ),
        fc.integer({ min: 1, max: 10 }),
        ([jobs, shuffled], n) => {
          const reindexed = shuffled.map((j, index) => ({ ...j, index }));
          expect(assignment(reindexed, partition(reindexed, n))).toEqual(assignment(jobs, partition(jobs, n)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps jobs with the same identity (the same paid generation) in one shard', () => {
    fc.assert(
      fc.property(jobsArb(1, 80), fc.integer({ min: 2, max: 8 }), (jobs, n) => {
        const twins = [
          ...jobs,
          ...jobs.slice(0, 5).map((j, k) => ({ ...j, name: `${j.name} again`, index: jobs.length + k })),
        ];
        const a = assignment(twins, partition(twins, n));
        for (const j of jobs.slice(0, 5)) expect(a.get(`${j.name} again`)).toBe(a.get(j.name));
      }),
      { numRuns: 100 },
    );
  });

  // Stability. Plain rendezvous hashing moves nothing when a job is added; the cap that buys the
  // balance bound can push a few jobs along: a job whose first choice is full takes its second.
  const movedByAdding = (jobs: PlannedJob[], extra: PlannedJob, n: number) => {
    const before = assignment(jobs, partition(jobs, n));
    const more = [...jobs, { ...extra, index: jobs.length }];
    const after = assignment(more, partition(more, n));
    let moved = 0;
    for (const [name, s] of before) if (after.get(name) !== s) moved++;
    return moved;
  };

  it('never reshuffles: adding one job moves at most half the others, plus three (a modulo split moves (n − 1)/n of them)', () => {
    fc.assert(
      fc.property(anyMixArb(0, 300), specArb, fc.integer({ min: 2, max: 8 }), (jobs, extra, n) => {
        expect(movedByAdding(jobs, job(extra, 'the new job'), n)).toBeLessThanOrEqual(Math.floor(jobs.length / 2) + 3);
      }),
      { numRuns: 200 },
    );
  });

  it('usually moves nothing or one or two jobs when one job is added: median ≤ 2, mean under 6% of the jobs', () => {
    const samples = fc.sample(fc.tuple(jobsArb(50, 300), specArb, fc.integer({ min: 2, max: 8 })), {
      numRuns: 400,
      seed: 42,
    });
    const moves = samples
      .map(([js, extra, n]) => movedByAdding(js, job(extra, 'the new job'), n))
      .sort((a, b) => a - b);
    const jobs = samples.reduce((s, [js]) => s + js.length, 0);
    expect(moves[Math.floor(moves.length / 2)]).toBeLessThanOrEqual(2);
    expect(moves.reduce((s, m) => s + m, 0) / jobs).toBeLessThan(0.06);
  });

  it('with one shard, or no jobs, is trivial', () => {
    const jobs = Array.from({ length: 5 }, (_, i) =>
      job({ video: false, seconds: 0, price: 0.04, id: `x${i}` }, `j${i}`, i),
    );
    expect(partition(jobs, 1)).toEqual([[0, 1, 2, 3, 4]]);
    expect(partition([], 3)).toEqual([[], [], []]);
    expect(() => partition(jobs, 0)).toThrow(RangeError);
  });
});

describe('splitBudget', () => {
  it('gives each shard at least its estimate and never more than max-cost in total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 0, max: 5_000_000 }),
        (micro, slackMicro) => {
          const estimates = micro.map((m) => m / 1e6);
          const whole = micro.reduce((s, m) => s + m, 0) / 1e6;
          const maxCost = whole + slackMicro / 1e6;
          const shares = splitBudget(estimates, maxCost);
          shares.forEach((s, i) => expect(s).toBeGreaterThanOrEqual(estimates[i]! - 1e-9));
          expect(shares.reduce((s, x) => s + x, 0)).toBeLessThanOrEqual(maxCost + 1e-9);
        },
      ),
    );
  });

  it('splits in proportion to the estimates', () => {
    expect(splitBudget([1, 3], 8)).toEqual([2, 6]);
    expect(splitBudget([0, 0], 1)).toEqual([0.5, 0.5]);
    expect(splitBudget([2, 2], 4)).toEqual([2, 2]);
  });
});

describe('shardOf', () => {
  const planOf = (jobs: PlannedJob[]): Plan => ({
    configPath: 'jobs.yml',
    outputDir: '/tmp/out',
    concurrency: 3,
    jobs,
    allJobs: jobs,
    estimatedCost: Math.round(jobs.reduce((s, j) => s + j.estimate.cost, 0) * 1e6) / 1e6,
    lineOf: () => undefined,
  });

  it('re-indexes each shard for the engine, records file positions, and the shards cover the plan and the budget', () => {
    fc.assert(
      fc.property(jobsArb(1, 100), fc.integer({ min: 1, max: 6 }), (jobs, n) => {
        const plan = planOf(jobs);
        const maxCost = plan.estimatedCost + 1;
        const shards = Array.from({ length: n }, (_, i) => shardOf(plan, { index: i + 1, total: n }, maxCost));
        const seen: string[] = [];
        let budget = 0;
        for (const s of shards) {
          expect(s.jobs.map((j) => j.index)).toEqual(s.jobs.map((_, i) => i));
          expect(s.shard.fileIndex).toEqual(s.jobs.map((j) => jobs.findIndex((x) => x.name === j.name)));
          expect(s.estimatedCost).toBeCloseTo(
            s.jobs.reduce((t, j) => t + j.estimate.cost, 0),
            6,
          );
          expect(s.shard.maxCost!).toBeGreaterThanOrEqual(s.estimatedCost - 1e-9);
          expect(s.allJobs).toBe(plan.allJobs);
          seen.push(...s.jobs.map((j) => j.name));
          budget += s.shard.maxCost!;
        }
        expect(seen.sort()).toEqual(jobs.map((j) => j.name).sort());
        expect(budget).toBeLessThanOrEqual(maxCost + 1e-9);
      }),
      { numRuns: 100 },
    );
  });

  it('leaves maxCost unset without a budget, and refuses a shard that does not exist', () => {
    const plan = planOf([job({ video: false, seconds: 0, price: 0.04, id: 'a' }, 'a')]);
    expect(shardOf(plan, { index: 1, total: 2 }).shard.maxCost).toBeUndefined();
    expect(() => shardOf(plan, { index: 3, total: 2 })).toThrow(RangeError);
  });
});
