// Merging `defaults:` into a job: what the job file means by a job, before any matrix is expanded.
// Shared by the validator (jobfile/load.ts), the expansion (expand.ts) and the plan (src/plan/jobs.ts).
import type { JobDefaults, JobSpec } from './schema.js';

/** The named job keys that go into the request body; `params` must not repeat them. */
export const BODY_FIELDS = ['model', 'prompt', 'width', 'height', 'duration', 'resolution'] as const;
export type BodyField = (typeof BODY_FIELDS)[number];

/** A job with `defaults:` merged in (model and prompt may still be missing before validation). */
export type MergedJob = JobSpec;

/**
 * Merge `defaults:` into one job. The job wins: its own keys replace the defaults', and
 * `params` are merged key by key. A body field the job sets one way (e.g. `width:`) also
 * replaces the same key set the other way in defaults (`params.width`), and vice versa,
 * so a job can always override what defaults say.
 */
export function mergeJob(defaults: JobDefaults | undefined, job: JobSpec): MergedJob {
  if (!defaults) return job;
  const jobParams = job.params ?? {};
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(defaults)) {
    if (k === 'params' || v === undefined) continue;
    if ((BODY_FIELDS as readonly string[]).includes(k) && Object.hasOwn(jobParams, k)) continue;
    merged[k] = v;
  }
  for (const [k, v] of Object.entries(job)) {
    if (k === 'params' || v === undefined) continue;
    merged[k] = v;
  }
  if (defaults.params || job.params) {
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(defaults.params ?? {})) {
      if ((BODY_FIELDS as readonly string[]).includes(k) && (job as Record<string, unknown>)[k] !== undefined) continue;
      setOwn(params, k, v);
    }
    for (const [k, v] of Object.entries(jobParams)) setOwn(params, k, v);
    merged['params'] = params;
  }
  return merged as MergedJob;
}

/** Plain assignment, except that a key such as "__proto__" stays an own key instead of replacing the prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
