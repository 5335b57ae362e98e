// Phase 2: submit a job to Atlas. Checks first (submitting stopped, a dependency failed, the
// budget), then the body (chained outputs, local inputs), the journal's `submitting` record, and
// the submit itself; a 429 sends the job back to the queue instead of failing it.
import type { Prediction, SubmitResult } from '../../atlas/types.js';
import type { PlannedJob } from '../../jobfile/job.js';
import type { JobResult } from '../../manifest/schema.js';
import { roundUsd } from '../../cost/prices.js';
import { backoffMs, sleep } from '../../shared/retry.js';
import { errorKind, messageOf, skipped, type RunContext, type SlotHandle, type Stop } from '../state.js';
import { chainedBody, dependencyFailure } from './chain.js';

export type SubmitOutcome =
  | { kind: 'settled'; result: JobResult }
  | { kind: 'submitted'; predictionId: string; submittedAtMs: number; finished?: Prediction };

/** Why this job is not submitted at all (skipped), or undefined to go ahead. */
export function submitGate(ctx: RunContext, job: PlannedJob, r: JobResult): JobResult | undefined {
  const { state, opts } = ctx;
  if (state.stop)
    return skipped(r, state.stop.kind === 'credit' ? 'out of credit at Atlas' : state.stop.reason, state.stop.kind);
  const blocked = dependencyFailure(ctx, job);
  if (blocked) return skipped(r, blocked, 'dependency');
  if (opts.maxCost !== undefined && state.spent + state.reserved + job.estimate.cost > opts.maxCost + 1e-9) {
    return skipped(
      r,
      `budget: spent ${roundUsd(state.spent + state.reserved)} of max-cost ${opts.maxCost} USD, this job would add ${job.estimate.cost}`,
      'budget',
    );
  }
  return undefined;
}

/** Submit the job (the gate passed); `r` gains its submit timing, attempts and prediction id. */
export async function submitJob(
  ctx: RunContext,
  job: PlannedJob,
  r: JobResult,
  slot: SlotHandle,
): Promise<SubmitOutcome> {
  const { state, journal, submitting } = ctx;
  state.reserved += job.estimate.cost;
  try {
    // Other jobs' outputs first (their URLs), then local inputs (uploaded) on top.
    const chained = job.inputs?.length ? { ...job, body: await chainedBody(ctx, job, submitting) } : job;
    const body = ctx.prepareBody ? await ctx.prepareBody(chained, submitting) : chained.body;
    await journal?.record({ identity: job.identity, name: job.name, event: 'submitting' });
    r.timings.submitted_at = new Date().toISOString();
    const submittedAtMs = Date.now();
    const sub = await submitThroughRateLimits(ctx, job, body, slot);
    r.attempts.submits = sub.attempts;
    r.prediction_id = sub.id;
    ctx.control.accepted();
    await journal?.record({ identity: job.identity, name: job.name, event: 'submitted', prediction_id: sub.id });
    const finished = sub.prediction && sub.prediction.state !== 'pending' ? sub.prediction : undefined;
    return { kind: 'submitted', predictionId: sub.id, submittedAtMs, ...(finished ? { finished } : {}) };
  } catch (e) {
    r.attempts.submits = Math.max(1, r.attempts.submits);
    return { kind: 'settled', result: await submitFailed(ctx, job, r, e) };
  } finally {
    state.reserved -= job.estimate.cost;
  }
}

/** The result of a submit that threw, journalled; out of credit or a bad key stops all submitting. */
async function submitFailed(ctx: RunContext, job: PlannedJob, r: JobResult, e: unknown): Promise<JobResult> {
  const { journal, log } = ctx;
  const entry = { identity: job.identity, name: job.name };
  // A wait that ended because submitting stopped is a cancellation, whatever error carried it.
  const kind = ctx.submitting.aborted && errorKind(e) === 'internal' ? 'aborted' : errorKind(e);
  if (kind === 'aborted') {
    await journal?.record({ ...entry, event: 'refused', error: 'cancelled before submit' });
    // `stop` is set by the abort that got us here; TypeScript cannot see that across the await.
    const why = ctx.state.stop as Stop | undefined;
    return skipped(r, why?.reason ?? 'cancelled', why?.kind ?? 'cancelled');
  }
  if (kind === 'unknown-fate') {
    await journal?.record({ ...entry, event: 'unknown', error: messageOf(e) });
    return {
      ...r,
      status: 'unknown',
      error_kind: kind,
      error: `${messageOf(e)} — not resent, so it is never paid twice; settle it before re-running (README: "Settling unknown jobs")`,
    };
  }
  await journal?.record({ ...entry, event: 'refused', error: messageOf(e) });
  if (kind === 'credit') {
    ctx.haltSubmits({ reason: 'out of credit at Atlas', kind: 'credit', fatal: false });
    log.error(
      `Atlas says the account is out of credit: no further jobs are submitted; in-flight jobs finish. (${messageOf(e)})`,
    );
  } else if (kind === 'auth') {
    ctx.haltSubmits({ reason: 'Atlas refused the API key', kind: 'auth', fatal: true });
  }
  return { ...r, status: 'failed', error_kind: kind, error: messageOf(e) };
}

/**
 * A 429 on submit means Atlas created nothing: give the slot back, let the concurrency control
 * learn from it (auto shrinks its window; Retry-After holds every slot), and queue the job again
 * at the front. It is never failed for being rate limited, only for running out of time.
 */
export async function submitThroughRateLimits(
  ctx: RunContext,
  job: PlannedJob,
  body: Record<string, unknown>,
  slot: SlotHandle,
): Promise<SubmitResult> {
  const { client, control, slots, opts, submitting } = ctx;
  const started = Date.now();
  let sends = 0;
  for (let attempt = 0; ; attempt++) {
    const round = control.round;
    try {
      const sub = await client.submit(job.type, body, submitting, {
        retryUnknown: opts.retryUnknownSubmits,
        retryRateLimited: false,
      });
      return { ...sub, attempts: sends + sub.attempts };
    } catch (e) {
      if (errorKind(e) !== 'rate-limited' || Date.now() - started > job.timeoutMs) throw e;
      sends++;
      ctx.state.rateLimited++;
      const retryAfterMs = (e as { retryAfterMs?: number }).retryAfterMs;
      control.rateLimited(Math.max(0, slots.inUse - 1), retryAfterMs, round);
      slot.release();
      await sleep(retryAfterMs ?? backoffMs(attempt, opts.poll.floorMs, 30_000), submitting);
      await slot.reacquire();
    }
  }
}
