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
import { planJobs } from './jobfile/plan.js';
import { filterJobs } from './jobfile/filter.js';
import { createAtlasClient } from './atlas/client.js';
import { downloadOutput } from './download/download.js';
import { runJobs, type EngineOptions, type Progress } from './engine/run.js';
import { openJournal, JOURNAL_FILE } from './journal/journal.js';
import { buildManifest, writeManifest } from './manifest/build.js';
import { renderReportFile } from './report/summary.js';
import { writeGallery } from './report/gallery.js';
import { formatUsd, roundUsd } from './cost/prices.js';
import { USER_AGENT, VERSION } from './version.js';

export interface PipelineDeps {
  log: Log;
  /** Cancellation (SIGINT/SIGTERM, the step's timeout). */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  onJobFinished?: EngineOptions['onJobFinished'];
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

/** Load, validate and plan: everything that happens before any paid call. Throws JobFileError / PlanError. */
export async function makePlan(settings: Settings): Promise<Plan> {
  const loaded = await loadJobFile(settings.config);
  const allJobs = planJobs(loaded.jobFile, { jobLines: loaded.jobLines });
  const picked = settings.jobs.length ? filterJobs(allJobs, settings.jobs) : allJobs;
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
    throw new PlanError(`the plan's estimated cost ${formatUsd(estimatedCost)} exceeds max-cost ${formatUsd(settings.maxCost)}; nothing was submitted.\n${renderPlan(plan)}`);
  }
  return plan;
}

/** A plain-text table of the plan and its estimate, for dry runs and refusals. */
export function renderPlan(plan: Plan): string {
  const rows = plan.jobs.map((j) => [j.name, j.type, j.model, `${j.estimate.units} ${j.estimate.unit}${j.estimate.units === 1 ? '' : 's'}`, formatUsd(j.estimate.cost) + (j.estimate.note ? ` (${j.estimate.note})` : '')]);
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
  const plan = await makePlan(settings);
  if (settings.dryRun) {
    log.info(`Dry run: the job file is valid; nothing is sent to Atlas.\n${renderPlan(plan)}`);
    return { plan };
  }

  const startedAt = new Date();
  await mkdir(plan.outputDir, { recursive: true });
  const concurrencyCeiling = plan.concurrency === 'auto' ? settings.maxConcurrency : plan.concurrency;
  // One connection pool for Atlas and the output URLs, sized so polls never queue behind downloads.
  const dispatcher = new Agent({ connections: concurrencyCeiling + settings.downloadConcurrency + 4, keepAliveTimeout: 10_000 });
  const client = createAtlasClient({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, userAgent: USER_AGENT, dispatcher });
  const journal = await openJournal(join(plan.outputDir, JOURNAL_FILE));
  try {
    const outcome = await runJobs(
      plan.jobs,
      {
        client,
        log,
        journal,
        download: (src, stem, signal) => downloadOutput(src, stem, { userAgent: USER_AGENT, dispatcher, signal }),
      },
      {
        outputDir: plan.outputDir,
        concurrency: plan.concurrency,
        maxConcurrency: settings.maxConcurrency,
        downloadConcurrency: settings.downloadConcurrency,
        poll: { floorMs: settings.pollIntervalMs, ceilingMs: settings.maxPollIntervalMs },
        notFoundGraceMs: 30_000,
        retryUnknownSubmits: settings.retryUnknownSubmits,
        force: settings.force,
        maxCost: settings.maxCost,
        signal: deps.signal,
        graceMs: settings.graceMs,
        onProgress: deps.onProgress,
        onJobFinished: deps.onJobFinished,
      },
    );
    const manifest = buildManifest(plan.jobs, outcome.results, {
      tool: `atlas-media-action ${VERSION}`,
      config: settings.config,
      startedAt,
      finishedAt: new Date(),
      concurrency: outcome.concurrency,
      stopped: outcome.stopped,
    });
    const manifestPath = await writeManifest(plan.outputDir, manifest);
    await writeFile(join(plan.outputDir, 'report.md'), renderReportFile(manifest));
    await writeGallery(plan.outputDir, manifest);
    return { plan, manifest, manifestPath };
  } finally {
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
