// Local inputs: a job parameter such as `image: ./assets/logo.png` names a file in the
// workspace. At plan time every such path is checked (exists, a regular file, inside the
// workspace after symlinks, not too large) and hashed, and the job's identity is computed with
// the path replaced by `sha256:<hex>`, so the journal keys on the file's content, never on a
// temporary URL. Right before the job's submit the file is uploaded through
// POST /model/uploadMedia (once per run per content) and the body sent carries the URL.
//
// The rule, for string values anywhere in the body except `model`, `prompt` and `negative_prompt`
// (values with a URL scheme such as https: or data: are never paths):
//   - starts with `./` or `../` (or `.\`, `..\`): a local path, resolved against the workspace root;
//   - otherwise ends in a media extension (.png, .jpg, .mp4, … see MEDIA_TYPES): a local path too;
//   - absolute (`/…`, `C:\…`, `\\…`) or home-relative (`~/…`) and naming an existing file or
//     ending in a media extension: refused (write the path relative to the workspace).
// A local path must name an existing regular file whose real path (symlinks resolved) is inside
// the workspace's real path, of at most 50 MB. Anything else is left untouched.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { PlannedJob } from '../jobfile/job.js';
import { identifyJobs } from '../plan/jobs.js';
import { isChainRef } from '../jobfile/chain.js';
import { JobFileError, type JobFileProblem } from '../jobfile/load.js';
import type { Log } from '../shared/log.js';

export const MAX_LOCAL_INPUT_BYTES = 50 * 1024 * 1024;

/** Extensions that make a bare relative value (`assets/end.jpg`) a local path, with the Content-Type sent on upload. */
export const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.avif': 'image/avif',
  '.heic': 'image/heic',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.m4v': 'video/x-m4v',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.m4a': 'audio/mp4',
  '.ogg': 'audio/ogg',
  '.flac': 'audio/flac',
  '.aac': 'audio/aac',
  '.glb': 'model/gltf-binary',
  '.obj': 'model/obj',
};

/** Body keys never read as paths: free text, not file names. */
const TEXT_KEYS = new Set(['model', 'prompt', 'negative_prompt']);

export type ValueKind = 'relative' | 'absolute' | null;

/** Whether a string parameter value is a local path by the rule above: relative, absolute (to refuse or ignore), or not a path. */
export function classifyValue(value: string): ValueKind {
  if (value.length === 0 || value.length > 4096 || /[\r\n\0]/.test(value)) return null;
  const windowsDrive = /^[A-Za-z]:[\\/]/.test(value);
  if (!windowsDrive && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return null; // https:, data:, sha256:, …
  if (windowsDrive || value.startsWith('/') || value.startsWith('\\') || /^~[\\/]/.test(value)) return 'absolute';
  if (/^\.{1,2}[\\/]/.test(value)) return 'relative';
  return hasMediaExtension(value) ? 'relative' : null;
}

function hasMediaExtension(value: string): boolean {
  return Object.hasOwn(MEDIA_TYPES, extname(value).toLowerCase());
}

export interface LocalFile {
  sha256: string;
  /** The file's real path (symlinks resolved). */
  realPath: string;
  bytes: number;
  /** File name sent with the upload. */
  name: string;
  contentType: string;
}

export interface LocalRef {
  /** Where in the body: `image`, `images[1]`, `reference.url`. */
  field: string;
  value: string;
}

export interface LocalInputsOptions {
  /** The workspace root: GITHUB_WORKSPACE for the action, the current directory for the CLI. */
  workspace: string;
  /** The job file, for the problems' file:line. */
  configPath: string;
  maxBytes?: number;
}

export interface LocalInputs {
  /** The jobs, with identities keyed to file contents where they reference local files. */
  jobs: PlannedJob[];
  /** Each distinct file by content. */
  files: LocalFile[];
  /** The body to send for a job: local paths replaced by uploaded URLs, each file uploaded once per run. */
  uploader(
    client: MediaClient,
    log?: Log,
    shared?: MediaUploader,
  ): (job: PlannedJob, signal: AbortSignal) => Promise<Record<string, unknown>>;
}

export interface MediaClient {
  uploadMedia(file: { name: string; data: Uint8Array; contentType?: string }, signal?: AbortSignal): Promise<string>;
}

/** Uploads a file through POST /model/uploadMedia and returns its URL; `shown` names it in messages. */
export type MediaUploader = (file: LocalFile, shown: string, signal: AbortSignal) => Promise<string>;

/**
 * Upload files once per run per content (by sha256): local inputs and the outputs chained jobs take
 * from an earlier run share one. The file is hashed again as it is read: one that changed since it
 * was described is refused (LocalInputError), never sent in place of what was planned.
 */
export function mediaUploader(client: MediaClient, log?: Log): MediaUploader {
  const uploads = new Map<string, Promise<string>>();
  return (file, shown, signal) => {
    let p = uploads.get(file.sha256);
    if (!p) {
      p = (async () => {
        const data = await readFile(file.realPath);
        const sha = createHash('sha256').update(data).digest('hex');
        if (sha !== file.sha256)
          throw new LocalInputError(
            `${shown} changed after the plan was made (its content no longer matches the planned sha256); re-run`,
          );
        const url = await client.uploadMedia({ name: file.name, data, contentType: file.contentType }, signal);
        log?.info(
          `Uploaded ${shown} (${file.bytes} bytes, sha256 ${file.sha256.slice(0, 12)}…) for image and video inputs.`,
        );
        return url;
      })();
      uploads.set(file.sha256, p);
      // Nobody may be waiting when it fails; the jobs that need it see the rejection themselves.
      p.catch(() => undefined);
    }
    return p;
  };
}

/** Thrown by the uploader: the engine records the job as failed with error_kind `upload`. */
export class LocalInputError extends Error {
  override name = 'LocalInputError';
  readonly kind = 'upload';
}

/**
 * Check and hash every local path the jobs reference. Throws a JobFileError listing every
 * problem at its job's line; nothing is uploaded or submitted here.
 */
export async function resolveLocalInputs(jobs: PlannedJob[], opts: LocalInputsOptions): Promise<LocalInputs> {
  const files = await openFileIndex(opts);
  const problems: JobFileProblem[] = [];
  /** The body each job with local inputs is identified by: its paths replaced by `sha256:<hex>`. */
  const keyedBodies = new Map<PlannedJob, Record<string, unknown>>();
  for (const job of jobs) {
    const refs = findRefs(job.body);
    if (refs.length === 0) continue;
    let ok = true;
    for (const ref of refs) {
      const what = await checkRef(ref, files);
      if (what === null) continue;
      problems.push(refProblem(opts.configPath, job, ref, what));
      ok = false;
    }
    if (!ok) continue;
    keyedBodies.set(
      job,
      mapRefs(job.body, (value) => {
        const f = files.byValue.get(value);
        return f ? `sha256:${f.sha256}` : value;
      }),
    );
  }
  if (problems.length) throw new JobFileError(problems);
  // Identified again, dependencies first: a job chained to one whose input file changed changes too.
  const out = keyedBodies.size ? identifyJobs(jobs, (job) => keyedBodies.get(job) ?? job.body) : jobs;
  return { jobs: out, files: [...files.bySha.values()], uploader: bodyUploader(files.byValue) };
}

/** The local files found so far, and the workspace they must be inside. */
interface FileIndex {
  root: string;
  realRoot: string | undefined;
  rootProblem: string | undefined;
  maxBytes: number;
  /** By the value as written (values resolve against the same root, so the same text is the same file). */
  byValue: Map<string, LocalFile>;
  byRealPath: Map<string, Promise<LocalFile>>;
  bySha: Map<string, LocalFile>;
}

async function openFileIndex(opts: LocalInputsOptions): Promise<FileIndex> {
  const root = resolve(opts.workspace);
  let realRoot: string | undefined;
  let rootProblem: string | undefined;
  try {
    realRoot = await realpath(root);
  } catch (e) {
    rootProblem = `the workspace ${root} cannot be read (${codeOf(e)})`;
  }
  const maxBytes = opts.maxBytes ?? MAX_LOCAL_INPUT_BYTES;
  return { root, realRoot, rootProblem, maxBytes, byValue: new Map(), byRealPath: new Map(), bySha: new Map() };
}

function refProblem(configPath: string, job: PlannedJob, ref: LocalRef, what: string): JobFileProblem {
  const line = job.line ?? 1;
  return {
    file: configPath,
    line,
    col: 1,
    field: `${job.name}.${ref.field}`,
    message: `job "${job.name}" (line ${line}), parameter ${ref.field}: ${JSON.stringify(ref.value)} ${what}; nothing was submitted`,
  };
}

/**
 * Check one value the rule reads as a path and, when it names a good file, record it in the index.
 * Returns what is wrong with it (completing "<value> …"), or null when nothing is.
 */
async function checkRef(ref: LocalRef, index: FileIndex): Promise<string | null> {
  const kind = classifyValue(ref.value)!;
  if (kind === 'absolute') {
    return hasMediaExtension(ref.value) || (await isFile(ref.value))
      ? 'is an absolute path: local inputs must be written relative to the workspace root (e.g. ./assets/logo.png), and must be inside it'
      : null;
  }
  if (index.byValue.has(ref.value)) return null;
  const { root, realRoot, rootProblem } = index;
  if (rootProblem || realRoot === undefined) return `cannot be checked: ${rootProblem ?? 'no workspace'}`;
  const abs = resolve(root, ref.value);
  if (!inside(root, abs)) return `is outside the workspace (${root}); local inputs must be files inside it`;
  let real: string;
  try {
    real = await realpath(abs);
  } catch (e) {
    const code = codeOf(e);
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? `is not a file in the workspace (looked for ${abs})`
      : `cannot be read (${code})`;
  }
  if (!inside(realRoot, real))
    return `resolves through a symbolic link to a file outside the workspace; local inputs must be files inside it`;
  let file: LocalFile;
  try {
    let p = index.byRealPath.get(real);
    if (!p) {
      p = describeFile(real, index.maxBytes);
      index.byRealPath.set(real, p);
    }
    file = await p;
  } catch (e) {
    return e instanceof LocalInputError ? e.message : `cannot be read (${codeOf(e)})`;
  }
  // Same content under another path: one file, one upload.
  const known = index.bySha.get(file.sha256);
  if (known) file = known;
  else index.bySha.set(file.sha256, file);
  index.byValue.set(ref.value, file);
  return null;
}

/** LocalInputs.uploader over the files found: each job's local paths replaced by their uploaded URLs. */
function bodyUploader(byValue: ReadonlyMap<string, LocalFile>): LocalInputs['uploader'] {
  return (client, log, shared) => {
    const upload = shared ?? mediaUploader(client, log);
    return async (job, signal) => {
      const refs = findRefs(job.body).filter((r) => byValue.has(r.value));
      if (refs.length === 0) return job.body;
      const urls = new Map<string, string>();
      for (const ref of refs) {
        if (urls.has(ref.value)) continue;
        try {
          urls.set(ref.value, await upload(byValue.get(ref.value)!, ref.value, signal));
        } catch (e) {
          if (isAbort(e)) throw e;
          if (e instanceof LocalInputError) throw e;
          throw new LocalInputError(
            `uploading the local input ${ref.value} (parameter ${ref.field}) failed, so the job was not submitted: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
      }
      return mapRefs(job.body, (value) => urls.get(value) ?? value);
    };
  };
}

/** Every string value in the body that the rule reads as a path (relative or absolute), with where it is. */
export function findRefs(body: Record<string, unknown>): LocalRef[] {
  const refs: LocalRef[] = [];
  const walk = (v: unknown, field: string, depth: number) => {
    if (depth > 64 || isChainRef(v)) return; // another job's output, not a path
    if (typeof v === 'string') {
      if (classifyValue(v) !== null) refs.push({ field, value: v });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${field}[${i}]`, depth + 1));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, `${field}.${k}`, depth + 1);
    }
  };
  for (const [k, v] of Object.entries(body)) if (!TEXT_KEYS.has(k)) walk(v, k, 0);
  return refs;
}

/** A copy of the body with every path-like value passed through fn (TEXT_KEYS untouched). */
function mapRefs(body: Record<string, unknown>, fn: (value: string) => string): Record<string, unknown> {
  const map = (v: unknown, depth: number): unknown => {
    if (depth > 64 || isChainRef(v)) return v;
    if (typeof v === 'string') return classifyValue(v) === 'relative' ? fn(v) : v;
    if (Array.isArray(v)) return v.map((x) => map(x, depth + 1));
    if (v !== null && typeof v === 'object') return copyObject(v as Record<string, unknown>, (x) => map(x, depth + 1));
    return v;
  };
  return copyObject(body, (v, k) => (TEXT_KEYS.has(k) ? v : map(v, 0)));
}

function copyObject(o: Record<string, unknown>, fn: (v: unknown, k: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // defineProperty: a key such as "__proto__" stays an own key.
  for (const [k, v] of Object.entries(o))
    Object.defineProperty(out, k, { value: fn(v, k), enumerable: true, writable: true, configurable: true });
  return out;
}

async function describeFile(real: string, maxBytes: number): Promise<LocalFile> {
  const s = await stat(real);
  if (!s.isFile()) throw new LocalInputError(`is not a regular file`);
  if (s.size > maxBytes)
    throw new LocalInputError(`is ${mb(s.size)}, above the ${mb(maxBytes)} limit for local inputs`);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(real)) hash.update(chunk as Buffer);
  return {
    sha256: hash.digest('hex'),
    realPath: real,
    bytes: s.size,
    name: basename(real),
    contentType: MEDIA_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream',
  };
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

function isAbort(e: unknown): boolean {
  if (e instanceof Error && e.name === 'AbortError') return true;
  return Boolean(e && typeof e === 'object' && (e as { kind?: unknown }).kind === 'aborted');
}

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
