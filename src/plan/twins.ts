// Identical twins: jobs of one plan with the same identity (same type, model and body; only their
// names differ). They are one paid generation: the first in plan order is generated, the others
// take its result under their own file names (src/engine/lifecycle/twin.ts), cost nothing, and the
// plan says so.
import type { PlannedJob } from '../jobfile/job.js';

/** For each job that repeats an earlier job's request: its index → that earlier job (the one generated). */
export function twinsOf(jobs: readonly PlannedJob[]): Map<number, PlannedJob> {
  const first = new Map<string, PlannedJob>();
  const twins = new Map<number, PlannedJob>();
  for (const j of jobs) {
    const primary = first.get(j.identity);
    if (primary) twins.set(j.index, primary);
    else first.set(j.identity, j);
  }
  return twins;
}

/** What the plan says of a twin. */
export function twinNote(primary: PlannedJob): string {
  return `same request as ${primary.name}: generated once`;
}
