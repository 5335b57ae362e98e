import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobFileError, loadJobFile, parseJobFile, type JobFileProblem } from '../../src/jobfile/load.js';
import { planJobs } from '../../src/plan/jobs.js';

/** The problems parseJobFile throws, or a failure when it does not throw. */
function problemsOf(text: string | Uint8Array, file = 'jobs.yml'): JobFileProblem[] {
  try {
    parseJobFile(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(JobFileError);
    return (e as JobFileError).problems;
  }
  throw new Error('expected a JobFileError');
}

const short = (ps: JobFileProblem[]) => ps.map((p) => `${p.line}:${p.col} ${p.field}`);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atlas-jobfile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the examples', () => {
  it('loads the tutorial config unchanged (examples/pipeline_config.yaml)', async () => {
    const { jobFile, jobLines, path } = await loadJobFile('examples/pipeline_config.yaml');
    expect(path).toBe('examples/pipeline_config.yaml');
    expect(jobFile.output_dir).toBe('./output');
    expect(jobFile.max_workers).toBe(3);
    expect(jobFile.jobs.map((j) => j.type)).toEqual(['image', 'image', 'video', 'video']);
    const text = readFileSync('examples/pipeline_config.yaml', 'utf8').split('\n');
    jobLines.forEach((line, i) => expect(text[line - 1]).toContain(`name: ${jobFile.jobs[i]!.name}`));
    const planned = planJobs(jobFile, { jobLines });
    expect(planned.map((j) => [j.model, j.estimate.cost, j.estimate.source])).toEqual([
      ['black-forest-labs/flux-2-pro/text-to-image', 0.04, 'builtin'],
      ['google/imagen4-ultra/text-to-image', 0.06, 'builtin'],
      ['bytedance/seedance-v1.5-pro/text-to-video', 0.11, 'builtin'],
      ['google/veo3.1/text-to-video', 0.24, 'builtin'],
    ]);
    expect(planned[0]!.body).toMatchObject({ width: 1024, height: 1024 });
    expect(planned[3]!.body).toMatchObject({ duration: 8, resolution: '1080p' });
  });

  it('loads the richer example (defaults, params, pricing, timeout, inferred type)', async () => {
    const { jobFile, jobLines } = await loadJobFile('examples/atlas-media.yml');
    const planned = planJobs(jobFile, { jobLines });
    const hero = planned[0]!;
    expect(hero.model).toBe('black-forest-labs/flux-2-pro/text-to-image');
    expect(hero.body).toMatchObject({ aspect_ratio: '16:9', num_images: 2 });
    expect(hero.estimate).toMatchObject({ units: 2, cost: 0.08 });
    expect(planned[1]!.body).toMatchObject({ aspect_ratio: '1:1', seed: 42 });
    expect(planned[1]!.estimate.source).toBe('file');
    expect(jobFile.jobs[2]!.type).toBeUndefined();
    expect(planned[2]!.type).toBe('video');
    expect(planned[2]!.timeoutMs).toBe(1_800_000);
    expect(planned[0]!.timeoutMs).toBe(900_000);
    expect(planned[3]!.estimate).toMatchObject({ source: 'file', unitPrice: 0.025, cost: 0.125 });
  });
});

describe('problems', () => {
  it('reports all five mistakes of one file, each at its line:col with its field', () => {
    const text = [
      'jobs:', //                                                     1
      '  - name: hero', //                                            2
      '    model: black-forest-labs/flux-2-pro/text-to-image', //     3
      '    prompt: A red bike', //                                    4
      '    widht: 1024', //                                           5 unknown key
      '  - name: clip', //                                            6
      '    type: vidoe', //                                           7 bad enum
      '    model: google/veo3.1/text-to-video', //                    8
      '    prompt: A wave', //                                        9
      '    duration: "8"', //                                        10 wrong type
      '  - name: hero', //                                           11 duplicate name; no model
      '    prompt: A blue bike', //                                  12
      '',
    ].join('\n');
    const ps = problemsOf(text);
    expect(short(ps)).toEqual([
      '5:5 jobs[0].widht',
      '7:11 jobs[1].type',
      '10:15 jobs[1].duration',
      '11:5 jobs[2].model',
      '11:11 jobs[2].name',
    ]);
    const message = ps.map((p) => p.message).join('\n');
    expect(message).toContain('jobs[0].widht: unknown key "widht" (did you mean "width"?)');
    expect(message).toContain('jobs[1].type: must be one of "image", "video", got "vidoe" (did you mean "video"?)');
    expect(message).toContain('jobs[1].duration: expected a number, got "8"');
    expect(message).toContain('jobs[2].model: job "hero" has no model');
    expect(message).toContain('jobs[2].name: duplicate job name "hero" (first used by jobs[0] at line 2)');
    for (const p of ps) expect(p.file).toBe('jobs.yml');
  });

  it('formats the error message as file:line:col: message, one per line', () => {
    try {
      parseJobFile('jobs:\n  - name: a\n    model: m\n    prompt: p\n    widht: 3\n', 'x/atlas.yml');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe('x/atlas.yml:5:5: jobs[0].widht: unknown key "widht" (did you mean "width"?)');
      expect((e as Error).name).toBe('JobFileError');
    }
  });

  it('suggests the key meant, or where an unknown key belongs', () => {
    const ps = problemsOf(
      [
        'max_worker: 2',
        'Output_dir: out',
        'model: m',
        'defaults:',
        '  promt: p',
        '  name: x',
        'jobs:',
        '  - name: a',
        '    model: m',
        '    prompt: p',
        '    num_images: 2',
        '    Resolution: 720p',
      ].join('\n'),
    );
    const messages = ps.map((p) => p.message);
    expect(messages).toEqual([
      'max_worker: unknown key "max_worker" (did you mean "max_workers"?)',
      'Output_dir: unknown key "Output_dir" (did you mean "output_dir"?)',
      'model: unknown key "model" (job keys go in each job, or under defaults: for all jobs)',
      'defaults.promt: unknown key "promt" (did you mean "prompt"?)',
      'defaults.name: unknown key "name" (every job needs its own name)',
      'jobs[0].num_images: unknown key "num_images" (model parameters go under params:)',
      'jobs[0].Resolution: unknown key "Resolution" (did you mean "resolution"?)',
    ]);
    expect(short(ps)[0]).toBe('1:1 max_worker');
  });

  it('reports duplicate names at the second, naming the first and its line', () => {
    const ps = problemsOf(
      'jobs:\n  - {name: a, model: m, prompt: p}\n  - {name: b, model: m, prompt: p}\n  - {name: a, model: m, prompt: q}\n',
    );
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ line: 4, col: 12, field: 'jobs[2].name' });
    expect(ps[0]!.message).toBe(
      'jobs[2].name: duplicate job name "a" (first used by jobs[0] at line 2); job names must be unique',
    );
  });

  it("reports names that make the same file name ('Hero!' vs 'hero?')", () => {
    const ps = problemsOf(
      'jobs:\n  - {name: "Hero!", model: m, prompt: p}\n  - {name: "hero?", model: m, prompt: p}\n',
    );
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ line: 3, field: 'jobs[1].name' });
    expect(ps[0]!.message).toContain(
      '"hero?" makes the same file name "hero" as "Hero!" (jobs[0] at line 2); rename one',
    );
  });

  it('needs model and prompt after defaults are merged, said at the job', () => {
    const ok = parseJobFile('defaults: {model: m}\njobs:\n  - {name: a, prompt: p}\n', 'f');
    expect(ok.jobFile.jobs).toHaveLength(1);
    const ps = problemsOf('defaults: {prompt: p}\njobs:\n  - name: a\n  - name: b\n    model: m\n');
    expect(ps.map((p) => [p.line, p.col, p.message])).toEqual([
      [3, 5, 'jobs[0].model: job "a" has no model; set model: on the job or in defaults:'],
    ]);
  });

  it('refuses a params key that repeats a named field at the same level, with its line', () => {
    const ps = problemsOf(
      'jobs:\n  - name: a\n    model: m\n    prompt: p\n    width: 5\n    params:\n      width: 6\n      prompt: x\n',
    );
    expect(ps.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '7:7 jobs[0].params.width: width is also set by jobs[0].width; keep one',
      '8:7 jobs[0].params.prompt: set prompt with prompt: on the job (or in defaults:), not in params',
    ]);
  });

  it('allows a type that contradicts the model id (the user knows better)', () => {
    const { jobFile } = parseJobFile('jobs:\n  - {name: a, type: image, model: x/y/text-to-video, prompt: p}\n', 'f');
    expect(planJobs(jobFile)[0]!.type).toBe('image');
  });

  it('turns YAML syntax errors into problems with their line', () => {
    const ps = problemsOf('jobs:\n  - name: a\n    prompt: [unclosed\n    model: m\n');
    expect(ps.length).toBeGreaterThan(0);
    expect(ps[0]!.message).toMatch(/^YAML syntax error: /);
    expect(ps[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('reports duplicate YAML keys at the second key', () => {
    const ps = problemsOf('jobs:\n  - name: a\n    model: m\n    model: n\n    prompt: p\n');
    expect(ps[0]).toMatchObject({ line: 4, col: 5 });
    expect(ps[0]!.message).toContain('Map keys must be unique');
  });

  it('explains empty files, missing jobs, jobs written as a mapping, and quoted/unquoted values', () => {
    expect(problemsOf('')[0]!.message).toBe('the job file is empty: it needs at least a jobs: list');
    expect(problemsOf('# only a comment\n')[0]!.message).toBe('the job file is empty: it needs at least a jobs: list');
    expect(problemsOf('output_dir: x\n')[0]!.message).toBe('jobs: missing: the file needs a jobs: list');
    expect(problemsOf('jobs: []\n')[0]!.message).toBe('jobs: needs at least one job');
    expect(problemsOf('jobs:\n  hero: {model: m}\n')[0]!.message).toContain('start each job with "- name: …"');
    const ps = problemsOf(
      'jobs:\n  - name: a\n    model: m\n    prompt: p\n    width: "1024"\n    resolution: 1080\n    height:\n',
    );
    expect(ps.map((p) => p.message)).toEqual([
      'jobs[0].width: expected a number, got "1024" (remove the quotes)',
      'jobs[0].resolution: expected text, got 1080 (quote it: "1080")',
      'jobs[0].height: expected a number, got nothing (the value is empty)',
    ]);
    expect(ps[2]).toMatchObject({ line: 7, col: 5 });
  });

  it('names the missing key of a job at the job', () => {
    const ps = problemsOf('jobs:\n  - model: m\n    prompt: p\n');
    expect(ps).toEqual([
      { file: 'jobs.yml', line: 2, col: 5, field: 'jobs[0].name', message: 'jobs[0].name: required key is missing' },
    ]);
  });

  it('accepts YAML anchors and merge keys', () => {
    const { jobFile } = parseJobFile(
      'jobs:\n  - &a {name: a, model: m, prompt: p, width: 512}\n  - {<<: *a, name: b}\n',
      'f',
    );
    expect(jobFile.jobs[1]).toEqual({ name: 'b', model: 'm', prompt: 'p', width: 512 });
  });

  it('loadJobFile: a missing file is a JobFileError at 1:1', async () => {
    const missing = join(dir, 'nope.yml');
    await expect(loadJobFile(missing)).rejects.toThrow(JobFileError);
    await expect(loadJobFile(missing)).rejects.toThrow(`${missing}:1:1: job file not found: ${missing}`);
    await expect(loadJobFile(dir)).rejects.toThrow('is a directory');
  });

  it('loadJobFile reads bytes and reports with the path given', async () => {
    const file = join(dir, 'ok.yml');
    await writeFile(file, 'jobs:\n  - {name: a, model: m, prompt: p}\n');
    const r = await loadJobFile(file);
    expect(r).toMatchObject({ path: file, jobLines: [2] });
  });
});
