// The whole run, as the action and the CLI share it: job file → plan → engine → manifest,
// report.md and the gallery in the output directory. GitHub delivery is main.ts's business.
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { Agent } from 'undici';
import type { Log } from './shared/log.js';
import type { Settings } from './settings.js';
import type { Manifest } from './manifest/schema.js';
import { makePlan } from './plan/make.js';
import { renderPlan } from './plan/render.js';
import { PlanError, type Plan } from './plan/types.js';
import { createAtlasClient } from './atlas/client.js';
import { downloadOutput } from './download/download.js';
import { apiIsPrivate, egressAgent, refuseUrlHost } from './download/egress.js';
import { runJobs, type EngineDeps, type EngineOptions, type Progress, type RunOutcome } from './engine/run.js';
import { createLatencyModel } from './engine/latency.js';
import { loadLatencyMemory, saveLatencyMemory } from './engine/latency-memory.js';
import { openJournal, JOURNAL_FILE } from './journal/journal.js';
import { redactDeep } from './shared/redact.js';
import { buildManifest, writeManifest } from './manifest/build.js';
import { writeReportFile } from './report/summary.js';
import { plantedLinks } from './shared/safe-write.js';
import { writeGallery } from './report/gallery.js';
import { shardOf } from './plan/shard.js';
import { USER_AGENT, VERSION } from './version.js';
import { mediaUploader, resolveLocalInputs } from './inputs/local.js';
import { createWebhookNotifier, withWebhook, type RunInfo } from './notify/webhook.js';
import { diffPlan, withChanges, type PlanDiff } from './plan/diff.js';
import { keepPreviousFiles, readEarlierRun } from './plan/earlier.js';

export interface PipelineDeps {
  log: Log;
  /** Cancellation (SIGINT/SIGTERM, the step's timeout). */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  onJobFinished?: EngineOptions['onJobFinished'];
  /** Called once the plan is final, before the journal is opened (the action restores the Actions cache here). */
  onPlan?: (plan: Plan) => Promise<void>;
  /** Root that local inputs (`image: ./assets/x.png`) resolve against and must stay inside, as the output directory must. */
  workspace?: string;
  /** How errors name the workspace (default: "the workspace"). */
  workspaceLabel?: string;
  /** Where the run happens, for webhook messages. */
  run?: RunInfo;
  /** The pull request under review (`pr-7`): its later runs keep comparing with the same earlier run. */
  review?: string;
}

export interface PipelineResult {
  plan: Plan;
  /** Absent on a dry run. */
  manifest?: Manifest;
  manifestPath?: string;
  /** What changed since the earlier run of the job file, when the output directory held one. */
  diff?: PlanDiff;
}

export async function runPipeline(settings: Settings, deps: PipelineDeps): Promise<PipelineResult> {
  const { log } = deps;
  const { plan, diff, local } = await planRun(settings, deps);
  if (settings.dryRun) {
    log.info(`Dry run: the job file is valid; nothing is sent to Atlas.\n${renderPlan(plan)}`);
    return { plan, ...(diff ? { diff } : {}) };
  }
  const previousPaths = diff ? await keepPreviousFiles(plan.outputDir, diff) : undefined;

  const startedAt = new Date();
  await prepareOutputDir(plan.outputDir);
  const conn = await openConnections(settings, plan);
  // Latencies remembered by earlier runs in this output directory (restored with the cache) are the prior.
  const poll = { floorMs: settings.pollIntervalMs, ceilingMs: settings.maxPollIntervalMs };
  // The poll budget is planned over the run's jobs (see engine/latency.ts).
  const latency = createLatencyModel(poll, { prior: await loadLatencyMemory(plan.outputDir, log), jobs: plan.jobs });
  // The key never reaches what the run writes, even when a prompt, an error or an output URL carries it.
  const secrets = [settings.apiKey];
  const journal = await openJournal(join(plan.outputDir, JOURNAL_FILE), { secrets });
  const webhook = settings.webhookUrl
    ? createWebhookNotifier({
        url: settings.webhookUrl,
        secret: settings.webhookSecret,
        userAgent: USER_AGENT,
        log,
        run: deps.run,
      })
    : undefined;
  try {
    const outcome = await runEngine(plan, settings, deps, {
      ...conn,
      prepareBody: local.uploader,
      journal,
      latency,
      poll,
      secrets,
      onJobFinished: withWebhook(deps.onJobFinished, webhook),
    });
    const written = await writeRunFiles(plan, settings, outcome, { startedAt, secrets, diff, previousPaths });
    await webhook?.batchFinished(written.manifest);
    return { plan, ...written, ...(diff ? { diff } : {}) };
  } finally {
    await saveLatencyMemory(plan.outputDir, latency).catch((e: unknown) =>
      log.warning(`could not save the latency memory: ${e instanceof Error ? e.message : String(e)}`),
    );
    await webhook?.flush();
    await journal.close();
    await conn.dispatcher.close().catch(() => undefined);
    await conn.downloadDispatcher.close().catch(() => undefined);
  }
}

/**
 * The plan this run carries out (the whole plan validated and priced, then this shard's part, local
 * inputs checked and hashed) and what changed since the earlier run in the output directory.
 */
async function planRun(settings: Settings, deps: PipelineDeps) {
  const { log } = deps;
  const cleartext = cleartextWarning(settings.baseUrl);
  if (cleartext) log.warning(cleartext);
  // Validation and max-cost cover the whole plan; a shard then runs its part, on its part of the budget.
  const workspace = { dir: deps.workspace ?? process.cwd(), label: deps.workspaceLabel ?? 'the workspace' };
  const whole = await makePlan(settings, { log, workspace, ...(deps.signal ? { signal: deps.signal } : {}) });
  const planned = settings.shard ? shardOf(whole, settings.shard, settings.maxCost) : whole;
  // Local inputs are checked and hashed here, before any paid call; uploaded right before each submit.
  const local = await resolveLocalInputs(planned.jobs, {
    workspace: workspace.dir,
    configPath: planned.configPath,
  });
  const plan: Plan = { ...planned, jobs: local.jobs };
  await deps.onPlan?.(plan);
  // Read before this run overwrites it: the manifest the cache restore brought back or the directory kept.
  const earlier = await readEarlierRun(plan.outputDir, settings.config, log);
  const diff = earlier && diffPlan(plan.jobs, new Set(plan.allJobs.map((j) => j.name)), earlier, deps.review);
  return { plan, diff, local };
}

/** Creates the output directory, refusing one whose names the run writes through are planted links. */
async function prepareOutputDir(outputDir: string): Promise<void> {
  await mkdir(outputDir, { recursive: true });
  // Written through these names: a link planted there (repository, cache) would send the writes elsewhere.
  const planted = await plantedLinks(outputDir, ['images', 'videos', JOURNAL_FILE]);
  if (planted.length)
    throw new PlanError(
      `the output directory ${outputDir} holds symbolic links the run would write through: ${planted.join(', ')}; remove them (nothing was submitted)`,
    );
}

/** The Atlas client and the downloader, each on its own connection pool (closed by the caller). */
async function openConnections(settings: Settings, plan: Plan) {
  const concurrencyCeiling = plan.concurrency === 'auto' ? settings.maxConcurrency : plan.concurrency;
  // One connection pool for Atlas and the output URLs, sized so polls never queue behind downloads.
  const dispatcher = new Agent({
    connections: concurrencyCeiling + settings.downloadConcurrency + 4,
    keepAliveTimeout: 10_000,
  });
  // Output URLs come from hosts we do not control: private addresses only where the API itself is.
  const allowPrivate = settings.allowPrivateOutputs || (await apiIsPrivate(settings.baseUrl));
  const downloadDispatcher = egressAgent({ allowPrivate }, settings.downloadConcurrency + 2);
  const maxBytes = settings.maxDownloadMb * 1024 * 1024;
  const client = createAtlasClient({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    userAgent: USER_AGENT,
    dispatcher,
  });
  const download: EngineDeps['download'] = (src, stem, signal) =>
    downloadOutput(src, stem, {
      userAgent: USER_AGENT,
      dispatcher: downloadDispatcher,
      signal,
      maxBytes,
      egress: { allowPrivate },
    });
  return { dispatcher, downloadDispatcher, client, download };
}

/** What the engine runs with, opened by runPipeline (which closes it). */
interface EngineParts {
  client: ReturnType<typeof createAtlasClient>;
  download: EngineDeps['download'];
  prepareBody: Awaited<ReturnType<typeof resolveLocalInputs>>['uploader'];
  journal: EngineDeps['journal'];
  latency: EngineDeps['latency'];
  poll: EngineOptions['poll'];
  secrets: string[];
  onJobFinished: EngineOptions['onJobFinished'];
}

/** Runs the plan's jobs: submit, poll, download, with the run's limits. */
async function runEngine(plan: Plan, settings: Settings, deps: PipelineDeps, parts: EngineParts) {
  const { client, journal, latency, poll, secrets, onJobFinished } = parts;
  const { log } = deps;
  // One uploader for local inputs and chained outputs: a file is uploaded once per run, whoever needs it.
  const upload = mediaUploader(client, log);
  return runJobs(
    plan.jobs,
    {
      client,
      log,
      prepareBody: parts.prepareBody(client, log, upload),
      uploadFile: upload,
      journal,
      latency,
      download: parts.download,
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
}

/** The manifest (secrets redacted, changes since the earlier run), report.md and the gallery. */
async function writeRunFiles(
  plan: Plan,
  settings: Settings,
  outcome: RunOutcome,
  run: {
    startedAt: Date;
    secrets: string[];
    diff: PlanDiff | undefined;
    previousPaths: ReadonlyMap<string, string[]> | undefined;
  },
) {
  const built = redactDeep(
    buildManifest(plan.jobs, outcome.results, {
      tool: `atlas-media-action ${VERSION}`,
      config: settings.config,
      startedAt: run.startedAt,
      finishedAt: new Date(),
      concurrency: outcome.concurrency,
      stopped: outcome.stopped,
      ...(plan.shard ? { shard: plan.shard } : {}),
    }),
    run.secrets,
  );
  const manifest = run.diff ? withChanges(built, run.diff, run.previousPaths) : built;
  const manifestPath = await writeManifest(plan.outputDir, manifest);
  await writeReportFile(plan.outputDir, manifest);
  await writeGallery(plan.outputDir, manifest);
  return { manifest, manifestPath };
}

/** A plain-http base-url sends the API key in cleartext: said once per run unless the host is loopback. */
export function cleartextWarning(baseUrl: string): string | undefined {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:') return undefined;
  const why = refuseUrlHost(u, { allowPrivate: false });
  if (why?.includes('loopback')) return undefined;
  return `base-url ${u.protocol}//${u.host} is plain http: the API key travels unencrypted; use https unless this network is trusted`;
}

/** Whether the step fails, per `fail-on`. */
export function shouldFail(m: Manifest, failOn: Settings['failOn']): boolean {
  const bad = m.failed + m.unknown;
  if (failOn === 'never') return false;
  if (failOn === 'all') return m.total_jobs > 0 && m.successful === 0 && bad > 0;
  return bad > 0 || m.run.stopped !== null;
}
