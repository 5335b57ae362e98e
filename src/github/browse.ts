// The results, viewable in the browser: each image (and each video up to a size cap) uploaded as its own
// unzipped artifact, which GitHub shows directly, then one self-contained gallery page (inline CSS,
// inline thumbnails, links to those artifacts) uploaded unzipped too. Fails soft like uploadOutputs:
// whatever is not uploaded stays in the zip artifact and on disk.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ArtifactClient } from '@actions/artifact';
import type { Manifest, OutputFile, JobResult } from '../manifest/schema.js';
import type { Log } from '../shared/log.js';
import { renderGallery } from '../report/gallery.js';
import { makeThumbnail, type Thumbnail } from '../report/thumbnails.js';
import { MAX_ARTIFACTS_PER_JOB, singleFileArtifactName } from './artifact-name.js';
import { uploadSingleFile, type UploadedArtifact } from './artifact.js';

/** Files uploaded one artifact each at most (GitHub allows 500 artifacts per job; keep room for other steps). */
export const MAX_FILE_ARTIFACTS = 400;
/** Thumbnails inlined in the page at most (each is up to ~100 KB of base64). */
export const MAX_INLINE_THUMBNAILS = 300;
/** Uploads in flight at once. */
const UPLOAD_CONCURRENCY = 4;

export interface BrowseOptions {
  outputDir: string;
  manifest: Manifest;
  /** The run's artifact name (already unique for the shard and attempt): every name here starts with it. */
  baseName: string;
  /** Videos bigger than this are not uploaded on their own (they stay in the zip). */
  videoMaxBytes: number;
  /** Artifacts this job already made (the zip, per-job ones): counted against GitHub's 500. */
  alreadyUploaded: readonly UploadedArtifact[];
  /** The zip with every file, linked from the page. */
  allFilesUrl?: string;
  retentionDays?: number;
  title?: string;
  log: Log;
  client?: ArtifactClient;
  urlContext?: { serverUrl: string; repository: string; runId: string | number };
}

export interface Browse {
  /** The gallery page's artifact, when it was uploaded. */
  page?: UploadedArtifact;
  /** Each file's own artifact, by output path (relative to the output directory). */
  files: Map<string, UploadedArtifact>;
  /** Files that have no artifact of their own, with why (the cap, a too-big video). */
  notUploaded: Array<{ path: string; reason: string }>;
  /** The page's thumbnails (or why none), by output path: reused for preview-branch. */
  thumbs?: Map<string, Thumbnail | string>;
  error?: string;
}

function isMedia(r: JobResult, o: OutputFile): 'image' | 'video' | undefined {
  const ct = (o.content_type ?? '').toLowerCase();
  if (ct.startsWith('image/')) return 'image';
  if (ct.startsWith('video/')) return 'video';
  if (ct) return undefined;
  return r.type;
}

async function inPool<T>(items: readonly T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

type Wanted = { rel: string; abs: string; kind: 'image' | 'video' };

/** Upload every image and video (within the caps) unzipped, then the gallery page. Never throws. */
export async function publishBrowsable(opts: BrowseOptions): Promise<Browse> {
  const { log, manifest: m } = opts;
  const out: Browse = { files: new Map(), notUploaded: [] };
  const errors: string[] = [];
  const wanted = mediaFiles(m, path.resolve(opts.outputDir));
  const room = Math.max(0, Math.min(MAX_FILE_ARTIFACTS, MAX_ARTIFACTS_PER_JOB - opts.alreadyUploaded.length - 1));
  // A file the run's artifacts already hold unzipped (artifact-per-job) is linked, not uploaded twice.
  const unzipped = new Map(opts.alreadyUploaded.flatMap((a) => (a.file ? [[a.file, a] as const] : [])));
  for (const w of wanted) {
    const a = unzipped.get(w.rel);
    if (a) out.files.set(w.rel, a);
  }
  const rest = wanted.filter((w) => !unzipped.has(w.rel));
  const toUpload = await withinCaps(rest, room, opts.videoMaxBytes, out.notUploaded, log);

  const used = new Set(opts.alreadyUploaded.map((a) => a.name));
  const names = new Map<string, string>();
  for (const w of toUpload) names.set(w.rel, singleFileArtifactName(opts.baseName, w.rel, used));
  const pageName = singleFileArtifactName(opts.baseName, 'gallery.html', used);

  const common = { retentionDays: opts.retentionDays, log, client: opts.client, urlContext: opts.urlContext };
  await inPool(toUpload, UPLOAD_CONCURRENCY, async (w) => {
    const res = await uploadSingleFile({ ...common, file: w.abs, name: names.get(w.rel)! });
    if (res.artifact) out.files.set(w.rel, res.artifact);
    else errors.push(res.error!);
  });

  out.thumbs = await pageThumbnails(wanted);
  const page = await uploadGalleryPage(opts, out, pageName, common);
  if (page.artifact) out.page = page.artifact;
  else errors.push(page.error!);
  if (errors.length) {
    out.error = `${errors.length} unzipped upload${errors.length === 1 ? '' : 's'} failed (first: ${errors[0]}) — everything is still in the zip artifact and in ${opts.outputDir}`;
    log.error(out.error, { title: 'Artifact upload failed' });
  }
  return out;
}

/** Which files: every downloaded image and video inside the output directory, in manifest order. */
function mediaFiles(m: Manifest, root: string): Wanted[] {
  const wanted: Wanted[] = [];
  const seen = new Set<string>();
  for (const r of m.results) {
    for (const o of r.outputs) {
      const kind = isMedia(r, o);
      if (!o.path || !kind || seen.has(o.path)) continue;
      const abs = path.resolve(root, o.path);
      if (!abs.startsWith(root + path.sep)) continue;
      seen.add(o.path);
      wanted.push({ rel: o.path, abs, kind });
    }
  }
  return wanted;
}

/**
 * The files to upload one by one: videos within videoMaxBytes, at most `room` (GitHub's 500 per job less
 * what this job already uploaded and the page, and our own cap). The rest go to `notUploaded`, with why.
 */
async function withinCaps(
  wanted: Wanted[],
  room: number,
  videoMaxBytes: number,
  notUploaded: Browse['notUploaded'],
  log: Log,
): Promise<Wanted[]> {
  const toUpload: Wanted[] = [];
  for (const w of wanted) {
    if (w.kind === 'video') {
      const size = await stat(w.abs).then(
        (s) => s.size,
        () => -1,
      );
      if (size < 0) continue;
      if (size > videoMaxBytes) {
        notUploaded.push({
          path: w.rel,
          reason: `video of ${(size / 1048576).toFixed(1)} MB is over inline-video-max-mb (${(videoMaxBytes / 1048576).toFixed(0)} MB)`,
        });
        continue;
      }
    }
    if (toUpload.length >= room) {
      notUploaded.push({ path: w.rel, reason: `over the cap of ${room} files uploaded one by one` });
      continue;
    }
    toUpload.push(w);
  }
  const capped = notUploaded.filter((x) => x.reason.startsWith('over the cap')).length;
  if (capped)
    log.warning(
      `artifact: ${capped} of ${wanted.length} files are not uploaded on their own (at most ${room} here: GitHub allows ${MAX_ARTIFACTS_PER_JOB} artifacts per job); they are in the zip artifact`,
    );
  return toUpload;
}

/** The page's inline thumbnails of the images (or why none), by output path. */
async function pageThumbnails(wanted: Wanted[]): Promise<Map<string, Thumbnail | string>> {
  const thumbs = new Map<string, Thumbnail | string>();
  let inlined = 0;
  for (const w of wanted) {
    if (w.kind !== 'image') continue;
    if (inlined >= MAX_INLINE_THUMBNAILS) {
      thumbs.set(w.rel, `more than ${MAX_INLINE_THUMBNAILS} images`);
      continue;
    }
    const t = await makeThumbnail(w.abs);
    if (t.ok) inlined++;
    thumbs.set(w.rel, t.ok ? t.thumb : t.reason);
  }
  return thumbs;
}

/** The page, written to a temp directory and uploaded unzipped: inline thumbnails, links to each file's artifact. */
async function uploadGalleryPage(
  opts: BrowseOptions,
  out: Browse,
  pageName: string,
  common: Omit<Parameters<typeof uploadSingleFile>[0], 'file' | 'name'>,
): Promise<{ artifact?: UploadedArtifact; error?: string }> {
  const links = new Map([...out.files].flatMap(([k, a]) => (a.url ? [[k, a.url] as [string, string]] : [])));
  const html = renderGallery(opts.manifest, {
    title: opts.title,
    standalone: { thumbs: out.thumbs!, links, allFilesUrl: opts.allFilesUrl },
  });
  const dir = await mkdtemp(path.join(process.env['RUNNER_TEMP'] || os.tmpdir(), 'atlas-gallery-'));
  try {
    const file = path.join(dir, pageName);
    await writeFile(file, html, 'utf8');
    return await uploadSingleFile({ ...common, file, name: pageName });
  } catch (e) {
    return { error: `gallery page: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
