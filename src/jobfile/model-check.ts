// The job file's model ids against GET /models, before anything is paid. Atlas would refuse an
// unknown id only at submit time, after the rest of the run was queued; a typo is caught here.
// The list may be incomplete (new or private models), so only a near miss of a listed id is an
// error; any other unlisted id is a warning, and an unreadable list is a warning too.
import type { ModelList } from '../atlas/model-list.js';
import type { Log } from '../shared/log.js';
import type { PlannedJob } from './job.js';
import { JobFileError, type JobFileProblem } from './load.js';

/** Optimal string alignment distance (Levenshtein plus swapping two neighbours), capped at `max + 1`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return Math.min(prev[b.length]!, max + 1);
}

/**
 * How far `id` is from the listed `known`, when it looks like a slip of it (else undefined): the same id
 * but for case; a whole-id distance of 1 (2 for ids of 16 characters or more); the same path with one
 * segment within 3 edits (`seedance-v1-pro` for `seedance-v1.5-pro`); or `known` with one segment left out.
 */
export function nearMissDistance(id: string, known: string): number | undefined {
  if (id.trim().toLowerCase() === known.toLowerCase()) return 0;
  const whole = editDistance(id, known, 2);
  if (whole <= (id.length >= 16 ? 2 : 1)) return whole;
  const a = id.split('/');
  const b = known.split('/');
  if (a.length === b.length) {
    const differ = a.flatMap((seg, i) => (seg === b[i] ? [] : [i]));
    if (differ.length === 1) {
      const i = differ[0]!;
      const d = editDistance(a[i]!, b[i]!, 3);
      if (d <= 3 && b[i]!.length >= 4) return d;
    }
  }
  if (a.length === b.length - 1 && a.length >= 2) {
    for (let i = 0; i < b.length; i++) if (b.filter((_, k) => k !== i).join('/') === id) return 3;
  }
  return undefined;
}

/** The listed id `id` is most likely a slip of, if any. */
export function closestListedModel(id: string, listed: readonly string[]): string | undefined {
  let best: { id: string; d: number } | undefined;
  for (const known of listed) {
    const d = nearMissDistance(id, known);
    if (d !== undefined && (!best || d < best.d)) best = { id: known, d };
  }
  return best?.id;
}

/**
 * Checks every job's model (each id once, at the first job's line). Throws JobFileError listing every
 * near miss; warns for other unlisted ids and for a list that could not be read.
 */
export function checkModelIds(jobs: readonly PlannedJob[], list: ModelList, file: string, log?: Log): void {
  if (!list.ok) {
    log?.warning(
      `model check: could not read GET /models (${list.error}); model ids are not checked before submitting`,
    );
    return;
  }
  const listed = new Set(list.models.map((m) => m.model));
  const seen = new Set<string>();
  const problems: JobFileProblem[] = [];
  for (const job of jobs) {
    if (listed.has(job.model) || seen.has(job.model)) continue;
    seen.add(job.model);
    const line = job.line ?? 1;
    const near = closestListedModel(job.model, [...listed]);
    if (near)
      problems.push({
        file,
        line,
        col: 1,
        field: 'model',
        message: `model: "${job.model}" is not a model Atlas lists; did you mean "${near}"? (job "${job.name}"; nothing was submitted)`,
      });
    else
      log?.warning(
        `${file}:${line}: model "${job.model}" (job "${job.name}") is not in GET /models' list; submitting anyway, as the list may be incomplete`,
      );
  }
  if (problems.length) throw new JobFileError(problems);
}
