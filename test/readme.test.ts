// The README's generated sections match the code (npm run readme regenerates them), and its
// input table names exactly the inputs action.yml declares.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { README_PATH, renderReadme } from '../scripts/update-readme.js';
import { readSettings } from '../src/settings.js';

const readme = readFileSync(README_PATH, 'utf8');
const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};

describe('README', () => {
  it('starts with the two commands a newcomer runs', () => {
    const firstBlock = readme.split('```')[1]!;
    expect(firstBlock).toContain('npm ci && npm run demo');
    expect(firstBlock).toContain('npm test');
  });

  it('has its generated sections up to date (run: npm run readme)', () => {
    expect(readme).toBe(renderReadme(readme));
  });

  it('documents every input and output of action.yml, and nothing else', () => {
    const documented = [...readme.matchAll(/^\| `([a-z-]+)`/gm)].map((m) => m[1]!);
    for (const name of Object.keys(action.inputs)) expect(documented, name).toContain(name);
    for (const name of Object.keys(action.outputs)) expect(readme, name).toContain(`\`${name}\``);
  });

  it('every action input is read by the settings, and the settings read no undeclared input', () => {
    const asked = new Set<string>();
    readSettings(
      (name) => {
        asked.add(name);
        return undefined;
      },
      { ATLASCLOUD_API_KEY: 'k' },
    );
    expect([...asked].sort()).toEqual(Object.keys(action.inputs).sort());
  });
});
