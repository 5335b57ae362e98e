// The one run state every phase of a job reads and writes, and the context the phases share.
// `RunState` is plain data (counters, results, why submitting stopped): the scheduler in run.ts
// owns it; the lifecycle phases in lifecycle/ update it. `RunContext` is what does not change
// during a run: the options, the dependencies, the slots and the two cancellation signals.
import type { AtlasClient } from '../atlas/types.js';
import type { PlannedJob } from '../jobfile/job.js';
import type { ErrorKind, JobResult, OutputFile } from '../manifest/schema.js';
import type { Journal } from '../journal/journal.js';
import type { Log } from '../shared/log.js';
import type { MediaUploader } from '../inputs/local.js';
import type { Slots } from './slots.js';
import type { ConcurrencyController } from './concurrency.js';
import type { Downloaded } from '../download/download.js';
import type { LatencyModel, PollBounds } from './latency.js';

export type { Downloaded };
export type DownloadFn = (source: string, destStem: string, signal: AbortSignal) => Promise<Downloaded>;

export interface EngineOptions {
  outputDir: string;
  concurrency: number | 'auto';
  /** Upper bound for `auto`. */
  maxConcurrency: number;
  downloadConcurrency: number;
  poll: PollBounds;
  /** A prediction may answer 404 for the first seconds after submit. */
  notFoundGraceMs: number;
  retryUnknownSubmits: boolean;
  /** Regenerate even jobs whose outputs the journal already has on disk. */
  force?: boolean;
  /** USD; no job is submitted if the spend so far plus its estimate would exceed it. */
  maxCost?: number;
  /** Cancellation: stop submitting at once, keep polling and downloading for graceMs, then stop. */
  signal?: AbortSignal;
  graceMs: number;
  onProgress?: (p: Progress) => void;
  /** Called once per job as it settles, in completion order (log groups, webhooks). */
  onJobFinished?: (job: PlannedJob, result: JobResult) => void;
}

export interface EngineDeps {
  client: AtlasClient;
  download: DownloadFn;
  log: Log;
  journal?: Journal;
  latency?: LatencyModel;
  /** The body to submit instead of job.body (local inputs uploaded); a throw fails the job with the error's kind. */
  prepareBody?: (job: PlannedJob, signal: AbortSignal) => Promise<Record<string, unknown>>;
  /**
   * Uploads a file (once per content) for chained jobs whose input has no usable URL: an output
   * from an earlier run, or one Atlas sent as a data: URI. Default: through client.uploadMedia.
   */
  uploadFile?: MediaUploader;
}

export interface Progress {
  total: number;
  done: number;
  running: number;
  queued: number;
  spent: number;
  failed: number;
}

export interface RunOutcome {
  results: JobResult[];
  /** Why submitting stopped early, if it did. */
  stopped: string | null;
  concurrency: number;
  /** Submits Atlas answered with 429 (each was queued again, never paid for). */
  rateLimited: number;
}

/** Why submitting stopped: `kind` becomes the error_kind of the jobs skipped for it. */
export interface Stop {
  reason: string;
  kind: ErrorKind;
  fatal: boolean;
}

/** Everything that changes during a run. Plain data; only the engine's own functions write it. */
export interface RunState {
  /** One per planned job, by `job.index`; undefined until the job settles. */
  results: (JobResult | undefined)[];
  /** USD actually paid by settled jobs. */
  spent: number;
  /** USD estimated for jobs being submitted right now (counted against max-cost). */
  reserved: number;
  done: number;
  failed: number;
  /** Jobs holding an Atlas slot. */
  running: number;
  /** Jobs not yet taken up by the scheduler (the poller plans the last wave differently). */
  waiting: number;
  /** Submits Atlas answered with 429. */
  rateLimited: number;
  /** Set once, by the first reason submitting stopped. */
  stop: Stop | undefined;
}

export function createRunState(jobCount: number): RunState {
  return {
    results: new Array<JobResult | undefined>(jobCount),
    spent: 0,
    reserved: 0,
    done: 0,
    failed: 0,
    running: 0,
    waiting: jobCount,
    rateLimited: 0,
    stop: undefined,
  };
}

/** What the phases share and never change during a run. */
export interface RunContext {
  opts: EngineOptions;
  client: AtlasClient;
  download: DownloadFn;
  log: Log;
  journal: Journal | undefined;
  latency: LatencyModel;
  prepareBody: EngineDeps['prepareBody'];
  uploadFile: MediaUploader;
  /** Atlas slots: held from submit until the completion is seen. */
  slots: Slots;
  control: ConcurrencyController;
  /** Download slots, separate from Atlas slots. */
  downloads: Slots;
  /** Aborts when submitting stops (cancel, out of credit, bad key): no new paid call starts. */
  submitting: AbortSignal;
  /** Aborts when the grace period after a cancel is over: every wait ends. */
  hard: AbortSignal;
  /** Stop submitting, remembering the first reason. */
  haltSubmits(s: Stop): void;
  byName: Map<string, PlannedJob>;
  /** Each job repeating an earlier job's request (by index) → that job, generated once for both (plan/twins.ts). */
  twinOf: Map<number, PlannedJob>;
  state: RunState;
}

/** A job's Atlas slot as its lifecycle sees it: given back at completion, or around a 429 wait. */
export interface SlotHandle {
  release(): void;
  reacquire(): Promise<void>;
}

export function blankResult(job: PlannedJob, queuedAt: string): JobResult {
  return {
    name: job.name,
    model: job.model,
    type: job.type,
    status: 'failed',
    output_url: null,
    local_path: null,
    cost: 0,
    generation_time: null,
    error: null,
    error_kind: null,
    prediction_id: null,
    outputs: [],
    estimated_cost: job.estimate.cost,
    cost_source: job.estimate.source,
    ...(job.estimate.note ? { cost_note: job.estimate.note } : {}),
    attempts: { submits: 0, polls: 0 },
    params: job.body,
    identity: job.identity,
    timings: { queued_at: queuedAt, submitted_at: null, completed_at: null, downloaded_at: null },
  };
}

export function withOutputs(r: JobResult, outputs: OutputFile[]): JobResult {
  const first = outputs[0];
  return { ...r, outputs, output_url: first?.url ?? null, local_path: first?.path ?? null };
}

export function skipped(r: JobResult, reason: string, kind: ErrorKind): JobResult {
  return { ...r, status: 'skipped', error: reason, error_kind: kind };
}

export function errorKind(e: unknown): ErrorKind {
  if (e && typeof e === 'object' && 'kind' in e && typeof (e as { kind: unknown }).kind === 'string')
    return (e as { kind: ErrorKind }).kind;
  if (e instanceof Error && e.name === 'AbortError') return 'aborted';
  return 'internal';
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
