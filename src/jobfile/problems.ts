// The wording of job-file problems: each at its file:line:col, naming the field
// (jobs[2].model) and saying what to do. What the schema finds (zod issues) is worded here too.
import { z } from 'zod';
import { JobFile, JobSpec } from './schema.js';
import { closestNames } from './names.js';
import type { Path } from './positions.js';

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

export interface IssueText {
  path: Path;
  text: string;
  /** Point at the key rather than its value. */
  prefer?: 'key';
  /** The key is absent: point at the object that should hold it. */
  missing?: boolean;
}

/**
 * What a zod issue means for the person editing the file. Longer than a screen on purpose: one
 * case per zod issue code, read as a table of wordings; splitting it would scatter that table.
 */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown): IssueText[] {
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

export function sortProblems(problems: JobFileProblem[]): JobFileProblem[] {
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

// --- small helpers ---------------------------------------------------------------------

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function valueAt(data: unknown, path: Path): unknown {
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

export function describeValue(v: unknown): string {
  if (v === null) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(truncate(v, 40));
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'binary data';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

export function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
