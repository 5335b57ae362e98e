// Which jobs a matrix shard runs. A pure function of the set of jobs: no I/O, no clock, no
// randomness, no dependence on the order of the file. Every shard of a matrix computes the same
// partition from the same job file and takes its own part.
//
// The method is rendezvous (highest-random-weight) hashing with bounded loads:
//   - each job ranks the shards by a hash of (its identity, the shard): its preference order;
//   - jobs are placed one by one in the order of the hash of their identity (never the file's order),
//     each in the first shard of its preference order whose load stays within a cap;
//   - a job's load is its weight: estimated seconds plus estimated cost at SECONDS_PER_USD.
// Without the cap this is plain rendezvous hashing (adding a job moves nothing else); the cap trades
// a few moves for a hard balance bound. Jobs with the same identity (the same paid generation) are
// placed together.
import { createHash } from 'node:crypto';
import type { PlannedJob } from '../jobfile/job.js';
import type { Plan, ShardInfo } from './types.js';
import { roundUsd } from '../cost/prices.js';

/** Prior seconds from submit to downloaded output, per type (a 5-second video; longer ones scale). */
export const PRIOR_SECONDS = { image: 6, video: 60 } as const;
/**
 * What a dollar weighs against a second: 150 s per USD makes the tutorial's image (flux, ~6 s,
 * $0.04) weigh as much in cost as in time, so a shard of expensive jobs is as "heavy" as a slow one.
 */
export const SECONDS_PER_USD = 150;
/** Slack of the cap over a perfect split of the weight. */
export const EPSILON = 0.15;

/** Estimated seconds of one job: the type's prior, videos scaled by their length (as the poller does). */
export function estimatedSeconds(job: Pick<PlannedJob, 'type' | 'body'>): number {
  if (job.type === 'video') {
    const d = Number(job.body['duration']);
    return PRIOR_SECONDS.video * (Number.isFinite(d) && d > 0 ? d / 5 : 1);
  }
  return PRIOR_SECONDS.image;
}

/** A job's weight: estimated seconds + estimated cost × SECONDS_PER_USD. Always > 0. */
export function jobWeight(job: Pick<PlannedJob, 'type' | 'body' | 'estimate'>): number {
  const cost = Number.isFinite(job.estimate.cost) && job.estimate.cost > 0 ? job.estimate.cost : 0;
  return estimatedSeconds(job) + cost * SECONDS_PER_USD;
}

/**
 * The balance bound partition guarantees: no shard weighs more than
 *     W/n + max(ε·W/n, (1 − 1/n)·w_max)
 * with W the total weight, n the shard count and w_max the heaviest job (jobs with the same identity
 * weigh as one, their sum: they are placed together). The first term is the
 * bounded-load cap; the second is Graham's list-scheduling bound, the price of a job too heavy to
 * fit under the cap anywhere (no split can beat max(W/n, w_max) anyway).
 */
export function balanceBound(weights: readonly number[], total: number): number {
  // `weights`: one per placed unit (a job, or the jobs sharing an identity).
  const W = weights.reduce((s, w) => s + w, 0);
  const wMax = weights.reduce((m, w) => Math.max(m, w), 0);
  return W / total + Math.max((EPSILON * W) / total, (1 - 1 / total) * wMax);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

interface Keyed {
  /** The jobs placed as one: those sharing an identity. */
  members: number[];
  weight: number;
  h1: number;
  h2: number;
  name: string;
}

/** The rendezvous score of a job for a shard: a well-mixed 32-bit number from the job's hash and the shard. */
function score(k: Keyed, shard: number): number {
  return fmix32((k.h1 ^ fmix32(Math.imul(shard + 1, 0x9e3779b9) ^ k.h2)) >>> 0);
}

/**
 * Split `jobs` into `total` shards; returns the indexes (into `jobs`) of each shard's jobs, ascending.
 *
 * Guarantees:
 *   - every job is in exactly one shard;
 *   - deterministic and independent of the order of `jobs`: the same set of jobs gives the same
 *     shard to each job whatever order the file lists them in;
 *   - balance: every shard's weight (see jobWeight) is at most
 *         balanceBound = W/n + max(ε·W/n, (1 − 1/n)·w_max),   ε = 0.15,
 *     i.e. within 15% of a perfect split whenever no job is heavier than ε/(n − 1) of the total,
 *     and within one job of a perfect split otherwise.
 *     Proof: a shard grows past the cap (1 + ε)·W/n only by taking a job that fits nowhere, and
 *     such a job goes to the lightest shard; before it is placed the shards hold at most W − w, so
 *     the lightest holds at most (W − w)/n and ends at most W/n + (1 − 1/n)·w;
 *   - stability: a job goes to its first choice unless that shard is full, so adding a job moves
 *     only the jobs whose placement the new job (or the slightly higher cap) changes. Measured in
 *     test/plan/shard.test.ts: the median addition moves at most 2 jobs and the mean under 6% of
 *     them; in the tail (a few dozen jobs, every shard near the cap) a chain of full shards can
 *     move up to about half, never a wholesale reshuffle. That tail is the price of the cap: plain
 *     rendezvous hashing moves nothing but balances only in expectation (bounded loads in general:
 *     O(1/ε²) moves per change, Mirrokni, Thorup and Zadimoghaddam 2018).
 */
export function partition(jobs: readonly PlannedJob[], total: number): number[][] {
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`shard count ${total} is not a whole number ≥ 1`);
  if (total === 1) return [jobs.map((_, i) => i)];
  const keyed = chainGroups(jobs, identityGroups(jobs));
  // Placement order: heavier weight classes (powers of two) first, so a heavy job finds room under
  // the cap; within a class by the identity's hash; the name breaks ties between identical jobs.
  const cls = (w: number) => Math.floor(Math.log2(w));
  keyed.sort(
    (a, b) =>
      cls(b.weight) - cls(a.weight) || a.h1 - b.h1 || a.h2 - b.h2 || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return place(keyed, total);
}

/**
 * Jobs with the same identity (the same paid generation) are placed as one, so they share a shard,
 * where the journal makes the second one free.
 */
function identityGroups(jobs: readonly PlannedJob[]): Map<string, Keyed> {
  const groups = new Map<string, Keyed>();
  jobs.forEach((job, i) => {
    const g = groups.get(job.identity);
    if (g) {
      g.members.push(i);
      g.weight += jobWeight(job);
      if (job.name < g.name) g.name = job.name;
      return;
    }
    const d = createHash('sha256').update(job.identity).digest();
    groups.set(job.identity, {
      members: [i],
      weight: jobWeight(job),
      h1: d.readUInt32BE(0),
      h2: d.readUInt32BE(4),
      name: job.name,
    });
  });
  return groups;
}

/** Place the groups, in order, each on its first choice with room under the cap (see partition). */
function place(keyed: readonly Keyed[], total: number): number[][] {
  const shards: number[][] = Array.from({ length: total }, () => []);
  const W = keyed.reduce((s, k) => s + k.weight, 0);
  const cap = ((1 + EPSILON) * W) / total;
  const load = new Array<number>(total).fill(0);
  const order = Array.from({ length: total }, (_, s) => s);
  for (const k of keyed) {
    const scores = order.map((s) => score(k, s));
    const prefs = order.slice().sort((a, b) => scores[b]! - scores[a]! || a - b);
    // The first choice with room under the cap; else the lightest shard (first by preference among
    // equals), which holds at most (W − w)/n, so it ends at most W/n + (1 − 1/n)·w.
    let pick = prefs.find((s) => load[s]! + k.weight <= cap);
    if (pick === undefined) pick = prefs.reduce((best, s) => (load[s]! < load[best]! ? s : best), prefs[0]!);
    load[pick]! += k.weight;
    shards[pick]!.push(...k.members);
  }
  for (const s of shards) s.sort((a, b) => a - b);
  return shards;
}

/**
 * Chained jobs (one taking another's output) are placed as one with the jobs they take outputs
 * from: a shard cannot wait for another shard's output. Each chain weighs its jobs' sum and is
 * hashed as its smallest identity, so the placement still does not depend on the file's order.
 */
function chainGroups(jobs: readonly PlannedJob[], groups: Map<string, Keyed>): Keyed[] {
  if (!jobs.some((j) => j.inputs?.length)) return [...groups.values()];
  const parent = new Map<string, string>([...groups.keys()].map((k) => [k, k]));
  const root = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let c = k; c !== r;) {
      const next = parent.get(c)!;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  const byName = new Map(jobs.map((j) => [j.name, j.identity]));
  for (const job of jobs) {
    for (const input of job.inputs ?? []) {
      const dep = byName.get(input.job);
      if (dep === undefined) continue;
      const [a, b] = [root(job.identity), root(dep)];
      // The smaller identity stays the root: each chain's root is its smallest identity.
      if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
    }
  }
  const merged = new Map<string, Keyed>();
  for (const [identity, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const r = root(identity);
    const m = merged.get(r);
    if (!m) merged.set(r, { ...g, members: [...g.members] });
    else {
      m.members.push(...g.members);
      m.weight += g.weight;
      if (g.name < m.name) m.name = g.name;
    }
  }
  return [...merged.values()];
}

/**
 * Split a budget across shards in proportion to their estimates: each shard gets its estimate plus
 * its share of the slack (max-cost − the whole estimate), the slack rounded down to a millionth of a
 * dollar, so the shares never add up to more than `maxCost`. `estimates` must not exceed `maxCost`
 * in total (the plan is refused before that); with a zero estimate, the slack is split evenly.
 */
export function splitBudget(estimates: readonly number[], maxCost: number): number[] {
  const whole = estimates.reduce((s, e) => s + e, 0);
  const slack = Math.max(0, maxCost - whole);
  return estimates.map((e) => {
    const share = whole > 0 ? (slack * e) / whole : slack / estimates.length;
    return roundUsd(e + Math.floor(share * 1e6) / 1e6);
  });
}

/**
 * This shard's plan: its jobs re-indexed for the engine (as makePlan does for the `jobs` filter),
 * its estimate, and its part of `maxCost`. `plan` is the validated whole plan.
 */
export function shardOf(
  plan: Plan,
  shard: { index: number; total: number },
  maxCost?: number,
): Plan & { shard: ShardInfo } {
  const parts = partition(plan.jobs, shard.total);
  const mine = parts[shard.index - 1];
  if (!mine) throw new RangeError(`shard ${shard.index}/${shard.total} does not exist`);
  const estimates = parts.map((p) => roundUsd(p.reduce((s, i) => s + plan.jobs[i]!.estimate.cost, 0)));
  const filePos = new Map(plan.allJobs.map((j, i) => [j.name, j.index ?? i]));
  const jobs = mine.map((i, index) => ({ ...plan.jobs[i]!, index }));
  const info: ShardInfo = {
    index: shard.index,
    total: shard.total,
    fileIndex: jobs.map((j) => filePos.get(j.name) ?? -1),
    planJobs: plan.jobs.length,
    planEstimatedCost: plan.estimatedCost,
  };
  if (maxCost !== undefined) info.maxCost = splitBudget(estimates, maxCost)[shard.index - 1]!;
  return { ...plan, jobs, estimatedCost: estimates[shard.index - 1]!, shard: info };
}
