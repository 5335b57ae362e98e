// Checking an entry's matrix:, count: and ${placeholders} before it is expanded, then the jobs it
// makes as the schema would check a written value. Every problem points into the entry (or at
// it, for what it inherits from defaults:).
import { MATRIX_KEY, MAX_COUNT, type JobDefaults, type JobSpec, type MatrixValue } from './schema.js';
import { mergeJob, setOwn } from './merge.js';
import { closestNames } from './names.js';
import { findChainRefs } from './chain.js';
import {
  MAX_EXPANDED_JOBS,
  MAX_JOBS_PER_ENTRY,
  TEMPLATE_FIELDS,
  combinationCount,
  describeCombination,
  expandJob,
  placeholdersDeep,
  placeholdersIn,
  valueText,
} from './expand.js';
import { formatField, isPlainObject, truncate } from './problems.js';
import type { Path } from './positions.js';
import type { Ctx, NameEntry, RefEntry } from './checks.js';

/** Report a problem with a field of the merged job: at the entry's own key, or at the entry for what defaults: set. */
type Report = (path: Path, text: string) => void;

/**
 * Check an entry's matrix, count and placeholders, and return the names of the jobs it
 * makes; undefined when it cannot be expanded (the schema or this check said why).
 */
export function checkExpansion(
  job: Record<string, unknown>,
  i: number,
  defaults: Record<string, unknown> | undefined,
  ctx: Ctx,
  budget: { added: number },
): NameEntry[] | undefined {
  const at = (...rest: Path): Path => ['jobs', i, ...rest];
  const hasMatrix = job['matrix'] !== undefined;
  const matrix = checkMatrix(job['matrix'], at, ctx);
  if (!matrix) return undefined;
  const rawCount = job['count'];
  if (
    rawCount !== undefined &&
    !(Number.isSafeInteger(rawCount) && (rawCount as number) >= 1 && (rawCount as number) <= MAX_COUNT)
  )
    return undefined;
  const count = (rawCount as number | undefined) ?? 1;
  const combos = checkJobCount(matrix, count, hasMatrix ? at('matrix') : at('count'), ctx, budget);
  if (combos === undefined) return undefined;

  const name = job['name'];
  if (typeof name !== 'string') return undefined;
  const merged = mergeJob(defaults as JobDefaults | undefined, job as JobSpec) as Record<string, unknown>;
  const report = reporter(job, defaults, at, ctx);
  if (!checkPlaceholders(merged, Object.keys(matrix), hasMatrix, report)) return undefined;
  if (!checkNameCoversMatrix(name, matrix, combos, at, ctx)) return undefined;
  return checkMadeJobs(merged, i, hasMatrix || count > 1, report);
}

/** The matrix: a mapping of names to non-empty lists of distinct scalars (the schema reports other shapes). */
function checkMatrix(
  rawMatrix: unknown,
  at: (...rest: Path) => Path,
  { add, offsetOf }: Ctx,
): Record<string, MatrixValue[]> | undefined {
  const matrix: Record<string, MatrixValue[]> = {};
  if (rawMatrix === undefined) return matrix;
  if (!isPlainObject(rawMatrix)) return undefined;
  const keys = Object.keys(rawMatrix);
  if (keys.length === 0) {
    add(
      offsetOf(at('matrix')),
      at('matrix'),
      'the matrix is empty: give it at least one key with a list of values, e.g. {product: [mug, tee]}',
    );
    return undefined;
  }
  let ok = true;
  for (const key of keys) {
    const values = rawMatrix[key];
    if (!MATRIX_KEY.test(key) || !Array.isArray(values) || values.length === 0 || !values.every(isMatrixValue)) {
      ok = false;
      continue;
    }
    const seen = new Map<string, number>();
    values.forEach((v, j) => {
      const text = valueText(v);
      const first = seen.get(text);
      if (first === undefined) seen.set(text, j);
      else {
        ok = false;
        add(
          offsetOf(at('matrix', key, j)),
          at('matrix', key, j),
          `${JSON.stringify(truncate(text, 40))} is listed twice (also ${formatField(at('matrix', key, first))}); each value makes its own job`,
        );
      }
    });
    setOwn(matrix, key, values);
  }
  return ok ? matrix : undefined;
}

/** How many jobs the entry makes: bounded per entry and for the file. Returns the matrix's combinations. */
function checkJobCount(
  matrix: Record<string, MatrixValue[]>,
  count: number,
  path: Path,
  { add, offsetOf }: Ctx,
  budget: { added: number },
): number | undefined {
  const combos = combinationCount(matrix, MAX_JOBS_PER_ENTRY);
  const made = combos > MAX_JOBS_PER_ENTRY ? combos : combos * count;
  if (made > MAX_JOBS_PER_ENTRY) {
    const how =
      combos > MAX_JOBS_PER_ENTRY
        ? `more than ${MAX_JOBS_PER_ENTRY} jobs`
        : `${made} jobs (${combos} combination${combos === 1 ? '' : 's'} × count ${count})`;
    add(offsetOf(path), path, `this job would make ${how}; at most ${MAX_JOBS_PER_ENTRY} per job`);
    return undefined;
  }
  if (budget.added + made - 1 > MAX_EXPANDED_JOBS) {
    add(
      offsetOf(path),
      path,
      `matrices and counts would add more than ${MAX_EXPANDED_JOBS} jobs to the file; split it`,
    );
    return undefined;
  }
  budget.added += made - 1;
  return combos;
}

/** Where a field of the merged job comes from: the entry itself, or defaults: (reported at the entry). */
function reporter(
  job: Record<string, unknown>,
  defaults: Record<string, unknown> | undefined,
  at: (...rest: Path) => Path,
  { add, offsetOf, lineOf }: Ctx,
): Report {
  return (path, text) => {
    const own =
      path[0] === 'params' && path.length > 1
        ? isPlainObject(job['params']) && Object.hasOwn(job['params'], path[1]!)
        : Object.hasOwn(job, path[0]!);
    if (own || !defaults) add(offsetOf(at(...path)), at(...path), text);
    else
      add(
        offsetOf(at()),
        at(...path),
        `${text} (inherited from ${formatField(['defaults', ...path])} at line ${lineOf(['defaults', ...path])})`,
      );
  };
}

/** Every ${key} must be a matrix key. */
function checkPlaceholders(
  merged: Record<string, unknown>,
  keys: string[],
  hasMatrix: boolean,
  report: Report,
): boolean {
  const found: Array<{ path: Path; key: string }> = [];
  for (const field of TEMPLATE_FIELDS) {
    const v = merged[field];
    if (typeof v === 'string') for (const key of placeholdersIn(v)) found.push({ path: [field], key });
  }
  if (isPlainObject(merged['params'])) found.push(...placeholdersDeep(merged['params'], ['params']));
  let ok = true;
  for (const { path, key } of found) {
    if (keys.includes(key)) continue;
    ok = false;
    const literal = `$\${${key}}`;
    if (!hasMatrix) {
      report(
        path,
        `unknown placeholder \${${key}}: the job has no matrix; add matrix: {${key}: [...]} or write ${literal} for the text itself`,
      );
    } else {
      const close = closestNames(key, keys, 1)[0];
      report(
        path,
        `unknown placeholder \${${key}}: the matrix has ${keys.map((k) => `\${${k}}`).join(', ')}${close ? ` (did you mean \${${close}}?)` : ''}; write ${literal} for the text itself`,
      );
    }
  }
  return ok;
}

/** Each combination needs its own name: every key with more than one value is in it. */
function checkNameCoversMatrix(
  name: string,
  matrix: Record<string, MatrixValue[]>,
  combos: number,
  at: (...rest: Path) => Path,
  { add, offsetOf }: Ctx,
): boolean {
  const inName = placeholdersIn(name);
  const missing = Object.keys(matrix).filter((k) => matrix[k]!.length > 1 && !inName.includes(k));
  if (missing.length === 0) return true;
  add(
    offsetOf(at('name')),
    at('name'),
    `the matrix makes ${combos} jobs from this one and each needs its own name: add ${missing.map((k) => `\${${k}}`).join(' and ')} to the name`,
  );
  return false;
}

/** The expanded jobs: what the schema checks on a written value, checked on the made one. */
function checkMadeJobs(
  merged: Record<string, unknown>,
  i: number,
  expands: boolean,
  report: Report,
): NameEntry[] | undefined {
  const entries: NameEntry[] = [];
  /** The references in the made job's params, reported (later, once every name is known) where they are written. */
  const refsOf = (job2: Record<string, unknown>, made: string | undefined): RefEntry[] =>
    isPlainObject(job2['params'])
      ? findChainRefs(job2['params'], ['params']).map(({ path, from }) => ({
          from,
          report: (text: string) => report([...path, 'from'], made ? `${text} (made with ${made})` : text),
        }))
      : [];
  const uses = (field: string) =>
    typeof merged[field] === 'string' && placeholdersIn(merged[field] as string).length > 0;
  for (const x of expandJob(merged as JobSpec)) {
    const made = expands ? describeCombination(x.combination, x.variation) : undefined;
    const job2 = x.job as Record<string, unknown>;
    let bad = false;
    const problem = (field: string, text: string) => {
      bad = true;
      report([field], made ? `${text} (made with ${made})` : text);
    };
    const n = job2['name'] as string;
    if (!uses('name') && x.variation === undefined) {
      // The name is as written: the schema checks it.
    } else if (n === '') problem('name', 'the name is empty once the matrix values are put in');
    else if (n.length > 200)
      problem('name', `the name is too long once the matrix values are put in: ${n.length} characters (at most 200)`);
    if (uses('model') && typeof job2['model'] === 'string' && !/^\S+$/.test(job2['model']))
      problem(
        'model',
        `the model id ${JSON.stringify(truncate(job2['model'], 60))} is ${job2['model'] === '' ? 'empty' : 'not one word (a model id has no spaces)'}`,
      );
    if (uses('prompt') && typeof job2['prompt'] === 'string' && !/\S/.test(job2['prompt']))
      problem('prompt', 'the prompt is blank once the matrix values are put in');
    if (uses('resolution') && job2['resolution'] === '')
      problem('resolution', 'the resolution is empty once the matrix values are put in');
    if (bad) return undefined; // one combination's problem is enough to show
    const refs = refsOf(job2, made);
    entries.push({ index: i, name: n, ...(made ? { made } : {}), ...(refs.length ? { refs } : {}) });
  }
  return entries;
}

function isMatrixValue(v: unknown): v is MatrixValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}
