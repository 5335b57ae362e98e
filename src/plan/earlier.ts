// The earlier run of a job file, as the output directory holds it before this run overwrites it:
// restored from the Actions cache (for a pull request, the base branch's latest entry) or simply
// left there (the CLI, a self-hosted runner). Read once, leniently: a missing or unreadable
// manifest means "nothing to compare with", never an error.
import { copyFile, lstat, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { MANIFEST_FILE } from '../manifest/build.js';
import type { Log } from '../shared/log.js';
import type { EarlierRun, PlanDiff } from './diff.js';

/** A manifest bigger than this is not read for the comparison (10,000 jobs take ~30 MB). */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
/** The earlier files of changed jobs are kept for a before/after only up to this size each, and this many jobs. */
const MAX_PREVIOUS_FILE_BYTES = 20 * 1024 * 1024;
const MAX_PREVIOUS_JOBS = 100;
/** Where the earlier files of changed jobs are kept, inside the output directory. */
export const PREVIOUS_DIR = 'previous';

const EarlierManifest = z.object({
  generated_at: z.string(),
  config: z.string().nullable().optional(),
  results: z.array(
    z.object({
      name: z.string(),
      identity: z.string(),
      model: z.string(),
      type: z.enum(['image', 'video']),
      status: z.enum(['success', 'failed', 'unknown', 'skipped', 'cached']),
      params: z.record(z.string(), z.unknown()),
      outputs: z.array(
        z.object({
          url: z.string().nullable(),
          path: z.string().nullable(),
          bytes: z.number().nullable(),
          sha256: z.string().nullable(),
          content_type: z.string().nullable(),
          error: z.string().nullable(),
        }),
      ),
      estimated_cost: z.number().optional(),
      local_path: z.string().nullable().optional(),
      change: z.enum(['new', 'changed', 'unchanged']).optional(),
      changed_fields: z.array(z.string()).optional(),
      previous_paths: z.array(z.string()).optional(),
    }),
  ),
  compared_with: z.object({ generated_at: z.string(), review: z.string().optional() }).optional(),
  removed: z
    .array(
      z.object({
        name: z.string(),
        model: z.string(),
        type: z.enum(['image', 'video']),
        local_path: z.string().nullable(),
      }),
    )
    .optional(),
});

/**
 * The earlier manifest in `outputDir`, or undefined when there is none, it is unreadable, or it
 * was written for another job file (`config` differs).
 */
export async function readEarlierRun(outputDir: string, config: string, log?: Log): Promise<EarlierRun | undefined> {
  const path = join(outputDir, MANIFEST_FILE);
  try {
    const s = await stat(path);
    if (s.size > MAX_MANIFEST_BYTES) {
      log?.info(`What changed: the earlier ${MANIFEST_FILE} is over ${MAX_MANIFEST_BYTES >> 20} MB; not compared.`);
      return undefined;
    }
    const parsed = EarlierManifest.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (!parsed.success) {
      log?.info(`What changed: the earlier ${MANIFEST_FILE} is not one this version reads; not compared.`);
      return undefined;
    }
    if (parsed.data.config && parsed.data.config !== config) {
      log?.info(`What changed: the earlier ${MANIFEST_FILE} is from another job file (${parsed.data.config}).`);
      return undefined;
    }
    const { generated_at, results, compared_with, removed } = parsed.data;
    return { generated_at, results, ...(compared_with ? { compared_with } : {}), ...(removed ? { removed } : {}) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      log?.info(`What changed: could not read the earlier ${MANIFEST_FILE}: ${(e as Error).message}`);
    return undefined;
  }
}

/** `p` resolved inside `root`, or undefined if it leaves it. */
function inside(root: string, p: string): string | undefined {
  const full = resolve(root, p);
  const rel = relative(root, full);
  return rel && !rel.startsWith('..' + sep) && rel !== '..' && !rel.startsWith('/') ? full : undefined;
}

/**
 * Copies the earlier files of changed jobs to `previous/` before this run downloads over them
 * (a changed job keeps its name, so its file name), for the gallery's before/after. Returns the
 * kept paths per job, relative to the output directory. Best effort: a file that cannot be kept is skipped.
 */
export async function keepPreviousFiles(outputDir: string, diff: PlanDiff): Promise<Map<string, string[]>> {
  const kept = new Map<string, string[]>();
  const changed = diff.jobs.filter((c) => c.kind === 'changed' && c.before).slice(0, MAX_PREVIOUS_JOBS);
  for (const c of changed) {
    // A later push of the same review: the base run's files are already kept (carried by diffPlan).
    const carried = c.before!.change === 'changed' ? (c.before!.previous_paths ?? []) : [];
    if (carried.length) {
      kept.set(c.name, carried);
      continue;
    }
    for (const o of c.before!.outputs) {
      if (!o.path || (o.bytes ?? 0) > MAX_PREVIOUS_FILE_BYTES) continue;
      const from = inside(outputDir, o.path);
      const rel = `${PREVIOUS_DIR}/${o.path.replace(/\\/g, '/')}`;
      const to = inside(outputDir, rel);
      if (!from || !to) continue;
      try {
        // lstat: a symlink is not followed out of the output directory.
        const s = await lstat(from);
        if (!s.isFile() || s.size > MAX_PREVIOUS_FILE_BYTES) continue;
        await mkdir(dirname(to), { recursive: true });
        await copyFile(from, to);
        kept.set(c.name, [...(kept.get(c.name) ?? []), rel]);
      } catch {
        // The earlier file is gone (a fresh runner without a cache hit): no before/after for it.
      }
    }
  }
  await prunePrevious(outputDir, new Set([...kept.values()].flat()));
  return kept;
}

/** Earlier files no job is changed against any more go, so previous/ never grows from run to run. */
async function prunePrevious(outputDir: string, keep: ReadonlySet<string>): Promise<void> {
  const root = join(outputDir, PREVIOUS_DIR);
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.isDirectory()) continue;
    const rel = `${PREVIOUS_DIR}/${relative(root, join(e.parentPath, e.name)).split(sep).join('/')}`;
    if (!keep.has(rel)) await rm(join(e.parentPath, e.name), { force: true }).catch(() => undefined);
  }
  if (keep.size === 0) await rm(root, { recursive: true, force: true }).catch(() => undefined);
}
