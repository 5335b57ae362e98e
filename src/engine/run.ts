// The engine's scheduler: runs planned jobs against Atlas with bounded concurrency.
// A slot is held only from submit until the completion is seen; downloads run beside it under
// their own bound. This file owns dispatch, slots and cancellation; what happens to one job
// (journal, submit, poll, download) is lifecycle/job.ts and the phases beside it, over the one
// run state in state.ts. Every paid call goes through the journal first, so nothing is paid for
// twice and nothing paid for is forgotten, and every wait takes an AbortSignal.
import { setMaxListeners } from 'node:events';
import type { PlannedJob } from '../jobfile/job.js';
import type { JobResult } from '../manifest/schema.js';
import { roundUsd } from '../cost/prices.js';
import { createSlots, type Slots } from './slots.js';
import { adaptiveConcurrency, fixedConcurrency, type ConcurrencyController } from './concurrency.js';
import { createLatencyModel } from './latency.js';
import { mediaUploader } from '../inputs/local.js';
import {
  blankResult,
  createRunState,
  messageOf,
  type EngineDeps,
  type EngineOptions,
  type RunContext,
  type RunOutcome,
  type SlotHandle,
  type Stop,
} from './state.js';
import { dependencies } from './lifecycle/chain.js';
import { runLifecycle } from './lifecycle/job.js';
import { twinsOf } from '../plan/twins.js';

export type { Downloaded, DownloadFn, EngineDeps, EngineOptions, Progress, RunOutcome } from './state.js';

export async function runJobs(jobs: PlannedJob[], deps: EngineDeps, opts: EngineOptions): Promise<RunOutcome> {
  const { ctx, hard } = createContext(jobs, deps, opts);
  const cancel = watchCancel(ctx, hard);
  // Backpressure: completions free their Atlas slot at once, but if downloads cannot keep up the
  // finished-but-not-downloaded jobs would pile up without bound (memory, and output URLs expiring
  // before they are fetched). So at most this many jobs are alive at once: in flight at Atlas plus
  // waiting for or doing their downloads. A download still never holds an Atlas slot.
  const alive = createSlots(
    (typeof opts.concurrency === 'number' ? opts.concurrency : opts.maxConcurrency) + 4 * opts.downloadConcurrency,
  );
  await dispatch(ctx, jobs, alive);
  cancel.dispose();
  const { state, control } = ctx;
  if (state.rateLimited)
    ctx.log.info(
      `Atlas answered 429 to ${state.rateLimited} submit${state.rateLimited === 1 ? '' : 's'}; each job was queued again (concurrency ended at ${control.limit}).`,
    );
  return {
    results: state.results as JobResult[],
    stopped: state.stop?.reason ?? null,
    concurrency: control.limit,
    rateLimited: state.rateLimited,
  };
}

/** The run's fixed parts: slots, concurrency control, the two cancellation signals, the state. */
function createContext(
  jobs: PlannedJob[],
  deps: EngineDeps,
  opts: EngineOptions,
): { ctx: RunContext; hard: AbortController } {
  const slots = createSlots(typeof opts.concurrency === 'number' ? opts.concurrency : 1);
  const control: ConcurrencyController =
    opts.concurrency === 'auto'
      ? adaptiveConcurrency(slots, { start: Math.min(4, opts.maxConcurrency), max: opts.maxConcurrency })
      : fixedConcurrency(slots, opts.concurrency);
  // Two signals: `submitting` stops new paid calls (cancel, out of credit, bad key);
  // `hard` ends every wait once the grace period after a cancel is over.
  const submitting = new AbortController();
  const hard = new AbortController();
  // Every in-flight poll and download listens on these two: hundreds of listeners is by design.
  setMaxListeners(0, submitting.signal, hard.signal);
  const state = createRunState(jobs.length);
  const ctx: RunContext = {
    opts,
    client: deps.client,
    download: deps.download,
    log: deps.log,
    journal: deps.journal,
    latency: deps.latency ?? createLatencyModel(opts.poll),
    prepareBody: deps.prepareBody,
    uploadFile: deps.uploadFile ?? mediaUploader(deps.client, deps.log),
    slots,
    control,
    downloads: createSlots(opts.downloadConcurrency),
    submitting: submitting.signal,
    hard: hard.signal,
    haltSubmits: (s: Stop) => {
      if (!state.stop) state.stop = s;
      submitting.abort(new Error(s.reason));
    },
    byName: new Map(jobs.map((j) => [j.name, j])),
    twinOf: twinsOf(jobs),
    state,
  };
  return { ctx, hard };
}

/** A cancel of the run's signal stops submitting at once and ends every wait after the grace period. */
function watchCancel(ctx: RunContext, hard: AbortController): { dispose(): void } {
  const { opts, log } = ctx;
  let graceTimer: NodeJS.Timeout | undefined;
  const onCancel = () => {
    ctx.haltSubmits({ reason: 'cancelled', kind: 'cancelled', fatal: false });
    log.warning(
      `Cancelled: no new jobs are submitted; finishing what is in flight for up to ${Math.round(opts.graceMs / 1000)} s.`,
    );
    graceTimer = setTimeout(() => hard.abort(new Error('cancelled')), opts.graceMs);
  };
  if (opts.signal?.aborted) onCancel();
  else opts.signal?.addEventListener('abort', onCancel, { once: true });
  return {
    dispose() {
      if (graceTimer) clearTimeout(graceTimer);
      opts.signal?.removeEventListener('abort', onCancel);
    },
  };
}

function reportProgress(ctx: RunContext): void {
  const { state } = ctx;
  const total = state.results.length;
  ctx.opts.onProgress?.({
    total,
    done: state.done,
    running: state.running,
    queued: total - state.done - state.running,
    spent: roundUsd(state.spent),
    failed: state.failed,
  });
}

/** Record a settled job in the run state, then tell whoever listens. */
function finish(ctx: RunContext, job: PlannedJob, r: JobResult, onSettle: () => void): void {
  const { state } = ctx;
  state.results[job.index] = r;
  onSettle();
  state.done++;
  if (r.status === 'failed' || r.status === 'unknown') state.failed++;
  state.spent += r.cost;
  reportProgress(ctx);
  try {
    ctx.opts.onJobFinished?.(job, r);
  } catch (e) {
    ctx.log.warning(`a job-finished hook failed: ${messageOf(e)}`);
  }
}

/** Run one job that may hold an Atlas slot; it always settles with a result. */
async function runOne(
  ctx: RunContext,
  job: PlannedJob,
  queuedAt: string,
  slotHeld: { held: boolean },
  onSettle: () => void,
): Promise<void> {
  const { slots, state } = ctx;
  const release = () => {
    if (slotHeld.held) {
      slotHeld.held = false;
      state.running--;
      slots.release();
    }
  };
  const slot: SlotHandle = {
    release,
    reacquire: async () => {
      // Back at the front of the queue: a job sent back by a 429 keeps its place in file order.
      await slots.acquire(ctx.submitting, { front: true });
      slotHeld.held = true;
      state.running++;
    },
  };
  const base = blankResult(job, queuedAt);
  try {
    finish(ctx, job, await runLifecycle(ctx, job, base, slot), onSettle);
  } catch (e) {
    // Anything unexpected still yields a result: the manifest is the user's receipt.
    finish(ctx, job, { ...base, status: 'failed', error: messageOf(e), error_kind: 'internal' }, onSettle);
  } finally {
    release();
    // Settled without a latency to learn (reused, a twin, failed, cancelled): out of the poll budget.
    ctx.latency.forget(job);
  }
}

/**
 * Dispatch in file order, except that a chained job waits until the jobs whose outputs it takes
 * have settled: each free slot goes to the first job in file order that is ready, so a chain never
 * holds back the jobs after it. Only jobs holding a slot (or downloading) are alive at once.
 */
async function dispatch(ctx: RunContext, jobs: PlannedJob[], alive: Slots): Promise<void> {
  const { state } = ctx;
  const tasks = new Set<Promise<void>>();
  const pending = jobs.slice();
  let wake: (() => void) | undefined;
  const onSettle = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // A twin waits for the job that makes its request, as a chained job waits for its inputs.
  const waitsFor = (job: PlannedJob) => [
    ...dependencies(ctx, job),
    ...(ctx.twinOf.has(job.index) ? [ctx.twinOf.get(job.index)!] : []),
  ];
  const settled = (job: PlannedJob) => waitsFor(job).every((d) => state.results[d.index] !== undefined);
  // Readiness only ever grows (a settled job stays settled), so a job found ready stays ready.
  const firstReady = (): number => {
    const k = pending.findIndex(settled);
    // Nothing in flight can settle the rest (cannot happen with a validated plan): run them, they are skipped.
    return k < 0 && tasks.size === 0 ? 0 : k;
  };
  reportProgress(ctx);
  while (pending.length) {
    if (firstReady() < 0) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const queuedAt = new Date().toISOString();
    const slotHeld = { held: false };
    const permit = await acquireSlots(ctx, alive, slotHeld);
    // The first ready job now: while the slot was awaited, an earlier chained job may have become ready.
    const job = pending.splice(Math.max(0, firstReady()), 1)[0]!;
    state.waiting = pending.length;
    const t = runOne(ctx, job, queuedAt, slotHeld, onSettle);
    tasks.add(t);
    void t.finally(() => {
      tasks.delete(t);
      if (permit) alive.release();
    });
  }
  await Promise.all(tasks);
}

/** Wait for an alive permit and an Atlas slot; false when submitting stopped first (the job settles without a slot). */
async function acquireSlots(ctx: RunContext, alive: Slots, slotHeld: { held: boolean }): Promise<boolean> {
  if (ctx.state.stop) return false;
  let permit = false;
  try {
    await alive.acquire(ctx.submitting);
    permit = true;
    await ctx.slots.acquire(ctx.submitting);
    slotHeld.held = true;
    ctx.state.running++;
  } catch {
    // Submitting stopped while waiting: the job is settled without a slot.
  }
  return permit;
}
