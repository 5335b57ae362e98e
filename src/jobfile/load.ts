// Reading and validating the job file. Every problem is reported at once, each at its
// line and column, naming the field (jobs[2].model) and saying what to do. This file reads
// (bytes, UTF-8, YAML) and runs the checks in order; positions.ts finds where a value is,
// problems.ts words what is wrong, checks.ts and expansion.ts check what the schema cannot.
import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { JobFile } from './schema.js';
import { firstAliasOffset, invalidUtf8Position, locateNode, type Path } from './positions.js';
import {
  JobFileError,
  describeIssue,
  errorText,
  firstLine,
  formatField,
  isPlainObject,
  sortProblems,
  type JobFileProblem,
} from './problems.js';
import { checkChains, checkNames, checkParams, checkRequired, type Ctx, type NameEntry } from './checks.js';
import { checkExpansion } from './expansion.js';
import { readFast } from './fast-read.js';

export { JobFileError, formatField, formatProblem, type JobFileProblem } from './problems.js';
export { MAX_PARAMS_DEPTH } from './checks.js';

/** Files larger than this are refused before they are parsed. */
export const MAX_JOB_FILE_BYTES = 10 * 1024 * 1024;
/** YAML alias expansions allowed (the yaml library's maxAliasCount): stops alias bombs. */
export const MAX_ALIAS_COUNT = 100;

type Position = { line: number; col: number };

/** A problem with the file as a whole (its size, encoding, YAML), at one place. */
function wholeFileError(file: string, message: string, line = 1, col = 1): JobFileError {
  return new JobFileError([{ file, line, col, field: '', message }]);
}

export function parseJobFile(text: string | Uint8Array, file: string): { jobFile: JobFile; jobLines: number[] } {
  const source = decodeSource(text, file);
  return readLight(source) ?? readPositioned(source, file);
}

/**
 * The light read (fast-read.ts) when it is sure and the file has no problem at all; else
 * undefined, and the positioned read parses again to say where each problem is.
 */
function readLight(source: string): { jobFile: JobFile; jobLines: number[] } | undefined {
  const fast = readFast(source);
  if (!fast || fast.data === null || fast.data === undefined) return undefined;
  const parsed = JobFile.safeParse(fast.data);
  if (!parsed.success || parsed.data.jobs.length !== fast.jobLines.length) return undefined;
  let problems = 0;
  const ctx: Ctx = { add: () => void problems++, offsetOf: () => 0, lineOf: () => 1 };
  checkBeyondSchema(fast.data, ctx);
  return problems ? undefined : { jobFile: parsed.data, jobLines: fast.jobLines };
}

/** What parseJobFile does without the light read (exported for the tests that compare the two). */
export function parseJobFileWithPositions(
  text: string | Uint8Array,
  file: string,
): { jobFile: JobFile; jobLines: number[] } {
  return readPositioned(decodeSource(text, file), file);
}

/** The `yaml` document with positions: every problem at its line and column. */
function readPositioned(source: string, file: string): { jobFile: JobFile; jobLines: number[] } {
  const { doc, posOf } = readYaml(source, file);
  const data = toData(doc, posOf, file);

  const problems: JobFileProblem[] = [];
  const add = (offset: number, path: Path, text: string): void => {
    const { line, col } = posOf(offset);
    const field = formatField(path);
    problems.push({ file, line, col, field, message: `${field || 'job file'}: ${text}` });
  };
  const offsetOf = (path: Path, prefer: 'key' | 'value' = 'value'): number => {
    const found = locateNode(doc, path);
    if (prefer === 'key' && found.key !== undefined) return found.key;
    return found.value ?? found.key ?? found.deepest;
  };
  const lineOf = (path: Path): number => posOf(offsetOf(path)).line;
  const ctx: Ctx = { add, offsetOf, lineOf };

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
  checkBeyondSchema(data, ctx);

  if (problems.length || !parsed.success) {
    if (!problems.length) add(0, [], 'the job file is not valid'); // cannot happen: every issue adds a problem
    throw new JobFileError(sortProblems(problems));
  }
  const jobLines = parsed.data.jobs.map((_, i) => lineOf(['jobs', i]));
  return { jobFile: parsed.data, jobLines };
}

/** The file's text: size-capped, strict UTF-8 (the first bad byte located), without a BOM. */
function decodeSource(text: string | Uint8Array, file: string): string {
  const size = typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : text.byteLength;
  if (size > MAX_JOB_FILE_BYTES) throw wholeFileError(file, tooLargeMessage(size));
  let source: string;
  if (typeof text === 'string') source = text;
  else {
    try {
      source = new TextDecoder('utf-8', { fatal: true }).decode(text);
    } catch {
      const at = invalidUtf8Position(text);
      throw wholeFileError(
        file,
        `the job file is not valid UTF-8: bad byte 0x${at.byte.toString(16).padStart(2, '0')} at byte offset ${at.offset}; save it as UTF-8`,
        at.line,
        at.col,
      );
    }
  }
  return source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
}

/** The YAML document, and how to turn an offset in it into a line and column. Throws on YAML errors. */
function readYaml(source: string, file: string): { doc: Document.Parsed; posOf: (offset: number) => Position } {
  const lineCounter = new LineCounter();
  const posOf = (offset: number): Position => {
    const p = lineCounter.linePos(Math.max(0, offset));
    return { line: p.line || 1, col: p.col || 1 };
  };
  let doc: Document.Parsed;
  try {
    doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  } catch (e) {
    throw wholeFileError(file, `the job file could not be read as YAML: ${errorText(e)}`);
  }
  const problems: JobFileProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const { line, col } = posOf(e.pos[0]);
    const kind = e.name === 'YAMLWarning' ? 'YAML problem' : 'YAML syntax error';
    problems.push({ file, line, col, field: '', message: `${kind}: ${firstLine(e.message)}` });
  }
  if (problems.length) throw new JobFileError(sortProblems(problems));
  return { doc, posOf };
}

/** The document as plain data, refusing alias bombs and an empty file. */
function toData(doc: Document.Parsed, posOf: (offset: number) => Position, file: string): unknown {
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      const { line, col } = posOf(firstAliasOffset(doc));
      throw wholeFileError(
        file,
        `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} uses of anchors): refusing a possible alias bomb; write the values out or use defaults:`,
        line,
        col,
      );
    }
    throw wholeFileError(file, `the job file could not be read as YAML: ${errorText(e)}`);
  }
  if (data === null || data === undefined) {
    throw wholeFileError(file, 'the job file is empty: it needs at least a jobs: list');
  }
  return data;
}

/** params, required keys, matrix/count expansion, names and chains: each problem added through `ctx`. */
function checkBeyondSchema(data: unknown, ctx: Ctx): void {
  const root = isPlainObject(data) ? data : undefined;
  const defaults = root && isPlainObject(root['defaults']) ? root['defaults'] : undefined;
  const jobs = root && Array.isArray(root['jobs']) ? (root['jobs'] as unknown[]) : [];
  if (defaults) checkParams(defaults, ['defaults'], ctx.add, ctx.offsetOf);
  // The names of the jobs the file makes: an entry with matrix: or count: makes several.
  const names: NameEntry[] = [];
  const budget = { added: 0 };
  jobs.forEach((job, i) => {
    if (!isPlainObject(job)) return;
    checkRequired(job, i, defaults, ctx);
    checkParams(job, ['jobs', i], ctx.add, ctx.offsetOf);
    const expanded = checkExpansion(job, i, defaults, ctx, budget);
    if (expanded) names.push(...expanded);
    else if (typeof job['name'] === 'string') names.push({ index: i, name: job['name'] });
  });
  const firstByName = checkNames(names, ctx);
  checkChains(names, firstByName, ctx.add, ctx.offsetOf);
}

export async function loadJobFile(path: string): Promise<{ jobFile: JobFile; jobLines: number[]; path: string }> {
  const whole = (message: string): JobFileError => wholeFileError(path, message);
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

function tooLargeMessage(size: number): string {
  return `the job file is too large: ${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes); the limit is ${MAX_JOB_FILE_BYTES / 1024 / 1024} MiB`;
}
