// Delivering a finished run in GitHub: the artifact, the job summary, the sticky PR comment and
// the annotations. Each channel fails soft (a warning or an error line), never losing the others:
// the files stay on disk and manifest.json keeps every output URL whatever happens here.
import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { Manifest } from '../manifest/schema.js';
import type { Settings } from '../settings.js';
import type { Log } from '../shared/log.js';
// The artifact client, octokit and jimp (~6 MB of bundle) are imported where a channel uses them, so a
// run without artifact, comment or preview pictures never loads them.
import type { UploadedArtifact } from './artifact.js';
import { renderSummary } from '../report/summary.js';
import { renderComment } from '../report/comment.js';
import { annotateFailures } from '../report/annotations.js';
import { upsertStickyComment, pullRequestNumber, shouldComment, type Octokit } from './comment.js';
import { shardArtifactName } from './shards.js';
import type { Thumbnail } from '../report/thumbnails.js';
import { formatUsd } from '../cost/prices.js';
import { MANIFEST_FILE } from '../manifest/build.js';
import { REPORT_FILE_NAME } from '../report/summary.js';
import { GALLERY_FILE } from '../report/gallery.js';
import { changesSection } from '../report/changes.js';
import { changedFiles } from '../plan/diff.js';
import { renderDryRunComment, renderDryRunSummary, type DryRunReport } from '../report/dry-run.js';

type RunUrlContext = { serverUrl: string; repository: string; runId: string };

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

/**
 * Bytes of the `results` output at most. GitHub refuses a step's outputs past 1 MB in all; a result is
 * ~1.2 KB, so about 200 fit and the rest stay in manifest.json (`results-truncated` says when).
 */
export const RESULTS_OUTPUT_MAX_BYTES = 256 * 1024;

/** The `results` output: the manifest's results in order, as many as fit in `maxBytes` of JSON. */
export function resultsOutput(
  results: readonly Manifest['results'][number][],
  maxBytes = RESULTS_OUTPUT_MAX_BYTES,
): { json: string; truncated: boolean } {
  const parts: string[] = [];
  let size = 2; // the brackets
  for (const r of results) {
    const part = JSON.stringify(r);
    const add = Buffer.byteLength(part, 'utf8') + (parts.length ? 1 : 0);
    if (size + add > maxBytes) return { json: `[${parts.join(',')}]`, truncated: true };
    parts.push(part);
    size += add;
  }
  return { json: `[${parts.join(',')}]`, truncated: false };
}

/** Each list output (`files`, `changed-files`) keeps at most this much: with `results`, well under GitHub's 1 MB. */
export const LIST_OUTPUT_MAX_BYTES = 192 * 1024;

/** One path per line, as many whole lines as fit in `maxBytes`; the full lists are in manifest.json. */
export function linesOutput(
  lines: readonly string[],
  maxBytes = LIST_OUTPUT_MAX_BYTES,
): { text: string; kept: number } {
  let size = 0;
  let kept = 0;
  for (const line of lines) {
    const add = Buffer.byteLength(line, 'utf8') + (kept ? 1 : 0);
    if (size + add > maxBytes) break;
    size += add;
    kept++;
  }
  return { text: lines.slice(0, kept).join('\n'), kept };
}

/** Sets a list output, saying in the log when it holds only the first paths. */
function setListOutput(name: string, lines: readonly string[]): void {
  const out = linesOutput(lines);
  core.setOutput(name, out.text);
  if (out.kept < lines.length)
    core.info(
      `The ${name} output holds the first ${out.kept} of ${lines.length} paths (GitHub's output limit); manifest.json has them all.`,
    );
}

/** The step's outputs, the same for a run and for the report step that merges shards. */
export function setRunOutputs(m: Manifest, manifestPath: string, outputDir: string, d: Delivery): void {
  core.setOutput('manifest', manifestPath);
  core.setOutput('output-dir', outputDir);
  core.setOutput('total-cost', String(m.total_cost));
  core.setOutput('succeeded', String(m.successful));
  core.setOutput('failed', String(m.failed + m.unknown));
  const results = resultsOutput(m.results);
  core.setOutput('results', results.json);
  core.setOutput('results-truncated', String(results.truncated));
  setListOutput('changed-files', changedFilePaths(m, outputDir));
  const first = d.artifacts[0];
  if (first) {
    core.setOutput('artifact-id', String(first.id));
    if (first.url) core.setOutput('artifact-url', first.url);
    if (first.digest) core.setOutput('artifact-digest', first.digest);
  }
  if (d.galleryUrl) core.setOutput('gallery-url', d.galleryUrl);
  setListOutput('files', filesWritten(m, outputDir));
}

/** Every file the run wrote in the output directory: the outputs on disk, then manifest.json, report.md, index.html. */
export function filesWritten(m: Manifest, outputDir: string): string[] {
  const paths = m.results.flatMap((r) => r.outputs.flatMap((o) => (o.path ? [join(outputDir, o.path)] : [])));
  const reports = [MANIFEST_FILE, REPORT_FILE_NAME, GALLERY_FILE].map((f) => join(outputDir, f)).filter(existsSync);
  return [...new Set([...paths, ...reports])];
}

/** A line under the summary when some files have no artifact of their own: how many, and why. */
export function notUploadedNote(list: ReadonlyArray<{ reason: string }> | undefined): string {
  if (!list?.length) return '';
  const capped = list.filter((x) => x.reason.startsWith('over the cap')).length;
  const videos = list.length - capped;
  const parts = [
    ...(capped ? [`${capped} file${capped === 1 ? ' is' : 's are'} over the cap of files uploaded one by one`] : []),
    ...(videos ? [`${videos} video${videos === 1 ? ' is' : 's are'} over inline-video-max-mb`] : []),
  ];
  return `\n> [!NOTE]\n> ${parts.join('; ')}: ${list.length === 1 ? 'it is' : 'they are'} only in the zip artifact, not viewable on their own.\n`;
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
  /** The gallery page's own artifact. */
  galleryUrl?: string;
  /** Each file's own artifact page, by output path. */
  fileUrls?: Map<string, string>;
  /** Files with no artifact of their own (over the cap, too-big videos), with why. */
  notUploaded?: Array<{ path: string; reason: string }>;
  /** Inline pictures pushed to preview-branch, by output path. */
  previewUrls?: Map<string, string>;
}

/** What the summary and the comment link to, worked out once from the uploads. */
interface Links {
  artifactUrl?: string;
  runUrl?: string;
  galleryUrl?: string;
  fileUrls?: Map<string, string>;
  noUpload: boolean;
}

/** Deliver a finished run: the named steps below, in order, each failing soft. */
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
  const urlContext = runUrl ? { serverUrl: ctx.serverUrl, repository: ctx.repository, runId: ctx.runId } : undefined;
  const delivery: Delivery = { artifacts: [] };
  const baseName = settings.artifactName
    ? shardArtifactName(settings.artifactName, settings.shard, ctx.runAttempt)
    : '';
  if (settings.artifactName) await uploadRunArtifact(delivery, m, outputDir, settings, baseName, urlContext, log);
  const artifactUrl = allFilesUrl(delivery, settings, baseName, runUrl);
  let thumbs: Map<string, Thumbnail | string> | undefined;
  if (settings.artifactName && !delivery.artifactError)
    thumbs = await uploadBrowsable(delivery, m, outputDir, settings, baseName, artifactUrl, urlContext, log);
  const links: Links = {
    artifactUrl,
    runUrl,
    galleryUrl: delivery.galleryUrl,
    fileUrls: delivery.fileUrls,
    noUpload: !settings.artifactName,
  };
  noticeSpend(m, delivery.galleryUrl);
  // GitHub shows 10 error annotations per step; keep one for setFailed's own.
  annotateFailures(m, log, { configPath: settings.config, lineOf, max: 9 });
  await writeJobSummary(m, settings, links, delivery, log);
  await commentOnPullRequest(m, outputDir, settings, ctx, links, thumbs, delivery, log);
  return delivery;
}

/** The run's artifact (or one per job): its artifacts and any error go into `delivery`. */
async function uploadRunArtifact(
  delivery: Delivery,
  m: Manifest,
  outputDir: string,
  settings: Settings,
  baseName: string,
  urlContext: RunUrlContext | undefined,
  log: Log,
): Promise<void> {
  const { uploadOutputs } = await import('./artifact.js');
  const up = await uploadOutputs({
    outputDir,
    name: baseName,
    retentionDays: settings.retentionDays,
    compressionLevel: settings.compressionLevel,
    perJob: settings.artifactPerJob,
    manifest: m,
    log,
    urlContext,
  });
  delivery.artifacts = up.artifacts;
  delivery.artifactError = up.error;
}

/** Where "all files" links: the zip when it is the one artifact (or named so), else the run's page. */
function allFilesUrl(
  delivery: Delivery,
  settings: Settings,
  baseName: string,
  runUrl: string | undefined,
): string | undefined {
  if (!settings.artifactName) return undefined;
  const zip = delivery.artifacts.find((a) => a.name === baseName) ?? delivery.artifacts[0];
  return delivery.artifacts.length === 1 || zip?.name === baseName ? zip?.url : runUrl;
}

/** Viewable in the browser: each image and video unzipped, and the gallery page linking them. Returns the thumbnails. */
async function uploadBrowsable(
  delivery: Delivery,
  m: Manifest,
  outputDir: string,
  settings: Settings,
  baseName: string,
  artifactUrl: string | undefined,
  urlContext: RunUrlContext | undefined,
  log: Log,
): Promise<Map<string, Thumbnail | string> | undefined> {
  const { publishBrowsable } = await import('./browse.js');
  const browse = await publishBrowsable({
    outputDir,
    manifest: m,
    baseName,
    videoMaxBytes: settings.inlineVideoMaxMb * 1024 * 1024,
    alreadyUploaded: delivery.artifacts,
    allFilesUrl: artifactUrl,
    retentionDays: settings.retentionDays,
    log,
    urlContext,
  });
  delivery.galleryUrl = browse.page?.url;
  delivery.fileUrls = new Map([...browse.files].flatMap(([p, a]) => (a.url ? [[p, a.url] as [string, string]] : [])));
  if (browse.error) delivery.artifactError = browse.error;
  delivery.notUploaded = browse.notUploaded;
  return browse.thumbs;
}

/** One notice line: what was spent, on how many jobs, and the gallery. */
function noticeSpend(m: Manifest, galleryUrl: string | undefined): void {
  core.notice(
    `${formatUsd(m.total_cost)} spent on ${m.total_jobs} job${m.total_jobs === 1 ? '' : 's'} (${m.successful} succeeded)` +
      (galleryUrl ? ` · gallery: ${galleryUrl}` : ''),
    { title: 'Atlas media' },
  );
}

/** The job summary, what changed first; a write failure is a warning. */
async function writeJobSummary(m: Manifest, settings: Settings, links: Links, delivery: Delivery, log: Log) {
  try {
    const title = settings.shard ? `Atlas media, shard ${settings.shard.index}/${settings.shard.total}` : undefined;
    const where = settings.artifactName
      ? 'the full report is report.md in the artifact'
      : 'the full report is report.md in the output directory';
    const { artifactUrl } = links;
    const fileUrls = delivery.fileUrls;
    const leading = changesSection(m, {
      level: 3,
      where,
      ...(artifactUrl ? { artifactUrl } : {}),
      ...(fileUrls ? { fileLink: (_r, o) => (o.path ? fileUrls.get(o.path) : undefined) } : {}),
    });
    await core.summary
      .addRaw(
        renderSummary(m, { ...links, title, ...(leading ? { leading } : {}) }) + notUploadedNote(delivery.notUploaded),
        true,
      )
      .write();
  } catch (e) {
    log.warning(`could not write the job summary: ${(e as Error).message}`);
  }
}

/** The sticky PR comment (after the preview pictures, when asked for), when the event and settings allow. */
async function commentOnPullRequest(
  m: Manifest,
  outputDir: string,
  settings: Settings,
  ctx: RunContext,
  links: Links,
  thumbs: Map<string, Thumbnail | string> | undefined,
  delivery: Delivery,
  log: Log,
): Promise<void> {
  const pr = pullRequestNumber({ eventName: ctx.eventName, payload: ctx.payload });
  // A matrix shard never comments: the report step (mode: report) posts the one comment for all shards.
  if (settings.shard || !shouldComment(settings.comment, ctx.eventName, pr)) return;
  if (!pr) return log.warning('comment: always, but this run is not for a pull request: no comment posted.');
  if (!settings.githubToken)
    return log.warning('No github-token: the PR comment is skipped (the job summary has everything).');
  const [owner, repo] = ctx.repository.split('/') as [string, string];
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(settings.githubToken);
  const previewUrls = await previewPictures(octokit, m, outputDir, settings, ctx, thumbs, log);
  if (previewUrls) delivery.previewUrls = previewUrls;
  const body = renderComment(m, { tag: settings.commentTag, ...links, imageUrls: delivery.previewUrls });
  const res = await upsertStickyComment({ octokit, owner, repo, issueNumber: pr, tag: settings.commentTag, body, log });
  delivery.commentId = res?.id;
}

/** The comment's inline pictures pushed to preview-branch, unless it is unset or refused here (said why). */
async function previewPictures(
  octokit: Octokit,
  m: Manifest,
  outputDir: string,
  settings: Settings,
  ctx: RunContext,
  thumbs: Map<string, Thumbnail | string> | undefined,
  log: Log,
): Promise<Map<string, string> | undefined> {
  if (!settings.previewBranch) return undefined;
  const { pushPreviews, previewRefusal } = await import('./preview-branch.js');
  const refusal = previewRefusal(settings.previewBranch, ctx.payload);
  if (refusal?.level === 'notice') core.notice(refusal.message, { title: 'Atlas media' });
  else if (refusal) log.warning(refusal.message);
  else {
    const preview = await pushPreviews({
      octokit,
      serverUrl: ctx.serverUrl,
      repository: ctx.repository,
      branch: settings.previewBranch,
      runId: ctx.runId || 'local',
      runAttempt: ctx.runAttempt,
      keep: settings.previewKeep,
      manifest: m,
      outputDir,
      thumbs,
      log,
    });
    return preview.urls;
  }
  return undefined;
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
  const { getOctokit } = await import('@actions/github');
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
