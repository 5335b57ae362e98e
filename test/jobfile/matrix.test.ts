// Prompt matrices and count: one entry of the file becomes several jobs, exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { JobFileError, loadJobFile, parseJobFile, type JobFileProblem } from '../../src/jobfile/load.js';
import { jobIdentity, planJobs } from '../../src/plan/jobs.js';
import { filterJobs } from '../../src/jobfile/filter.js';
import { combinations, placeholdersIn, substituteText, substituteValue } from '../../src/jobfile/expand.js';

const plan = (yaml: string) => {
  const { jobFile, jobLines } = parseJobFile(yaml, 'f.yml');
  return planJobs(jobFile, { jobLines });
};

function problemsOf(text: string): JobFileProblem[] {
  try {
    parseJobFile(text, 'f.yml');
  } catch (e) {
    expect(e).toBeInstanceOf(JobFileError);
    return (e as JobFileError).problems;
  }
  throw new Error('expected a JobFileError');
}
const at = (ps: JobFileProblem[]) => ps.map((p) => `${p.line}:${p.col} ${p.message}`);

const IMG = 'black-forest-labs/flux-2-pro/text-to-image';

describe('matrix expansion', () => {
  const file = [
    'defaults:', //                                              1
    `  model: ${IMG}`, //                                        2
    'jobs:', //                                                  3
    '  - name: Intro', //                                        4
    '    prompt: plain', //                                      5
    '  - name: Hero ${product} (${style})', //                   6
    '    prompt: A ${product} on a table, ${style} style', //    7
    '    matrix:', //                                            8
    '      product: [mug, tee shirt]', //                        9
    '      style: [flat, photo, ink]', //                       10
    '    params:', //                                           11
    '      aspect_ratio: "1:1"', //                             12
    '      tags: ["${product}", {look: "${style}-ish"}]', //    13
    '  - name: Outro', //                                       14
    '    prompt: the end', //                                   15
  ].join('\n');

  it('makes one job per combination: first key slowest, values in list order, placeholders put in', () => {
    const jobs = plan(file);
    expect(jobs.map((j) => j.name)).toEqual([
      'Intro',
      'Hero mug (flat)',
      'Hero mug (photo)',
      'Hero mug (ink)',
      'Hero tee shirt (flat)',
      'Hero tee shirt (photo)',
      'Hero tee shirt (ink)',
      'Outro',
    ]);
    expect(jobs.map((j) => j.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(jobs.map((j) => j.fileStem)).toEqual([
      'intro',
      'hero-mug-flat',
      'hero-mug-photo',
      'hero-mug-ink',
      'hero-tee-shirt-flat',
      'hero-tee-shirt-photo',
      'hero-tee-shirt-ink',
      'outro',
    ]);
    expect(jobs[5]!.prompt).toBe('A tee shirt on a table, photo style');
    expect(jobs[5]!.body).toEqual({
      model: IMG,
      prompt: 'A tee shirt on a table, photo style',
      aspect_ratio: '1:1',
      tags: ['tee shirt', { look: 'photo-ish' }],
    });
    // Every expanded job points at its entry's line; the others keep theirs.
    expect(jobs.map((j) => j.line)).toEqual([4, 6, 6, 6, 6, 6, 6, 14]);
    expect(jobs[5]!.expandedFrom).toEqual({
      entry: 1,
      name: 'Hero ${product} (${style})',
      combination: { product: 'tee shirt', style: 'photo' },
    });
    expect(jobs[0]!.expandedFrom).toBeUndefined();
    expect(new Set(jobs.map((j) => j.identity)).size).toBe(8);
  });

  it('the jobs filter sees the expanded names', () => {
    const jobs = plan(file);
    expect(filterJobs(jobs, ['Hero mug*']).map((j) => j.name)).toEqual([
      'Hero mug (flat)',
      'Hero mug (photo)',
      'Hero mug (ink)',
    ]);
  });

  it('substitutes in model and resolution too; a params value that is exactly ${key} keeps its type', () => {
    const jobs = plan(
      `
jobs:
  - name: clip \${m} \${res} \${secs}
    model: vendor/\${m}/text-to-video
    prompt: waves
    resolution: \${res}
    matrix: {m: [fast, slow], res: [720p], secs: [4]}
    params: {duration: "\${secs}", label: "\${secs} s", hd: "\${hd}"}
`.replace(', hd: "${hd}"', ''),
    );
    expect(jobs.map((j) => [j.name, j.model, j.type])).toEqual([
      ['clip fast 720p 4', 'vendor/fast/text-to-video', 'video'],
      ['clip slow 720p 4', 'vendor/slow/text-to-video', 'video'],
    ]);
    expect(jobs[0]!.body).toEqual({
      model: 'vendor/fast/text-to-video',
      prompt: 'waves',
      resolution: '720p',
      duration: 4,
      label: '4 s',
    });
    expect(jobs[0]!.estimate).toMatchObject({ unit: 'second', units: 4 });
  });

  it('a single-valued key need not be in the name; placeholders inherited from defaults are filled in', () => {
    const jobs = plan(`
defaults:
  model: ${IMG}
  prompt: Studio photo of a \${product}
  params: {seed: "\${seed}"}
jobs:
  - name: shot \${product}
    matrix: {product: [lamp, chair], seed: [11]}
`);
    expect(jobs.map((j) => [j.name, j.prompt, j.body['seed']])).toEqual([
      ['shot lamp', 'Studio photo of a lamp', 11],
      ['shot chair', 'Studio photo of a chair', 11],
    ]);
  });

  it('$${ is a literal ${, in any job', () => {
    const jobs = plan(`
jobs:
  - {name: a, model: m/x, prompt: "costs $\${price} today", params: {t: "$\${x}"}}
  - {name: "b \${k}", model: m/x, prompt: "$\${k} stays, \${k} goes", matrix: {k: [v]}}
`);
    expect(jobs[0]!.prompt).toBe('costs ${price} today');
    expect(jobs[0]!.body['t']).toBe('${x}');
    expect(jobs[1]!.prompt).toBe('${k} stays, v goes');
  });

  it('numbers and booleans are written as JSON writes them; ${{ … }} and ${not a name} are not placeholders', () => {
    const values = new Map<string, string | number | boolean>([
      ['n', 0.5],
      ['b', false],
      ['s', 'x'],
    ]);
    expect(substituteText('${n}|${b}|${ s }|${{ s }}|${a b}', values)).toBe('0.5|false|x|${{ s }}|${a b}');
    expect(substituteValue('${n}', values)).toBe(0.5);
    expect(substituteValue(' ${n}', values)).toBe(' 0.5');
    expect(placeholdersIn('${a} ${b} ${a} $${c} ${{ d }}')).toEqual(['a', 'b']);
    expect(combinations({ a: [1, 2], b: ['x'] })).toEqual([
      [
        ['a', 1],
        ['b', 'x'],
      ],
      [
        ['a', 2],
        ['b', 'x'],
      ],
    ]);
    expect(combinations(undefined)).toEqual([[]]);
  });
});

describe('matrix errors point at the entry and name the combination', () => {
  it('unknown placeholder, at its own line and column, with a suggestion', () => {
    const ps = problemsOf(
      [
        'jobs:', //                                           1
        '  - name: hero ${color}', //                         2
        '    model: m/x', //                                  3
        '    prompt: a ${colour} mug', //                     4
        '    matrix: {color: [red, blue]}', //                5
        '    params: {tint: "${tone}"}', //                   6
      ].join('\n'),
    );
    expect(at(ps)).toEqual([
      '4:13 jobs[0].prompt: unknown placeholder ${colour}: the matrix has ${color} (did you mean ${color}?); write $${colour} for the text itself',
      '6:20 jobs[0].params.tint: unknown placeholder ${tone}: the matrix has ${color}; write $${tone} for the text itself',
    ]);
  });

  it('a placeholder in a job without a matrix, and one inherited from defaults', () => {
    const ps = problemsOf(
      [
        'defaults:', //                                       1
        '  model: m/x', //                                    2
        '  prompt: a ${product}', //                          3
        'jobs:', //                                           4
        '  - name: one', //                                   5
        '  - name: two ${size}', //                           6
        '    prompt: p', //                                   7
      ].join('\n'),
    );
    expect(at(ps)).toEqual([
      '5:5 jobs[0].prompt: unknown placeholder ${product}: the job has no matrix; add matrix: {product: [...]} or write $${product} for the text itself (inherited from defaults.prompt at line 3)',
      '6:11 jobs[1].name: unknown placeholder ${size}: the job has no matrix; add matrix: {size: [...]} or write $${size} for the text itself',
    ]);
  });

  it('a matrix job whose name does not use a key with several values: "add ${key} to the name"', () => {
    const ps = problemsOf(
      'jobs:\n  - name: hero ${product}\n    model: m/x\n    prompt: a ${product} in ${style}\n    matrix: {product: [mug, tee], style: [flat, ink], size: [1]}\n',
    );
    expect(at(ps)).toEqual([
      '2:11 jobs[0].name: the matrix makes 4 jobs from this one and each needs its own name: add ${style} to the name',
    ]);
    const none = problemsOf('jobs:\n  - name: hero\n    model: m/x\n    prompt: a ${p}\n    matrix: {p: [a, b]}\n');
    expect(none.map((p) => p.message)).toEqual([
      'jobs[0].name: the matrix makes 2 jobs from this one and each needs its own name: add ${p} to the name',
    ]);
  });

  it('duplicate names after expansion: between combinations, and with another job; the combination is named', () => {
    const ps = problemsOf(
      [
        'jobs:', //                                               1
        '  - {name: hero red, model: m/x, prompt: p}', //         2
        '  - name: hero ${c}', //                                 3
        '    model: m/x', //                                      4
        '    prompt: a ${c} mug', //                              5
        '    matrix: {c: [blue, red, "Blue!"]}', //               6
      ].join('\n'),
    );
    expect(at(ps)).toEqual([
      '3:11 jobs[1].name: duplicate job name "hero red" (made with c="red") (first used by jobs[0] at line 2); job names must be unique',
      '3:11 jobs[1].name: "hero Blue!" (made with c="Blue!") makes the same file name "hero-blue" as "hero blue" (jobs[1] with c="blue" at line 3); rename one',
    ]);
  });

  it('a value listed twice, values that are not scalars, bad keys, empty lists, an empty matrix', () => {
    const ps = problemsOf(
      [
        'jobs:', //                                              1
        '  - name: a ${k}', //                                   2
        '    model: m/x', //                                     3
        '    prompt: p', //                                      4
        '    matrix:', //                                        5
        '      k: [x, y, x]', //                                 6
        '  - name: b', //                                        7
        '    model: m/x', //                                     8
        '    prompt: p', //                                      9
        '    matrix:', //                                       10
        '      k: [[1, 2], ~]', //                              11
        '      bad key: [1]', //                                12
        '      e: []', //                                       13
        '  - {name: c, model: m/x, prompt: p, matrix: {}}', //  14
      ].join('\n'),
    );
    expect(at(ps)).toEqual([
      '6:17 jobs[0].matrix.k[2]: "x" is listed twice (also jobs[0].matrix.k[0]); each value makes its own job',
      '11:11 jobs[1].matrix.k[0]: matrix values are text, numbers or true/false (one value per list item, no lists or mappings)',
      '11:19 jobs[1].matrix.k[1]: matrix values are text, numbers or true/false (one value per list item, no lists or mappings)',
      '12:7 jobs[1].matrix["bad key"]: the key "bad key" is not allowed: a matrix key is a name of letters, digits and _ (not starting with a digit), used as ${key}',
      '13:10 jobs[1].matrix.e: needs at least 1 item(s)',
      '14:46 jobs[2].matrix: the matrix is empty: give it at least one key with a list of values, e.g. {product: [mug, tee]}',
    ]);
  });

  it('values that break the model, the prompt or the name once put in', () => {
    const ps = problemsOf(
      [
        'jobs:', //                                                     1
        '  - name: a ${m}', //                                          2
        '    model: v/${m}', //                                         3
        '    prompt: p', //                                             4
        '    matrix: {m: [ok, two words]}', //                          5
        '  - name: b ${s}', //                                          6
        '    model: m/x', //                                            7
        '    prompt: "${s}"', //                                        8
        '    matrix: {s: [fine, "  "]}', //                             9
        `  - name: "\${s}"`, //                                        10
        '    model: m/x', //                                           11
        '    prompt: p', //                                            12
        `    matrix: {s: [x, ${'y'.repeat(201)}]}`, //                 13
      ].join('\n'),
    );
    expect(at(ps)).toEqual([
      '3:12 jobs[0].model: the model id "v/two words" is not one word (a model id has no spaces) (made with m="two words")',
      '8:13 jobs[1].prompt: the prompt is blank once the matrix values are put in (made with s="  ")',
      '10:11 jobs[2].name: the name is too long once the matrix values are put in: 201 characters (at most 200) (made with s="' +
        'y'.repeat(201) +
        '")',
    ]);
  });

  it('at most 1000 jobs per entry, count between 1 and 100', () => {
    const big = problemsOf(
      `jobs:\n  - name: "\${a} \${b}"\n    model: m/x\n    prompt: p\n    count: 3\n    matrix: {a: [${Array.from({ length: 20 }, (_, i) => i).join(', ')}], b: [${Array.from({ length: 20 }, (_, i) => i).join(', ')}]}\n`,
    );
    expect(at(big)).toEqual([
      '6:13 jobs[0].matrix: this job would make 1200 jobs (400 combinations × count 3); at most 1000 per job',
    ]);
    expect(at(problemsOf('jobs:\n  - {name: a, model: m/x, prompt: p, count: 0}\n'))).toEqual([
      '2:45 jobs[0].count: must be at least 1, got 0',
    ]);
    expect(at(problemsOf('jobs:\n  - {name: a, model: m/x, prompt: p, count: 101}\n'))).toEqual([
      '2:45 jobs[0].count: must be at most 100, got 101',
    ]);
    expect(at(problemsOf('jobs:\n  - {name: a, model: m/x, prompt: p, count: 1.5}\n'))).toEqual([
      '2:45 jobs[0].count: expected a whole number, got 1.5',
    ]);
  });

  it('matrix and count are not defaults', () => {
    expect(at(problemsOf('defaults: {count: 2}\njobs:\n  - {name: a, model: m/x, prompt: p}\n'))).toEqual([
      '1:12 defaults.count: unknown key "count" (model parameters go under params:)',
    ]);
  });
});

describe('count', () => {
  it('names the variations <name>-1 … <name>-N; without a seed the bodies are equal and the identities are not', () => {
    const jobs = plan(
      `jobs:\n  - {name: Hero, model: ${IMG}, prompt: p, count: 3}\n  - {name: Other, model: ${IMG}, prompt: q}\n`,
    );
    expect(jobs.map((j) => [j.name, j.fileStem, j.line])).toEqual([
      ['Hero-1', 'hero-1', 2],
      ['Hero-2', 'hero-2', 2],
      ['Hero-3', 'hero-3', 2],
      ['Other', 'other', 3],
    ]);
    expect(jobs[0]!.body).toEqual({ model: IMG, prompt: 'p' });
    expect(jobs[1]!.body).toEqual(jobs[0]!.body);
    expect(jobs[2]!.body).toEqual(jobs[0]!.body);
    expect(new Set(jobs.map((j) => j.identity)).size).toBe(4);
    // The first variation is the job as it was without count: its generation is reused.
    expect(jobs[0]!.identity).toBe(plan(`jobs:\n  - {name: Hero, model: ${IMG}, prompt: p}\n`)[0]!.identity);
    expect(jobs[1]!.identity).toBe(jobIdentity('image', IMG, { model: IMG, prompt: 'p' }, 2));
    expect(jobs[1]!.expandedFrom).toEqual({ entry: 0, name: 'Hero', combination: {}, variation: 2, count: 3 });
    expect(jobs.reduce((s, j) => s + j.estimate.cost, 0)).toBeCloseTo(0.16);
  });

  it('varies a seed the job sets: S, S+1, …; each identity is the plain one of its body', () => {
    const jobs = plan(`defaults: {params: {seed: 40}}\njobs:\n  - {name: a, model: ${IMG}, prompt: p, count: 3}\n`);
    expect(jobs.map((j) => j.body['seed'])).toEqual([40, 41, 42]);
    expect(jobs.map((j) => j.identity)).toEqual(jobs.map((j) => jobIdentity('image', IMG, j.body)));
    expect(new Set(jobs.map((j) => j.identity)).size).toBe(3);
  });

  it('adds no seed, and leaves alone a seed that is -1 or not a whole number', () => {
    for (const seed of [undefined, -1, 'random', 1.5]) {
      const params = seed === undefined ? '' : `, params: {seed: ${JSON.stringify(seed)}}`;
      const jobs = plan(`jobs:\n  - {name: a, model: ${IMG}, prompt: p, count: 2${params}}\n`);
      expect(jobs.map((j) => j.body['seed'])).toEqual([seed, seed]);
      expect(jobs[0]!.identity).not.toBe(jobs[1]!.identity);
    }
  });

  it('a matrix key used only in the name also makes distinct paid generations', () => {
    const jobs = plan(`jobs:\n  - {name: "take \${n}", model: ${IMG}, prompt: p, matrix: {n: [1, 2, 3]}}\n`);
    expect(jobs.map((j) => j.name)).toEqual(['take 1', 'take 2', 'take 3']);
    expect(jobs.map((j) => j.identity)).toEqual(
      [1, 2, 3].map((k) => jobIdentity('image', IMG, { model: IMG, prompt: 'p' }, k)),
    );
    expect(jobIdentity('image', IMG, { model: IMG, prompt: 'p' }, 1)).toBe(
      jobIdentity('image', IMG, { model: IMG, prompt: 'p' }),
    );
  });

  it('count: 1 changes nothing', () => {
    const jobs = plan(`jobs:\n  - {name: a, model: ${IMG}, prompt: p, count: 1}\n`);
    expect(jobs.map((j) => j.name)).toEqual(['a']);
    expect(jobs[0]!.expandedFrom).toBeUndefined();
  });

  it('a variation name clashing with another job is reported at the entry', () => {
    const ps = problemsOf(
      'jobs:\n  - {name: a-2, model: m/x, prompt: p}\n  - {name: a, model: m/x, prompt: p, count: 2}\n',
    );
    expect(at(ps)).toEqual([
      '3:12 jobs[1].name: duplicate job name "a-2" (made with variation 2) (first used by jobs[0] at line 2); job names must be unique',
    ]);
  });
});

describe('matrix × count', () => {
  it('count applies per combination, variations innermost, seeds per combination', () => {
    const jobs = plan(`
jobs:
  - name: \${p} shot
    model: ${IMG}
    prompt: a \${p}
    matrix: {p: [mug, tee]}
    count: 2
    params: {seed: 5}
`);
    expect(jobs.map((j) => [j.name, j.fileStem, j.prompt, j.body['seed']])).toEqual([
      ['mug shot-1', 'mug-shot-1', 'a mug', 5],
      ['mug shot-2', 'mug-shot-2', 'a mug', 6],
      ['tee shot-1', 'tee-shot-1', 'a tee', 5],
      ['tee shot-2', 'tee-shot-2', 'a tee', 6],
    ]);
    expect(new Set(jobs.map((j) => j.identity)).size).toBe(4);
    expect(jobs[3]!.expandedFrom).toEqual({
      entry: 0,
      name: '${p} shot',
      combination: { p: 'tee' },
      variation: 2,
      count: 2,
    });
  });
});

describe('properties', () => {
  const key = fc.constantFrom('a', 'b', 'style', 'x_1');
  const value = fc.oneof(
    fc.string({ maxLength: 8 }).filter((s) => !s.includes('$')),
    fc.integer({ min: -3, max: 3 }),
    fc.boolean(),
  );
  const entry = fc.record(
    {
      name: fc.constantFrom('n ${a}', 'n ${a} ${b}', '${style}/${x_1}', 'plain', '${a}${b}${style}${x_1}', '${zzz}'),
      model: fc.constantFrom('m/x/text-to-image', 'v/${a}/text-to-video'),
      prompt: fc.constantFrom('p ${a}', 'p', '$${a} ${b}'),
      matrix: fc.oneof(
        fc.dictionary(key, fc.array(value, { minLength: 1, maxLength: 3 }), { maxKeys: 3 }),
        fc.constant(undefined),
      ),
      count: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(undefined)),
      params: fc.oneof(
        fc.constant(undefined),
        fc.record({ seed: fc.oneof(fc.integer({ min: -2, max: 9 }), fc.constant('${a}')) }),
      ),
    },
    { requiredKeys: ['name', 'model', 'prompt'] },
  );

  it('a file with matrices and counts either plans to unique names and stems, one job per combination and variation, or throws JobFileError', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 4 }), (jobs) => {
        const text = stringify({
          jobs: jobs.map((j) => Object.fromEntries(Object.entries(j).filter(([, v]) => v !== undefined))),
        });
        let parsed;
        try {
          parsed = parseJobFile(text, 'p.yml');
        } catch (e) {
          if (!(e instanceof JobFileError)) throw e;
          for (const p of e.problems) expect(p.line).toBeGreaterThanOrEqual(1);
          return;
        }
        const planned = planJobs(parsed.jobFile, { jobLines: parsed.jobLines });
        const expected = parsed.jobFile.jobs.reduce(
          (s, j) => s + Object.values(j.matrix ?? {}).reduce((n, v) => n * v.length, 1) * (j.count ?? 1),
          0,
        );
        expect(planned).toHaveLength(expected);
        expect(new Set(planned.map((j) => j.name)).size).toBe(planned.length);
        expect(new Set(planned.map((j) => j.fileStem)).size).toBe(planned.length);
        for (const j of planned) {
          expect(j.name).not.toMatch(/\$\{[A-Za-z_]/);
          expect(parsed.jobLines).toContain(j.line);
          if (j.expandedFrom) expect(j.line).toBe(parsed.jobLines[j.expandedFrom.entry]);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('the example', () => {
  it('examples/atlas-media.yml shows a matrix and count and stays at 8 cheap jobs', async () => {
    const { jobFile, jobLines } = await loadJobFile('examples/atlas-media.yml');
    const jobs = planJobs(jobFile, { jobLines });
    expect(jobs.map((j) => j.name)).toEqual([
      'Hero banner',
      'Catalogue still',
      'Teaser clip',
      'Hero motion',
      'Colourway matte black',
      'Colourway sand beige',
      'Rooftop-1',
      'Rooftop-2',
    ]);
    expect(jobs[5]!.prompt).toBe('Catalogue photo of sand beige wireless headphones, white seamless background');
    expect(jobs.slice(6).map((j) => j.body['seed'])).toEqual([7, 8]);
    expect(jobs.reduce((s, j) => s + j.estimate.cost, 0)).toBeLessThan(1);
  });
});
