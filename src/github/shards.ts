// Artifact names of matrix shards: `<artifact-name>-<i>-of-<n>` (then `-attempt-<k>` on a re-run),
// written by each shard and read back by the report step.
import { uniqueArtifactName } from './artifact-name.js';

/**
 * The artifact name of a run: plain (uniqueArtifactName) without a shard, `<base>-<i>-of-<n>` with one
 * (`shard.index` 1-based, as in the input). A `1/1` shard is still named `-1-of-1`, so the report step
 * finds it and its own `<base>` artifact never collides with a shard's.
 */
export function shardArtifactName(
  base: string,
  shard: { index: number; total: number } | undefined,
  runAttempt: number,
): string {
  if (!shard) return uniqueArtifactName(base, { runAttempt });
  if (shard.total > 1)
    return uniqueArtifactName(base, { runAttempt, shard: { index: shard.index - 1, total: shard.total } });
  return uniqueArtifactName(`${base}-1-of-1`, { runAttempt });
}

export interface ShardArtifactName {
  /** 1-based. */
  index: number;
  total: number;
  attempt: number;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Reads `<base>-<i>-of-<n>[-attempt-<k>]`; undefined for any other name (per-job artifacts included). */
export function parseShardArtifactName(base: string, name: string): ShardArtifactName | undefined {
  const m = new RegExp(`^${escapeRe(base)}-(\\d+)-of-(\\d+)(?:-attempt-(\\d+))?$`).exec(name);
  if (!m) return undefined;
  const index = Number(m[1]);
  const total = Number(m[2]);
  const attempt = m[3] === undefined ? 1 : Number(m[3]);
  if (!(total >= 1 && index >= 1 && index <= total)) return undefined;
  return { index, total, attempt };
}

export interface ListedArtifact {
  name: string;
  id: number;
  createdAt?: Date;
}

export interface ShardArtifacts {
  /** Shard count, from the names; undefined when no shard artifact was found. */
  total?: number;
  /** Per shard index (1-based), the artifact to read: the latest attempt's. */
  found: Map<number, ListedArtifact>;
  /** Shard artifacts of another shard count (an older layout of the matrix), ignored. */
  ignored: ListedArtifact[];
}

/**
 * Pick the shard artifacts of a run from everything it uploaded. The shard count is the one of the
 * newest shard artifact (highest attempt, then latest created, then highest id); for each shard the
 * latest attempt wins, so a re-run of one failed shard replaces only that shard.
 */
export function pickShardArtifacts(base: string, artifacts: readonly ListedArtifact[]): ShardArtifacts {
  const parsed = artifacts.flatMap((a) => {
    const p = parseShardArtifactName(base, a.name);
    return p ? [{ a, p }] : [];
  });
  const newer = (x: { a: ListedArtifact; p: ShardArtifactName }, y: { a: ListedArtifact; p: ShardArtifactName }) =>
    x.p.attempt - y.p.attempt || (x.a.createdAt?.getTime() ?? 0) - (y.a.createdAt?.getTime() ?? 0) || x.a.id - y.a.id;
  const newest = parsed.reduce<(typeof parsed)[number] | undefined>(
    (best, x) => (!best || newer(x, best) > 0 ? x : best),
    undefined,
  );
  const found = new Map<number, ListedArtifact>();
  if (!newest) return { found, ignored: [] };
  const total = newest.p.total;
  const best = new Map<number, (typeof parsed)[number]>();
  const ignored: ListedArtifact[] = [];
  for (const x of parsed) {
    if (x.p.total !== total) {
      ignored.push(x.a);
      continue;
    }
    const cur = best.get(x.p.index);
    if (!cur || newer(x, cur) > 0) best.set(x.p.index, x);
  }
  for (const [i, x] of [...best].sort((a, b) => a[0] - b[0])) found.set(i, x.a);
  return { total, found, ignored };
}
