// The run's settings, read once from the action's inputs or the CLI's flags (same names), each
// checked with an error that names the input. Nothing below this reads the environment.
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { JobFileError } from './jobfile/load.js';
import { DEFAULT_MAX_DOWNLOAD_MB } from './download/download.js';

export const DEFAULT_BASE_URL = 'https://api.atlascloud.ai/api/v1';
export const DEFAULT_CONFIG = '.github/atlas-media.yml';

export type FailOn = 'any' | 'all' | 'never';
export type CommentMode = 'auto' | 'always' | 'never';

export interface Settings {
  config: string;
  apiKey: string;
  baseUrl: string;
  /** Undefined: the file's max_workers, else 3. */
  concurrency?: number | 'auto';
  maxConcurrency: number;
  downloadConcurrency: number;
  /** Undefined: the file's output_dir, else ./output. */
  outputDir?: string;
  dryRun: boolean;
  failOn: FailOn;
  jobs: string[];
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  retryUnknownSubmits: boolean;
  maxCost?: number;
  graceMs: number;
  /** GitHub delivery (ignored by the CLI). */
  artifactName: string;
  artifactPerJob: boolean;
  retentionDays?: number;
  compressionLevel: number;
  comment: CommentMode;
  commentTag: string;
  githubToken: string;
  /** Reuse outputs of identical jobs from earlier runs (journal + output dir carried in the Actions cache). */
  cache: boolean;
  /** Regenerate even what the cache or journal already has. */
  force: boolean;
  /** This run's part of the jobs, 1-based: `shard: 2/4`. */
  shard?: { index: number; total: number };
  /** `run` generates; `report` merges the shards' manifests into one report. */
  mode: 'run' | 'report';
  webhookUrl?: string;
  webhookSecret?: string;
  /** Videos up to this many MB are uploaded as their own unzipped artifact (viewable in the browser); 0: none. */
  inlineVideoMaxMb: number;
  /** Check the job file's model ids against GET /models before paying (off for a gateway without /models). */
  checkModels: boolean;
  /** Why this is a dry run although `dry-run` is off (the action without an API key: a fork's pull request). */
  dryRunReason?: string;
  /** Branch the PR comment's thumbnails are pushed to (needs contents: write); '' = off. */
  previewBranch: string;
  /** Run folders kept on the preview branch. */
  previewKeep: number;
  /** The largest output accepted, in MB: a larger body is refused unwritten. */
  maxDownloadMb: number;
  /** Output URLs and their redirects may reach loopback, link-local and private addresses. */
  allowPrivateOutputs: boolean;
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SettingsError';
  }
}

/**
 * The `jobs` input: names or globs separated by newlines or commas (a `workflow_dispatch` text box is
 * one line). A comma inside braces belongs to the glob (`hero-{a,b}`), so it does not split.
 */
export function splitJobPatterns(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === '\n' || ch === '\r' || (ch === ',' && depth === 0)) {
      out.push(current);
      current = '';
      depth = 0;
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Reads inputs by name, each checked; a bad value is added to `problems` (in reading order) and the default used. */
interface InputReader {
  raw(name: string): string;
  num(name: string, dflt: number | undefined, check: (n: number) => boolean, what: string): number | undefined;
  bool(name: string, dflt: boolean): boolean;
  oneOf<T extends string>(name: string, allowed: readonly T[], dflt: T): T;
  problems: string[];
}

function inputReader(get: (name: string) => string | undefined): InputReader {
  const problems: string[] = [];
  const raw = (name: string) => (get(name) ?? '').trim();
  return {
    problems,
    raw,
    num(name, dflt, check, what) {
      const v = raw(name);
      if (v === '') return dflt;
      const n = Number(v);
      if (!Number.isFinite(n) || !check(n)) {
        problems.push(`input ${name}: "${v}" is not ${what}`);
        return dflt;
      }
      return n;
    },
    bool(name, dflt) {
      const v = raw(name).toLowerCase();
      if (v === '') return dflt;
      if (['true', 'yes', '1', 'on'].includes(v)) return true;
      if (['false', 'no', '0', 'off'].includes(v)) return false;
      problems.push(`input ${name}: "${raw(name)}" is not true or false`);
      return dflt;
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], dflt: T): T {
      const v = raw(name);
      if (v === '') return dflt;
      if ((allowed as readonly string[]).includes(v)) return v as T;
      problems.push(`input ${name}: "${v}" is not one of ${allowed.join(', ')}`);
      return dflt;
    },
  };
}

/** Whole numbers from lo to hi, as the error message says them. */
const wholeIn = (lo: number, hi: number) => (n: number) => Number.isInteger(n) && n >= lo && n <= hi;

// The groups below are read in this order so that several bad inputs are reported in the order they always were.

/** Where Atlas is, with what key, how many jobs at once, and whether to pay at all. */
function atlasInputs(r: InputReader, env: Record<string, string | undefined>) {
  const concurrency: number | 'auto' | undefined =
    r.raw('concurrency') === 'auto'
      ? 'auto'
      : r.num('concurrency', undefined, wholeIn(1, 256), 'a whole number from 1 to 256, or auto');
  const apiKey =
    r.raw('api-key') || (env['ATLASCLOUD_API_KEY'] ?? '').trim() || (env['ATLAS_CLOUD_API_KEY'] ?? '').trim();
  const dryRun = r.bool('dry-run', false);
  const baseUrl = r.raw('base-url') || DEFAULT_BASE_URL;
  try {
    const u = new URL(baseUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol');
  } catch {
    r.problems.push(`input base-url: "${baseUrl}" is not an http(s) URL`);
  }
  return {
    config: r.raw('config') || DEFAULT_CONFIG,
    apiKey,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    concurrency,
    dryRun,
  };
}

/** How often a prediction is polled: from poll-interval, backing off to max-poll-interval. */
function pollingInputs(r: InputReader) {
  const pollIntervalMs =
    (r.num('poll-interval', 1, (n) => n > 0 && n <= 600, 'a number of seconds above 0 (decimals allowed)') ?? 1) * 1000;
  const maxPollIntervalMs =
    (r.num('max-poll-interval', 30, (n) => n > 0 && n <= 3600, 'a number of seconds above 0') ?? 30) * 1000;
  if (maxPollIntervalMs < pollIntervalMs)
    r.problems.push(
      `input max-poll-interval (${maxPollIntervalMs / 1000}) is below poll-interval (${pollIntervalMs / 1000})`,
    );
  return { pollIntervalMs, maxPollIntervalMs };
}

/** Which jobs run, how wide, what they may cost, where they go and when the step fails. */
function runInputs(r: InputReader) {
  return {
    maxConcurrency: r.num('max-concurrency', 32, wholeIn(1, 256), 'a whole number from 1 to 256') ?? 32,
    downloadConcurrency: r.num('download-concurrency', 4, wholeIn(1, 64), 'a whole number from 1 to 64') ?? 4,
    outputDir: r.raw('output-dir') || undefined,
    failOn: r.oneOf('fail-on', ['any', 'all', 'never'] as const, 'any'),
    jobs: splitJobPatterns(r.raw('jobs')),
    retryUnknownSubmits: r.bool('retry-unknown-submits', false),
    maxCost: r.num('max-cost', undefined, (n) => n >= 0, 'a non-negative number of USD'),
    graceMs: (r.num('grace-period', 5, (n) => n >= 0 && n <= 3600, 'a number of seconds from 0 to 3600') ?? 5) * 1000,
  };
}

/**
 * Delivery in GitHub (artifacts, comment, preview branch), the Actions cache and the matrix's report
 * mode; check-models sits here only to keep the order problems are reported in.
 */
function githubInputs(r: InputReader, get: (name: string) => string | undefined) {
  return {
    artifactName: get('artifact-name') === undefined ? 'atlas-media' : r.raw('artifact-name'),
    artifactPerJob: r.bool('artifact-per-job', false),
    retentionDays: r.num('retention-days', undefined, wholeIn(1, 400), 'a whole number of days from 1 to 400'),
    compressionLevel: r.num('compression-level', 0, wholeIn(0, 9), 'a whole number from 0 to 9') ?? 0,
    comment: r.oneOf('comment', ['auto', 'always', 'never'] as const, 'auto'),
    commentTag: r.raw('comment-tag') || 'atlas-media',
    githubToken: r.raw('github-token'),
    cache: r.bool('cache', true),
    force: r.bool('force', false),
    mode: r.oneOf('mode', ['run', 'report'] as const, 'run'),
    inlineVideoMaxMb:
      r.num('inline-video-max-mb', 100, (n) => n >= 0 && n <= 10_000, 'a number of megabytes from 0 to 10000') ?? 100,
    checkModels: r.bool('check-models', true),
    previewBranch: r.raw('preview-branch'),
    previewKeep: r.num('preview-keep', 20, wholeIn(1, 1000), 'a whole number from 1 to 1000') ?? 20,
  };
}

/** What the run accepts from hosts it does not control. */
function safetyInputs(r: InputReader) {
  return {
    maxDownloadMb:
      r.num(
        'max-download-mb',
        DEFAULT_MAX_DOWNLOAD_MB,
        (n) => n > 0 && n <= 1_000_000,
        'a number of megabytes above 0',
      ) ?? DEFAULT_MAX_DOWNLOAD_MB,
    allowPrivateOutputs: r.bool('allow-private-outputs', false),
  };
}

/** `shard: i/n`, or undefined when unset or invalid (then a problem says why). */
function shardInput(r: InputReader): Settings['shard'] {
  const sh = r.raw('shard');
  if (!sh) return undefined;
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(sh);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total || total > 256) {
    r.problems.push(`input shard: "${sh}" is not i/n with 1 ≤ i ≤ n ≤ 256 (e.g. 2/4, as in \${{ matrix.shard }}/4)`);
    return undefined;
  }
  return { index, total };
}

/** The webhook's URL (when a valid http(s) URL) and secret, as far as they are set. */
function webhookInputs(r: InputReader): Pick<Settings, 'webhookUrl' | 'webhookSecret'> {
  const out: Pick<Settings, 'webhookUrl' | 'webhookSecret'> = {};
  const webhookUrl = r.raw('webhook-url');
  if (webhookUrl) {
    try {
      const u = new URL(webhookUrl);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol');
      out.webhookUrl = webhookUrl;
    } catch {
      // Never echo the URL: webhook URLs carry their own secrets.
      r.problems.push('input webhook-url: not an http(s) URL');
    }
  }
  if (r.raw('webhook-secret')) out.webhookSecret = r.raw('webhook-secret');
  return out;
}

/** A run without a key: a dry run that says why (`noKey: 'dry-run'`), else a problem. */
function applyMissingKey(settings: Settings, problems: string[], noKey: 'error' | 'dry-run' | undefined): void {
  if (settings.dryRun || settings.apiKey || settings.mode !== 'run') return;
  if (noKey === 'dry-run') {
    settings.dryRun = true;
    settings.dryRunReason =
      'no API key (secrets are not passed to pull requests from forks): a dry run; nothing was generated or paid for. Set the api-key input (or ATLASCLOUD_API_KEY) to generate.';
  } else {
    problems.push(
      'input api-key: no API key (set the api-key input, or ATLASCLOUD_API_KEY in the environment; dry-run needs none)',
    );
  }
}

/**
 * `get` returns an input's raw value ('' or undefined when unset). `noKey: 'dry-run'` (the action)
 * turns a missing API key into a dry run instead of an error: secrets are not passed to a fork's
 * pull request, and such a run must still show its plan and spend nothing. Every problem is collected
 * and reported together.
 */
export function readSettings(
  get: (name: string) => string | undefined,
  env: Record<string, string | undefined> = {},
  opts: { noKey?: 'error' | 'dry-run' } = {},
): Settings {
  const r = inputReader(get);
  const { problems } = r;
  const settings: Settings = {
    ...atlasInputs(r, env),
    ...pollingInputs(r),
    ...runInputs(r),
    ...githubInputs(r, get),
    ...safetyInputs(r),
  };
  if (settings.previewBranch && !isBranchName(settings.previewBranch))
    problems.push(
      `input preview-branch: "${settings.previewBranch}" is not a branch name (letters, digits, . _ - /; no "..", no leading or trailing / or .)`,
    );
  settings.shard = shardInput(r);
  Object.assign(settings, webhookInputs(r));
  if (settings.mode === 'report' && settings.shard)
    problems.push('input shard: not used with mode: report (the report step reads every shard)');
  applyMissingKey(settings, problems, opts.noKey);
  if (problems.length) throw new SettingsError(problems);
  return settings;
}

/**
 * The output directory as a real path (symlinks resolved), when it is a directory strictly inside
 * the workspace: not the workspace itself (the artifact would carry the whole checkout), not `.git`
 * or inside it (actions/checkout leaves the token in `.git/config`). Otherwise `problem` says why.
 * A part of the path that does not exist yet holds no link, so the real path of the longest existing
 * part decides. `workspaceLabel` names the workspace in the message (GITHUB_WORKSPACE, the current directory).
 */
export async function confineOutputDir(
  dir: string,
  workspace: string,
  workspaceLabel: string,
): Promise<{ path: string; problem?: undefined } | { problem: string }> {
  const shown = JSON.stringify(dir);
  let realWs: string;
  try {
    realWs = await realpath(resolve(workspace));
  } catch {
    return { problem: `the workspace ${workspace} (${workspaceLabel}) does not exist` };
  }
  let existing = resolve(dir);
  const missing: string[] = [];
  let real: string | undefined;
  while (real === undefined) {
    try {
      const r = await realpath(existing);
      if (!(await stat(r)).isDirectory()) return { problem: `${shown} resolves to ${r}, which is not a directory` };
      real = join(r, ...missing.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') return { problem: `${shown} cannot be used: ${(e as Error).message}` };
      // A name that exists but does not resolve is a dangling link: where it would write is unknown.
      if (await lstat(existing).catch(() => undefined))
        return { problem: `${shown}: ${existing} is a symbolic link to nothing` };
      if (dirname(existing) === existing) return { problem: `${shown} cannot be resolved` };
      missing.push(basename(existing));
      existing = dirname(existing);
    }
  }
  const rel = relative(realWs, real);
  const where = `the workspace ${realWs} (${workspaceLabel})`;
  if (rel === '') return { problem: `${shown} is ${where} itself; use a directory inside it, such as ./output` };
  if (rel.startsWith('..') || isAbsolute(rel))
    return { problem: `${shown} resolves to ${real}, outside ${where}; use a directory inside it, such as ./output` };
  if (rel.split(sep)[0]!.toLowerCase() === '.git')
    return { problem: `${shown} resolves to ${real}, inside .git; use a directory outside .git, such as ./output` };
  return { path: real };
}

/** The root the output directory must stay inside, and how to name it in an error. */
export interface Workspace {
  dir: string;
  label: string;
}

/**
 * The output directory (the input, else the job file's output_dir, else ./output) confined to the
 * workspace (confineOutputDir). Throws SettingsError naming the input, or JobFileError at the job
 * file's output_dir line: before anything is paid for.
 */
export async function confinedOutputDir(
  settings: Pick<Settings, 'outputDir'>,
  jobFile: { path: string; outputDir?: string | undefined },
  ws: Workspace,
): Promise<string> {
  const fromFile = settings.outputDir === undefined ? jobFile.outputDir : undefined;
  const c = await confineOutputDir(settings.outputDir ?? fromFile ?? 'output', ws.dir, ws.label);
  if (c.problem === undefined) return c.path;
  if (fromFile === undefined) throw new SettingsError([`input output-dir: ${c.problem}`]);
  const text = await readFile(jobFile.path, 'utf8').catch(() => '');
  const line = text.split(/\r?\n/).findIndex((l) => /^["']?output_dir["']?\s*:/.test(l)) + 1;
  throw new JobFileError([
    { file: jobFile.path, line: Math.max(1, line), col: 1, field: 'output_dir', message: `output_dir: ${c.problem}` },
  ]);
}

/** A conservative subset of git's branch names (git check-ref-format), enough for a preview branch. */
function isBranchName(b: string): boolean {
  return (
    /^[A-Za-z0-9._/-]{1,200}$/.test(b) &&
    !/^[-./]|[/.]$|\.\.|\/\/|\/\.|\.lock$|\.lock\//.test(b) &&
    !b.startsWith('refs/')
  );
}
