// `mode: report`: the final job of a matrix (`needs:` the shards). Lists the run's artifacts, downloads
// every `<artifact-name>-<i>-of-<n>`, merges their manifests (and media) into one, and delivers it as
// one run would: the `<artifact-name>` artifact, one job summary, one sticky PR comment. A shard whose
// artifact is absent or unreadable is named as missing in all three, never silently dropped.
import * as core from '@actions/core';
import { cp, mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultArtifactClient, type ArtifactClient } from '@actions/artifact';
import { confinedOutputDir, SettingsError, type Settings } from '../settings.js';
import type { Log } from '../shared/log.js';
import { failStep } from './actions-log.js';
import { Manifest } from '../manifest/schema.js';
import { MANIFEST_FILE, writeManifest } from '../manifest/build.js';
import { mergeManifests, type ShardPart } from '../report/merge.js';
import { writeReportFile, REPORT_FILE_NAME } from '../report/summary.js';
import { writeGallery, GALLERY_FILE } from '../report/gallery.js';
import { JOURNAL_FILE } from '../journal/journal.js';
import { formatUsd } from '../cost/prices.js';
import { shouldFail } from '../pipeline.js';
import { pickShardArtifacts, shardArtifactName } from './shards.js';

/** Files of a shard's output directory that describe the shard alone: rebuilt for the merge, not copied. */
const PER_RUN_FILES = new Set([MANIFEST_FILE, REPORT_FILE_NAME, GALLERY_FILE, JOURNAL_FILE]);

export interface CollectedShards {
  total?: number;
  parts: ShardPart[];
  /** Per merged shard, the directory its artifact was downloaded to. */
  dirs: Map<string, string>;
}

/** List the run's shard artifacts and download each one's files (manifest.json among them) under `into`. */
export async function collectShards(
  base: string,
  into: string,
  client: ArtifactClient,
  log: Log,
): Promise<CollectedShards> {
  const { artifacts } = await client.listArtifacts();
  const picked = pickShardArtifacts(
    base,
    artifacts.map((a) => ({ name: a.name, id: a.id, createdAt: a.createdAt })),
  );
  for (const a of picked.ignored)
    log.warning(
      `report: ignoring artifact ${a.name}: another shard count than the newest shard artifact's (${picked.total})`,
    );
  const parts: ShardPart[] = [];
  const dirs = new Map<string, string>();
  const total = picked.total;
  if (total === undefined) return { parts, dirs };
  for (let i = 1; i <= total; i++) {
    const shard = `${i}/${total}`;
    const a = picked.found.get(i);
    if (!a) {
      parts.push({
        shard,
        missing: true,
        reason: `no artifact ${shardArtifactName(base, { index: i, total }, 1)} in this run`,
      });
      continue;
    }
    const dir = join(into, `shard-${i}-of-${total}`);
    try {
      await client.downloadArtifact(a.id, { path: dir });
      const manifest = Manifest.parse(JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')));
      parts.push({ shard, manifest });
      dirs.set(shard, dir);
      log.info(
        `report: shard ${shard}: ${manifest.results.length} job${manifest.results.length === 1 ? '' : 's'} from artifact ${a.name}`,
      );
    } catch (e) {
      const why = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      log.warning(`report: shard ${shard}: artifact ${a.name} has no readable ${MANIFEST_FILE}: ${why}`);
      parts.push({ shard, missing: true, reason: `artifact ${a.name} has no readable ${MANIFEST_FILE}` });
    }
  }
  return { total, parts, dirs };
}

/** The report step: collect the shards, merge them, write the merged files, deliver, fail when fail-on says so. */
export async function runReportStep(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  log: Log,
  client?: ArtifactClient,
): Promise<void> {
  try {
    if (!settings.artifactName) {
      return failStep("mode: report reads the shards' artifacts: artifact-name must be set (the same as the shards').");
    }
    const artifacts = client ?? new DefaultArtifactClient();
    const work = await mkdtemp(join(env['RUNNER_TEMP'] || tmpdir(), 'atlas-report-'));
    const collected = await collectShards(settings.artifactName, work, artifacts, log);
    if (collected.total === undefined) return await failNoShards(settings.artifactName);
    const merged = mergeManifests(collected.parts);
    const outputDir = await confinedOutputDir(
      settings,
      { path: settings.config },
      { dir: env['GITHUB_WORKSPACE'] || process.cwd(), label: 'GITHUB_WORKSPACE' },
    );
    const manifestPath = await writeMerged(merged, collected, outputDir, settings);
    const missing = logMerge(merged, collected, manifestPath, log);

    // Loaded lazily, like main.ts does, so the bundle keeps one copy of the delivery code.
    const { deliver, runContextFromEnv, setRunOutputs, readEventPayload } = await import('./deliver.js');
    const payload = await readEventPayload(env['GITHUB_EVENT_PATH']);
    const d = await deliver(
      merged,
      outputDir,
      { ...settings, shard: undefined },
      runContextFromEnv(env, payload),
      log,
      () => undefined,
    );

    setRunOutputs(merged, manifestPath, outputDir, d);
    if (shouldFail(merged, settings.failOn)) failMerged(merged, missing, collected.total, settings.failOn);
  } catch (e) {
    failStep(e instanceof SettingsError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
}

/** No shard artifact at all: say so in the summary and fail. */
async function failNoShards(artifactName: string): Promise<void> {
  const msg = `mode: report found no shard artifacts named ${artifactName}-<i>-of-<n> in this run: did the shard jobs run with shard: i/n and the same artifact-name, and does this job need: them?`;
  await core.summary
    .addHeading('❌ Atlas media: no shard reported', 2)
    .addRaw(msg, true)
    .write()
    .catch(() => undefined);
  return failStep(msg);
}

/** The merged output directory: the shards' media (for one artifact of everything), manifest, report, gallery. */
async function writeMerged(
  merged: Manifest,
  collected: CollectedShards,
  outputDir: string,
  settings: Settings,
): Promise<string> {
  await mkdir(outputDir, { recursive: true });
  // One artifact of everything: the shards' media (file names are unique across the whole job file).
  if (!settings.artifactPerJob) {
    for (const dir of collected.dirs.values()) {
      for (const name of await readdir(dir)) {
        if (!PER_RUN_FILES.has(name))
          await cp(join(dir, name), join(outputDir, name), { recursive: true, force: true });
      }
    }
  }
  const manifestPath = await writeManifest(outputDir, merged);
  await writeReportFile(outputDir, merged);
  await writeGallery(outputDir, merged);
  return manifestPath;
}

/** An error per missing shard and one line on the merge; returns the missing shards. */
function logMerge(merged: Manifest, collected: CollectedShards, manifestPath: string, log: Log) {
  const missing = merged.shards?.filter((s) => s.status === 'missing') ?? [];
  for (const s of missing)
    log.error(`shard ${s.shard} is missing: ${s.reason ?? 'no manifest'}; its jobs are not in this report`, {
      title: 'Missing shard',
    });
  log.info(
    `Merged ${collected.parts.length - missing.length} of ${collected.total} shards: ${merged.total_jobs} jobs, ${merged.successful} succeeded, ${merged.failed} failed, ${merged.unknown} unknown, ${merged.skipped} skipped; ${formatUsd(merged.total_cost)} spent. Manifest: ${manifestPath}`,
  );
  return missing;
}

/** Fail the step naming the missing shards and the jobs that did not succeed. */
function failMerged(
  merged: Manifest,
  missing: ReadonlyArray<{ shard: string }>,
  total: number,
  failOn: Settings['failOn'],
): void {
  const what = missing.length
    ? `${missing.length} of ${total} shards missing (${missing.map((s) => s.shard).join(', ')})`
    : '';
  const bad = merged.failed + merged.unknown;
  const jobs = bad ? `${bad} of ${merged.total_jobs} jobs did not succeed` : '';
  failStep(`${[what, jobs].filter(Boolean).join('; ') || `stopped: ${merged.run.stopped}`} (fail-on: ${failOn}).`);
}
