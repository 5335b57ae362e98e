// Upload the output directory as GitHub Actions artifact(s) with @actions/artifact.
// Pure of @actions/core: logs through a Log. An upload failure never throws: the files stay on disk
// and manifest.json keeps every output URL, so the caller reports the error and goes on.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DefaultArtifactClient, type ArtifactClient, type UploadArtifactOptions } from '@actions/artifact';
import type { Manifest } from '../manifest/schema.js';
import type { Log } from '../shared/log.js';
import { artifactNameProblem, artifactUrl, fit, MAX_ARTIFACTS_PER_JOB, sanitizeName } from './artifact-name.js';

export interface UploadedArtifact {
  name: string;
  id: number;
  digest?: string;
  size?: number;
  url?: string;
  /** The one file an unzipped artifact holds (artifact-per-job), relative to the output directory. */
  file?: string;
}

export interface UploadOutputsOptions {
  outputDir: string;
  /** Artifact name (already made unique by the caller, e.g. with uniqueArtifactName); per-job names start with it. */
  name: string;
  retentionDays?: number;
  /** Zip compression 0-9; default 0 because images and videos are already compressed. */
  compressionLevel?: number;
  /** One artifact per job (plus `<name>` with the files no job owns: manifest.json, index.html, journal). */
  perJob?: boolean;
  manifest: Manifest;
  log: Log;
  client?: ArtifactClient;
  urlContext?: { serverUrl: string; repository: string; runId: string | number };
}

interface Plan {
  name: string;
  files: string[]; // absolute
  /** Upload the single file as is (no zip); the artifact is named after the file, so it is staged under `name`. */
  raw: boolean;
}

/**
 * Every regular file under dir, recursively, sorted; what else is there is returned in `skipped`.
 * Symbolic links are never followed, to files or directories: the output directory may come from a
 * repository or a cache, and a committed `out/notes.txt -> /proc/self/environ` must not travel in
 * the artifact. Each file's real path is checked to be inside dir's real path as well.
 */
async function listFiles(dir: string): Promise<{ files: string[]; skipped: string[] }> {
  const files: string[] = [];
  const skipped: string[] = [];
  const realRoot = await fs.realpath(dir);
  const inside = (p: string) => p.startsWith(realRoot + path.sep);
  const walk = async (d: string) => {
    const entries = await fs.readdir(d, { withFileTypes: true });
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && inside(await fs.realpath(p))) files.push(p);
      else skipped.push(p);
    }
  };
  await walk(realRoot);
  // Paths under dir as given (not its real path), so the artifact's layout is relative to it.
  const rel = (p: string) => path.join(dir, path.relative(realRoot, p));
  return { files: files.map(rel).sort(), skipped: skipped.map(rel).sort() };
}

function stemOf(files: string[], fallback: string): string {
  const first = files[0];
  if (!first) return fallback;
  let stem = path.basename(first, path.extname(first));
  // product-hero-1.png, product-hero-2.png → product-hero
  if (files.length > 1) stem = stem.replace(/[-_.]\d+$/, '');
  return stem || fallback;
}

function planPerJob(opts: UploadOutputsOptions, root: string, all: string[], log: Log): Plan[] {
  const plans: Plan[] = [];
  const used = new Set<string>();
  const claim = (base: string, ext: string): string => {
    for (let i = 1; ; i++) {
      const candidate = fit(base, `${i === 1 ? '' : `-${i}`}${ext}`);
      if (!used.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
    }
  };
  const onDisk = new Set(all);
  const owned = new Set<string>();
  opts.manifest.results.forEach((job, n) => {
    const files: string[] = [];
    for (const o of job.outputs) {
      if (!o.path) continue;
      const abs = path.resolve(root, o.path);
      if (abs !== root && !abs.startsWith(root + path.sep)) {
        log.warning(`artifact: output path ${o.path} of job "${job.name}" is outside ${opts.outputDir}; not uploaded`);
        continue;
      }
      if (!onDisk.has(abs) || files.includes(abs)) continue;
      files.push(abs);
      owned.add(abs);
    }
    if (files.length === 0) return; // failed or skipped job: nothing on disk
    const base = `${opts.name}-${sanitizeName(stemOf(files, `job-${n + 1}`))}`;
    if (files.length === 1) {
      plans.push({ name: claim(base, sanitizeName(path.extname(files[0]!))), files, raw: true });
    } else {
      plans.push({ name: claim(base, ''), files, raw: false });
    }
  });
  const rest = all.filter((f) => !owned.has(f));
  if (rest.length > 0) plans.unshift({ name: claim(opts.name, ''), files: rest, raw: false });
  return plans;
}

function explain(err: unknown, name: string): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/\(409\)/.test(msg)) {
    return `${msg} (an artifact named "${name}" already exists in this workflow run; on a re-run, names need an -attempt-<n> suffix)`;
  }
  return msg;
}

/** Hard-link (or copy) `file` into a fresh temp dir as `name`, for a skipArchive upload named `name`. */
async function stage(file: string, name: string): Promise<{ file: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'atlas-artifact-'));
  const staged = path.join(dir, name);
  const real = await fs.realpath(file);
  try {
    await fs.link(real, staged);
  } catch {
    await fs.copyFile(real, staged);
  }
  return { file: staged, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

type UploadResult = { artifacts: UploadedArtifact[]; error?: string };

/**
 * Upload the output directory: by default one artifact of every file in it (rooted at outputDir, so it
 * unzips to the same layout); with perJob, one artifact per job. Never throws; on failure logs an error
 * and returns it with whatever was uploaded before the failure.
 */
export async function uploadOutputs(opts: UploadOutputsOptions): Promise<UploadResult> {
  const { log } = opts;
  const artifacts: UploadedArtifact[] = [];
  const root = path.resolve(opts.outputDir);
  const fail = (reason: string) => {
    const error = `artifact upload failed: ${reason} — the files are still in ${opts.outputDir} and manifest.json keeps every output URL`;
    log.error(error, { title: 'Artifact upload failed' });
    return { artifacts, error };
  };

  const problem = artifactNameProblem(opts.name);
  if (problem) return fail(problem);

  let all: string[];
  try {
    all = await filesToUpload(opts, root);
  } catch (e) {
    return fail(`cannot read ${opts.outputDir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (all.length === 0) {
    log.warning(`artifact: ${opts.outputDir} holds no files; nothing to upload`);
    return { artifacts };
  }

  const plans = opts.perJob ? planPerJob(opts, root, all, log) : [{ name: opts.name, files: all, raw: false }];
  const refused = planProblem(plans);
  if (refused) return fail(refused);

  let client: ArtifactClient;
  try {
    client = opts.client ?? new DefaultArtifactClient();
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const base: UploadArtifactOptions = { compressionLevel: opts.compressionLevel ?? 0 };
  if (opts.retentionDays !== undefined && opts.retentionDays > 0) base.retentionDays = opts.retentionDays;

  for (const p of plans) {
    try {
      artifacts.push(await uploadPlan(p, client, base, root, opts));
    } catch (e) {
      const left = plans.length - artifacts.length;
      const more = plans.length > 1 ? ` (${artifacts.length} of ${plans.length} artifacts uploaded; ${left} not)` : '';
      return fail(`${p.name}: ${explain(e, p.name)}${more}`);
    }
  }
  return { artifacts };
}

/** The regular files under the output directory; what else is there is named in a warning. */
async function filesToUpload(opts: UploadOutputsOptions, root: string): Promise<string[]> {
  const listed = await listFiles(root);
  if (listed.skipped.length > 0) {
    const shown = listed.skipped.slice(0, 5).map((f) => path.relative(root, f));
    const more = listed.skipped.length > 5 ? ` and ${listed.skipped.length - 5} more` : '';
    opts.log.warning(
      `artifact: not uploaded, not regular files inside ${opts.outputDir} (symbolic links are never followed): ${shown.join(', ')}${more}`,
    );
  }
  return listed.files;
}

/** Why the plans cannot be uploaded at all (too many artifacts, a bad name), checked before any upload. */
function planProblem(plans: Plan[]): string | undefined {
  if (plans.length > MAX_ARTIFACTS_PER_JOB)
    return `per-job artifacts would create ${plans.length} artifacts; GitHub allows at most ${MAX_ARTIFACTS_PER_JOB} per job — nothing was uploaded (use a single artifact instead)`;
  for (const p of plans) {
    const bad = artifactNameProblem(p.name);
    if (bad) return `${bad} — nothing was uploaded`;
  }
  return undefined;
}

/** Upload one planned artifact (a single file as is, or a zip rooted at the output directory). Throws on failure. */
async function uploadPlan(
  p: Plan,
  client: ArtifactClient,
  base: UploadArtifactOptions,
  root: string,
  opts: UploadOutputsOptions,
): Promise<UploadedArtifact> {
  const { log } = opts;
  let staged: { file: string; cleanup: () => Promise<void> } | undefined;
  try {
    let res;
    if (p.raw) {
      staged = await stage(p.files[0]!, p.name);
      log.debug(`artifact: uploading ${path.relative(root, p.files[0]!)} as ${p.name} (no zip)`);
      res = await client.uploadArtifact(p.name, [staged.file], path.dirname(staged.file), {
        ...base,
        skipArchive: true,
      });
    } else {
      log.debug(`artifact: uploading ${p.files.length} file(s) as ${p.name}`);
      res = await client.uploadArtifact(p.name, p.files, root, base);
    }
    if (res.id === undefined) throw new Error(`the artifact service returned no id for ${p.name}`);
    const a: UploadedArtifact = { name: p.name, id: res.id };
    if (res.digest !== undefined) a.digest = res.digest;
    if (res.size !== undefined) a.size = res.size;
    if (opts.urlContext) a.url = artifactUrl(opts.urlContext, res.id);
    if (p.raw) a.file = path.relative(root, p.files[0]!).split(path.sep).join('/');
    log.info(
      `Uploaded artifact ${p.name} (${p.files.length} file${p.files.length === 1 ? '' : 's'}${a.size !== undefined ? `, ${a.size} bytes` : ''})${a.url ? `: ${a.url}` : ''}`,
    );
    return a;
  } finally {
    await staged?.cleanup().catch(() => undefined);
  }
}

/** Upload one file unzipped (skipArchive) as the artifact `name`. Never throws: returns the artifact or why not. */
export async function uploadSingleFile(opts: {
  file: string;
  name: string;
  retentionDays?: number;
  log: Log;
  client?: ArtifactClient;
  urlContext?: { serverUrl: string; repository: string; runId: string | number };
}): Promise<{ artifact?: UploadedArtifact; error?: string }> {
  const bad = artifactNameProblem(opts.name);
  if (bad) return { error: bad };
  let staged: { file: string; cleanup: () => Promise<void> } | undefined;
  try {
    const client = opts.client ?? new DefaultArtifactClient();
    const options: UploadArtifactOptions = { skipArchive: true };
    if (opts.retentionDays !== undefined && opts.retentionDays > 0) options.retentionDays = opts.retentionDays;
    // The client names a skipArchive artifact after its file: stage the file under the artifact's name.
    staged = await stage(opts.file, opts.name);
    const res = await client.uploadArtifact(opts.name, [staged.file], path.dirname(staged.file), options);
    if (res.id === undefined) throw new Error(`the artifact service returned no id for ${opts.name}`);
    const a: UploadedArtifact = { name: opts.name, id: res.id };
    if (res.digest !== undefined) a.digest = res.digest;
    if (res.size !== undefined) a.size = res.size;
    if (opts.urlContext) a.url = artifactUrl(opts.urlContext, res.id);
    opts.log.debug(`artifact: uploaded ${opts.name} unzipped${a.url ? `: ${a.url}` : ''}`);
    return { artifact: a };
  } catch (e) {
    return { error: `${opts.name}: ${explain(e, opts.name)}` };
  } finally {
    await staged?.cleanup().catch(() => undefined);
  }
}
