// What changed since the earlier run of a job file: each planned job is new, changed (same name,
// another identity: prompt, model, parameters or inputs) or unchanged; jobs of the earlier run no
// longer in the file are removed. Pure: the caller reads the earlier manifest (see earlier.ts).
import type { JobResult, Manifest } from '../manifest/schema.js';
import { canonicalJson } from './jobs.js';

export type ChangeKind = 'new' | 'changed' | 'unchanged';

/** The part of an earlier manifest's result the comparison reads. */
export type EarlierResult = Pick<JobResult, 'name' | 'identity' | 'model' | 'type' | 'status' | 'params' | 'outputs'> &
  Partial<Pick<JobResult, 'estimated_cost' | 'local_path' | 'change' | 'changed_fields' | 'previous_paths'>>;

export interface EarlierRun {
  generated_at: string;
  results: EarlierResult[];
  /** Set when the earlier run was itself compared with a run before it (see carry in diffPlan). */
  compared_with?: { generated_at: string; review?: string };
  removed?: RemovedJob[];
}

/** The part of a planned job the comparison reads. */
export interface DiffJob {
  name: string;
  identity: string;
  model: string;
  body: Record<string, unknown>;
  estimate: { cost: number };
}

export interface JobChange {
  name: string;
  kind: ChangeKind;
  /** For a changed job: prompt, model, the names of the parameters that differ, or `inputs`. */
  fields: string[];
  /** The earlier run's result of the same name (changed and unchanged jobs). */
  before?: EarlierResult;
}

export interface RemovedJob {
  name: string;
  model: string;
  type: 'image' | 'video';
  local_path: string | null;
}

export interface PlanDiff {
  comparedWith: { generated_at: string; review?: string };
  /** One per planned job, in the plan's order. */
  jobs: JobChange[];
  /** Earlier jobs whose name is in no job of the file (the whole file, not only this run's filter or shard). */
  removed: RemovedJob[];
}

const SUCCEEDED = new Set<JobResult['status']>(['success', 'cached']);

/** Keys whose values differ between two request bodies, `model` and `prompt` first. */
export function differingFields(now: Record<string, unknown>, before: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(now), ...Object.keys(before)])];
  const differ = keys.filter((k) => canonicalJson(now[k]) !== canonicalJson(before[k]));
  const first = ['model', 'prompt'].filter((k) => differ.includes(k));
  return [...first, ...differ.filter((k) => !first.includes(k)).sort()];
}

/**
 * Compare the jobs of this run with the earlier run. `allNames` are the names of every job in the
 * file: an earlier job is removed only when no job of that name is left, whatever this run selects.
 *
 * `review` names the pull request under review (`pr-7`). When the earlier run was a run of the same
 * pull request (a second push), its own comparison is carried forward, so the PR keeps being
 * compared with the run before it (the base branch's), not with its own previous push.
 */
export function diffPlan(
  jobs: readonly DiffJob[],
  allNames: ReadonlySet<string>,
  earlier: EarlierRun,
  review?: string,
): PlanDiff {
  const direct = compare(jobs, allNames, earlier);
  if (!review) return direct;
  const prior = earlier.compared_with;
  if (!prior || prior.review !== review) return { ...direct, comparedWith: { ...direct.comparedWith, review } };
  return carry(direct, allNames, earlier, { generated_at: prior.generated_at, review });
}

/** This run against the earlier run of the same review, expressed against that review's base run. */
function carry(
  direct: PlanDiff,
  allNames: ReadonlySet<string>,
  earlier: EarlierRun,
  comparedWith: PlanDiff['comparedWith'],
): PlanDiff {
  const jobs = direct.jobs.map((c): JobChange => {
    const was = c.before?.change;
    if (c.kind === 'new' || !c.before || !was || was === 'unchanged') return c;
    // New in the review: still new, however often it changed since.
    if (was === 'new') return { ...c, kind: 'new', fields: [] };
    const fields = [...new Set([...(c.before.changed_fields ?? []), ...c.fields])];
    // The base run's version is the one the earlier run kept beside its own (previous_paths).
    return { ...c, kind: 'changed', fields, before: c.before };
  });
  const removedNames = new Set<string>();
  const removed: RemovedJob[] = [];
  for (const r of [...(earlier.removed ?? []), ...direct.removed]) {
    if (allNames.has(r.name) || removedNames.has(r.name)) continue;
    // Added by the review and dropped again: the base run never had it.
    if (earlier.results.find((e) => e.name === r.name)?.change === 'new') continue;
    removedNames.add(r.name);
    removed.push(r);
  }
  return { comparedWith, jobs, removed };
}

function compare(jobs: readonly DiffJob[], allNames: ReadonlySet<string>, earlier: EarlierRun): PlanDiff {
  const byName = new Map<string, EarlierResult>();
  for (const r of earlier.results) if (!byName.has(r.name)) byName.set(r.name, r);
  const changes: JobChange[] = jobs.map((j) => {
    const before = byName.get(j.name);
    if (!before) return { name: j.name, kind: 'new', fields: [] };
    if (before.identity === j.identity) return { name: j.name, kind: 'unchanged', fields: [], before };
    const fields = differingFields(j.body, before.params ?? {});
    // Same body, other identity: an input taken from another job (or a local file) changed.
    return { name: j.name, kind: 'changed', fields: fields.length ? fields : ['inputs'], before };
  });
  const removed = [...byName.values()]
    .filter((r) => !allNames.has(r.name))
    .map((r) => ({ name: r.name, model: r.model, type: r.type, local_path: r.local_path ?? null }));
  return { comparedWith: { generated_at: earlier.generated_at }, jobs: changes, removed };
}

/** What the run should cost at most: unchanged jobs that succeeded before are reused for free. */
export function costToPay(jobs: readonly DiffJob[], diff: PlanDiff | undefined): { toPay: number; reused: number } {
  let toPay = 0;
  let reused = 0;
  jobs.forEach((j, i) => {
    const c = diff?.jobs[i];
    // Same identity as a success of the earlier run: the journal reuses it (also a carried "changed" job).
    if (c?.before && c.before.identity === j.identity && SUCCEEDED.has(c.before.status)) reused += j.estimate.cost;
    else toPay += j.estimate.cost;
  });
  return { toPay: Math.round(toPay * 1e6) / 1e6, reused: Math.round(reused * 1e6) / 1e6 };
}

/** The manifest with each result's change and the removed jobs recorded. Results match `diff.jobs` by name. */
export function withChanges(
  m: Manifest,
  diff: PlanDiff,
  previousPaths: ReadonlyMap<string, string[]> = new Map(),
): Manifest {
  const byName = new Map(diff.jobs.map((c) => [c.name, c]));
  const results = m.results.map((r) => {
    const c = byName.get(r.name);
    if (!c) return r;
    const prev = previousPaths.get(r.name);
    return {
      ...r,
      change: c.kind,
      ...(c.kind === 'changed' ? { changed_fields: c.fields } : {}),
      ...(prev?.length ? { previous_paths: prev } : {}),
    };
  });
  return { ...m, results, compared_with: diff.comparedWith, removed: diff.removed };
}

/** Output files of new and changed jobs (relative to the output directory): what a follow-up commit adds. */
export function changedFiles(m: Manifest): string[] {
  const out: string[] = [];
  for (const r of m.results) {
    if (r.change !== 'new' && r.change !== 'changed') continue;
    for (const o of r.outputs) if (o.path) out.push(o.path);
  }
  return out;
}

/** The money reuse saved: what the unchanged jobs reused this run would have cost. */
export function reuseSaved(m: Manifest): number {
  const s = m.results.reduce((sum, r) => sum + (r.status === 'cached' ? r.estimated_cost : 0), 0);
  return Math.round(s * 1e6) / 1e6;
}
