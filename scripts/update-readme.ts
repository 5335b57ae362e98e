// Regenerates the README's generated sections from the code they describe (npm run readme).
// test/readme.test.ts fails when the README is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderJobFileReference } from './jobfile-reference.js';

export const README_PATH = resolve(import.meta.dirname, '../README.md');

export const GENERATED: Record<string, () => string> = {
  'jobfile-reference': renderJobFileReference,
};

export function renderReadme(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(GENERATED)) {
    const re = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!re.test(out)) throw new Error(`README.md has no ${name} markers`);
    out = out.replace(re, (_m, start: string, end: string) => `${start}${render().trimEnd()}\n${end}`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(README_PATH, renderReadme(readFileSync(README_PATH, 'utf8')));
}
