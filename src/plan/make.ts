import { resolve } from 'node:path';
import type { Log } from '../shared/log.js';
import { confinedOutputDir, type Settings, type Workspace } from '../settings.js';
import { loadJobFile } from '../jobfile/load.js';
import { filterJobs, withDependencies } from '../jobfile/filter.js';
import { livePricesFrom } from '../cost/live.js';
import { readModelList } from '../atlas/model-list.js';
import { checkModelIds } from '../jobfile/model-check.js';
import { formatUsd, roundUsd } from '../cost/prices.js';
import { twinsOf } from './twins.js';
import { USER_AGENT } from '../version.js';
import { planJobs, wantsLivePrices } from './jobs.js';
import { renderPlan } from './render.js';
import { PlanError, type Plan } from './types.js';
import type { PlannedJob } from '../jobfile/job.js';

/**
 * Load, validate and plan: everything that happens before any paid call. Throws JobFileError / PlanError.
 * It reads GET /models once (no key; a failure is a warning, not an error) for `pricing: {live: true}`
 * and for the model id check (`check-models`).
 */
export async function makePlan(
  settings: Settings,
  deps: { log?: Log; signal?: AbortSignal; workspace?: Workspace } = {},
): Promise<Plan> {
  const loaded = await loadJobFile(settings.config);
  const outputDir = deps.workspace
    ? await confinedOutputDir(settings, { path: loaded.path, outputDir: loaded.jobFile.output_dir }, deps.workspace)
    : resolve(settings.outputDir ?? loaded.jobFile.output_dir ?? 'output');
  const live = wantsLivePrices(loaded.jobFile);
  const models = live || settings.checkModels ? await readModels(settings, deps) : undefined;
  const prices = live && models ? livePricesFrom(models, deps.log) : {};
  const allJobs = planJobs(loaded.jobFile, { jobLines: loaded.jobLines, prices });
  if (models && settings.checkModels) checkModelIds(allJobs, models, loaded.path, deps.log);
  const jobs = pickJobs(allJobs, settings.jobs, deps.log).map((j, index) => ({ ...j, index }));
  // A job repeating an earlier job's request is generated once (plan/twins.ts): counted once.
  const twins = twinsOf(jobs);
  const estimatedCost = roundUsd(jobs.reduce((s, j) => s + (twins.has(j.index) ? 0 : j.estimate.cost), 0));
  const lines = new Map(allJobs.map((j) => [j.name, j.line]));
  const plan: Plan = {
    configPath: loaded.path,
    outputDir,
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

/** One GET /models for live prices and the model id check (jobfile/model-check.ts). */
function readModels(settings: Settings, deps: { log?: Log; signal?: AbortSignal }) {
  return readModelList({
    baseUrl: settings.baseUrl,
    userAgent: USER_AGENT,
    ...(deps.log ? { log: deps.log } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
}

/** The jobs the `jobs` filter picks, with the jobs whose outputs they take, even when the filter left them out. */
function pickJobs(allJobs: PlannedJob[], filter: Settings['jobs'], log: Log | undefined): PlannedJob[] {
  const chained = withDependencies(allJobs, filter.length ? filterJobs(allJobs, filter) : allJobs);
  if (chained.added.length) {
    const list = chained.added.map((a) => `"${a.name}" (input of "${a.neededBy}")`).join(', ');
    log?.info(
      `The jobs filter left out job${chained.added.length === 1 ? '' : 's'} whose outputs selected jobs take; running ${chained.added.length === 1 ? 'it' : 'them'} too: ${list}.`,
    );
  }
  return chained.jobs;
}
