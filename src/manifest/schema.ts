// manifest.json, described once: the writer, the readers (resume, the report step that merges
// shards) and the docs use these definitions. It keeps every field of the tutorial's manifest
// (generated_at, total_cost, total_jobs, successful, failed, results[].{name, model, type, status,
// output_url, local_path, cost, generation_time, error}) and adds what a user needs to audit a run.
import { z } from 'zod';

export const JOB_STATUSES = ['success', 'failed', 'unknown', 'skipped', 'cached'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const OutputFile = z.object({
  /** The URL Atlas served (null for data: URI outputs, which are not kept in the manifest). */
  url: z.string().nullable(),
  /** Path relative to the output directory; null when the download failed. */
  path: z.string().nullable(),
  bytes: z.number().nullable(),
  sha256: z.string().nullable(),
  content_type: z.string().nullable(),
  /** Why the file is not on disk, when it is not. */
  error: z.string().nullable(),
});
export type OutputFile = z.infer<typeof OutputFile>;

export const JobTimings = z.object({
  queued_at: z.string().nullable(),
  submitted_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  downloaded_at: z.string().nullable(),
});
export type JobTimings = z.infer<typeof JobTimings>;

/**
 * Every class of error a job can end with. Atlas's replies (src/atlas/types.ts AtlasErrorKind):
 * auth, credit, bad-request, not-found, rate-limited, server, network, protocol, unknown-fate
 * (a submit that may have created a prediction), aborted. The engine's own: timeout (the job's
 * deadline), generation (Atlas reported the prediction failed), download, bad-output (a body that
 * is not media, or more outputs than any model returns), upload (a local input),
 * budget (max-cost), cancelled, dependency (a job whose output this one takes did not succeed),
 * internal (a bug).
 */
export const ERROR_KINDS = [
  'auth',
  'credit',
  'bad-request',
  'not-found',
  'rate-limited',
  'server',
  'network',
  'protocol',
  'unknown-fate',
  'aborted',
  'timeout',
  'generation',
  'download',
  'bad-output',
  'upload',
  'budget',
  'cancelled',
  'dependency',
  'internal',
] as const;
export const ErrorKind = z.enum(ERROR_KINDS);
export type ErrorKind = z.infer<typeof ErrorKind>;

export const JobResult = z.object({
  name: z.string(),
  model: z.string(),
  type: z.enum(['image', 'video']),
  status: z.enum(JOB_STATUSES),
  /** First output URL, as in the tutorial's manifest. */
  output_url: z.string().nullable(),
  /** First output's path relative to the output directory, as in the tutorial's manifest. */
  local_path: z.string().nullable(),
  /** USD charged as far as we can tell (0 for failed and skipped jobs). */
  cost: z.number(),
  /** Seconds from submit to completion seen. */
  generation_time: z.number().nullable(),
  error: z.string().nullable(),
  /** Machine-readable class of the error (see ERROR_KINDS); null when the job succeeded. */
  error_kind: ErrorKind.nullable(),
  prediction_id: z.string().nullable(),
  outputs: z.array(OutputFile),
  estimated_cost: z.number(),
  /** Where the price came from: file, builtin, live, or guess (unknown model). */
  cost_source: z.string(),
  /** Why the estimate may be off, when it may: a guessed price, an assumed unit or duration. */
  cost_note: z.string().optional(),
  /** Submit attempts and poll requests made for this job. */
  attempts: z.object({ submits: z.number(), polls: z.number() }),
  /** The body sent to Atlas (the API key is never part of it). */
  params: z.record(z.string(), z.unknown()),
  identity: z.string(),
  timings: JobTimings,
  /** Position of the job in the job file, 0-based: set by matrix shards, so the report step can merge in the file's order. */
  file_index: z.number().optional(),
  /** How the job compares with the earlier run of the job file (PR review): new, changed or unchanged. Absent when there was none to compare with. */
  change: z.enum(['new', 'changed', 'unchanged']).optional(),
  /** For a changed job: what differs from the earlier run (prompt, model, a parameter's name, inputs). */
  changed_fields: z.array(z.string()).optional(),
  /** For a changed job: the earlier run's files, kept beside this run's (relative to the output directory). */
  previous_paths: z.array(z.string()).optional(),
});
export type JobResult = z.infer<typeof JobResult>;

export const ModelCost = z.object({
  jobs: z.number(),
  cost: z.number(),
  estimated_cost: z.number(),
  unit: z.string(),
  price: z.number(),
  source: z.string(),
});

export const Manifest = z.object({
  generated_at: z.string(),
  total_cost: z.number(),
  total_jobs: z.number(),
  successful: z.number(),
  failed: z.number(),
  results: z.array(JobResult),
  // additions beyond the tutorial
  schema_version: z.literal(1),
  tool: z.string(),
  config: z.string().nullable(),
  estimated_total_cost: z.number(),
  unknown: z.number(),
  skipped: z.number(),
  cached: z.number(),
  cost_by_model: z.record(z.string(), ModelCost),
  run: z.object({
    started_at: z.string(),
    finished_at: z.string(),
    wall_seconds: z.number(),
    concurrency: z.number(),
    /** Set when the run stopped early: cancelled, out of credit, budget. */
    stopped: z.string().nullable(),
  }),
  /** Set by a matrix shard (`shard: i/n`): which part of the job file this manifest covers. */
  shard: z.object({ index: z.number(), total: z.number() }).optional(),
  /** Set by the report step that merged shards: each shard, and whether its manifest was found. */
  shards: z
    .array(
      z.object({
        shard: z.string(),
        status: z.enum(['merged', 'missing']),
        jobs: z.number(),
        cost: z.number(),
        /** Why a missing shard is missing (no artifact, unreadable manifest). */
        reason: z.string().nullable(),
      }),
    )
    .optional(),
  /** The earlier run this one was compared with (the manifest the cache restore or the output directory held). */
  compared_with: z
    .object({
      generated_at: z.string(),
      /** The pull request under review (`pr-7`): a later run of the same one keeps comparing with the same earlier run. */
      review: z.string().optional(),
    })
    .optional(),
  /** Jobs of the earlier run that are no longer in the job file. */
  removed: z
    .array(
      z.object({
        name: z.string(),
        model: z.string(),
        type: z.enum(['image', 'video']),
        local_path: z.string().nullable(),
      }),
    )
    .optional(),
});
export type Manifest = z.infer<typeof Manifest>;
