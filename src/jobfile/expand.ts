// Matrices and count: one job of the file becomes one job per combination of its matrix
// values, times `count` variations. Pure: the validator (load.ts) checks what it can before
// calling these, and the planner (src/plan/jobs.ts) expands validated jobs with them.
import type { MatrixValue } from './schema.js';
import type { MergedJob } from './merge.js';

export type { MatrixValue } from './schema.js';

/** Jobs one job of the file may become (combinations × count). */
export const MAX_JOBS_PER_ENTRY = 1000;
/** Jobs that matrices and counts may add to a file, all entries together. */
export const MAX_EXPANDED_JOBS = 10_000;

/** The string fields placeholders are replaced in, besides `params` (searched recursively). */
export const TEMPLATE_FIELDS = ['name', 'model', 'prompt', 'resolution'] as const;

/** One combination: the matrix keys in file order with their values. */
export type Combination = ReadonlyArray<readonly [string, MatrixValue]>;

/** `$${` (a literal `${`) or `${…}` (a placeholder when what is inside is a name). */
const TOKEN = /\$\$\{|\$\{([^{}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The placeholder names used in a text, in order of first use. */
export function placeholdersIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const key = m[1]?.trim();
    if (key !== undefined && NAME.test(key) && !found.includes(key)) found.push(key);
  }
  return found;
}

/** A matrix value as text: numbers and booleans as JSON writes them. */
export function valueText(v: MatrixValue): string {
  return typeof v === 'string' ? v : String(v);
}

/** Replace `${key}` by the combination's value and `$${` by `${`. Unknown placeholders are left as written. */
export function substituteText(text: string, values: ReadonlyMap<string, MatrixValue>): string {
  if (!text.includes('${')) return text;
  return text.replace(TOKEN, (whole, inner: string | undefined) => {
    if (inner === undefined) return '${';
    const key = inner.trim();
    return NAME.test(key) && values.has(key) ? valueText(values.get(key)!) : whole;
  });
}

/** Like substituteText, except that a text that is exactly one placeholder becomes the value itself (typed). */
export function substituteValue(text: string, values: ReadonlyMap<string, MatrixValue>): unknown {
  const m = /^\$\{([^{}]*)\}$/.exec(text);
  const key = m?.[1]?.trim();
  if (key !== undefined && values.has(key)) return values.get(key);
  return substituteText(text, values);
}

/** Substitute inside every string of a JSON value (keys are left alone). */
export function substituteDeep(value: unknown, values: ReadonlyMap<string, MatrixValue>): unknown {
  if (typeof value === 'string') return substituteValue(value, values);
  if (Array.isArray(value)) return value.map((v) => substituteDeep(v, values));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, substituteDeep(v, values));
    return out;
  }
  return value;
}

/** Every placeholder in a JSON value, with the path of the string it is in. */
export function placeholdersDeep(
  value: unknown,
  path: Array<string | number> = [],
): Array<{ path: Array<string | number>; key: string }> {
  if (typeof value === 'string') return placeholdersIn(value).map((key) => ({ path, key }));
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholdersDeep(v, [...path, i]));
  if (isPlainObject(value)) return Object.entries(value).flatMap(([k, v]) => placeholdersDeep(v, [...path, k]));
  return [];
}

/** How many combinations a matrix makes (capped just above `cap`, so a huge matrix costs nothing to count). */
export function combinationCount(
  matrix: Readonly<Record<string, readonly MatrixValue[]>> | undefined,
  cap = Number.MAX_SAFE_INTEGER,
): number {
  let n = 1;
  for (const values of Object.values(matrix ?? {})) {
    n *= values.length;
    if (n > cap) return cap + 1;
  }
  return n;
}

/** The cartesian product: keys in file order, the first key varying slowest, values in list order. */
export function combinations(matrix: Readonly<Record<string, readonly MatrixValue[]>> | undefined): Combination[] {
  let out: Array<Array<readonly [string, MatrixValue]>> = [[]];
  for (const [key, values] of Object.entries(matrix ?? {})) {
    const next: Array<Array<readonly [string, MatrixValue]>> = [];
    for (const prefix of out) for (const v of values) next.push([...prefix, [key, v] as const]);
    out = next;
  }
  return out;
}

/** `product="mug", size=1024`: how messages name a combination. */
export function describeCombination(combination: Combination, variation?: number): string {
  const parts = combination.map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  if (variation !== undefined) parts.push(`variation ${variation}`);
  return parts.join(', ');
}

/** The name of variation i (1-based) of a job that has `count:` > 1. */
export function variationName(name: string, variation: number): string {
  return `${name}-${variation}`;
}

/** Whether a seed can be varied: a whole number ≥ 0 (-1 often means "random", strings are the model's business). */
export function variableSeed(seed: unknown): seed is number {
  return typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0;
}

export interface Expanded {
  /** The job with the combination's values put in, `matrix` and `count` removed and the seed varied. */
  job: MergedJob;
  combination: Combination;
  /** 1-based, when the job has count > 1. */
  variation?: number;
  count: number;
  /** Whether the variation has its own seed (params.seed + variation - 1). */
  seedVaried: boolean;
}

/** One job of the file, defaults merged, as the jobs it stands for. */
export function expandJob(job: MergedJob): Expanded[] {
  const { matrix, count: rawCount, ...rest } = job;
  const count = rawCount ?? 1;
  const out: Expanded[] = [];
  for (const combination of combinations(matrix)) {
    const values = new Map(combination);
    const base: Record<string, unknown> = { ...rest };
    for (const field of TEMPLATE_FIELDS) {
      const v = base[field];
      if (typeof v === 'string') base[field] = substituteText(v, values);
    }
    if (rest.params) base['params'] = substituteDeep(rest.params, values);
    const params = base['params'] as Record<string, unknown> | undefined;
    const seed = params && Object.hasOwn(params, 'seed') ? params['seed'] : undefined;
    for (let i = 1; i <= count; i++) {
      if (count === 1) {
        out.push({ job: base as MergedJob, combination, count, seedVaried: false });
        continue;
      }
      const variant: Record<string, unknown> = { ...base, name: variationName(String(base['name']), i) };
      const seedVaried = variableSeed(seed);
      if (seedVaried) {
        const p: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(params!)) setOwn(p, k, v);
        p['seed'] = seed + i - 1;
        variant['params'] = p;
      }
      out.push({ job: variant as MergedJob, combination, variation: i, count, seedVaried });
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
