// Choosing which jobs run: the `jobs` input, one name or glob per line.
import { minimatch } from 'minimatch';
import type { PlannedJob } from './job.js';
import { closestNames } from './names.js';

/**
 * Patterns from a multi-line input: each line trimmed, blank lines dropped. Entries that
 * themselves hold several lines are split.
 */
export function parsePatterns(patterns: readonly string[]): string[] {
  return patterns
    .flatMap((p) => p.split(/\r?\n|\r/))
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** A `jobs` filter that names no job: a usage error (CLI exit 2), not a failure of the run. */
export class JobFilterError extends Error {
  override name = 'JobFilterError';
}

/**
 * Keep the jobs whose name equals a pattern or matches it as a minimatch glob
 * (case-sensitive, `#` is not a comment, `*` matches names starting with a dot, `!x`
 * matches every name that does not match x). No patterns: every job. Order is kept.
 * A pattern that matches no job is an error that names it and lists close names.
 */
export function filterJobs(jobs: PlannedJob[], patterns: string[]): PlannedJob[] {
  const list = parsePatterns(patterns);
  if (list.length === 0) return jobs;
  const names = jobs.map((j) => j.name);
  const matched = new Set<number>();
  const unmatched: string[] = [];
  for (const pattern of list) {
    let hit = false;
    names.forEach((name, i) => {
      if (name === pattern || minimatch(name, pattern, { nocomment: true, dot: true, nocase: false })) {
        matched.add(i);
        hit = true;
      }
    });
    if (!hit) unmatched.push(pattern);
  }
  if (unmatched.length) {
    const lines = unmatched.map((p) => {
      const close = closestNames(p.replace(/[*?[\]{}!]/g, ''), names, 3);
      return `${JSON.stringify(p)} matches no job${close.length ? ` (did you mean ${close.map((c) => JSON.stringify(c)).join(', ')}?)` : ''}`;
    });
    const known = names.length <= 10 ? `; jobs are: ${names.map((n) => JSON.stringify(n)).join(', ')}` : '';
    throw new JobFilterError(`job filter: ${lines.join('; ')}${known}`);
  }
  return jobs.filter((_, i) => matched.has(i));
}

/**
 * Chains: the selected jobs plus every job they take outputs from, directly or not, in file order.
 * `added` lists each job added that way (not selected itself) with the selected job that needs it.
 */
export function withDependencies(
  all: PlannedJob[],
  picked: PlannedJob[],
): { jobs: PlannedJob[]; added: Array<{ name: string; neededBy: string }> } {
  const byName = new Map(all.map((j) => [j.name, j]));
  const keep = new Set(picked.map((j) => j.name));
  const added: Array<{ name: string; neededBy: string }> = [];
  const queue = picked.slice();
  while (queue.length) {
    const job = queue.shift()!;
    for (const input of job.inputs ?? []) {
      const dep = byName.get(input.job);
      if (!dep || keep.has(dep.name)) continue;
      keep.add(dep.name);
      added.push({ name: dep.name, neededBy: job.name });
      queue.push(dep);
    }
  }
  if (added.length === 0) return { jobs: picked, added };
  return { jobs: all.filter((j) => keep.has(j.name)), added };
}
