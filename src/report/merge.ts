// The report step's merge: the manifests of a matrix's shards → one manifest, as if one run had
// made every job. Pure: no I/O, no clock (generated_at is the latest shard's unless given).
import type { JobResult, Manifest } from '../manifest/schema.js';
import { roundUsd } from '../cost/prices.js';
import { resultTotals } from '../manifest/build.js';

export type ShardPart = { shard: string; manifest: Manifest } | { shard: string; missing: true; reason?: string };

export interface MergeOptions {
  /** Default: the latest generated_at of the shards (the epoch when none was found). */
  generatedAt?: Date;
  /** Default: the first shard's. */
  tool?: string;
}

// Which of two results for one job name to keep, should two shards report it (a matrix re-run under
// another layout): the one that got furthest.
const RANK: Record<JobResult['status'], number> = { success: 4, cached: 3, unknown: 2, failed: 1, skipped: 0 };

/** `2/3` → [2, 3]; anything else sorts after, by text. */
function shardKey(label: string): [number, number] {
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(label);
  return m ? [Number(m[1]), Number(m[2])] : [Number.MAX_SAFE_INTEGER, 0];
}

/**
 * Merge shard manifests. Results: every job once, in the job file's order (file_index, which shards
 * record), jobs without one after, in shard order. Totals, counts and cost_by_model are recomputed
 * from the parts; `run` spans the earliest start to the latest finish, its concurrency is the sum of
 * the shards'. A missing shard is never dropped: it is listed in `shards` as missing and named in
 * run.stopped, which the summary and the comment show and which makes `fail-on: any` fail.
 */
export function mergeManifests(parts: ShardPart[], opts: MergeOptions = {}): Manifest {
  const ordered = inShardOrder(parts);
  const present = ordered.flatMap((p) => ('manifest' in p ? [p] : []));
  const results = mergeResults(present);
  const t = resultTotals(results);
  const span = runSpan(present, opts);
  const first = present[0]?.manifest;
  return {
    generated_at: span.generatedAt.toISOString(),
    total_cost: t.total_cost,
    total_jobs: t.total_jobs,
    successful: t.successful,
    failed: t.failed,
    results,
    schema_version: 1,
    tool: opts.tool ?? first?.tool ?? 'atlas-media-action',
    config: present.find((p) => p.manifest.config !== null)?.manifest.config ?? null,
    estimated_total_cost: roundUsd(present.reduce((s, p) => s + p.manifest.estimated_total_cost, 0)),
    unknown: t.unknown,
    skipped: t.skipped,
    cached: t.cached,
    cost_by_model: mergeCostByModel(present),
    run: {
      started_at: new Date(span.startedAt).toISOString(),
      finished_at: new Date(span.finishedAt).toISOString(),
      wall_seconds: Math.round((span.finishedAt - span.startedAt) / 10) / 100,
      concurrency: present.reduce((s, p) => s + p.manifest.run.concurrency, 0),
      stopped: stoppedReason(ordered, present),
    },
    shards: ordered.map(shardEntry),
    ...mergedComparison(present),
  };
}

/**
 * What the shards were compared with. Every shard compares the whole job file with the same earlier
 * run (a job is removed only when no job of its name is left, whatever the shard selects), so the
 * first comparison stands for all and the removed jobs are the union, by name.
 */
function mergedComparison(present: PresentPart[]): Pick<Manifest, 'compared_with' | 'removed'> {
  const compared = present.find((p) => p.manifest.compared_with)?.manifest.compared_with;
  if (!compared) return {};
  const names = new Set<string>();
  const removed = present
    .flatMap((p) => p.manifest.removed ?? [])
    .filter((r) => !names.has(r.name) && names.add(r.name));
  return { compared_with: compared, removed };
}

type PresentPart = { shard: string; manifest: Manifest };

/** The parts by shard number (`1/3` before `2/3`), labels that are not numbers after, by text. */
function inShardOrder(parts: ShardPart[]): ShardPart[] {
  return parts
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const [ai, at] = shardKey(a.p.shard);
      const [bi, bt] = shardKey(b.p.shard);
      return ai - bi || at - bt || (a.p.shard < b.p.shard ? -1 : a.p.shard > b.p.shard ? 1 : a.i - b.i);
    })
    .map((x) => x.p);
}

/** Every job once, by name (job names are unique in a job file), in the job file's order. */
function mergeResults(present: PresentPart[]): JobResult[] {
  const byName = new Map<string, { r: JobResult; seq: number }>();
  let seq = 0;
  for (const { manifest } of present) {
    for (const r of manifest.results) {
      const cur = byName.get(r.name);
      if (!cur) byName.set(r.name, { r, seq: seq++ });
      else if (RANK[r.status] > RANK[cur.r.status]) byName.set(r.name, { r, seq: cur.seq });
    }
  }
  return [...byName.values()]
    .sort((a, b) => {
      const fa = a.r.file_index;
      const fb = b.r.file_index;
      if (fa !== undefined && fb !== undefined && fa !== fb) return fa - fb;
      if (fa !== undefined && fb === undefined) return -1;
      if (fa === undefined && fb !== undefined) return 1;
      return a.seq - b.seq;
    })
    .map((x) => x.r);
}

function mergeCostByModel(present: PresentPart[]): Manifest['cost_by_model'] {
  const costByModel: Manifest['cost_by_model'] = {};
  for (const { manifest } of present) {
    for (const [model, c] of Object.entries(manifest.cost_by_model)) {
      const m = Object.hasOwn(costByModel, model)
        ? costByModel[model]!
        : (costByModel[model] = { ...c, jobs: 0, cost: 0, estimated_cost: 0 });
      m.jobs += c.jobs;
      m.cost = roundUsd(m.cost + c.cost);
      m.estimated_cost = roundUsd(m.estimated_cost + c.estimated_cost);
    }
  }
  return costByModel;
}

/** The earliest start, the latest finish, and generated_at (the latest shard's unless given), in ms. */
function runSpan(
  present: PresentPart[],
  opts: MergeOptions,
): { startedAt: number; finishedAt: number; generatedAt: Date } {
  const times = (f: (m: Manifest) => string) => present.map((p) => Date.parse(f(p.manifest))).filter(Number.isFinite);
  const starts = times((m) => m.run.started_at);
  const ends = times((m) => m.run.finished_at);
  const generated = times((m) => m.generated_at);
  const startedAt = starts.length ? Math.min(...starts) : 0;
  const finishedAt = ends.length ? Math.max(...ends) : startedAt;
  const generatedAt = opts.generatedAt ?? new Date(generated.length ? Math.max(...generated) : finishedAt);
  return { startedAt, finishedAt, generatedAt };
}

/** run.stopped: the missing shards first, then each shard's own stop. */
function stoppedReason(ordered: ShardPart[], present: PresentPart[]): string | null {
  const stops: string[] = [];
  const missing = ordered.filter((p) => !('manifest' in p));
  if (missing.length) {
    const names = missing.map((p) => `${p.shard}${'reason' in p && p.reason ? ` (${p.reason})` : ''}`);
    stops.push(
      `${missing.length === 1 ? 'shard' : 'shards'} ${names.join(', ')} missing: ${missing.length === 1 ? 'its jobs are' : 'their jobs are'} not in this report`,
    );
  }
  for (const { shard, manifest } of present)
    if (manifest.run.stopped) stops.push(`shard ${shard}: ${manifest.run.stopped}`);
  return stops.length ? stops.join('; ') : null;
}

function shardEntry(p: ShardPart): NonNullable<Manifest['shards']>[number] {
  return 'manifest' in p
    ? {
        shard: p.shard,
        status: 'merged' as const,
        jobs: p.manifest.results.length,
        cost: p.manifest.total_cost,
        reason: null,
      }
    : { shard: p.shard, status: 'missing' as const, jobs: 0, cost: 0, reason: p.reason ?? null };
}
