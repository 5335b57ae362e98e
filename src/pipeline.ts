// The whole run, as the action and the CLI share it: job file → plan → engine → manifest,
// report.md and the gallery in the output directory. GitHub delivery is main.ts's business.
import { resolve, join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent } from 'undici';
import type { Log } from './shared/log.js';
import type { Settings } from './settings.js';
import type { PlannedJob } from './jobfile/job.js';
import type { Manifest } from './manifest/schema.js';
import { loadJobFile } from './jobfile/load.js';
import { planJobs, wantsLivePrices } from './jobfile/plan.js';
import { fetchLivePrices } from './cost/live.js';
import { filterJobs, withDependencies } from './jobfile/filter.js';
import { createAtlasClient } from './atlas/client.js';
import { downloadOutput } from './download/download.js';
import { runJobs, type EngineOptions, type Progress } from './engine/run.js';
import { createLatencyModel } from './engine/latency.js';
import { loadLatencyMemory, saveLatencyMemory } from './engine/latency-memory.js';
import { openJournal, JOURNAL_FILE, type Journal } from './journal/journal.js';
import { redactDeep, redactSecrets } from './shared/redact.js';
import { buildManifest, writeManifest } from './manifest/build.js';
import { renderReportFile } from './report/summary.js';
import { writeGallery } from './report/gallery.js';
import { formatUsd, roundUsd } from './cost/prices.js';
import { shardOf, type ShardInfo } from './plan/shard.js';
import { USER_AGENT, VERSION } from './version.js';
import { mediaUploader, resolveLocalInputs } from './inputs/local.js';
import { createWebhookNotifier, withWebhook, type RunInfo } from './notify/webhook.js';

export interface PipelineDeps {
  log: Log;
  /** Cancellation (SIGINT/SIGTERM, the step's timeout). */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  onJobFinished?: EngineOptions['onJobFinished'];
  /** Called once the plan is final, before the journal is opened (the action restores the Actions cache here). */
  onPlan?: (plan: Plan) => Promise<void>;
  /** Root that local inputs (`image: ./assets/x.png`) resolve against and must stay inside. */
  workspace?: string;
  /** Where the run happens, for webhook messages. */
  run?: RunInfo;
}

export interface Plan {
  configPath: string;
  outputDir: string;
  concurrency: number | 'auto';
  jobs: PlannedJob[];
  /** Every job in the file, before the `jobs` filter: what validation and the budget cover. */
  allJobs: PlannedJob[];
  estimatedCost: number;
  lineOf(name: string): number | undefined;
  /** Set when the run is one shard of a matrix (`shard: i/n`): `jobs` and `estimatedCost` are then the shard's. */
  shard?: ShardInfo;
}

export interface PipelineResult {
  plan: Plan;
  /** Absent on a dry run. */
  manifest?: Manifest;
  manifestPath?: string;
}

export class PlanError extends Error {
  override name = 'PlanError';
}

/**
 * Load, validate and plan: everything that happens before any paid call. Throws JobFileError / PlanError.
 * With `pricing: {live: true}` it reads GET /models (no key; a failure is a warning, not an error).
 */
export async function makePlan(settings: Settings, deps: { log?: Log; signal?: AbortSignal } = {}): Promise<Plan> {
  const loaded = await loadJobFile(settings.config);
  const prices = wantsLivePrices(loaded.jobFile)
    ? await fetchLivePrices({ baseUrl: settings.baseUrl, userAgent: USER_AGENT, ...deps })
    : {};
  const allJobs = planJobs(loaded.jobFile, { jobLines: loaded.jobLines, prices });
  // A job the filter picks runs with the jobs whose outputs it takes, even when the filter left them out.
  const chained = withDependencies(allJobs, settings.jobs.length ? filterJobs(allJobs, settings.jobs) : allJobs);
  if (chained.added.length) {
    const list = chained.added.map((a) => `"${a.name}" (input of "${a.neededBy}")`).join(', ');
    deps.log?.info(
      `The jobs filter left out job${chained.added.length === 1 ? '' : 's'} whose outputs selected jobs take; running ${chained.added.length === 1 ? 'it' : 'them'} too: ${list}.`,
    );
  }
  const picked = chained.jobs;
  const jobs = picked.map((j, index) => ({ ...j, index }));
  const estimatedCost = roundUsd(jobs.reduce((s, j) => s + j.estimate.cost, 0));
  const lines = new Map(allJobs.map((j) => [j.name, j.line]));
  const plan: Plan = {
    configPath: loaded.path,
    outputDir: resolve(settings.outputDir ?? loaded.jobFile.output_dir ?? 'output'),
    concurrency: settings.concurrency ?? loaded.jobFile.max_workers ?? 3,
    jobs,
    allJobs,
    estimatedCost,
    lineOf: (name) => lines.get(name),
  };
  if (settings.maxCost !== undefined && estimatedCost > settings.maxCost + 1e-9) {
    throw new PlanError(
      `the plan's estimated cost ${formatUsd(estimatedCost)} exceeds max-cost ${formatUsd(settings.maxCost)}; nothing was submitted.\n${renderPlan(plan)}`,
    );
  }
  return plan;
}

/** A plain-text table of the plan and its estimate, for dry runs and refusals. */
export function renderPlan(plan: Plan): string {
  const rows = plan.jobs.map((j) => [
    j.name,
    j.type,
    j.model,
    `${j.estimate.units} ${j.estimate.unit}${j.estimate.units === 1 ? '' : 's'}`,
    formatUsd(j.estimate.cost) + (j.estimate.note ? ` (${j.estimate.note})` : ''),
  ]);
  const header = ['job', 'type', 'model', 'units', 'estimate'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const byModel = new Map<string, { jobs: number; cost: number }>();
  for (const j of plan.jobs) {
    const m = byModel.get(j.model) ?? { jobs: 0, cost: 0 };
    m.jobs++;
    m.cost = roundUsd(m.cost + j.estimate.cost);
    byModel.set(j.model, m);
  }
  return [
    line(header),
    ...rows.map(line),
    '',
    ...[...byModel].map(([model, m]) => `${model}: ${m.jobs} job${m.jobs === 1 ? '' : 's'}, ${formatUsd(m.cost)}`),
    `Estimated total: ${formatUsd(plan.estimatedCost)} for ${plan.jobs.length} job${plan.jobs.length === 1 ? '' : 's'} at concurrency ${plan.concurrency}; output in ${plan.outputDir}`,
  ].join('\n');
}

export async function runPipeline(settings: Settings, deps: PipelineDeps): Promise<PipelineResult> {
  const { log } = deps;
  // Validation and max-cost cover the whole plan; a shard then runs its part, on its part of the budget.
  const whole = await makePlan(settings, { log, ...(deps.signal ? { signal: deps.signal } : {}) });
  const planned = settings.shard ? shardOf(whole, settings.shard, settings.maxCost) : whole;
  // Local inputs are checked and hashed here, before any paid call; uploaded right before each submit.
  const local = await resolveLocalInputs(planned.jobs, {
    workspace: deps.workspace ?? process.cwd(),
    configPath: planned.configPath,
  });
  const plan: Plan = { ...planned, jobs: local.jobs };
  await deps.onPlan?.(plan);
  if (settings.dryRun) {
    log.info(`Dry run: the job file is valid; nothing is sent to Atlas.\n${renderPlan(plan)}`);
    return { plan };
  }

  const startedAt = new Date();
  await mkdir(plan.outputDir, { recursive: true });
  const concurrencyCeiling = plan.concurrency === 'auto' ? settings.maxConcurrency : plan.concurrency;
  // One connection pool for Atlas and the output URLs, sized so polls never queue behind downloads.
  const dispatcher = new Agent({
    connections: concurrencyCeiling + settings.downloadConcurrency + 4,
    keepAliveTimeout: 10_000,
  });
  const client = createAtlasClient({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    userAgent: USER_AGENT,
    dispatcher,
  });
  const journal = await openJournal(join(plan.outputDir, JOURNAL_FILE));
  // Latencies remembered by earlier runs in this output directory (restored with the cache) are the prior.
  const poll = { floorMs: settings.pollIntervalMs, ceilingMs: settings.maxPollIntervalMs };
  const latency = createLatencyModel(poll, { prior: await loadLatencyMemory(plan.outputDir, log) });
  // The key never reaches what the run writes, even when a prompt or an error message carries it.
  const secrets = [settings.apiKey];
  const safeJournal: Journal = {
    ...journal,
    record: (e) => journal.record(e.error === undefined ? e : { ...e, error: redactSecrets(e.error, secrets) }),
  };
  const webhook = settings.webhookUrl
    ? createWebhookNotifier({
        url: settings.webhookUrl,
        secret: settings.webhookSecret,
        userAgent: USER_AGENT,
        log,
        run: deps.run,
      })
    : undefined;
  const onJobFinished = withWebhook(deps.onJobFinished, webhook);
  // One uploader for local inputs and chained outputs: a file is uploaded once per run, whoever needs it.
  const upload = mediaUploader(client, log);
  try {
    const outcome = await runJobs(
      plan.jobs,
      {
        client,
        log,
        prepareBody: local.uploader(client, log, upload),
        uploadFile: upload,
        journal: safeJournal,
        latency,
        download: (src, stem, signal) => downloadOutput(src, stem, { userAgent: USER_AGENT, dispatcher, signal }),
      },
      {
        outputDir: plan.outputDir,
        concurrency: plan.concurrency,
        maxConcurrency: settings.maxConcurrency,
        downloadConcurrency: settings.downloadConcurrency,
        poll,
        notFoundGraceMs: 30_000,
        retryUnknownSubmits: settings.retryUnknownSubmits,
        force: settings.force,
        maxCost: plan.shard ? plan.shard.maxCost : settings.maxCost,
        signal: deps.signal,
        graceMs: settings.graceMs,
        onProgress: deps.onProgress,
        onJobFinished: onJobFinished && ((job, r) => onJobFinished(job, redactDeep(r, secrets))),
      },
    );
    const manifest = redactDeep(
      buildManifest(plan.jobs, outcome.results, {
        tool: `atlas-media-action ${VERSION}`,
        config: settings.config,
        startedAt,
        finishedAt: new Date(),
        concurrency: outcome.concurrency,
        stopped: outcome.stopped,
        ...(plan.shard ? { shard: plan.shard } : {}),
      }),
      secrets,
    );
    const manifestPath = await writeManifest(plan.outputDir, manifest);
    await writeFile(join(plan.outputDir, 'report.md'), renderReportFile(manifest));
    await writeGallery(plan.outputDir, manifest);
    await webhook?.batchFinished(manifest);
    return { plan, manifest, manifestPath };
  } finally {
    await saveLatencyMemory(plan.outputDir, latency).catch((e: unknown) =>
      log.warning(`could not save the latency memory: ${e instanceof Error ? e.message : String(e)}`),
    );
    await webhook?.flush();
    await journal.close();
    await dispatcher.close().catch(() => undefined);
  }
}

/** Whether the step fails, per `fail-on`. */
export function shouldFail(m: Manifest, failOn: Settings['failOn']): boolean {
  const bad = m.failed + m.unknown;
  if (failOn === 'never') return false;
  if (failOn === 'all') return m.total_jobs > 0 && m.successful === 0 && bad > 0;
  return bad > 0 || m.run.stopped !== null;
}
