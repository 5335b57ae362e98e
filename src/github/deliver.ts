// Delivering a finished run in GitHub: the artifact, the job summary, the sticky PR comment and
// the annotations. Each channel fails soft (a warning or an error line), never losing the others:
// the files stay on disk and manifest.json keeps every output URL whatever happens here.
import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { getOctokit } from '@actions/github';
import type { Manifest } from '../manifest/schema.js';
import type { Settings } from '../settings.js';
import type { Log } from '../shared/log.js';
import { uploadOutputs, type UploadedArtifact } from './artifact.js';
import { renderSummary } from '../report/summary.js';
import { renderComment } from '../report/comment.js';
import { annotateFailures } from '../report/annotations.js';
import { upsertStickyComment, pullRequestNumber, shouldComment } from './comment.js';
import { shardArtifactName } from './shards.js';
import { changesSection } from '../report/changes.js';
import { changedFiles } from '../plan/diff.js';
import { renderDryRunComment, renderDryRunSummary, type DryRunReport } from '../report/dry-run.js';

export interface RunContext {
  serverUrl: string;
  repository: string;
  runId: string;
  runAttempt: number;
  eventName: string;
  payload: Record<string, unknown>;
}

/** The event that started the workflow (for the PR number); empty when there is none or it is unreadable. */
export async function readEventPayload(path: string | undefined): Promise<Record<string, unknown>> {
  if (!path) return {};
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function runContextFromEnv(
  env: Record<string, string | undefined>,
  payload: Record<string, unknown>,
): RunContext {
  return {
    serverUrl: env['GITHUB_SERVER_URL'] || 'https://github.com',
    repository: env['GITHUB_REPOSITORY'] || '',
    runId: env['GITHUB_RUN_ID'] || '',
    runAttempt: Number(env['GITHUB_RUN_ATTEMPT'] || '1') || 1,
    eventName: env['GITHUB_EVENT_NAME'] || '',
    payload,
  };
}

/** The step's outputs, the same for a run and for the report step that merges shards. */
export function setRunOutputs(m: Manifest, manifestPath: string, outputDir: string, d: Delivery): void {
  core.setOutput('manifest', manifestPath);
  core.setOutput('output-dir', outputDir);
  core.setOutput('total-cost', String(m.total_cost));
  core.setOutput('succeeded', String(m.successful));
  core.setOutput('failed', String(m.failed + m.unknown));
  core.setOutput('results', JSON.stringify(m.results));
  core.setOutput('changed-files', changedFilePaths(m, outputDir).join('\n'));
  const first = d.artifacts[0];
  if (first) {
    core.setOutput('artifact-id', String(first.id));
    if (first.url) core.setOutput('artifact-url', first.url);
    if (first.digest) core.setOutput('artifact-digest', first.digest);
  }
}

/**
 * The files of new and changed jobs, one per line, relative to the working directory (the
 * workspace, for `git add` or create-pull-request's add-paths); absolute when outside it.
 */
export function changedFilePaths(m: Manifest, outputDir: string, root = process.cwd()): string[] {
  return changedFiles(m).map((p) => {
    const full = join(outputDir, p);
    const rel = relative(root, full);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : full;
  });
}

export interface Delivery {
  artifacts: UploadedArtifact[];
  artifactError?: string;
  commentId?: number;
}

export async function deliver(
  m: Manifest,
  outputDir: string,
  settings: Settings,
  ctx: RunContext,
  log: Log,
  lineOf: (name: string) => number | undefined,
): Promise<Delivery> {
  const runUrl =
    ctx.repository && ctx.runId ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : undefined;
  const delivery: Delivery = { artifacts: [] };

  if (settings.artifactName) {
    const up = await uploadOutputs({
      outputDir,
      name: shardArtifactName(settings.artifactName, settings.shard, ctx.runAttempt),
      retentionDays: settings.retentionDays,
      compressionLevel: settings.compressionLevel,
      perJob: settings.artifactPerJob,
      manifest: m,
      log,
      urlContext: runUrl ? { serverUrl: ctx.serverUrl, repository: ctx.repository, runId: ctx.runId } : undefined,
    });
    delivery.artifacts = up.artifacts;
    delivery.artifactError = up.error;
  }
  const artifactUrl = delivery.artifacts.length === 1 ? delivery.artifacts[0]!.url : runUrl;

  // GitHub shows 10 error annotations per step; keep one for setFailed's own.
  annotateFailures(m, log, { configPath: settings.config, lineOf, max: 9 });

  try {
    const title = settings.shard ? `Atlas media, shard ${settings.shard.index}/${settings.shard.total}` : undefined;
    const where = `the full report is report.md in the artifact`;
    const leading = changesSection(m, { level: 3, where, ...(artifactUrl ? { artifactUrl } : {}) });
    await core.summary
      .addRaw(renderSummary(m, { artifactUrl, runUrl, title, ...(leading ? { leading } : {}) }), true)
      .write();
  } catch (e) {
    log.warning(`could not write the job summary: ${(e as Error).message}`);
  }

  const pr = pullRequestNumber({ eventName: ctx.eventName, payload: ctx.payload });
  // A matrix shard never comments: the report step (mode: report) posts the one comment for all shards.
  if (!settings.shard && shouldComment(settings.comment, ctx.eventName, pr)) {
    if (!pr) log.warning('comment: always, but this run is not for a pull request: no comment posted.');
    else if (!settings.githubToken)
      log.warning('No github-token: the PR comment is skipped (the job summary has everything).');
    else {
      const [owner, repo] = ctx.repository.split('/') as [string, string];
      const octokit = getOctokit(settings.githubToken);
      const body = renderComment(m, { tag: settings.commentTag, artifactUrl, runUrl });
      const res = await upsertStickyComment({
        octokit,
        owner,
        repo,
        issueNumber: pr,
        tag: settings.commentTag,
        body,
        log,
      });
      delivery.commentId = res?.id;
    }
  }
  return delivery;
}

/**
 * A dry run in GitHub (the `dry-run` input, or no API key on a fork's pull request): a notice
 * saying why nothing was generated, the plan in the job summary, and on a pull request the plan
 * as the sticky comment when `comment` allows. Never throws for a channel that fails.
 */
export async function deliverDryRun(
  report: DryRunReport,
  settings: Settings,
  ctx: RunContext,
  log: Log,
): Promise<void> {
  core.notice(`Nothing was generated: ${report.reason}`);
  try {
    await core.summary.addRaw(renderDryRunSummary(report), true).write();
  } catch (e) {
    log.warning(`could not write the job summary: ${(e as Error).message}`);
  }
  const pr = pullRequestNumber({ eventName: ctx.eventName, payload: ctx.payload });
  if (settings.shard || !shouldComment(settings.comment, ctx.eventName, pr)) return;
  if (!pr) return log.warning('comment: always, but this run is not for a pull request: no comment posted.');
  if (!settings.githubToken)
    return log.warning('No github-token: the PR comment is skipped (the job summary has the plan).');
  const [owner, repo] = ctx.repository.split('/') as [string, string];
  await upsertStickyComment({
    octokit: getOctokit(settings.githubToken),
    owner,
    repo,
    issueNumber: pr,
    tag: settings.commentTag,
    body: renderDryRunComment(report, settings.commentTag),
    log,
  });
}
