// The action: read inputs, run the pipeline, deliver in GitHub, set outputs. Wiring only.
import * as core from '@actions/core';
import { readSettings, SettingsError, type Settings } from './settings.js';
import { runPipeline, shouldFail, type PipelineResult } from './pipeline.js';
import { renderPlan } from './plan/render.js';
import { PlanError, type Plan } from './plan/types.js';
import { JobFileError } from './jobfile/load.js';
import { actionsLog, failStep, logGroup } from './github/actions-log.js';
import { formatProgress } from './report/progress.js';
import { formatUsd } from './cost/prices.js';
import type { Progress } from './engine/run.js';
import { jobLogLines, jobLogTitle } from './report/job-log.js';
import type { CarriedOutputs } from './github/cache.js';
import { runInfoFromEnv } from './notify/webhook.js';
import { costToPay } from './plan/diff.js';
import type { Log } from './shared/log.js';
import type { Manifest } from './manifest/schema.js';

const PROGRESS_EVERY_MS = 15_000;

/** `pr-<n>` on a pull-request event: later pushes keep comparing with the run before the PR. */
async function reviewOf(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const name = env['GITHUB_EVENT_NAME'] ?? '';
  if (name !== 'pull_request' && name !== 'pull_request_target') return undefined;
  const { readEventPayload } = await import('./github/deliver.js');
  const { pullRequestNumber } = await import('./github/comment.js');
  const pr = pullRequestNumber({ eventName: name, payload: await readEventPayload(env['GITHUB_EVENT_PATH']) });
  return pr ? `pr-${pr}` : undefined;
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const log = actionsLog();
  const settings = readActionSettings(env);
  if (!settings) return;

  // The final job of a matrix: merge the shards' manifests into one report; nothing is generated.
  // The GitHub clients (artifact, cache, REST) are loaded only when used: they weigh ~45 MB of memory.
  if (settings.mode === 'report') return (await import('./github/report-step.js')).runReportStep(settings, env, log);

  const cancel = cancelOnSignals();
  const progress = progressTicker(log);
  // The output directory (journal + files) carried between runs and attempts in the Actions cache.
  const cache: { carried?: CarriedOutputs } = {};

  try {
    const review = await reviewOf(env);
    const result = await runPipeline(settings, {
      ...(review ? { review } : {}),
      log,
      signal: cancel.signal,
      onProgress: progress.onProgress,
      onPlan: restoreCache(settings, env, log, cache),
      workspace: env['GITHUB_WORKSPACE'] || process.cwd(),
      workspaceLabel: env['GITHUB_WORKSPACE'] ? 'GITHUB_WORKSPACE' : 'the working directory',
      run: runInfoFromEnv(env),
      // One log group per job, printed whole when it settles so concurrent jobs never interleave.
      onJobFinished: (_job, r) => {
        logGroup(jobLogTitle(r), jobLogLines(r));
      },
    });
    if (!result.manifest) return await deliverDryRunResult(result, settings, env, log);
    const m = result.manifest;
    log.info(
      `${m.successful} succeeded, ${m.failed} failed, ${m.unknown} unknown, ${m.skipped} skipped; ${formatUsd(m.total_cost)} spent. Manifest: ${result.manifestPath}`,
    );
    // Saved before delivery: what was paid for is kept even if the upload or the comment fails.
    await cache.carried?.save();
    await deliverRun(m, result, settings, env, log);
    failIfNeeded(m, settings.failOn, cancel.signal.aborted);
  } catch (e) {
    failFromError(e, log);
  } finally {
    progress.stop();
    // A failed or cancelled run still saves what it paid for (a no-op if already saved).
    await cache.carried?.save();
  }
}

/** Once the plan is final: the output directory carried in the Actions cache (restored now, saved by the caller). */
function restoreCache(settings: Settings, env: NodeJS.ProcessEnv, log: Log, cache: { carried?: CarriedOutputs }) {
  return async (plan: Plan): Promise<void> => {
    const cacheService = env['ACTIONS_RESULTS_URL'] || env['ACTIONS_CACHE_URL'];
    if (settings.cache && !settings.dryRun && cacheService)
      cache.carried = await (await import('./github/cache.js')).carryOutputs(plan, settings, env, log);
    // A dry run only restores, so the plan can be compared with the earlier run.
    if (settings.cache && settings.dryRun && cacheService)
      await (await import('./github/cache-preview.js')).restoreForComparison(plan, settings, env, log);
  };
}

/** The settings from the action's inputs, secrets masked; undefined (the step failed) when they are invalid. */
function readActionSettings(env: NodeJS.ProcessEnv): Settings | undefined {
  let settings: Settings;
  try {
    // Without a key (a fork's pull request gets no secrets) the action makes a dry run, not an error.
    settings = readSettings((name) => core.getInput(name), env, { noKey: 'dry-run' });
  } catch (e) {
    if (e instanceof SettingsError) return void failStep(e.message);
    throw e;
  }
  if (settings.apiKey) core.setSecret(settings.apiKey);
  // The webhook URL often carries its own token: masked like the key.
  if (settings.webhookUrl) core.setSecret(settings.webhookUrl);
  if (settings.webhookSecret) core.setSecret(settings.webhookSecret);
  return settings;
}

/** A cancelled workflow sends SIGINT, then SIGTERM: stop submitting and wind down. */
function cancelOnSignals(): AbortController {
  const cancel = new AbortController();
  const onSignal = (sig: string) => {
    if (!cancel.signal.aborted) cancel.abort(new Error(`received ${sig}`));
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  return cancel;
}

/** Logs the latest progress every PROGRESS_EVERY_MS until stopped. */
function progressTicker(log: Log): { onProgress: (p: Progress) => void; stop: () => void } {
  const started = Date.now();
  let last: Progress | undefined;
  const ticker = setInterval(() => last && log.info(formatProgress(last, Date.now() - started)), PROGRESS_EVERY_MS);
  ticker.unref();
  return { onProgress: (p) => (last = p), stop: () => clearInterval(ticker) };
}

/** A dry run's outputs: the estimated cost, and the plan in the summary or the PR comment. */
async function deliverDryRunResult(result: PipelineResult, settings: Settings, env: NodeJS.ProcessEnv, log: Log) {
  core.setOutput('total-cost', String(result.plan.estimatedCost));
  const { deliverDryRun, runContextFromEnv, readEventPayload } = await import('./github/deliver.js');
  const ctx = runContextFromEnv(env, await readEventPayload(env['GITHUB_EVENT_PATH']));
  const { jobs, estimatedCost } = result.plan;
  const report = {
    reason: settings.dryRunReason ?? 'dry-run is on: the job file was checked and priced, nothing was sent to Atlas.',
    jobs,
    estimatedCost,
    planText: renderPlan(result.plan),
    ...costToPay(jobs, result.diff),
    ...(result.diff ? { diff: result.diff } : {}),
  };
  await deliverDryRun(report, settings, ctx, log);
}

/** A run's delivery in GitHub (artifacts, summary, comment) and the step's outputs. */
async function deliverRun(
  m: Manifest,
  result: PipelineResult,
  settings: Settings,
  env: NodeJS.ProcessEnv,
  log: Log,
): Promise<void> {
  const { deliver, runContextFromEnv, setRunOutputs, readEventPayload } = await import('./github/deliver.js');
  const payload = await readEventPayload(env['GITHUB_EVENT_PATH']);
  const d = await deliver(m, result.plan.outputDir, settings, runContextFromEnv(env, payload), log, result.plan.lineOf);
  setRunOutputs(m, result.manifestPath!, result.plan.outputDir, d);
}

/** The verdict: a cancelled run fails, else fail-on decides. */
function failIfNeeded(m: Manifest, failOn: Settings['failOn'], cancelled: boolean): void {
  if (cancelled)
    failStep(
      `Cancelled: ${m.successful} of ${m.total_jobs} jobs finished; manifest and journal written so a re-run resumes.`,
    );
  else if (shouldFail(m, failOn)) {
    failStep(
      `${m.failed + m.unknown} of ${m.total_jobs} jobs did not succeed${m.run.stopped ? ` (stopped: ${m.run.stopped})` : ''} (fail-on: ${failOn}).`,
    );
  }
}

/** Fails the step with what went wrong: a job file's problems as annotations at their lines. */
function failFromError(e: unknown, log: Log): void {
  if (e instanceof JobFileError) {
    for (const p of e.problems)
      log.error(p.message, { title: 'Invalid job file', file: p.file, line: p.line, col: p.col });
    return failStep(
      `The job file has ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; nothing was submitted.\n${e.message}`,
    );
  }
  if (e instanceof PlanError || e instanceof SettingsError) return failStep(e.message);
  failStep(e instanceof Error ? (e.stack ?? e.message) : String(e));
}
