import { describe, expect, it } from 'vitest';
import { closestNames, editDistance, safeFileStem, stemClashes } from '../../src/jobfile/names.js';

describe('safeFileStem', () => {
  it.each([
    ['product_hero', 'product_hero'],
    ['Hero banner', 'hero-banner'],
    ['Crème brûlée — Ünïcödé', 'creme-brulee-unicode'],
    ['Straße Œuvre Ærø', 'strasse-oeuvre-aero'],
    ['ﬁle ①', 'file-1'],
    ['  --a__b--c..d  ', 'a_b-c-d'],
    ['a - _ b', 'a-b'],
    ['日本語', 'job'],
    ['', 'job'],
    ['...', 'job'],
    ['🚀 launch', 'launch'],
  ])('%j → %j', (name, stem) => {
    expect(safeFileStem(name)).toBe(stem);
  });

  it('path traversal and separators never survive (safe stem)', () => {
    expect(safeFileStem('../../etc/passwd')).toBe('etc-passwd');
    expect(safeFileStem('..\\..\\windows\\system32')).toBe('windows-system32');
    expect(safeFileStem('..')).toBe('job');
    expect(safeFileStem('/abs/path.png')).toBe('abs-path-png');
  });

  it('Windows device names get a suffix (safe stem)', () => {
    for (const n of ['CON', 'con', 'Prn', 'AUX', 'nul', 'COM1', 'com9', 'LPT1', 'lpt9', 'con.', ' NUL ']) {
      expect(safeFileStem(n)).toMatch(/-file$/);
    }
    expect(safeFileStem('console')).toBe('console');
    expect(safeFileStem('com10')).toBe('com10');
  });

  it('NUL and control characters are replaced, not kept (safe stem)', () => {
    expect(safeFileStem('hero\u0000shot\u0007\u001b[31m\r\n')).toBe('hero-shot-31m');
  });

  it('cuts long names to 80 characters plus a hash, keeping distinct names distinct', () => {
    const a = `${'a'.repeat(100)}-one`;
    const b = `${'a'.repeat(100)}-two`;
    const sa = safeFileStem(a);
    const sb = safeFileStem(b);
    expect(sa).toMatch(/^a{80}-[0-9a-f]{8}$/);
    expect(sa).not.toBe(sb);
    expect(sa.length).toBe(89);
    expect(safeFileStem(a)).toBe(sa); // stable
    expect(safeFileStem('x'.repeat(80))).toBe('x'.repeat(80));
  });
});

describe('stemClashes', () => {
  it("finds names that make the same stem ('Hero!' vs 'hero?'), not identical names", () => {
    expect(stemClashes(['Hero!', 'other', 'hero?', 'HERO'])).toEqual([
      { a: 0, b: 2, stem: 'hero' },
      { a: 0, b: 3, stem: 'hero' },
    ]);
    expect(stemClashes(['a', 'a'])).toEqual([]);
    expect(stemClashes(['a', 'b'])).toEqual([]);
  });
});

describe('closeness', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('widht', 'width')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('ranks case-only differences first', () => {
    expect(closestNames('Model', ['mode', 'model', 'prompt'])).toEqual(['model', 'mode']);
    expect(closestNames('zzz', ['model'])).toEqual([]);
  });
});
