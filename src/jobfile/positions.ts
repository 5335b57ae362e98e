// Where a value of the job file is in its text: the YAML node a data path leads to (through
// anchors, aliases and merge keys), and where the first byte that is not UTF-8 is.
import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Document, type Node } from 'yaml';

/** A data path into the job file: keys and list indexes. */
export type Path = ReadonlyArray<string | number>;

export interface Located {
  /** Offset of the value node, when it exists. */
  value?: number;
  /** Offset of the key, when the last step was a mapping key. */
  key?: number;
  /** Offset of the deepest node found on the way: where a missing key belongs. */
  deepest: number;
}

/** Where a data path is in the YAML source (what doc.getIn(path, true) finds, plus the key and a fallback). */
export function locateNode(doc: Document.Parsed, path: Path): Located {
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

export function firstAliasOffset(doc: Document.Parsed): number {
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

/** Where the first byte that is not valid UTF-8 is (WHATWG decoder rules). */
export function invalidUtf8Position(bytes: Uint8Array): { offset: number; byte: number; line: number; col: number } {
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
