// Phase 3: poll a prediction until it is done, the job's deadline, or the end of the grace
// period after a cancel. The job's signal fires at its deadline, so a poll in progress (a reply
// that never ends) is cut off there too.
import type { Prediction } from '../../atlas/types.js';
import type { PlannedJob } from '../../jobfile/job.js';
import type { JobResult } from '../../manifest/schema.js';
import { sleep } from '../../shared/retry.js';
import { errorKind, messageOf, type RunContext } from '../state.js';

/** Failures worth polling on: the prediction is still there, the next poll may get through. */
const TRANSIENT = new Set(['rate-limited', 'server', 'network', 'protocol']);

export interface PollTarget {
  predictionId: string;
  submittedAtMs: number;
  /** Resumed from an earlier run: it may be long finished, so look at once. */
  resumed: boolean;
  /** The job's signal: aborts at its deadline or when the run's grace period ends. */
  signal: AbortSignal;
}

export type PollOutcome =
  { kind: 'settled'; result: JobResult } | { kind: 'done'; finished: Prediction; lastPendingAt: number };

export async function pollUntilDone(
  ctx: RunContext,
  job: PlannedJob,
  r: JobResult,
  t: PollTarget,
): Promise<PollOutcome> {
  const deadline = t.submittedAtMs + job.timeoutMs;
  const ended = (): PollOutcome => ({
    kind: 'settled',
    result: ctx.hard.aborted ? cancelledInFlight(r, t.predictionId) : timedOut(job, r, t.predictionId),
  });
  let lastDelay = 0;
  let lastPendingAt = t.submittedAtMs;
  for (;;) {
    if (Date.now() >= deadline) return { kind: 'settled', result: timedOut(job, r, t.predictionId) };
    const elapsed = Date.now() - t.submittedAtMs;
    lastDelay =
      t.resumed && r.attempts.polls === 0
        ? 0
        : Math.min(
            ctx.latency.nextDelay(job, elapsed, lastDelay, { nowMs: Date.now(), waiting: ctx.state.waiting }),
            Math.max(1, deadline - Date.now()),
          );
    try {
      await sleep(lastDelay, t.signal);
    } catch {
      return ended();
    }
    try {
      r.attempts.polls++;
      const p = await ctx.client.poll(t.predictionId, t.signal);
      if (p.state !== 'pending') return { kind: 'done', finished: p, lastPendingAt };
      lastPendingAt = Date.now();
    } catch (e) {
      const kind = errorKind(e);
      if (kind === 'aborted' || t.signal.aborted) return ended();
      if (kind === 'not-found' && Date.now() - t.submittedAtMs < ctx.opts.notFoundGraceMs) continue;
      if (!TRANSIENT.has(kind)) {
        const error = `polling prediction ${t.predictionId}: ${messageOf(e)}`;
        return { kind: 'settled', result: { ...r, status: 'failed', error_kind: kind, error } };
      }
      ctx.log.debug(`${job.name}: poll failed (${messageOf(e)}); polling on`);
    }
  }
}

export function timedOut(job: PlannedJob, r: JobResult, id: string): JobResult {
  return {
    ...r,
    status: 'failed',
    error_kind: 'timeout',
    error: `not finished after ${Math.round(job.timeoutMs / 1000)} s; prediction ${id} is kept in the journal so a re-run resumes it instead of paying again`,
  };
}

export function cancelledInFlight(r: JobResult, id: string): JobResult {
  return {
    ...r,
    status: 'failed',
    error_kind: 'cancelled',
    error: `cancelled while prediction ${id} was running; a re-run resumes it from the journal instead of paying again`,
  };
}

/** Latency of a finished prediction: the server's own stamps when they are consistent with what we saw, else the middle of the window in which it finished. */
export function observedLatency(p: Prediction, submittedAt: number, lastPendingAt: number, seenAt: number): number {
  const created = p.createdAt ? Date.parse(p.createdAt) : NaN;
  const completed = p.completedAt ? Date.parse(p.completedAt) : NaN;
  const server = completed - created;
  if (Number.isFinite(server) && server > 0 && server <= seenAt - submittedAt + 50) return server;
  return Math.max(1, (lastPendingAt + seenAt) / 2 - submittedAt);
}
