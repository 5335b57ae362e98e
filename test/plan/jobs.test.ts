import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../../src/jobfile/load.js';
import { canonicalJson, inferType, planJobs } from '../../src/plan/jobs.js';
import { mergeJob } from '../../src/jobfile/merge.js';
import type { JobFile } from '../../src/jobfile/schema.js';

const plan = (yaml: string, opts = {}) => {
  const { jobFile, jobLines } = parseJobFile(yaml, 'f.yml');
  return planJobs(jobFile, { jobLines, ...opts });
};

describe('defaults', () => {
  it('merges defaults into every job; the job wins; params merge key by key', () => {
    const jobs = plan(`
defaults:
  model: a/b/text-to-image
  width: 512
  timeout: 30
  params: {aspect_ratio: "16:9", seed: 1}
jobs:
  - name: one
    prompt: p1
  - name: two
    prompt: p2
    width: 1024
    model: c/d/text-to-image
    params: {seed: 2, style: raw}
`);
    expect(jobs[0]!.body).toEqual({
      model: 'a/b/text-to-image',
      prompt: 'p1',
      width: 512,
      aspect_ratio: '16:9',
      seed: 1,
    });
    expect(jobs[1]!.body).toEqual({
      model: 'c/d/text-to-image',
      prompt: 'p2',
      width: 1024,
      aspect_ratio: '16:9',
      seed: 2,
      style: 'raw',
    });
    expect(jobs.map((j) => j.timeoutMs)).toEqual([30_000, 30_000]);
    expect(jobs.map((j) => j.line)).toEqual([8, 10]);
  });

  it('a job can override a default set the other way (width: vs params.width)', () => {
    const jobs = plan(`
defaults: {model: m, width: 512, params: {height: 512}}
jobs:
  - {name: a, prompt: p, params: {width: 640}, height: 480}
`);
    expect(jobs[0]!.body).toEqual({ model: 'm', prompt: 'p', width: 640, height: 480 });
  });

  it('mergeJob leaves a job alone when there are no defaults', () => {
    const job = { name: 'a', model: 'm', prompt: 'p' };
    expect(mergeJob(undefined, job)).toBe(job);
  });
});

describe('type', () => {
  it.each([
    ['bytedance/seedance-v1.5-pro/text-to-video', 'video'],
    ['bytedance/seedance-v1.5-pro/image-to-video', 'video'],
    ['vendor/model/video-to-video', 'video'],
    ['Vendor/Model/Text-To-Video', 'video'],
    ['black-forest-labs/flux-2-pro/text-to-image', 'image'],
    ['google/veo3.1', 'image'],
    ['some-video-model/edit', 'image'],
  ])('%s → %s', (model, type) => {
    expect(inferType(model)).toBe(type);
  });

  it('is inferred when omitted and taken as written when given', () => {
    const jobs = plan(`
jobs:
  - {name: v, model: x/y/text-to-video, prompt: p}
  - {name: i, model: x/y/text-to-image, prompt: p}
  - {name: forced, model: x/y/text-to-image, prompt: p, type: video}
`);
    expect(jobs.map((j) => j.type)).toEqual(['video', 'image', 'video']);
    expect(jobs.map((j) => j.timeoutMs)).toEqual([1_800_000, 600_000, 1_800_000]);
  });

  it('uses the default timeouts given', () => {
    const jobs = plan('jobs:\n  - {name: v, model: x/y/text-to-video, prompt: p}\n', {
      defaultTimeoutSeconds: { image: 1, video: 2 },
    });
    expect(jobs[0]!.timeoutMs).toBe(2000);
  });
});

describe('identity', () => {
  const base = 'jobs:\n  - {name: a, model: m/x/text-to-image, prompt: a cat, params: {seed: 1, style: raw}}\n';
  const id = (yaml: string) => plan(yaml)[0]!.identity;

  it('is a sha256 hex, stable across runs and key order, and independent of name and timeout', () => {
    expect(id(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(id(base)).toBe(id(base));
    expect(
      id('jobs:\n  - {params: {style: raw, seed: 1}, prompt: a cat, model: m/x/text-to-image, name: b, timeout: 5}\n'),
    ).toBe(id(base));
  });

  it('changes with the prompt, the params, the model and the type', () => {
    const ids = new Set([
      id(base),
      id(base.replace('a cat', 'a dog')),
      id(base.replace('seed: 1', 'seed: 2')),
      id(base.replace('style: raw', 'style: raw, extra: true')),
      id(base.replace('m/x/', 'n/x/')),
      id(base.replace('name: a,', 'name: a, type: video,')),
    ]);
    expect(ids.size).toBe(6);
  });

  it('canonicalJson sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}',
    );
  });
});

describe('estimate', () => {
  it("uses the job file's pricing over the given file table, and counts images and seconds", () => {
    const jobs = plan(
      `
pricing:
  m/x/text-to-image: {unit: image, price: 0.5}
jobs:
  - {name: a, model: m/x/text-to-image, prompt: p, params: {num_images: 3}}
  - {name: b, model: v/x/text-to-video, prompt: p, duration: 4}
`,
      {
        prices: {
          file: { 'm/x/text-to-image': { unit: 'image', price: 9 } },
          live: { 'v/x/text-to-video': { unit: 'second', price: 0.1 } },
        },
      },
    );
    expect(jobs[0]!.estimate).toMatchObject({ unit: 'image', units: 3, unitPrice: 0.5, cost: 1.5, source: 'file' });
    expect(jobs[1]!.estimate).toMatchObject({ unit: 'second', units: 4, cost: 0.4, source: 'live' });
  });

  it('refuses a job file that was not validated (no model)', () => {
    const file: JobFile = { jobs: [{ name: 'a', prompt: 'p' }] };
    expect(() => planJobs(file, {})).toThrow(/no model/);
  });
});
