// The checks the schema cannot express, made on the raw data so they run even when the schema
// found problems elsewhere: params are plain JSON, required keys are set (here or in defaults:),
// job names are unique and make distinct file names, and `from:` chains resolve with no cycle.
// Each problem is added at its place in the file; matrix and count are checked in expansion.ts.
import { BODY_FIELDS } from './merge.js';
import { stemClashes, closestNames } from './names.js';
import { findCycles, parseChainRef } from './chain.js';
import { describeValue, formatField, isPlainObject, truncate } from './problems.js';
import type { Path } from './positions.js';

/** How deep `params` values may nest. */
export const MAX_PARAMS_DEPTH = 32;

export type Add = (offset: number, path: Path, text: string) => void;
export type OffsetOf = (path: Path, prefer?: 'key' | 'value') => number;

/** `params` of a job or of defaults: plain JSON, no key that a named field sets. */
export function checkParams(level: Record<string, unknown>, at: Path, add: Add, offsetOf: OffsetOf): void {
  const params = level['params'];
  if (!isPlainObject(params)) return; // wrong type: the schema says so
  const levelName = formatField(at);
  for (const key of Object.keys(params)) {
    const path = [...at, 'params', key];
    if (key === 'model' || key === 'prompt') {
      add(offsetOf(path, 'key'), path, `set ${key} with ${key}: on the job (or in defaults:), not in params`);
    } else if ((BODY_FIELDS as readonly string[]).includes(key) && level[key] !== undefined) {
      add(offsetOf(path, 'key'), path, `${key} is also set by ${levelName}.${key}; keep one`);
    } else if (key === '__proto__') {
      add(offsetOf(path, 'key'), path, 'the key "__proto__" is not allowed');
      continue;
    }
    checkJsonValue(params[key], path, 0, add, offsetOf);
  }
}

/** Values sent to the API must be plain JSON: no binary, no dates, no infinities, no deep nesting. */
function checkJsonValue(value: unknown, path: Path, depth: number, add: Add, offsetOf: OffsetOf): void {
  if (depth > MAX_PARAMS_DEPTH) {
    add(offsetOf(path), path, `nested more than ${MAX_PARAMS_DEPTH} levels deep`);
    return;
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      add(offsetOf(path), path, `${String(value)} cannot be sent as JSON; use a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJsonValue(v, [...path, i], depth + 1, add, offsetOf));
    return;
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) checkJsonValue(v, [...path, k], depth + 1, add, offsetOf);
    return;
  }
  const kind =
    value instanceof Uint8Array
      ? 'binary data (!!binary)'
      : typeof value === 'object'
        ? `a ${(value as object).constructor?.name ?? 'special'} value`
        : `a ${typeof value}`;
  add(offsetOf(path), path, `${kind} cannot be sent as JSON; use text, numbers, booleans, lists and mappings`);
}

/** How a check reports: add a problem at an offset, find a path's offset or line. */
export interface Ctx {
  add: Add;
  offsetOf: OffsetOf;
  lineOf: (path: Path) => number;
}

/** model: and prompt: are set on the job or in defaults:. */
export function checkRequired(
  job: Record<string, unknown>,
  i: number,
  defaults: Record<string, unknown> | undefined,
  { add, offsetOf }: Ctx,
): void {
  const label = typeof job['name'] === 'string' ? ` ${JSON.stringify(truncate(job['name'], 60))}` : '';
  for (const key of ['model', 'prompt'] as const) {
    if (job[key] === undefined && defaults?.[key] === undefined) {
      add(offsetOf(['jobs', i]), ['jobs', i, key], `job${label} has no ${key}; set ${key}: on the job or in defaults:`);
    }
  }
}

// --- names and chains ------------------------------------------------------------------

/** A job name the file makes, and (for a matrix or count entry) which combination made it. */
export interface NameEntry {
  index: number;
  name: string;
  /** `product="mug", variation 2`: set when the entry has matrix: or count: > 1. */
  made?: string;
  /** The `{from: …}` references in the job's params (after the matrix values are put in). */
  refs?: RefEntry[];
}

/** A reference to another job's output, and how to report a problem with it at its line. */
export interface RefEntry {
  from: unknown;
  report(text: string): void;
}

/** Duplicate and file-name problems reported per entry before they are only counted. */
export const MAX_NAME_PROBLEMS_PER_ENTRY = 3;

/**
 * Job names are unique and make distinct file names. Returns the first entry of each name (what
 * `from:` references resolve to). An entry whose matrix makes many clashing names gets a few
 * messages and a count, not thousands.
 */
export function checkNames(names: NameEntry[], { add, offsetOf, lineOf }: Ctx): Map<string, NameEntry> {
  const where = (e: NameEntry): string =>
    `jobs[${e.index}]${e.made ? ` with ${e.made}` : ''} at line ${lineOf(['jobs', e.index])}`;
  const nameProblems = new Map<number, number>();
  const nameProblem = (e: NameEntry, text: string): void => {
    const seen = (nameProblems.get(e.index) ?? 0) + 1;
    nameProblems.set(e.index, seen);
    if (seen <= MAX_NAME_PROBLEMS_PER_ENTRY) add(offsetOf(['jobs', e.index, 'name']), ['jobs', e.index, 'name'], text);
  };
  const firstByName = new Map<string, NameEntry>();
  for (const e of names) {
    const first = firstByName.get(e.name);
    if (first === undefined) firstByName.set(e.name, e);
    else
      nameProblem(
        e,
        `duplicate job name ${JSON.stringify(truncate(e.name, 60))}${e.made ? ` (made with ${e.made})` : ''} (first used by ${where(first)}); job names must be unique`,
      );
  }
  for (const clash of stemClashes(names.map((n) => n.name))) {
    const a = names[clash.a]!;
    const b = names[clash.b]!;
    nameProblem(
      b,
      `${JSON.stringify(truncate(b.name, 60))}${b.made ? ` (made with ${b.made})` : ''} makes the same file name "${clash.stem}" as ${JSON.stringify(truncate(a.name, 60))} (${where(a)}); rename one`,
    );
  }
  for (const [index, n] of nameProblems) {
    if (n > MAX_NAME_PROBLEMS_PER_ENTRY) {
      add(
        offsetOf(['jobs', index, 'name']),
        ['jobs', index, 'name'],
        `and ${n - MAX_NAME_PROBLEMS_PER_ENTRY} more names made by this job clash; put every matrix key in the name`,
      );
    }
  }
  return firstByName;
}

/**
 * Chains: every `{from: …}` names another job of the file (by its expanded name), with an output
 * number ≥ 1 after `#` if any, and the jobs' inputs form no cycle. Each problem at its reference.
 */
export function checkChains(
  names: NameEntry[],
  byName: ReadonlyMap<string, NameEntry>,
  add: Add,
  offsetOf: OffsetOf,
): void {
  const all = [...byName.keys()];
  const known = (n: string) => byName.has(n);
  const edges = new Map<string, string[]>();
  const edgeRef = new Map<string, RefEntry>();
  const perEntry = new Map<number, number>();
  const problem = (e: NameEntry, ref: RefEntry, text: string) => {
    const seen = (perEntry.get(e.index) ?? 0) + 1;
    perEntry.set(e.index, seen);
    if (seen <= MAX_NAME_PROBLEMS_PER_ENTRY) ref.report(text);
  };
  for (const e of names) {
    if (byName.get(e.name) !== e) continue; // a duplicate name: reported already
    for (const ref of e.refs ?? []) {
      const read = readChainRef(e, ref, known, all);
      if ('problem' in read) {
        problem(e, ref, read.problem);
        continue;
      }
      const out = edges.get(e.name) ?? [];
      if (!out.includes(read.job)) {
        out.push(read.job);
        edgeRef.set(`${e.name}\u0000${read.job}`, ref);
      }
      edges.set(e.name, out);
    }
  }
  for (const [index, n] of perEntry) {
    if (n > MAX_NAME_PROBLEMS_PER_ENTRY)
      add(
        offsetOf(['jobs', index]),
        ['jobs', index],
        `and ${n - MAX_NAME_PROBLEMS_PER_ENTRY} more from: references made by this job have problems`,
      );
  }
  const nodes = names.filter((e) => byName.get(e.name) === e).map((e) => e.name);
  for (const cycle of findCycles(nodes, edges)) {
    const shown = cycle.map((n) => JSON.stringify(truncate(n, 60))).join(' → ');
    edgeRef
      .get(`${cycle[0]}\u0000${cycle[1]}`)
      ?.report(`chain cycle: ${shown}; every job in it waits for the next one's output, so none of them can start`);
  }
}

/** One `from:` of job `e`: the other job it takes an output of, or what is wrong with it. */
function readChainRef(
  e: NameEntry,
  ref: RefEntry,
  known: (name: string) => boolean,
  all: readonly string[],
): { job: string } | { problem: string } {
  const hint =
    'from: takes the name of another job, e.g. {from: "Product Hero"}, or {from: "Product Hero#2"} for its second output';
  if (typeof ref.from !== 'string' || ref.from === '')
    return { problem: `expected a job name, got ${describeValue(ref.from)}; ${hint}` };
  const parsed = parseChainRef(ref.from, known);
  if (parsed.kind === 'unknown') {
    const close = closestNames(
      parsed.job,
      all.filter((n) => n !== e.name),
      1,
    )[0];
    return {
      problem: `unknown job ${JSON.stringify(truncate(parsed.job, 60))} in from:${close ? ` (did you mean ${JSON.stringify(truncate(close, 60))}?)` : ''}; ${hint}`,
    };
  }
  if (parsed.kind === 'bad-output') {
    return {
      problem:
        parsed.suffix !== '' && /^0+$/.test(parsed.suffix)
          ? `#${parsed.suffix} is not an output: outputs count from 1 (${JSON.stringify(`${truncate(parsed.job, 60)}#1`)} is the first, as is the name alone)`
          : `${JSON.stringify(`#${truncate(parsed.suffix, 20)}`)} is not an output number; write ${JSON.stringify(`${truncate(parsed.job, 60)}#2`)} for the second output`,
    };
  }
  if (parsed.job === e.name) {
    return {
      problem: `the job takes its own output (from: ${JSON.stringify(truncate(ref.from, 60))} is this job); name another job`,
    };
  }
  return { job: parsed.job };
}
