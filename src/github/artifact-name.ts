// Artifact names and pages: what GitHub accepts, unique across shards and re-runs. Kept apart from
// artifact.ts so that naming (shards.ts, a run without uploads) does not load @actions/artifact.
import path from 'node:path';

/** GitHub refuses more artifacts than this per job. */
export const MAX_ARTIFACTS_PER_JOB = 500;
export const MAX_ARTIFACT_NAME_LENGTH = 256;

// The characters @actions/artifact (and GitHub) refuse in an artifact name (NTFS limits).
const BAD_NAME_CHARS: ReadonlyArray<readonly [string, string]> = [
  ['"', 'double quote "'],
  [':', 'colon :'],
  ['<', 'less than <'],
  ['>', 'greater than >'],
  ['|', 'vertical bar |'],
  ['*', 'asterisk *'],
  ['?', 'question mark ?'],
  ['\r', 'carriage return \\r'],
  ['\n', 'line feed \\n'],
  ['\\', 'backslash \\'],
  ['/', 'forward slash /'],
];
const BAD_NAME_RE = /[":<>|*?\r\n\\/]/g;

/** Why GitHub would refuse `name` as an artifact name, or undefined when it is fine. */
export function artifactNameProblem(name: string): string | undefined {
  if (!name || !name.trim()) return 'artifact name is empty';
  for (const [ch, label] of BAD_NAME_CHARS) {
    if (name.includes(ch)) {
      return `artifact name ${JSON.stringify(name)} contains a ${label}, which GitHub does not allow in artifact names (not allowed: " : < > | * ? \\r \\n \\ /)`;
    }
  }
  if (name.length > MAX_ARTIFACT_NAME_LENGTH) {
    return `artifact name is ${name.length} characters long; GitHub allows at most ${MAX_ARTIFACT_NAME_LENGTH}`;
  }
  return undefined;
}

/** Replace characters GitHub refuses with '-' (for names derived from file or job names). */
export function sanitizeName(s: string): string {
  return s.replace(BAD_NAME_RE, '-');
}

/** `base` cut so that `base + suffix` fits GitHub's name length. */
export function fit(base: string, suffix: string): string {
  const room = MAX_ARTIFACT_NAME_LENGTH - suffix.length;
  return (base.length > room ? base.slice(0, Math.max(0, room)) : base) + suffix;
}

/**
 * A name that does not collide across shards of a matrix or re-runs of a workflow:
 * `<base>-<i>-of-<n>` for shards (shard.index is 0-based like `strategy.job-index`; the name shows
 * index + 1, so shards read 1-of-n … n-of-n), then `-attempt-<k>` when runAttempt > 1 (a re-run keeps
 * the first attempt's artifacts, and a second artifact of the same name in a run is a 409).
 */
export function uniqueArtifactName(
  base: string,
  ctx: { runAttempt?: number; shard?: { index: number; total: number } },
): string {
  let suffix = '';
  if (ctx.shard && ctx.shard.total > 1) {
    const { index, total } = ctx.shard;
    if (!Number.isInteger(index) || !Number.isInteger(total) || index < 0 || index >= total) {
      throw new RangeError(`shard index ${index} is not in 0..${total - 1}`);
    }
    suffix += `-${index + 1}-of-${total}`;
  }
  if (ctx.runAttempt !== undefined && ctx.runAttempt > 1) suffix += `-attempt-${ctx.runAttempt}`;
  return fit(base, suffix);
}

/** The artifact's page: {server}/{owner}/{repo}/actions/runs/{run}/artifacts/{id}. */
export function artifactUrl(
  ctx: { serverUrl: string; repository: string; runId: string | number },
  id: number | string,
): string {
  return `${ctx.serverUrl.replace(/\/+$/, '')}/${ctx.repository}/actions/runs/${ctx.runId}/artifacts/${id}`;
}

/**
 * The name of one file's own unzipped artifact: `<base>-<path, / as ->`, extension last (GitHub serves
 * an unzipped artifact with the type its name's extension says). `base` already carries the shard and
 * attempt suffixes, so names stay unique across shards and re-runs; `used` makes them unique in the run.
 */
export function singleFileArtifactName(base: string, relPath: string, used: Set<string>): string {
  const ext = sanitizeName(path.extname(relPath));
  const stem = sanitizeName(relPath.slice(0, relPath.length - path.extname(relPath).length).replace(/[\\/]+/g, '-'));
  for (let i = 1; ; i++) {
    const candidate = fit(`${base}-${stem}`, `${i === 1 ? '' : `-${i}`}${ext}`);
    if (!used.has(candidate)) {
      used.add(candidate);
      return candidate;
    }
  }
}
