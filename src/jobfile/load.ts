// Reading and validating the job file. Every problem is reported at once, each at its
// line and column, naming the field (jobs[2].model) and saying what to do.
import { readFile, stat } from 'node:fs/promises';
import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
import { z } from 'zod';
import { JobFile, JobSpec, MATRIX_KEY, MAX_COUNT, type JobDefaults, type MatrixValue } from './schema.js';
import { BODY_FIELDS, mergeJob } from './merge.js';
import { closestNames, stemClashes } from './names.js';
import { findChainRefs, findCycles, parseChainRef } from './chain.js';
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

/** Files larger than this are refused before they are parsed. */
export const MAX_JOB_FILE_BYTES = 10 * 1024 * 1024;
/** YAML alias expansions allowed (the yaml library's maxAliasCount): stops alias bombs. */
export const MAX_ALIAS_COUNT = 100;
/** How deep `params` values may nest. */
export const MAX_PARAMS_DEPTH = 32;

export interface JobFileProblem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units like an editor's column. */
  col: number;
  /** Where in the file, e.g. `jobs[2].model`; '' for the file as a whole. */
  field: string;
  /** The whole message, naming the field: `jobs[2].widht: unknown key "widht" (did you mean "width"?)`. */
  message: string;
}

export class JobFileError extends Error {
  readonly problems: JobFileProblem[];
  constructor(problems: JobFileProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'JobFileError';
    this.problems = problems;
  }
}

export function formatProblem(p: JobFileProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

type Path = ReadonlyArray<string | number>;

/** `jobs[2].params.seed`, `pricing["google/veo3.1/text-to-video"].price`. */
export function formatField(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const key = String(seg);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

export function parseJobFile(text: string | Uint8Array, file: string): { jobFile: JobFile; jobLines: number[] } {
  const whole = (message: string, line = 1, col = 1): JobFileError =>
    new JobFileError([{ file, line, col, field: '', message }]);

  const size = typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : text.byteLength;
  if (size > MAX_JOB_FILE_BYTES) throw whole(tooLargeMessage(size));

  let source: string;
  if (typeof text === 'string') source = text;
  else {
    try {
      source = new TextDecoder('utf-8', { fatal: true }).decode(text);
    } catch {
      const at = invalidUtf8Position(text);
      throw whole(
        `the job file is not valid UTF-8: bad byte 0x${at.byte.toString(16).padStart(2, '0')} at byte offset ${at.offset}; save it as UTF-8`,
        at.line,
        at.col,
      );
    }
  }
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);

  const lineCounter = new LineCounter();
  const posOf = (offset: number): { line: number; col: number } => {
    const p = lineCounter.linePos(Math.max(0, offset));
    return { line: p.line || 1, col: p.col || 1 };
  };

  let doc: Document.Parsed;
  try {
    doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  } catch (e) {
    throw whole(`the job file could not be read as YAML: ${errorText(e)}`);
  }

  const problems: JobFileProblem[] = [];
  const add = (offset: number, path: Path, text: string): void => {
    const { line, col } = posOf(offset);
    const field = formatField(path);
    problems.push({ file, line, col, field, message: `${field || 'job file'}: ${text}` });
  };

  for (const e of [...doc.errors, ...doc.warnings]) {
    const { line, col } = posOf(e.pos[0]);
    const kind = e.name === 'YAMLWarning' ? 'YAML problem' : 'YAML syntax error';
    problems.push({ file, line, col, field: '', message: `${kind}: ${firstLine(e.message)}` });
  }
  if (problems.length) throw new JobFileError(sortProblems(problems));

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      const { line, col } = posOf(firstAliasOffset(doc));
      throw whole(
        `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} uses of anchors): refusing a possible alias bomb; write the values out or use defaults:`,
        line,
        col,
      );
    }
    throw whole(`the job file could not be read as YAML: ${errorText(e)}`);
  }
  if (data === null || data === undefined) {
    throw whole('the job file is empty: it needs at least a jobs: list');
  }

  const locate = (path: Path) => locateNode(doc, path);
  const offsetOf = (path: Path, prefer: 'key' | 'value' = 'value'): number => {
    const found = locate(path);
    if (prefer === 'key' && found.key !== undefined) return found.key;
    return found.value ?? found.key ?? found.deepest;
  };

  // 1. The schema.
  const parsed = JobFile.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      for (const p of describeIssue(issue, data))
        add(
          p.prefer === 'key' ? offsetOf(p.path, 'key') : p.missing ? offsetOf(p.path.slice(0, -1)) : offsetOf(p.path),
          p.path,
          p.text,
        );
    }
  }

  // 2. Checks the schema cannot express, made on the raw data so they run even when the
  //    schema found problems elsewhere: every problem is reported at once.
  const root = isPlainObject(data) ? data : undefined;
  const defaults = root && isPlainObject(root['defaults']) ? root['defaults'] : undefined;
  const jobs = root && Array.isArray(root['jobs']) ? (root['jobs'] as unknown[]) : [];
  const lineOf = (path: Path): number => posOf(offsetOf(path)).line;

  if (defaults) checkParams(defaults, ['defaults'], add, offsetOf);
  // The names of the jobs the file makes: an entry with matrix: or count: makes several.
  const names: NameEntry[] = [];
  const budget = { added: 0 };
  jobs.forEach((job, i) => {
    if (!isPlainObject(job)) return;
    const label = typeof job['name'] === 'string' ? ` ${JSON.stringify(truncate(job['name'], 60))}` : '';
    for (const key of ['model', 'prompt'] as const) {
      if (job[key] === undefined && defaults?.[key] === undefined) {
        add(
          offsetOf(['jobs', i]),
          ['jobs', i, key],
          `job${label} has no ${key}; set ${key}: on the job or in defaults:`,
        );
      }
    }
    checkParams(job, ['jobs', i], add, offsetOf);
    const expanded = checkExpansion(job, i, defaults, { add, offsetOf, lineOf }, budget);
    if (expanded) names.push(...expanded);
    else if (typeof job['name'] === 'string') names.push({ index: i, name: job['name'] });
  });

  const where = (e: NameEntry): string =>
    `jobs[${e.index}]${e.made ? ` with ${e.made}` : ''} at line ${lineOf(['jobs', e.index])}`;
  // An entry whose matrix makes many clashing names gets a few messages and a count, not thousands.
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
  checkChains(names, firstByName, add, offsetOf);

  if (problems.length || !parsed.success) {
    if (!problems.length) add(0, [], 'the job file is not valid'); // cannot happen: every issue adds a problem
    throw new JobFileError(sortProblems(problems));
  }

  const jobLines = parsed.data.jobs.map((_, i) => lineOf(['jobs', i]));
  return { jobFile: parsed.data, jobLines };
}

export async function loadJobFile(path: string): Promise<{ jobFile: JobFile; jobLines: number[]; path: string }> {
  const whole = (message: string): JobFileError =>
    new JobFileError([{ file: path, line: 1, col: 1, field: '', message }]);
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw whole(`job file not found: ${path}`);
    throw whole(`cannot read the job file ${path}: ${errorText(e)}`);
  }
  if (info.isDirectory()) throw whole(`the job file ${path} is a directory, not a file`);
  if (!info.isFile()) throw whole(`the job file ${path} is not a regular file`);
  if (info.size > MAX_JOB_FILE_BYTES) throw whole(tooLargeMessage(info.size));
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw whole(`cannot read the job file ${path}: ${errorText(e)}`);
  }
  return { ...parseJobFile(bytes, path), path };
}

// ---------------------------------------------------------------------------------------

interface IssueText {
  path: Path;
  text: string;
  /** Point at the key rather than its value. */
  prefer?: 'key';
  /** The key is absent: point at the object that should hold it. */
  missing?: boolean;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): IssueText[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  const value = valueAt(data, path);
  const last = path[path.length - 1];
  switch (issue.code) {
    case 'invalid_key': {
      const inner = issue.issues[0]?.message;
      return [
        {
          path,
          prefer: 'key' as const,
          text: `the key ${JSON.stringify(String(last))} is not allowed${inner ? `: ${inner}` : ''}`,
        },
      ];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: [...path, key],
        prefer: 'key' as const,
        text: `unknown key ${JSON.stringify(key)}${unknownKeyHint(path, key)}`,
      }));
    case 'invalid_type': {
      if (value === undefined) {
        return [
          {
            path,
            missing: true,
            text:
              last === 'jobs' && path.length === 1 ? 'missing: the file needs a jobs: list' : 'required key is missing',
          },
        ];
      }
      let hint = '';
      if (path.length === 1 && last === 'jobs' && isPlainObject(value))
        hint = ' (jobs: is a list: start each job with "- name: …")';
      else if (path.length === 1 && last === 'pricing' && typeof value === 'string')
        hint = ' (for the current prices Atlas lists, write pricing: {live: true})';
      else if (issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean'))
        hint = ` (quote it: "${String(value)}")`;
      else if (
        (issue.expected === 'number' || issue.expected === 'int') &&
        typeof value === 'string' &&
        /^\s*-?\d+(\.\d+)?\s*$/.test(value)
      )
        hint = ' (remove the quotes)';
      else if (value === null) hint = ' (the value is empty)';
      return [{ path, text: `expected ${expectedWord(issue.expected)}, got ${describeValue(value)}${hint}` }];
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v));
      const close = typeof value === 'string' ? closestNames(value, issue.values.map(String), 1) : [];
      return [
        {
          path,
          text: `must be one of ${options.join(', ')}, got ${describeValue(value)}${close[0] ? ` (did you mean "${close[0]}"?)` : ''}`,
        },
      ];
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array')
        return [
          {
            path,
            text: path.length === 1 && last === 'jobs' ? 'needs at least one job' : `needs at least ${min} item(s)`,
          },
        ];
      if (issue.origin === 'string')
        return [{ path, text: min <= 1 ? 'must not be empty' : `must be at least ${min} characters` }];
      return [
        { path, text: `must be ${issue.inclusive ? 'at least' : 'greater than'} ${min}, got ${describeValue(value)}` },
      ];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string')
        return [
          { path, text: `is too long: ${typeof value === 'string' ? value.length : '?'} characters (at most ${max})` },
        ];
      if (issue.origin === 'array') return [{ path, text: `has too many items (at most ${max})` }];
      return [
        { path, text: `must be ${issue.inclusive ? 'at most' : 'less than'} ${max}, got ${describeValue(value)}` },
      ];
    }
    default:
      return [{ path, text: issue.message }];
  }
}

/** Suggest the key meant, or where the key belongs. */
function unknownKeyHint(path: Path, key: string): string {
  const allowed = allowedKeys(path);
  const close = closestNames(key, allowed, 1);
  if (close[0]) return ` (did you mean "${close[0]}"?)`;
  const isJobLevel = allowed.includes('params');
  if (isJobLevel && key === 'name' && path[0] === 'defaults') return ' (every job needs its own name)';
  if (isJobLevel) return ' (model parameters go under params:)';
  if (path.length === 0 && key in JobSpec.shape) return ' (job keys go in each job, or under defaults: for all jobs)';
  return allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
}

/** The keys the schema allows for the object at `path`. */
function allowedKeys(path: Path): string[] {
  let schema: z.ZodType | undefined = JobFile;
  for (const seg of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(seg)];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  while (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
  return schema;
}

type Add = (offset: number, path: Path, text: string) => void;
type OffsetOf = (path: Path, prefer?: 'key' | 'value') => number;

/** `params` of a job or of defaults: plain JSON, no key that a named field sets. */
function checkParams(level: Record<string, unknown>, at: Path, add: Add, offsetOf: OffsetOf): void {
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

// --- matrix and count ------------------------------------------------------------------

/** A job name the file makes, and (for a matrix or count entry) which combination made it. */
interface NameEntry {
  index: number;
  name: string;
  /** `product="mug", variation 2`: set when the entry has matrix: or count: > 1. */
  made?: string;
  /** The `{from: …}` references in the job's params (after the matrix values are put in). */
  refs?: RefEntry[];
}

/** A reference to another job's output, and how to report a problem with it at its line. */
interface RefEntry {
  from: unknown;
  report(text: string): void;
}

/**
 * Chains: every `{from: …}` names another job of the file (by its expanded name), with an output
 * number ≥ 1 after `#` if any, and the jobs' inputs form no cycle. Each problem at its reference.
 */
function checkChains(names: NameEntry[], byName: ReadonlyMap<string, NameEntry>, add: Add, offsetOf: OffsetOf): void {
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
      const hint =
        'from: takes the name of another job, e.g. {from: "Product Hero"}, or {from: "Product Hero#2"} for its second output';
      if (typeof ref.from !== 'string' || ref.from === '') {
        problem(e, ref, `expected a job name, got ${describeValue(ref.from)}; ${hint}`);
        continue;
      }
      const parsed = parseChainRef(ref.from, known);
      if (parsed.kind === 'unknown') {
        const close = closestNames(
          parsed.job,
          all.filter((n) => n !== e.name),
          1,
        )[0];
        problem(
          e,
          ref,
          `unknown job ${JSON.stringify(truncate(parsed.job, 60))} in from:${close ? ` (did you mean ${JSON.stringify(truncate(close, 60))}?)` : ''}; ${hint}`,
        );
      } else if (parsed.kind === 'bad-output') {
        problem(
          e,
          ref,
          parsed.suffix !== '' && /^0+$/.test(parsed.suffix)
            ? `#${parsed.suffix} is not an output: outputs count from 1 (${JSON.stringify(`${truncate(parsed.job, 60)}#1`)} is the first, as is the name alone)`
            : `${JSON.stringify(`#${truncate(parsed.suffix, 20)}`)} is not an output number; write ${JSON.stringify(`${truncate(parsed.job, 60)}#2`)} for the second output`,
        );
      } else if (parsed.job === e.name) {
        problem(
          e,
          ref,
          `the job takes its own output (from: ${JSON.stringify(truncate(ref.from, 60))} is this job); name another job`,
        );
      } else {
        const out = edges.get(e.name) ?? [];
        if (!out.includes(parsed.job)) {
          out.push(parsed.job);
          edgeRef.set(`${e.name}\u0000${parsed.job}`, ref);
        }
        edges.set(e.name, out);
      }
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

/** Duplicate and file-name problems reported per entry before they are only counted. */
const MAX_NAME_PROBLEMS_PER_ENTRY = 3;

interface Ctx {
  add: Add;
  offsetOf: OffsetOf;
  lineOf: (path: Path) => number;
}

/**
 * Check an entry's matrix, count and placeholders, and return the names of the jobs it
 * makes; undefined when it cannot be expanded (the schema or this check said why).
 * Every problem points into the entry (or at it, for what it inherits from defaults:).
 */
function checkExpansion(
  job: Record<string, unknown>,
  i: number,
  defaults: Record<string, unknown> | undefined,
  { add, offsetOf, lineOf }: Ctx,
  budget: { added: number },
): NameEntry[] | undefined {
  const at = (...rest: Path): Path => ['jobs', i, ...rest];
  // The matrix: a mapping of names to non-empty lists of distinct scalars (the schema reports other shapes).
  const rawMatrix = job['matrix'];
  const matrix: Record<string, MatrixValue[]> = {};
  if (rawMatrix !== undefined) {
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
    if (!ok) return undefined;
  }
  const rawCount = job['count'];
  if (
    rawCount !== undefined &&
    !(Number.isSafeInteger(rawCount) && (rawCount as number) >= 1 && (rawCount as number) <= MAX_COUNT)
  )
    return undefined;
  const count = (rawCount as number | undefined) ?? 1;
  const expands = rawMatrix !== undefined || count > 1;

  // How many jobs: bounded per entry and for the file.
  const combos = combinationCount(matrix, MAX_JOBS_PER_ENTRY);
  const made = combos > MAX_JOBS_PER_ENTRY ? combos : combos * count;
  if (made > MAX_JOBS_PER_ENTRY) {
    const path = rawMatrix !== undefined ? at('matrix') : at('count');
    const how =
      combos > MAX_JOBS_PER_ENTRY
        ? `more than ${MAX_JOBS_PER_ENTRY} jobs`
        : `${made} jobs (${combos} combination${combos === 1 ? '' : 's'} × count ${count})`;
    add(offsetOf(path), path, `this job would make ${how}; at most ${MAX_JOBS_PER_ENTRY} per job`);
    return undefined;
  }
  if (budget.added + made - 1 > MAX_EXPANDED_JOBS) {
    const path = rawMatrix !== undefined ? at('matrix') : at('count');
    add(
      offsetOf(path),
      path,
      `matrices and counts would add more than ${MAX_EXPANDED_JOBS} jobs to the file; split it`,
    );
    return undefined;
  }
  budget.added += made - 1;

  const name = job['name'];
  if (typeof name !== 'string') return undefined;
  const merged = mergeJob(defaults as JobDefaults | undefined, job as JobSpec) as Record<string, unknown>;
  const keys = Object.keys(matrix);

  /** Where a field of the merged job comes from: the entry itself, or defaults: (reported at the entry). */
  const report = (path: Path, text: string): void => {
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

  // Every ${key} must be a matrix key.
  const found: Array<{ path: Path; key: string }> = [];
  for (const field of TEMPLATE_FIELDS) {
    const v = merged[field];
    if (typeof v === 'string') for (const key of placeholdersIn(v)) found.push({ path: [field], key });
  }
  if (isPlainObject(merged['params'])) found.push(...placeholdersDeep(merged['params'], ['params']));
  let unknown = false;
  for (const { path, key } of found) {
    if (keys.includes(key)) continue;
    unknown = true;
    const literal = `$\${${key}}`;
    if (rawMatrix === undefined) {
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
  if (unknown) return undefined;

  // Each combination needs its own name: every key with more than one value is in it.
  const inName = placeholdersIn(name);
  const missing = keys.filter((k) => matrix[k]!.length > 1 && !inName.includes(k));
  if (missing.length) {
    add(
      offsetOf(at('name')),
      at('name'),
      `the matrix makes ${combos} jobs from this one and each needs its own name: add ${missing.map((k) => `\${${k}}`).join(' and ')} to the name`,
    );
    return undefined;
  }

  // The expanded jobs: what the schema checks on a written value, checked on the made one.
  const entries: NameEntry[] = [];
  /** The references in the made job's params, reported (later, once every name is known) where they are written. */
  const refsOf = (job2: Record<string, unknown>, made: string | undefined): RefEntry[] =>
    isPlainObject(job2['params'])
      ? findChainRefs(job2['params'], ['params']).map(({ path, from }) => ({
          from,
          report: (text: string) => report([...path, 'from'], made ? `${text} (made with ${made})` : text),
        }))
      : [];
  let bad = false;
  for (const x of expandJob(merged as JobSpec)) {
    const made = expands ? describeCombination(x.combination, x.variation) : undefined;
    const job2 = x.job as Record<string, unknown>;
    const uses = (field: string) =>
      typeof merged[field] === 'string' && placeholdersIn(merged[field] as string).length > 0;
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
    const refs = refsOf(job2, made);
    entries.push({ index: i, name: n, ...(made ? { made } : {}), ...(refs.length ? { refs } : {}) });
    if (bad) break; // one combination's problem is enough to show
  }
  return bad ? undefined : entries;
}

function isMatrixValue(v: unknown): v is MatrixValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// --- positions -------------------------------------------------------------------------

interface Located {
  /** Offset of the value node, when it exists. */
  value?: number;
  /** Offset of the key, when the last step was a mapping key. */
  key?: number;
  /** Offset of the deepest node found on the way: where a missing key belongs. */
  deepest: number;
}

/** Where a data path is in the YAML source (what doc.getIn(path, true) finds, plus the key and a fallback). */
function locateNode(doc: Document.Parsed, path: Path): Located {
  let node: unknown = doc.contents;
  let deepest = rangeStart(node) ?? 0;
  let key: number | undefined;
  for (const seg of path) {
    node = resolve(doc, node);
    key = undefined;
    if (isMap(node)) {
      const pair = findPair(doc, node, seg, 0);
      if (!pair) return { deepest };
      key = rangeStart(pair.key);
      node = pair.value;
      deepest = rangeStart(node) ?? key ?? deepest;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) return { deepest };
      deepest = rangeStart(node) ?? deepest;
    } else {
      return { deepest };
    }
  }
  // An empty value (`height:`) has an empty range after the colon: point at the key instead.
  const empty = isScalar(node) && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
  const value = empty ? undefined : rangeStart(node);
  return { deepest, ...(value !== undefined ? { value } : {}), ...(key !== undefined ? { key } : {}) };
}

function findPair(
  doc: Document.Parsed,
  map: unknown,
  seg: string | number,
  depth: number,
): { key: unknown; value: unknown } | undefined {
  if (!isMap(map) || depth > 8) return undefined;
  let merged: { key: unknown; value: unknown } | undefined;
  for (const item of map.items) {
    if (!isPair(item)) continue;
    const k = isScalar(item.key) ? item.key.value : item.key;
    if (String(k) === String(seg)) return item;
    if (k === '<<' && !merged) {
      const src = resolve(doc, item.value);
      const sources = isSeq(src) ? src.items.map((s) => resolve(doc, s)) : [src];
      for (const s of sources) {
        merged = findPair(doc, s, seg, depth + 1);
        if (merged) break;
      }
    }
  }
  return merged;
}

function resolve(doc: Document.Parsed, node: unknown): unknown {
  let n = node;
  for (let i = 0; i < 8 && isAlias(n); i++) n = n.resolve(doc);
  return n;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function firstAliasOffset(doc: Document.Parsed): number {
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

// --- bytes -----------------------------------------------------------------------------

/** Where the first byte that is not valid UTF-8 is (WHATWG decoder rules). */
function invalidUtf8Position(bytes: Uint8Array): { offset: number; byte: number; line: number; col: number } {
  const n = bytes.length;
  let i = 0;
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => j < n && bytes[j]! >= lo && bytes[j]! <= hi;
  while (i < n) {
    const b = bytes[i]!;
    let len = 0;
    if (b < 0x80) len = 1;
    else if (b >= 0xc2 && b <= 0xdf) len = cont(i + 1) ? 2 : 0;
    else if (b === 0xe0) len = cont(i + 1, 0xa0) && cont(i + 2) ? 3 : 0;
    else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) len = cont(i + 1) && cont(i + 2) ? 3 : 0;
    else if (b === 0xed) len = cont(i + 1, 0x80, 0x9f) && cont(i + 2) ? 3 : 0;
    else if (b === 0xf0) len = cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    else if (b >= 0xf1 && b <= 0xf3) len = cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    else if (b === 0xf4) len = cont(i + 1, 0x80, 0x8f) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    if (len === 0) break;
    i += len;
  }
  const offset = Math.min(i, n - 1);
  let line = 1;
  let lineStart = 0;
  for (let j = 0; j < offset; j++) {
    if (bytes[j] === 0x0a) {
      line++;
      lineStart = j + 1;
    }
  }
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { offset, byte: bytes[offset] ?? 0, line, col: before.length + 1 };
}

// --- small helpers ---------------------------------------------------------------------

function tooLargeMessage(size: number): string {
  return `the job file is too large: ${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes); the limit is ${MAX_JOB_FILE_BYTES / 1024 / 1024} MiB`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function expectedWord(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'object':
    case 'record':
      return 'a mapping (key: value)';
    case 'array':
      return 'a list';
    case 'boolean':
      return 'true or false';
    default:
      return expected;
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(truncate(v, 40));
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'binary data';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function sortProblems(problems: JobFileProblem[]): JobFileProblem[] {
  const seen = new Set<string>();
  return problems
    .map((p, i) => ({ p, i }))
    .sort((x, y) => x.p.line - y.p.line || x.p.col - y.p.col || x.i - y.i)
    .map((x) => x.p)
    .filter((p) => {
      const k = formatProblem(p);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}
