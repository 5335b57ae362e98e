// The output directory (journal + files) carried between runs and attempts in the Actions cache,
// so a "re-run failed jobs" resumes its predictions and an unchanged job file costs nothing.
//
// How @actions/cache 6 is used here, and why it is wrapped this way:
// - It picks the v2 service (Twirp "results" CacheService + Azure blob) only when
//   ACTIONS_CACHE_SERVICE_V2 is set (the runner sets it) and the server is not GHES; then it needs
//   ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN. Otherwise it speaks v1 to ACTIONS_CACHE_URL.
// - The entry's "version" is a hash of the path strings exactly as passed (plus the compression
//   method), and paths are globbed relative to process.cwd() and archived relative to
//   GITHUB_WORKSPACE. An absolute path would tie the entry to one machine's directory layout, so
//   we pass the output directory relative to the working directory (the workspace, for an action)
//   and refuse to cache a directory outside it.
// - A restore extracts over whatever is on disk. We never let it overwrite local state: it is
//   extracted into a sibling staging directory (GITHUB_WORKSPACE pointed there for the call) and
//   merged in: files missing locally are moved in, local files win, journals are merged by time.
// - It reports most failures itself (a warning, or an error annotation on 5xx) and returns
//   undefined / -1; we add our own warning and never throw: without the cache a run still works,
//   it may just pay again.
import * as cache from '@actions/cache';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile, cp } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Log } from '../shared/log.js';
import { JOURNAL_FILE } from '../journal/journal.js';

export const CACHE_KEY_PREFIX = 'atlas-media-v1-';

export interface CacheKeyContext {
  /** The job file (not part of the key: identical jobs from a renamed file are still identical). */
  configPath: string;
  /** Identity of every job this run will run (model + request body hash). */
  jobIdentities: string[];
  runId: string;
  runAttempt: number;
  shard?: { index: number; total: number };
}

export interface CacheKeys {
  /** Unique per run attempt, so a save never collides with an existing (read-only) entry. */
  primary: string;
  /** Most to least specific prefixes. */
  restore: string[];
}

/** 16 hex characters of sha256 over the sorted identities: order-independent, changes with any identity. */
export function planHash(identities: readonly string[]): string {
  return createHash('sha256')
    .update([...identities].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}

export function cacheKeys(ctx: CacheKeyContext): CacheKeys {
  const plan = `${CACHE_KEY_PREFIX}${planHash(ctx.jobIdentities)}-`;
  const shard = ctx.shard ? `-shard${ctx.shard.index}of${ctx.shard.total}` : '';
  return {
    primary: `${plan}${ctx.runId}-${ctx.runAttempt}${shard}`,
    restore: [
      `${plan}${ctx.runId}-`, // earlier attempts of this run
      plan, // the same plan in an earlier run
      CACHE_KEY_PREFIX, // any earlier run: the journal reuses matching jobs file by file
    ],
  };
}

/** Whether the Actions cache service is reachable from this environment (false for the CLI). */
export function cacheServiceAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env['ACTIONS_RUNTIME_TOKEN']) return false;
  try {
    return cache.isFeatureAvailable();
  } catch {
    return false;
  }
}

/**
 * The path string handed to @actions/cache: the output directory relative to `root` (the working
 * directory), with forward slashes. Undefined when it cannot be cached safely.
 */
export function cachePathFor(outputDir: string, root = process.cwd()): { path?: string; why?: string } {
  const rel = relative(root, outputDir);
  if (rel === '') return { why: 'the output directory is the workspace itself' };
  if (isAbsolute(rel) || rel === '..' || rel.startsWith('..' + sep))
    return { why: `the output directory ${outputDir} is outside the workspace ${root}` };
  const path = rel.split(sep).join('/');
  // @actions/cache globs its paths: keep names that would mean something to a glob out.
  if (/[*?[\]{}\n\r]/.test(path) || /(^|\/)[!#]/.test(path))
    return { why: `the output directory name "${path}" has glob characters` };
  return { path };
}

const warn = (log: Log, what: string, e: unknown) =>
  log.warning(
    `Actions cache: ${what}: ${e instanceof Error ? e.message : String(e)}. The run goes on; jobs not found locally may be paid for again.`,
  );

/** Run fn with GITHUB_WORKSPACE set (the cache library reads it at call time). */
async function withWorkspace<T>(workspace: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env['GITHUB_WORKSPACE'];
  process.env['GITHUB_WORKSPACE'] = workspace;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env['GITHUB_WORKSPACE'];
    else process.env['GITHUB_WORKSPACE'] = saved;
  }
}

/** sha256 of the journal file, or 'absent': tells whether a run recorded anything new. */
export async function journalDigest(outputDir: string): Promise<string> {
  try {
    return createHash('sha256')
      .update(await readFile(join(outputDir, JOURNAL_FILE)))
      .digest('hex');
  } catch {
    return 'absent';
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function moveInto(src: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  try {
    await rename(src, dest);
  } catch {
    await cp(src, dest, { recursive: true, errorOnExist: false, force: false });
  }
}

/** Union of two journals, ordered by time (cached lines first on ties); torn lines are dropped. */
export function mergeJournalText(cached: string, local: string): string {
  const seen = new Set<string>();
  const entries: Array<{ at: number; order: number; line: string }> = [];
  for (const line of [...cached.split('\n'), ...local.split('\n')]) {
    const t = line.trim();
    if (!t || seen.has(t)) continue;
    seen.add(t);
    let at: number;
    try {
      const e = JSON.parse(t) as { at?: unknown };
      at = typeof e.at === 'string' ? Date.parse(e.at) : NaN;
    } catch {
      continue;
    }
    entries.push({ at: Number.isFinite(at) ? at : 0, order: entries.length, line: t });
  }
  entries.sort((a, b) => a.at - b.at || a.order - b.order);
  return entries.map((e) => e.line + '\n').join('');
}

/** Merge a restored tree into the output directory without overwriting anything local. */
async function mergeTree(
  src: string,
  dest: string,
  top: boolean,
  counts: { added: number; kept: number },
): Promise<void> {
  if (!(await exists(dest))) {
    await moveInto(src, dest);
    counts.added++;
    return;
  }
  for (const e of await readdir(src, { withFileTypes: true })) {
    const s = join(src, e.name);
    const d = join(dest, e.name);
    if (e.isDirectory()) {
      await mergeTree(s, d, false, counts);
    } else if (top && e.name === JOURNAL_FILE && (await exists(d))) {
      const merged = mergeJournalText(await readFile(s, 'utf8'), await readFile(d, 'utf8'));
      await writeFile(d + '.merge', merged);
      await rename(d + '.merge', d);
    } else if (await exists(d)) {
      counts.kept++;
    } else {
      await moveInto(s, d);
      counts.added++;
    }
  }
}

export interface RestoreResult {
  /** The key of the entry restored, if one was. */
  hit?: string;
  /** The journal's digest after the restore (see saveOutputs' `unlessJournal`). */
  journalDigest: string;
}

/**
 * Restore the newest matching entry into `outputDir`, merging with what is already there.
 * Never throws.
 */
export async function restoreOutputs(outputDir: string, keys: CacheKeys, log: Log): Promise<RestoreResult> {
  const { path, why } = cachePathFor(outputDir);
  if (!path) {
    log.warning(`Actions cache: not used: ${why}.`);
    return { journalDigest: await journalDigest(outputDir) };
  }
  let staging: string | undefined;
  let hit: string | undefined;
  try {
    await mkdir(dirname(outputDir), { recursive: true });
    staging = await mkdtemp(join(dirname(outputDir), '.atlas-cache-restore-'));
    const stage = staging;
    hit = await withWorkspace(stage, () => cache.restoreCache([path], keys.primary, keys.restore));
    if (hit) {
      const restored = join(stage, ...path.split('/'));
      if (await exists(restored)) {
        const counts = { added: 0, kept: 0 };
        await mergeTree(restored, outputDir, true, counts);
        log.info(
          `Actions cache: restored ${path} from ${hit}${counts.kept ? ` (${counts.kept} local file${counts.kept === 1 ? '' : 's'} kept as they were)` : ''}.`,
        );
      } else {
        log.warning(`Actions cache: the entry ${hit} did not contain ${path}; nothing restored.`);
        hit = undefined;
      }
    } else {
      log.info(`Actions cache: no earlier outputs for this plan (keys ${[keys.primary, ...keys.restore].join(', ')}).`);
    }
  } catch (e) {
    warn(log, 'restore failed', e);
    hit = undefined;
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
  return { hit, journalDigest: await journalDigest(outputDir) };
}

export interface SaveOptions {
  /** Skip the save when the journal still has this digest: nothing was paid for or downloaded. */
  unlessJournal?: string;
}

/** Save `outputDir` under `key`. Never throws. */
export async function saveOutputs(outputDir: string, key: string, log: Log, opts: SaveOptions = {}): Promise<void> {
  const { path, why } = cachePathFor(outputDir);
  if (!path) {
    log.warning(`Actions cache: not saved: ${why}.`);
    return;
  }
  try {
    if (!(await exists(outputDir))) return;
    if (opts.unlessJournal !== undefined && (await journalDigest(outputDir)) === opts.unlessJournal) {
      log.info(
        'Actions cache: nothing new was generated; the restored entry still covers every job, so none is saved.',
      );
      return;
    }
    const root = process.cwd();
    const id = await withWorkspace(root, () => cache.saveCache([path], key));
    const mode = (process.env['ACTIONS_CACHE_MODE'] ?? '').trim().toLowerCase();
    if (id === -1 && (mode === 'read' || mode === 'none'))
      log.info(`Actions cache: not saved: this run may not write to the cache (cache mode ${mode}).`);
    else if (id === -1)
      log.warning(
        `Actions cache: ${path} was not saved under ${key} (see the message above). A re-run may pay again for jobs it cannot resume.`,
      );
    else log.info(`Actions cache: saved ${path} as ${key}.`);
  } catch (e) {
    warn(log, 'save failed', e);
  }
}

export interface CarriedOutputs {
  keys: CacheKeys;
  hit?: string;
  /** Save once (idempotent, never throws). */
  save(): Promise<void>;
}

/**
 * The action's use of the cache: restore before the run, save after. Undefined (and nothing
 * done) on a dry run, with `cache: false`, or where no cache service is configured (the CLI).
 */
export async function carryOutputs(
  plan: { configPath: string; outputDir: string; jobs: ReadonlyArray<{ identity: string }> },
  settings: { cache: boolean; dryRun: boolean; force: boolean; shard?: { index: number; total: number } },
  env: NodeJS.ProcessEnv,
  log: Log,
): Promise<CarriedOutputs | undefined> {
  if (settings.dryRun || !settings.cache) return undefined;
  if (!cacheServiceAvailable(env)) {
    log.debug('Actions cache: no cache service in this environment; outputs are not carried between runs.');
    return undefined;
  }
  const keys = runCacheKeys(plan, settings, env);
  // With force, restore anyway: in-flight predictions of an earlier attempt are still resumed
  // (the engine only ignores finished `downloaded` entries under force).
  const restored = await restoreOutputs(plan.outputDir, keys, log);
  let saving: Promise<void> | undefined;
  return {
    keys,
    hit: restored.hit,
    // After a hit, an unchanged journal means nothing new to keep; after a miss, always save.
    save: () =>
      (saving ??= saveOutputs(
        plan.outputDir,
        keys.primary,
        log,
        restored.hit ? { unlessJournal: restored.journalDigest } : {},
      )),
  };
}

/** This run's cache keys: its plan, run and attempt (and shard), from the runner's environment. */
export function runCacheKeys(
  plan: { configPath: string; jobs: ReadonlyArray<{ identity: string }> },
  settings: { shard?: { index: number; total: number } },
  env: NodeJS.ProcessEnv,
): ReturnType<typeof cacheKeys> {
  return cacheKeys({
    configPath: plan.configPath,
    jobIdentities: plan.jobs.map((j) => j.identity),
    runId: env['GITHUB_RUN_ID'] || 'local',
    runAttempt: Number(env['GITHUB_RUN_ATTEMPT'] || 1) || 1,
    shard: settings.shard,
  });
}
