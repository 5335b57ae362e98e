// One job from start to settled result: journal verdict, submit, poll, outputs. Each phase is in
// its own file; this only sequences them, frees the Atlas slot as early as each path allows,
// and gives the job its deadline signal.
import type { Prediction } from '../../atlas/types.js';
import type { PlannedJob } from '../../jobfile/job.js';
import type { JobResult } from '../../manifest/schema.js';
import type { RunContext, SlotHandle } from '../state.js';
import { fromJournal } from './reuse.js';
import { submitGate, submitJob } from './submit.js';
import { observedLatency, pollUntilDone } from './poll.js';
import { settleFinished } from './fetch-outputs.js';
import { fromTwin } from './twin.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

export async function runLifecycle(
  ctx: RunContext,
  job: PlannedJob,
  r: JobResult,
  slot: SlotHandle,
): Promise<JobResult> {
  const twin = ctx.twinOf.get(job.index);
  if (twin) {
    slot.release();
    return fromTwin(ctx, job, twin, r);
  }
  const verdict = await fromJournal(ctx, job, r);
  if (verdict.kind === 'settled') {
    slot.release();
    return verdict.result;
  }
  let predictionId: string;
  let submittedAtMs = Date.now();
  let finished: Prediction | undefined;
  if (verdict.kind === 'resume') {
    predictionId = verdict.predictionId;
    r.prediction_id = predictionId;
  } else {
    const refused = submitGate(ctx, job, r);
    if (refused) {
      slot.release();
      return refused;
    }
    const sub = await submitJob(ctx, job, r, slot);
    if (sub.kind === 'settled') return sub.result;
    ({ predictionId, submittedAtMs, finished } = sub);
  }

  const signal = jobSignal(ctx, submittedAtMs + job.timeoutMs);
  let lastPendingAt = submittedAtMs;
  if (!finished) {
    const resumed = verdict.kind === 'resume';
    const polled = await pollUntilDone(ctx, job, r, { predictionId, submittedAtMs, resumed, signal });
    if (polled.kind === 'settled') return polled.result;
    ({ finished, lastPendingAt } = polled);
  }

  // The slot frees the moment the completion is seen.
  const seenAt = Date.now();
  slot.release();
  r.timings.completed_at = new Date(seenAt).toISOString();
  r.generation_time = Math.round(seenAt - submittedAtMs) / 1000;
  ctx.latency.observe(job, observedLatency(finished, submittedAtMs, lastPendingAt, seenAt));
  return settleFinished(ctx, job, r, finished, signal);
}

/** Aborts at the job's deadline or when the run's grace period ends, whichever comes first. */
function jobSignal(ctx: RunContext, deadlineMs: number): AbortSignal {
  const left = Math.max(0, deadlineMs - Date.now());
  // Timers overflow past 2^31-1 ms (and fire at once): a deadline that far off is no deadline.
  if (left > MAX_TIMER_MS) return ctx.hard;
  return AbortSignal.any([ctx.hard, AbortSignal.timeout(left)]);
}
