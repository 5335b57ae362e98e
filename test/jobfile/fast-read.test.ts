import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readFast } from '../../src/jobfile/fast-read.js';
import { parseJobFile, parseJobFileWithPositions } from '../../src/jobfile/load.js';
import { planJobs } from '../../src/plan/jobs.js';
import { annotateFailures } from '../../src/report/annotations.js';
import type { Log, Where } from '../../src/shared/log.js';

/** What a read gives: the job file and lines, or the exact error text. */
function outcome(read: () => unknown): unknown {
  try {
    return { ok: read() };
  } catch (e) {
    return { error: String(e) };
  }
}

/** The light read (with the positioned one behind it) and the positioned read alone agree. */
function agree(text: string): void {
  expect(outcome(() => parseJobFile(text, 'f.yml'))).toEqual(outcome(() => parseJobFileWithPositions(text, 'f.yml')));
}

const word = fc.stringMatching(/^[a-z][a-z0-9 ]{0,12}$/);
const goodJob = fc.record(
  {
    name: word,
    model: fc.constantFrom('a/b/text-to-image', 'a/b/text-to-video'),
    prompt: fc.oneof(fc.string({ minLength: 1 }), fc.constant('line one\nline two\n')),
    width: fc.integer({ min: 64, max: 4096 }),
    params: fc.dictionary(word, fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean())),
  },
  { requiredKeys: ['name', 'model', 'prompt'] },
);
const goodFile = fc.record({
  max_workers: fc.integer({ min: 1, max: 64 }),
  jobs: fc.uniqueArray(goodJob, { minLength: 1, maxLength: 6, selector: (j) => j.name }),
});
const styles = fc.record({
  flow: fc.boolean(),
  quote: fc.boolean(),
  blank: fc.boolean(),
});

describe('the light read of the job file', () => {
  it('gives the same job file and lines as the positioned read on generated valid files', () => {
    let light = 0;
    fc.assert(
      fc.property(goodFile, styles, (file, s) => {
        let text = stringify(file, {
          collectionStyle: s.flow ? 'flow' : 'any',
          defaultStringType: s.quote ? 'QUOTE_DOUBLE' : 'PLAIN',
          lineWidth: 40,
        });
        if (s.blank) text = `# jobs for the week\n\n${text.replace(/\n {2}- /g, '\n\n  # next\n  - ')}`;
        agree(text);
        if (readFast(text)) light++;
      }),
      { numRuns: 300 },
    );
    // Most of these files take the light read: the comparison is not only of the fallback with itself.
    expect(light).toBeGreaterThan(150);
  });

  it('agrees with the positioned read on arbitrary YAML-ish text', () => {
    const bits = fc.constantFrom(
      'jobs:\n',
      '- ',
      'name: ',
      'model: a/b/text-to-image\n',
      'prompt: ',
      'x\n',
      '  ',
      '{',
      '}',
      '[',
      ']',
      ', ',
      '"',
      "'",
      '#',
      '|\n',
      '? ',
      'yes',
      '0o17',
      '017',
      '1_0',
      '.inf',
      '&a ',
      '*a',
      '<<: ',
      '!t ',
    );
    fc.assert(
      fc.property(fc.array(bits, { maxLength: 40 }), (a) => agree(a.join(''))),
      { numRuns: 500 },
    );
  });

  const base = (job: string): string => `jobs:\n  - name: a\n    model: a/b/text-to-image\n    prompt: p\n${job}`;
  const edges: Record<string, string> = {
    anchor: 'defaults: &d {width: 512}\njobs:\n  - name: a\n    model: a/b/text-to-image\n    prompt: p\n    <<: *d\n',
    alias: 'x: &p hi\njobs:\n  - name: a\n    model: a/b/text-to-image\n    prompt: *p\n',
    'merge key': base('    params:\n      <<: {seed: 1}\n'),
    tag: base('    params:\n      seed: !!str 12\n'),
    'custom tag': base('    params:\n      seed: !seed 12\n'),
    'duplicate key': base('    prompt: q\n'),
    'yes (YAML 1.1 boolean)': base('    params:\n      flag: yes\n'),
    'On (YAML 1.1 boolean)': base('    params:\n      flag: On\n'),
    '0o17 (YAML 1.2 octal)': base('    params:\n      mode: 0o17\n'),
    '017 (YAML 1.1 octal)': base('    params:\n      mode: 017\n'),
    '0x1F': base('    params:\n      mode: 0x1F\n'),
    '1_000 (YAML 1.1 separators)': base('    params:\n      n: 1_000\n'),
    '.inf': base('    params:\n      n: .inf\n'),
    date: base('    params:\n      day: 2024-01-02\n'),
    '+12': base('    params:\n      n: +12\n'),
    directive: `%YAML 1.1\n---\n${base('')}`,
    'two documents': `${base('')}---\njobs: []\n`,
    'complex key': base('    params:\n      ? [a, b]\n      : 1\n'),
    __proto__: base('    params:\n      __proto__: {x: 1}\n'),
  };
  for (const [name, text] of Object.entries(edges)) {
    it(`leaves ${name} to the positioned read, which gives the same answer`, () => {
      expect(readFast(text)).toBeUndefined();
      agree(text);
    });
  }

  it('reads plain decimals, words and strings itself, alike', () => {
    const text = base(
      '    width: 512\n    params:\n      a: -1.5e3\n      b: true\n      c: ~\n      d: "0o17"\n      e: 2 cats\n',
    );
    expect(readFast(text)).toBeDefined();
    agree(text);
  });

  it('names the line of a failed job in its annotation, for a file read the light way', () => {
    const text = [
      '# weekly pack',
      'jobs:',
      '  - name: first',
      '    model: a/b/text-to-image',
      '    prompt: |',
      '      a long',
      '      - not an item',
      '',
      '  # the next one',
      '  - {name: second, model: a/b/text-to-image, prompt: p}',
      '  -',
      '    name: third',
      '    model: a/b/text-to-image',
      '    prompt: p',
      '',
    ].join('\n');
    expect(readFast(text)?.jobLines).toEqual([3, 10, 12]);
    const { jobFile, jobLines } = parseJobFile(text, 'jobs.yml');
    expect(jobLines).toEqual(parseJobFileWithPositions(text, 'jobs.yml').jobLines);
    const lines = new Map(planJobs(jobFile, { jobLines }).map((j) => [j.name, j.line]));
    const errors: Array<{ message: string; where?: Where }> = [];
    const log = { error: (message: string, where?: Where) => errors.push({ message, ...(where ? { where } : {}) }) };
    const manifest = {
      config: 'jobs.yml',
      results: [{ name: 'third', model: 'a/b/text-to-image', status: 'failed', error: 'moderation' }],
    };
    annotateFailures(manifest as never, log as unknown as Log, { lineOf: (n) => lines.get(n) });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.where).toMatchObject({ file: 'jobs.yml', line: 12 });
  });
});
