// Job names become file names. A name may hold anything (accents, slashes, emoji, NUL);
// the stem made from it must be safe on every file system, stable across runs and
// platforms (a pure function of the name), and distinct names should stay distinct.
import { createHash } from 'node:crypto';

/** Longest stem kept before a name is cut and given a hash suffix. */
export const MAX_STEM_LENGTH = 80;
/** Length of the sha256 prefix appended to a cut stem. */
const HASH_CHARS = 8;

/** Letters NFKD does not decompose into ASCII. */
const TRANSLITERATE: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ħ: 'h',
  ŋ: 'ng',
  ſ: 's',
  ĸ: 'k',
};

/** Windows device names: a file called e.g. `con.png` cannot be created there. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

/**
 * A file-name stem for a job name: lowercase ASCII letters, digits, `-` and `_`; starts
 * with a letter or digit; never empty ('job'), never a Windows device name (gets '-file'),
 * at most 80 characters plus, when cut, '-' and 8 hex characters of sha256(name).
 * Never contains a path separator or a dot.
 */
export function safeFileStem(name: string): string {
  let s = name.normalize('NFKD').toLowerCase();
  s = s.replace(/\p{M}/gu, '');
  s = s.replace(/[^a-z0-9_-]/g, (c) => TRANSLITERATE[c] ?? '-');
  // Collapse separator runs: any run holding a '-' becomes '-', runs of '_' become '_'.
  s = s.replace(/[-_]*-[-_]*/g, '-').replace(/_+/g, '_');
  s = trimSeparators(s);
  if (s.length > MAX_STEM_LENGTH) {
    const head = trimSeparators(s.slice(0, MAX_STEM_LENGTH));
    const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, HASH_CHARS);
    return `${head || 'job'}-${hash}`;
  }
  if (s === '') return 'job';
  if (RESERVED.test(s)) return `${s}-file`;
  return s;
}

function trimSeparators(s: string): string {
  return s.replace(/^[-_.]+/, '').replace(/[-_.]+$/, '');
}

/**
 * Pairs of different names that make the same stem: `a` is the first name with the stem,
 * `b` a later one. Identical names are not reported here (that is a duplicate name).
 */
export function stemClashes(names: string[]): Array<{ a: number; b: number; stem: string }> {
  const first = new Map<string, number>();
  const clashes: Array<{ a: number; b: number; stem: string }> = [];
  names.forEach((name, i) => {
    const stem = safeFileStem(name);
    const a = first.get(stem);
    if (a === undefined) first.set(stem, i);
    else if (names[a] !== name) clashes.push({ a, b: i, stem });
  });
  return clashes;
}

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions (widht → width is 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/**
 * Candidates close to `word`, closest first: same name ignoring case, then small edit
 * distance (at most a third of the word, at least 1), then names sharing a prefix.
 */
export function closestNames(word: string, candidates: readonly string[], limit = 3): string[] {
  const w = word.toLowerCase();
  const scored: Array<{ c: string; d: number }> = [];
  for (const c of new Set(candidates)) {
    const lc = c.toLowerCase();
    let d: number;
    if (lc === w) d = 0;
    else {
      const dist = editDistance(w, lc);
      const allowed = Math.max(1, Math.floor(Math.max(w.length, lc.length) / 3));
      if (dist <= allowed) d = dist;
      else if (w.length >= 3 && (lc.startsWith(w) || w.startsWith(lc))) d = allowed + 1;
      else continue;
    }
    scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : x.c > y.c ? 1 : 0));
  return scored.slice(0, limit).map((s) => s.c);
}
