// The light first read of a job file (js-yaml's event parser: a fraction of the memory of the
// `yaml` document load.ts builds for positions). It gives up (undefined) wherever the two
// parsers could read the same text differently: anchors, aliases, tags, directives, merge keys,
// complex keys, several documents, plain scalars that look like numbers other than plain
// decimals (0o17, 0x1F, 1_000, .inf, dates), and duplicate keys (js-yaml throws). Then load.ts
// reads the file with `yaml`, which also words any problem at its line and column.
import { constructFromEvents, EVENT_ID, parseEvents, SCALAR_STYLE, type Event } from 'js-yaml';

export interface FastRead {
  data: unknown;
  /** 1-based line of each item of the top-level jobs: list (where `yaml` would place it). */
  jobLines: number[];
}

/** A plain scalar that may be read as a number or a date: only plain decimals are read alike. */
const NUMBER_LIKE = /^[-+]?\.?[0-9.]|^[-+]?\.[A-Za-z]{3}$/;
const PLAIN_DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;
/** Plain words both parsers read as null or a boolean in YAML 1.2; any other spelling of them is suspect. */
const WORD_LIKE = /^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
const SUSPECT_WORD = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|nULL|tRUE|fALSE|=)$/;

export function readFast(source: string): FastRead | undefined {
  let events: Event[];
  try {
    events = parseEvents(source, {});
  } catch {
    return undefined;
  }
  const itemOffsets = safeItemOffsets(events, source);
  if (!itemOffsets) return undefined;
  let docs: unknown[];
  try {
    docs = constructFromEvents(events, { source, maxAliases: 0 });
  } catch {
    return undefined; // duplicate keys and the like: the positioned read words them
  }
  if (docs.length !== 1) return undefined;
  return { data: docs[0], jobLines: linesOf(source, itemOffsets) };
}

type Frame = { kind: 'map' | 'seq'; count: number; jobs: boolean };

/**
 * One pass over the events: undefined when any construct could read differently in `yaml`,
 * else the offsets of the items of the top-level `jobs:` sequence.
 */
function safeItemOffsets(events: Event[], source: string): number[] | undefined {
  const stack: Frame[] = [];
  const offsets: number[] = [];
  let documents = 0;
  let jobsNext = false; // the value after the top-level key `jobs`
  for (const e of events) {
    if (e.type === EVENT_ID.DOCUMENT) {
      if (++documents > 1 || e.directives.length) return undefined;
      continue;
    }
    if (e.type === EVENT_ID.ALIAS) return undefined;
    if (e.type === EVENT_ID.POP) {
      stack.pop();
      continue;
    }
    if (e.anchorStart !== -1 || e.tagStart !== -1) return undefined;
    const parent = stack[stack.length - 1];
    const isKey = parent?.kind === 'map' && parent.count % 2 === 0;
    if (parent) parent.count++;
    if (parent?.kind === 'seq' && parent.jobs) offsets.push(e.type === EVENT_ID.SCALAR ? e.valueStart : e.start);
    const wasJobsValue = jobsNext && parent !== undefined && !isKey;
    if (wasJobsValue) jobsNext = false;
    if (e.type === EVENT_ID.SCALAR) {
      const text = source.slice(e.valueStart, e.valueEnd);
      if (isKey && text.includes('__proto__')) return undefined; // objects built differently
      if (e.style !== SCALAR_STYLE.PLAIN) continue;
      if (isKey && text === '<<') return undefined;
      if (NUMBER_LIKE.test(text) && !/\s/.test(text) && !PLAIN_DECIMAL.test(text)) return undefined;
      if (SUSPECT_WORD.test(text) && !WORD_LIKE.test(text)) return undefined;
      if (isKey && stack.length === 1 && text === 'jobs') jobsNext = true;
      continue;
    }
    if (isKey) return undefined; // a mapping or list as a key
    const kind = e.type === EVENT_ID.MAPPING ? 'map' : 'seq';
    stack.push({ kind, count: 0, jobs: wasJobsValue && kind === 'seq' });
  }
  return offsets;
}

/** 1-based lines of ascending offsets, in one pass over the text. */
function linesOf(source: string, offsets: number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let at = 0;
  for (const offset of offsets) {
    for (let i = source.indexOf('\n', at); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
      line++;
      at = i + 1;
    }
    lines.push(line);
  }
  return lines;
}
