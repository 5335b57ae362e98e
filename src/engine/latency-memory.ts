// What the latency model learned, kept across runs in the output directory (which the Actions
// cache carries, like the journal), so the next run starts informed: a 3-job preview polls as if it
// had seen the last weekly pack. The file is a prior, never trusted: it is versioned, size-capped and
// validated, anything wrong with it is ignored with a warning, it counts like a few observations
// (fewer as it ages), and the run's own observations override it.
import { lstat, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { LatencyModel, LatencyPrior, LatencyShape } from './latency.js';

export const LATENCY_MEMORY_FILE = '.atlas-latency.json';
const VERSION = 1;
const MAX_BYTES = 256 * 1024;
const MAX_MODELS = 200;
/** A remembered model counts like this many observations when fresh… */
const PRIOR_WEIGHT = 8;
/** …halving every this many days. */
const HALF_LIFE_DAYS = 14;
const DAY_MS = 24 * 3600 * 1000;

// ln(ms) between 1 ms and ~30 days; widths in log space.
const logMs = z.number().finite().min(0).max(22);
const shapeSchema = z.strictObject({
  type: z.enum(['image', 'video']),
  points: z.array(logMs).min(1).max(64),
  width: z.number().finite().min(0.001).max(3),
  n: z.number().int().min(1).max(1e9),
});
const memorySchema = z.strictObject({
  version: z.literal(VERSION),
  saved_at: z.iso.datetime(),
  models: z
    .record(z.string().min(1).max(200), shapeSchema)
    .refine((m) => Object.keys(m).length <= MAX_MODELS, `at most ${MAX_MODELS} models`),
});

interface Warn {
  warning(message: string): void;
}

/** The prior in `dir`, or undefined (no file, or one that cannot be trusted: then with a warning). */
export async function loadLatencyMemory(
  dir: string,
  log?: Warn,
  now: Date = new Date(),
): Promise<LatencyPrior | undefined> {
  const path = join(dir, LATENCY_MEMORY_FILE);
  const ignore = (why: string) => {
    log?.warning(`ignoring ${LATENCY_MEMORY_FILE} (${why}); polling starts from the built-in priors`);
    return undefined;
  };
  let text: string;
  try {
    const st = await lstat(path);
    if (!st.isFile()) return ignore('not a regular file');
    if (st.size > MAX_BYTES) return ignore(`${st.size} bytes, more than ${MAX_BYTES}`);
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return ignore(`unreadable: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (text.length > MAX_BYTES) return ignore('too large');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return ignore('not JSON');
  }
  const parsed = memorySchema.safeParse(raw);
  if (!parsed.success) return ignore(`unexpected content at ${parsed.error.issues[0]?.path.join('.') || 'top level'}`);
  const ageDays = Math.max(0, (now.getTime() - Date.parse(parsed.data.saved_at)) / DAY_MS);
  const models: Record<string, LatencyShape> = Object.create(null) as Record<string, LatencyShape>;
  for (const [model, shape] of Object.entries(parsed.data.models)) {
    models[model] = { ...shape, points: [...shape.points].sort((a, b) => a - b) };
  }
  return { models, weight: PRIOR_WEIGHT * 0.5 ** (ageDays / HALF_LIFE_DAYS) };
}

/** Writes what `model` knows (this run's observations over the prior it started from) to `dir`. */
export async function saveLatencyMemory(dir: string, model: LatencyModel, now: Date = new Date()): Promise<void> {
  const all = Object.entries(model.snapshot());
  // Keep the best-known models if there are too many.
  all.sort(([, a], [, b]) => b.n - a.n);
  const models: Record<string, LatencyShape> = {};
  for (const [name, shape] of all.slice(0, MAX_MODELS)) {
    if (name.length > 200 || shape.points.length === 0) continue;
    models[name] = {
      type: shape.type,
      points: shape.points.slice(0, 64).map((p) => Math.round(p * 1e4) / 1e4),
      width: Math.min(3, Math.max(0.001, Math.round(shape.width * 1e4) / 1e4)),
      n: Math.max(1, Math.min(1e9, Math.round(shape.n))),
    };
  }
  const body = JSON.stringify({ version: VERSION, saved_at: now.toISOString(), models }) + '\n';
  if (body.length > MAX_BYTES) return;
  // Write-then-rename: a run killed mid-write leaves the old memory, never half a file.
  const path = join(dir, LATENCY_MEMORY_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, path);
}
