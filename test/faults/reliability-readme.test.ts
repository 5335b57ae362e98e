// The README's Reliability section names, for each guarantee, tests that exist in test/faults/ (a bare
// file name) or test/security/ (`security/<file>`).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = /<!-- reliability:start -->\n([\s\S]*?)<!-- reliability:end -->/.exec(readme)?.[1] ?? '';

describe('README Reliability section', () => {
  it('has one line per guarantee, each naming at least one test that exists', () => {
    const lines = section.split('\n').filter((l) => l.startsWith('- '));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      const refs = line.split(/(?=`[\w./-]+\.test\.ts` › )/).filter((seg) => /^`[\w./-]+\.test\.ts` › /.test(seg));
      expect(refs.length, line).toBeGreaterThan(0);
      for (const seg of refs) {
        const file = /^`([\w./-]+\.test\.ts)`/.exec(seg)![1]!;
        const at = file.includes('/') ? join(import.meta.dirname, '..', file) : join(import.meta.dirname, file);
        const source = readFileSync(at, 'utf8').replaceAll("\\'", "'");
        const names = [...seg.matchAll(/"(.+?)"(?=;|,? and "|\.?$| \(|,? and\s*$)/g)].map((m) => m[1]!);
        expect(names.length, seg).toBeGreaterThan(0);
        // The formatter quotes a name with an apostrophe in double quotes.
        for (const name of names) {
          const quoted = [`'${name}'`, `"${name}"`, `\`${name}\``].some((q) => source.includes(q));
          expect(quoted, `${file} has no test "${name}"`).toBe(true);
        }
      }
    }
  });
});
