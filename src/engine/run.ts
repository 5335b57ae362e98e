// The engine: runs planned jobs against Atlas with bounded concurrency.
// A slot is held only from submit until the completion is seen; downloads run beside it
// under their own bound. Every paid call goes through the journal first, so nothing is paid
// for twice and nothing paid for is forgotten, and every wait takes the run's AbortSignal.
import { basename, join, relative } from 'node:path';
import { stat } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import type { AtlasClient, Prediction, SubmitResult } from '../atlas/types.js';
import type { PlannedJob } from '../jobfile/job.js';
import type { ErrorKind, JobResult, OutputFile } from '../manifest/schema.js';
import type { Journal } from '../journal/journal.js';
import type { Log } from '../shared/log.js';
import { backoffMs, sleep } from '../shared/abort.js';
import { actualCost, roundUsd } from '../cost/prices.js';
import { createSlots } from './slots.js';
import { adaptiveConcurrency, fixedConcurrency, type ConcurrencyController } from './concurrency.js';
import { createLatencyModel, type LatencyModel, type PollBounds } from './latency.js';
import { setAtPath } from '../jobfile/chain.js';
import { LocalInputError, mediaUploader, type MediaUploader } from '../inputs/local.js';

export interface Downloaded {
  path: string;
  bytes: number;
  sha256: string;
  contentType: string;
  ext: string;
}
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

interface SlotHandle {
  release(): void;
  reacquire(): Promise<void>;
}

type Stop = { reason: string; kind: ErrorKind; fatal: boolean };

const TRANSIENT = new Set(['rate-limited', 'server', 'network', 'protocol']);

export async function runJobs(jobs: PlannedJob[], deps: EngineDeps, opts: EngineOptions): Promise<RunOutcome> {
  const { client, log, journal } = deps;
  const latency = deps.latency ?? createLatencyModel(opts.poll);
  const slots = createSlots(typeof opts.concurrency === 'number' ? opts.concurrency : 1);
  const control: ConcurrencyController =
    opts.concurrency === 'auto'
      ? adaptiveConcurrency(slots, { start: Math.min(4, opts.maxConcurrency), max: opts.maxConcurrency })
      : fixedConcurrency(slots, opts.concurrency);
  const downloads = createSlots(opts.downloadConcurrency);
  // Backpressure: completions free their Atlas slot at once, but if downloads cannot keep up the
  // finished-but-not-downloaded jobs would pile up without bound (memory, and output URLs expiring
  // before they are fetched). So at most this many jobs are alive at once: in flight at Atlas plus
  // waiting for or doing their downloads. A download still never holds an Atlas slot.
  const alive = createSlots(
    (typeof opts.concurrency === 'number' ? opts.concurrency : opts.maxConcurrency) + 4 * opts.downloadConcurrency,
  );

  // Two signals: `submitting` stops new paid calls (cancel, out of credit, bad key);
  // `hard` ends every wait once the grace period after a cancel is over.
  const submitting = new AbortController();
  const hard = new AbortController();
  // Every in-flight poll and download listens on these two: hundreds of listeners is by design.
  setMaxListeners(0, submitting.signal, hard.signal);
  let stop: Stop | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const haltSubmits = (s: Stop) => {
    if (!stop) stop = s;
    submitting.abort(new Error(s.reason));
  };
  const onCancel = () => {
    haltSubmits({ reason: 'cancelled', kind: 'cancelled', fatal: false });
    log.warning(
      `Cancelled: no new jobs are submitted; finishing what is in flight for up to ${Math.round(opts.graceMs / 1000)} s.`,
    );
    graceTimer = setTimeout(() => hard.abort(new Error('cancelled')), opts.graceMs);
  };
  if (opts.signal?.aborted) onCancel();
  else opts.signal?.addEventListener('abort', onCancel, { once: true });

  const results: JobResult[] = new Array(jobs.length);
  let spent = 0;
  let reserved = 0;
  let done = 0;
  let failed = 0;
  let running = 0;
  let rateLimited = 0;
  const progress = () =>
    opts.onProgress?.({
      total: jobs.length,
      done,
      running,
      queued: jobs.length - done - running,
      spent: roundUsd(spent),
      failed,
    });

  // Chains: a job that takes other jobs' outputs waits until they have settled.
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const dependencies = (job: PlannedJob): PlannedJob[] =>
    (job.inputs ?? []).map((x) => byName.get(x.job)).filter((d): d is PlannedJob => d !== undefined);
  const settled = (job: PlannedJob): boolean => dependencies(job).every((d) => results[d.index] !== undefined);
  let onSettle: (() => void) | undefined;
  const uploadFile = deps.uploadFile ?? mediaUploader(client, log);

  const finish = (job: PlannedJob, r: JobResult) => {
    results[job.index] = r;
    onSettle?.();
    done++;
    if (r.status === 'failed' || r.status === 'unknown') failed++;
    spent += r.cost;
    progress();
    try {
      opts.onJobFinished?.(job, r);
    } catch (e) {
      log.warning(`a job-finished hook failed: ${messageOf(e)}`);
    }
  };

  const runOne = async (job: PlannedJob, queuedAt: string, slotHeld: { held: boolean }): Promise<void> => {
    const release = () => {
      if (slotHeld.held) {
        slotHeld.held = false;
        running--;
        slots.release();
      }
    };
    const base = blankResult(job, queuedAt);
    const slot: SlotHandle = {
      release,
      reacquire: async () => {
        // Back at the front of the queue: a job sent back by a 429 keeps its place in file order.
        await slots.acquire(submitting.signal, { front: true });
        slotHeld.held = true;
        running++;
      },
    };
    try {
      const r = await lifecycle(job, base, slot);
      finish(job, r);
    } catch (e) {
      // Anything unexpected still yields a result: the manifest is the user's receipt.
      finish(job, { ...base, status: 'failed', error: messageOf(e), error_kind: 'internal' });
    } finally {
      release();
    }
  };

  const lifecycle = async (job: PlannedJob, r: JobResult, slot: SlotHandle): Promise<JobResult> => {
    const release = slot.release;
    const prior = journal?.latest(job.identity);
    let predictionId: string | undefined;
    let finished: Prediction | undefined;
    let resumed = false;
    let submittedAtMs = Date.now();

    if (
      !opts.force &&
      prior?.event === 'downloaded' &&
      prior.files &&
      (await filesIntact(opts.outputDir, prior.files))
    ) {
      // Same model, prompt and parameters, already paid for and on disk: costs nothing this time.
      release();
      log.info(
        `${job.name}: reused the output of an earlier run (prediction ${prior.prediction_id ?? '?'}); nothing paid.`,
      );
      const outputs: OutputFile[] = prior.files.map((f) => ({
        url: f.url,
        path: f.path,
        bytes: f.bytes,
        sha256: f.sha256,
        content_type: f.content_type,
        error: null,
      }));
      return withOutputs({ ...r, status: 'cached', prediction_id: prior.prediction_id ?? null, cost: 0 }, outputs);
    }
    if (
      (prior?.event === 'submitting' || prior?.event === 'unknown') &&
      !prior.prediction_id &&
      !opts.retryUnknownSubmits
    ) {
      release();
      return {
        ...r,
        status: 'unknown',
        error_kind: 'unknown-fate',
        error:
          'an earlier run sent this job to Atlas and never learned whether it was accepted; not submitted again (see "Settling unknown jobs" in the README, or set retry-unknown-submits: true)',
      };
    }

    // Under force a job whose files are on disk is generated again; anything else paid for is resumed.
    const regenerate = opts.force === true && prior?.event === 'downloaded';
    if (prior?.prediction_id && prior.event !== 'failed' && prior.event !== 'refused' && !regenerate) {
      predictionId = prior.prediction_id;
      r.prediction_id = predictionId;
      resumed = true;
      log.info(`${job.name}: resuming prediction ${predictionId} from an earlier run instead of paying again.`);
    } else {
      if (stop) {
        release();
        return skipped(r, stop.kind === 'credit' ? 'out of credit at Atlas' : stop.reason, stop.kind);
      }
      const blocked = dependencyFailure(job);
      if (blocked) {
        release();
        return skipped(r, blocked, 'dependency');
      }
      if (opts.maxCost !== undefined && spent + reserved + job.estimate.cost > opts.maxCost + 1e-9) {
        release();
        return skipped(
          r,
          `budget: spent ${roundUsd(spent + reserved)} of max-cost ${opts.maxCost} USD, this job would add ${job.estimate.cost}`,
          'budget',
        );
      }
      reserved += job.estimate.cost;
      try {
        // Other jobs' outputs first (their URLs), then local inputs (uploaded) on top.
        const chained = job.inputs?.length ? { ...job, body: await chainedBody(job, submitting.signal) } : job;
        const body = deps.prepareBody ? await deps.prepareBody(chained, submitting.signal) : chained.body;
        await journal?.record({ identity: job.identity, name: job.name, event: 'submitting' });
        r.timings.submitted_at = new Date().toISOString();
        submittedAtMs = Date.now();
        const sub = await submitThroughRateLimits(job, body, slot);
        r.attempts.submits = sub.attempts;
        predictionId = sub.id;
        r.prediction_id = sub.id;
        control.accepted();
        await journal?.record({ identity: job.identity, name: job.name, event: 'submitted', prediction_id: sub.id });
        if (sub.prediction && sub.prediction.state !== 'pending') finished = sub.prediction;
      } catch (e) {
        // A wait that ended because submitting stopped is a cancellation, whatever error carried it.
        const kind = submitting.signal.aborted && errorKind(e) === 'internal' ? 'aborted' : errorKind(e);
        r.attempts.submits = Math.max(1, r.attempts.submits);
        if (kind === 'aborted') {
          await journal?.record({
            identity: job.identity,
            name: job.name,
            event: 'refused',
            error: 'cancelled before submit',
          });
          // `stop` is set by the abort that got us here; TypeScript cannot see that across the await.
          const why = stop as Stop | undefined;
          return skipped(r, why?.reason ?? 'cancelled', why?.kind ?? 'cancelled');
        }
        if (kind === 'unknown-fate') {
          await journal?.record({ identity: job.identity, name: job.name, event: 'unknown', error: messageOf(e) });
          return {
            ...r,
            status: 'unknown',
            error_kind: kind,
            error: `${messageOf(e)} — not resent, so it is never paid twice; settle it before re-running (README: "Settling unknown jobs")`,
          };
        }
        await journal?.record({ identity: job.identity, name: job.name, event: 'refused', error: messageOf(e) });
        if (kind === 'credit') {
          haltSubmits({ reason: 'out of credit at Atlas', kind: 'credit', fatal: false });
          log.error(
            `Atlas says the account is out of credit: no further jobs are submitted; in-flight jobs finish. (${messageOf(e)})`,
          );
        } else if (kind === 'auth') {
          haltSubmits({ reason: 'Atlas refused the API key', kind: 'auth', fatal: true });
        }
        return { ...r, status: 'failed', error_kind: kind, error: messageOf(e) };
      } finally {
        reserved -= job.estimate.cost;
      }
    }

    // Poll until done, the job's deadline, or the end of the grace period after a cancel.
    const deadline = submittedAtMs + job.timeoutMs;
    let lastDelay = 0;
    let lastPendingAt = submittedAtMs;
    while (!finished) {
      const elapsed = Date.now() - submittedAtMs;
      if (Date.now() >= deadline) {
        return {
          ...r,
          status: 'failed',
          error_kind: 'timeout',
          error: `not finished after ${Math.round(job.timeoutMs / 1000)} s; prediction ${predictionId} is kept in the journal so a re-run resumes it instead of paying again`,
        };
      }
      // A resumed prediction may be long finished: look at once.
      lastDelay =
        resumed && r.attempts.polls === 0
          ? 0
          : Math.min(latency.nextDelay(job, elapsed, lastDelay), Math.max(1, deadline - Date.now()));
      try {
        await sleep(lastDelay, hard.signal);
      } catch {
        return cancelledInFlight(r, predictionId!);
      }
      try {
        r.attempts.polls++;
        const p = await client.poll(predictionId!, hard.signal);
        if (p.state === 'pending') {
          lastPendingAt = Date.now();
          continue;
        }
        finished = p;
      } catch (e) {
        const kind = errorKind(e);
        if (kind === 'aborted') return cancelledInFlight(r, predictionId!);
        if (kind === 'not-found' && Date.now() - submittedAtMs < opts.notFoundGraceMs) continue;
        if (TRANSIENT.has(kind)) {
          log.debug(`${job.name}: poll failed (${messageOf(e)}); polling on`);
          continue;
        }
        return {
          ...r,
          status: 'failed',
          error_kind: kind,
          error: `polling prediction ${predictionId}: ${messageOf(e)}`,
        };
      }
    }

    // The slot frees the moment the completion is seen.
    const seenAt = Date.now();
    release();
    r.timings.completed_at = new Date(seenAt).toISOString();
    r.generation_time = round3((seenAt - submittedAtMs) / 1000);
    latency.observe(job, observedLatency(finished, submittedAtMs, lastPendingAt, seenAt));

    if (finished.state === 'failed') {
      await journal?.record({
        identity: job.identity,
        name: job.name,
        event: 'failed',
        prediction_id: predictionId,
        error: finished.error,
      });
      return { ...r, status: 'failed', error_kind: 'generation', error: finished.error ?? 'generation failed' };
    }

    await journal?.record({
      identity: job.identity,
      name: job.name,
      event: 'completed',
      prediction_id: predictionId,
      outputs: finished.outputs,
    });
    const paid = actualCost(job.estimate, finished.outputs.length);
    const outputs = await downloadAll(job, finished.outputs);
    r.timings.downloaded_at = new Date().toISOString();
    const missing = outputs.filter((o) => o.error);
    const withFiles = withOutputs({ ...r, cost: paid }, outputs);
    if (missing.length === 0) {
      await journal?.record({
        identity: job.identity,
        name: job.name,
        event: 'downloaded',
        prediction_id: predictionId,
        files: outputs.map((o) => ({
          url: o.url,
          path: o.path!,
          sha256: o.sha256!,
          bytes: o.bytes!,
          content_type: o.content_type!,
        })),
      });
      return { ...withFiles, status: 'success' };
    }
    return {
      ...withFiles,
      status: 'failed',
      error_kind: 'download',
      error: `${missing.length} of ${outputs.length} outputs could not be downloaded (their URLs are in the manifest): ${missing[0]!.error}`,
    };
  };

  /**
   * A 429 on submit means Atlas created nothing: give the slot back, let the concurrency control
   * learn from it (auto shrinks its window; Retry-After holds every slot), and queue the job again
   * at the front. It is never failed for being rate limited, only for running out of time.
   */
  const submitThroughRateLimits = async (
    job: PlannedJob,
    body: Record<string, unknown>,
    slot: SlotHandle,
  ): Promise<SubmitResult> => {
    const started = Date.now();
    let sends = 0;
    for (let attempt = 0; ; attempt++) {
      const round = control.round;
      try {
        const sub = await client.submit(job.type, body, submitting.signal, {
          retryUnknown: opts.retryUnknownSubmits,
          retryRateLimited: false,
        });
        return { ...sub, attempts: sends + sub.attempts };
      } catch (e) {
        if (errorKind(e) !== 'rate-limited' || Date.now() - started > job.timeoutMs) throw e;
        sends++;
        rateLimited++;
        const retryAfterMs = (e as { retryAfterMs?: number }).retryAfterMs;
        control.rateLimited(Math.max(0, slots.inUse - 1), retryAfterMs, round);
        slot.release();
        await sleep(retryAfterMs ?? backoffMs(attempt, opts.poll.floorMs, 30_000), submitting.signal);
        await slot.reacquire();
      }
    }
  };

  const downloadAll = async (job: PlannedJob, sources: string[]): Promise<OutputFile[]> => {
    const dir = join(opts.outputDir, job.type === 'video' ? 'videos' : 'images');
    return Promise.all(
      sources.map(async (src, i): Promise<OutputFile> => {
        const stem = join(dir, sources.length > 1 ? `${job.fileStem}-${i + 1}` : job.fileStem);
        const url = src.startsWith('data:') ? null : src;
        try {
          await downloads.acquire(hard.signal);
        } catch {
          return { url, path: null, bytes: null, sha256: null, content_type: null, error: 'cancelled before download' };
        }
        try {
          const d = await deps.download(src, stem, hard.signal);
          return {
            url,
            path: relative(opts.outputDir, d.path).split('\\').join('/'),
            bytes: d.bytes,
            sha256: d.sha256,
            content_type: d.contentType,
            error: null,
          };
        } catch (e) {
          return { url, path: null, bytes: null, sha256: null, content_type: null, error: messageOf(e) };
        } finally {
          downloads.release();
        }
      }),
    );
  };

  /** Why a chained job cannot be submitted: a job whose output it takes did not succeed (or made too few outputs). */
  const dependencyFailure = (job: PlannedJob): string | undefined => {
    for (const x of job.inputs ?? []) {
      const dep = byName.get(x.job);
      const res = dep && results[dep.index];
      if (!res) return `dependency failed: ${x.job} (${dep ? 'not run' : 'not in this run'})`;
      if (res.status !== 'success' && res.status !== 'cached') return `dependency failed: ${x.job} (${res.status})`;
      const out = res.outputs[x.output - 1];
      if (!out?.path)
        return `dependency failed: ${x.job} (${res.status}, but it made ${res.outputs.length} output${res.outputs.length === 1 ? '' : 's'} and this job takes #${x.output})`;
    }
    return undefined;
  };

  /**
   * The body with each `{from: …}` replaced by the URL of that output: the URL Atlas gave in this
   * run, or, for an output from an earlier run (its URL has likely expired) or one that came as a
   * data: URI, the URL of the downloaded file uploaded again (once per content).
   */
  const chainedBody = async (job: PlannedJob, signal: AbortSignal): Promise<Record<string, unknown>> => {
    let body = job.body;
    for (const x of job.inputs ?? []) {
      const dep = byName.get(x.job)!;
      const res = results[dep.index]!;
      const out = res.outputs[x.output - 1]!;
      let url = res.status === 'success' ? out.url : null;
      if (url === null) {
        const shown = `the output of "${dep.name}" (${out.path})`;
        try {
          url = await uploadFile(
            {
              sha256: out.sha256!,
              realPath: join(opts.outputDir, out.path!),
              bytes: out.bytes!,
              name: basename(out.path!),
              contentType: out.content_type ?? 'application/octet-stream',
            },
            shown,
            signal,
          );
        } catch (e) {
          if (errorKind(e) === 'aborted' || e instanceof LocalInputError) throw e;
          throw new LocalInputError(
            `uploading ${shown} for parameter ${x.path.join('.')} failed, so the job was not submitted: ${messageOf(e)}`,
          );
        }
      }
      log.debug(`${job.name}: ${x.path.join('.')} takes ${url} (output ${x.output} of "${dep.name}")`);
      body = setAtPath(body, x.path, url);
    }
    return body;
  };

  const cancelledInFlight = (r: JobResult, id: string): JobResult => ({
    ...r,
    status: 'failed',
    error_kind: 'cancelled',
    error: `cancelled while prediction ${id} was running; a re-run resumes it from the journal instead of paying again`,
  });

  // Dispatch in file order, except that a chained job waits until the jobs whose outputs it takes
  // have settled: each free slot goes to the first job in file order that is ready, so a chain never
  // holds back the jobs after it. Only jobs holding a slot (or downloading) are alive at once.
  const tasks = new Set<Promise<void>>();
  const pending = jobs.slice();
  // Readiness only ever grows (a settled job stays settled), so a job found ready stays ready.
  const firstReady = (): number => {
    const k = pending.findIndex(settled);
    // Nothing in flight can settle the rest (cannot happen with a validated plan): run them, they are skipped.
    return k < 0 && tasks.size === 0 ? 0 : k;
  };
  progress();
  while (pending.length) {
    if (firstReady() < 0) {
      await new Promise<void>((resolve) => {
        onSettle = () => {
          onSettle = undefined;
          resolve();
        };
      });
      continue;
    }
    const queuedAt = new Date().toISOString();
    const slotHeld = { held: false };
    let permit = false;
    if (!stop) {
      try {
        await alive.acquire(submitting.signal);
        permit = true;
        await slots.acquire(submitting.signal);
        slotHeld.held = true;
        running++;
      } catch {
        // Submitting stopped while waiting: the job is settled below without a slot.
      }
    }
    // The first ready job now: while the slot was awaited, an earlier chained job may have become ready.
    const job = pending.splice(Math.max(0, firstReady()), 1)[0]!;
    const t = runOne(job, queuedAt, slotHeld);
    tasks.add(t);
    void t.finally(() => {
      tasks.delete(t);
      if (permit) alive.release();
    });
  }
  await Promise.all(tasks);
  if (graceTimer) clearTimeout(graceTimer);
  opts.signal?.removeEventListener('abort', onCancel);
  if (rateLimited)
    log.info(
      `Atlas answered 429 to ${rateLimited} submit${rateLimited === 1 ? '' : 's'}; each job was queued again (concurrency ended at ${control.limit}).`,
    );
  return { results, stopped: stop?.reason ?? null, concurrency: control.limit, rateLimited };
}

function blankResult(job: PlannedJob, queuedAt: string): JobResult {
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

function withOutputs(r: JobResult, outputs: OutputFile[]): JobResult {
  const first = outputs[0];
  return { ...r, outputs, output_url: first?.url ?? null, local_path: first?.path ?? null };
}

function skipped(r: JobResult, reason: string, kind: ErrorKind): JobResult {
  return { ...r, status: 'skipped', error: reason, error_kind: kind };
}

/** Latency of a finished prediction: the server's own stamps when they are consistent with what we saw, else the middle of the window in which it finished. */
function observedLatency(p: Prediction, submittedAt: number, lastPendingAt: number, seenAt: number): number {
  const created = p.createdAt ? Date.parse(p.createdAt) : NaN;
  const completed = p.completedAt ? Date.parse(p.completedAt) : NaN;
  const server = completed - created;
  if (Number.isFinite(server) && server > 0 && server <= seenAt - submittedAt + 50) return server;
  return Math.max(1, (lastPendingAt + seenAt) / 2 - submittedAt);
}

async function filesIntact(outputDir: string, files: { path: string; bytes: number }[]): Promise<boolean> {
  for (const f of files) {
    try {
      const s = await stat(join(outputDir, f.path));
      if (s.size !== f.bytes) return false;
    } catch {
      return false;
    }
  }
  return files.length > 0;
}

function errorKind(e: unknown): ErrorKind {
  if (e && typeof e === 'object' && 'kind' in e && typeof (e as { kind: unknown }).kind === 'string')
    return (e as { kind: ErrorKind }).kind;
  if (e instanceof Error && e.name === 'AbortError') return 'aborted';
  return 'internal';
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
