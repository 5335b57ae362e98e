import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { JobFileError, parseJobFile } from '../../src/jobfile/load.js';
import { safeFileStem } from '../../src/jobfile/names.js';
import { planJobs } from '../../src/plan/jobs.js';

/** parseJobFile either returns a plannable file with unique stems, or throws JobFileError with problems. */
function parsesOrJobFileError(input: string | Uint8Array): void {
  let result;
  try {
    result = parseJobFile(input, 'prop.yml');
  } catch (e) {
    if (!(e instanceof JobFileError)) throw e;
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) {
      expect(p.line).toBeGreaterThanOrEqual(1);
      expect(p.col).toBeGreaterThanOrEqual(1);
      expect(p.message).not.toBe('');
    }
    return;
  }
  const jobs = planJobs(result.jobFile, { jobLines: result.jobLines });
  expect(new Set(jobs.map((j) => j.fileStem)).size).toBe(jobs.length);
  expect(result.jobLines).toHaveLength(jobs.length);
}

const yamlBits = fc.constantFrom(
  'jobs:',
  '\n',
  '  ',
  '- ',
  'name: ',
  'model: ',
  'prompt: ',
  'width: ',
  'params: ',
  'defaults:',
  'pricing:',
  'type: ',
  'video',
  'image',
  'a/b/text-to-video',
  '1024',
  '-1',
  '.inf',
  '&x ',
  '*x',
  '<<: ',
  '[',
  ']',
  '{',
  '}',
  ', ',
  ': ',
  '"',
  "'",
  '#',
  '!!binary ',
  '!t ',
  '---\n',
  '|\n',
  '>\n',
  '? ',
  '\t',
  '\u0000',
  '\uFEFF',
  'é',
  '__proto__',
  'widht: ',
);
const jobKeys = fc.constantFrom(
  'name',
  'model',
  'prompt',
  'type',
  'width',
  'height',
  'duration',
  'resolution',
  'params',
  'timeout',
  'widht',
  'num_images',
);
const scalar = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('image', 'video', 'm/x/text-to-video', 'p'),
);
const jobLike = fc.dictionary(jobKeys, fc.oneof(scalar, fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }))), {
  maxKeys: 8,
});
const fileLike = fc.record(
  {
    output_dir: scalar,
    max_workers: fc.oneof(fc.integer({ min: -2, max: 300 }), scalar),
    defaults: jobLike,
    pricing: fc.dictionary(
      fc.string(),
      fc.record({ unit: fc.constantFrom('image', 'second', 'frame'), price: fc.double() }, { requiredKeys: [] }),
    ),
    jobs: fc.oneof(fc.array(jobLike, { maxLength: 6 }), scalar),
    extra: scalar,
  },
  { requiredKeys: [] },
);
// Valid-ish jobs, so that the success path is exercised too.
const goodJob = fc.record({
  name: fc.string({ minLength: 1, maxLength: 30, unit: 'binary' }),
  model: fc.constantFrom('a/b/text-to-image', 'a/b/text-to-video'),
  prompt: fc.string({ minLength: 1 }).map((s) => `p ${s}`),
});

describe('properties', () => {
  it('parseJobFile on arbitrary strings returns or throws JobFileError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), parsesOrJobFileError), { numRuns: 300 });
  });

  it('parseJobFile on YAML-ish fragments returns or throws JobFileError', () => {
    fc.assert(
      fc.property(
        fc.array(yamlBits, { maxLength: 60 }).map((a) => a.join('')),
        parsesOrJobFileError,
      ),
      { numRuns: 500 },
    );
  });

  it('parseJobFile on arbitrary bytes returns or throws JobFileError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), parsesOrJobFileError), { numRuns: 300 });
  });

  it('parseJobFile on JSON-ish objects dumped to YAML returns or throws JobFileError', () => {
    fc.assert(
      fc.property(fc.oneof(fileLike, fc.jsonValue()), (obj) => parsesOrJobFileError(stringify(obj))),
      { numRuns: 300 },
    );
  });

  it('parseJobFile on well-formed files with arbitrary names succeeds unless names clash', () => {
    fc.assert(
      fc.property(fc.array(goodJob, { minLength: 1, maxLength: 8 }), (jobs) => {
        const text = stringify({ jobs });
        const stems = jobs.map((j) => safeFileStem(j.name));
        if (new Set(stems).size === stems.length) {
          const { jobFile } = parseJobFile(text, 'ok.yml');
          expect(planJobs(jobFile).map((j) => j.name)).toEqual(jobs.map((j) => j.name));
        } else {
          expect(() => parseJobFile(text, 'clash.yml')).toThrow(JobFileError);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('safeFileStem is always a safe, short, non-reserved, stable stem', () => {
    const names = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 120 }),
      fc
        .array(
          fc.constantFrom('con', 'CON', 'nul', 'com1', 'lpt9', '.', '..', '/', '\\', '-', '_', ' ', 'a', 'é', '\u0000'),
          { maxLength: 12 },
        )
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(names, (name) => {
        const stem = safeFileStem(name);
        expect(stem).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
        expect(stem.length).toBeLessThanOrEqual(89);
        expect(stem).not.toMatch(/^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/);
        expect(safeFileStem(name)).toBe(stem);
      }),
      { numRuns: 2000 },
    );
  });
});
