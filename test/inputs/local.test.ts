// Local inputs: which values are paths, what is refused before any paid call, identities keyed
// to file contents, one upload per distinct file per run; then end to end through the CLI
// against the emulator.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classifyValue, findRefs, LocalInputError, resolveLocalInputs } from '../../src/inputs/local.js';
import { parseJobFile, JobFileError } from '../../src/jobfile/load.js';
import { jobIdentity, planJobs } from '../../src/plan/jobs.js';
import type { PlannedJob } from '../../src/jobfile/job.js';
import { gradientPng } from '../support/png.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { FAST_POLL, runCli, tempDir, writeJobFile } from '../support/run-cli.js';

const IMG = 'black-forest-labs/flux-2-pro/text-to-image';
const I2V = 'bytedance/seedance-v1.5-pro/image-to-video';
const LOGO = gradientPng(8, 8, [255, 0, 0, 255], [0, 0, 255, 255]);
const OTHER = gradientPng(8, 8, [0, 255, 0, 255], [0, 0, 0, 255]);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** A workspace with assets/logo.png, copies/same.png (same bytes), assets/other.png, and a secret file next to it. */
async function workspace(): Promise<{ root: string; outside: string }> {
  const base = await tempDir('atlas-local-');
  const root = join(base, 'repo');
  await mkdir(join(root, 'assets'), { recursive: true });
  await mkdir(join(root, 'copies'), { recursive: true });
  await writeFile(join(root, 'assets', 'logo.png'), LOGO);
  await writeFile(join(root, 'copies', 'same.png'), LOGO);
  await writeFile(join(root, 'assets', 'other.png'), OTHER);
  const outside = join(base, 'secret.png');
  await writeFile(outside, 'not for upload');
  await symlink(outside, join(root, 'assets', 'escape.png'));
  await symlink(join(root, 'assets', 'logo.png'), join(root, 'assets', 'alias.png'));
  return { root, outside };
}

function plan(yaml: string): PlannedJob[] {
  const { jobFile, jobLines } = parseJobFile(yaml, 'jobs.yml');
  return planJobs(jobFile, { jobLines });
}

function fakeClient(fail?: (name: string) => Error | undefined) {
  const calls: { name: string; bytes: number; contentType?: string }[] = [];
  return {
    calls,
    async uploadMedia(file: { name: string; data: Uint8Array; contentType?: string }) {
      calls.push({ name: file.name, bytes: file.data.byteLength, contentType: file.contentType });
      await new Promise((r) => setTimeout(r, 5));
      const err = fail?.(file.name);
      if (err) throw err;
      return `https://uploads.test/${calls.length}/${file.name}`;
    },
  };
}

const signal = new AbortController().signal;

describe('classifyValue: which parameter values are local paths', () => {
  it.each([
    ['./assets/logo.png', 'relative'],
    ['../shared/logo.png', 'relative'],
    ['./notes', 'relative'],
    ['.\\assets\\logo.png', 'relative'],
    ['assets/end.jpg', 'relative'],
    ['logo.PNG', 'relative'],
    ['clip.mp4', 'relative'],
    ['/etc/passwd', 'absolute'],
    ['/home/runner/work/logo.png', 'absolute'],
    ['C:\\Users\\me\\logo.png', 'absolute'],
    ['~/logo.png', 'absolute'],
    ['https://example.com/logo.png', null],
    ['data:image/png;base64,iVBOR', null],
    ['sha256:abcd.png', null],
    ['16:9', null],
    ['photorealistic', null],
    ['a/b', null],
    ['', null],
    ['./a.png\n./b.png', null],
  ] as const)('%s → %s', (value, kind) => {
    expect(classifyValue(value)).toBe(kind);
  });

  it('never reads model, prompt or negative_prompt as paths; finds nested values', () => {
    const refs = findRefs({
      model: 'x/y.png',
      prompt: './assets/logo.png',
      negative_prompt: 'blur.png',
      image: './a.png',
      images: ['b.jpg', 'https://x/y.png'],
      ref: { url: '../c.webp' },
      n: 3,
    });
    expect(refs).toEqual([
      { field: 'image', value: './a.png' },
      { field: 'images[0]', value: 'b.jpg' },
      { field: 'ref.url', value: '../c.webp' },
    ]);
  });
});

describe('resolveLocalInputs', () => {
  it('keys identities to file contents: same bytes under any path give the same identity; other bytes another', async () => {
    const { root } = await workspace();
    const jobs = plan(
      [
        'jobs:',
        '  - name: a',
        `    model: ${I2V}`,
        '    prompt: p',
        '    params: { image: ./assets/logo.png }',
        '  - name: b',
        `    model: ${I2V}`,
        '    prompt: p',
        '    params: { image: assets/logo.png }',
        '  - name: c',
        `    model: ${I2V}`,
        '    prompt: p',
        '    params: { image: ./copies/same.png }',
        '  - name: d',
        `    model: ${I2V}`,
        '    prompt: p',
        '    params: { image: ./assets/other.png }',
        '  - name: e',
        `    model: ${IMG}`,
        '    prompt: no files here',
        '',
      ].join('\n'),
    );
    const local = await resolveLocalInputs(jobs, { workspace: root, configPath: 'jobs.yml' });
    const [a, b, c, d, e] = local.jobs;
    const want = jobIdentity('video', I2V, { ...jobs[0]!.body, image: `sha256:${sha(LOGO)}` });
    expect(a!.identity).toBe(want);
    expect(b!.identity).toBe(want);
    expect(c!.identity).toBe(want);
    expect(d!.identity).toBe(jobIdentity('video', I2V, { ...jobs[3]!.body, image: `sha256:${sha(OTHER)}` }));
    expect(e).toBe(jobs[4]); // untouched
    // The body keeps the path: that is what the manifest shows.
    expect(a!.body['image']).toBe('./assets/logo.png');
    expect(local.files.map((f) => f.sha256).sort()).toEqual([sha(LOGO), sha(OTHER)].sort());
  });

  it('refuses every bad path at once, before anything is uploaded, naming the job, its line and the parameter', async () => {
    const { root, outside } = await workspace();
    const yaml = [
      'jobs:',
      '  - name: good',
      `    model: ${I2V}`,
      '    prompt: p',
      '    params: { image: ./assets/logo.png }',
      '  - name: climber',
      `    model: ${I2V}`,
      '    prompt: p',
      '    params: { image: ../../etc/passwd }',
      '  - name: absolute',
      `    model: ${I2V}`,
      '    prompt: p',
      `    params: { image: ${outside} }`,
      '  - name: linker',
      `    model: ${I2V}`,
      '    prompt: p',
      '    params: { image: ./assets/escape.png }',
      '  - name: typo',
      `    model: ${I2V}`,
      '    prompt: p',
      '    params: { image: ./assets/lgo.png }',
      '  - name: folder',
      `    model: ${I2V}`,
      '    prompt: p',
      '    params: { image: ./assets }',
      '',
    ].join('\n');
    const err = await resolveLocalInputs(plan(yaml), { workspace: root, configPath: 'jobs.yml' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(JobFileError);
    const problems = (err as JobFileError).problems;
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [6, 'climber.image'],
      [10, 'absolute.image'],
      [14, 'linker.image'],
      [18, 'typo.image'],
      [22, 'folder.image'],
    ]);
    const text = (err as Error).message;
    expect(text).toContain(
      'jobs.yml:6:1: job "climber" (line 6), parameter image: "../../etc/passwd" is outside the workspace',
    );
    expect(text).toContain('jobs.yml:10:1: job "absolute" (line 10), parameter image:');
    expect(text).toMatch(/"absolute".*is an absolute path/);
    expect(text).toMatch(/"linker".*symbolic link to a file outside the workspace/);
    expect(text).toMatch(/"typo".*is not a file in the workspace/);
    expect(text).toMatch(/"folder".*is not a regular file/);
  });

  it('refuses an absolute path even to a file inside the workspace, and a file above the size limit', async () => {
    const { root } = await workspace();
    const yaml = (v: string) => `jobs:\n  - name: j\n    model: ${I2V}\n    prompt: p\n    params: { image: "${v}" }\n`;
    await expect(
      resolveLocalInputs(plan(yaml(join(root, 'assets', 'logo.png'))), { workspace: root, configPath: 'f' }),
    ).rejects.toThrow(/absolute path/);
    await expect(
      resolveLocalInputs(plan(yaml('./assets/logo.png')), { workspace: root, configPath: 'f', maxBytes: 10 }),
    ).rejects.toThrow(/above the 0\.0 MB limit/);
    // A symlink that stays inside is fine.
    await expect(
      resolveLocalInputs(plan(yaml('./assets/alias.png')), { workspace: root, configPath: 'f' }),
    ).resolves.toBeTruthy();
    // An absolute value that names no file and has no media extension is not a path: left alone.
    const left = await resolveLocalInputs(plan(yaml('/not/a/file')), { workspace: root, configPath: 'f' });
    expect(left.jobs[0]!.body['image']).toBe('/not/a/file');
  });

  it('uploads each distinct file once, however many jobs and paths name it, and sends the URL', async () => {
    const { root } = await workspace();
    const jobs = plan(
      [
        'jobs:',
        ...['./assets/logo.png', 'assets/logo.png', './copies/same.png', './assets/alias.png'].flatMap((v, i) => [
          `  - name: j${i}`,
          `    model: ${I2V}`,
          '    prompt: ./assets/logo.png',
          `    params: { image: "${v}" }`,
        ]),
        '  - name: many',
        `    model: ${IMG}`,
        '    prompt: p',
        '    params: { images: [./assets/other.png, ./assets/logo.png], style: anime }',
        '',
      ].join('\n'),
    );
    const local = await resolveLocalInputs(jobs, { workspace: root, configPath: 'f' });
    const client = fakeClient();
    const prepare = local.uploader(client);
    const bodies = await Promise.all(local.jobs.map((j) => prepare(j, signal)));
    expect(client.calls).toHaveLength(2);
    expect(client.calls.map((c) => c.contentType)).toEqual(['image/png', 'image/png']);
    const logoUrl = bodies[0]!['image'];
    expect(logoUrl).toMatch(/^https:\/\/uploads\.test\//);
    for (const b of bodies.slice(0, 4)) {
      expect(b['image']).toBe(logoUrl);
      expect(b['prompt']).toBe('./assets/logo.png'); // prompts are text, never paths
    }
    expect(bodies[4]!['images']).toEqual([expect.stringMatching(/other\.png$/), logoUrl]);
    expect(bodies[4]!['style']).toBe('anime');
    // The planned body is not changed.
    expect(local.jobs[0]!.body['image']).toBe('./assets/logo.png');
  });

  it('an upload failure fails only the jobs that need that file, with kind "upload", and is not retried per job', async () => {
    const { root } = await workspace();
    const jobs = plan(
      [
        'jobs:',
        ...[
          ['a', './assets/logo.png'],
          ['b', './copies/same.png'],
          ['c', './assets/other.png'],
        ].flatMap(([n, v]) => [
          `  - name: ${n}`,
          `    model: ${I2V}`,
          '    prompt: p',
          `    params: { image: "${v}" }`,
        ]),
        '  - name: plain',
        `    model: ${IMG}`,
        '    prompt: p',
        '',
      ].join('\n'),
    );
    const local = await resolveLocalInputs(jobs, { workspace: root, configPath: 'f' });
    const client = fakeClient((name) => (name === 'logo.png' ? new Error('upload 413: too big') : undefined));
    const prepare = local.uploader(client);
    const settled = await Promise.allSettled(local.jobs.map((j) => prepare(j, signal)));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    for (const s of settled.slice(0, 2)) {
      const e = (s as PromiseRejectedResult).reason as LocalInputError;
      expect(e).toBeInstanceOf(LocalInputError);
      expect(e.kind).toBe('upload');
      expect(e.message).toMatch(/upload 413: too big/);
    }
    expect(client.calls.filter((c) => c.name === 'logo.png')).toHaveLength(1);
  });

  it('refuses to upload a file that changed after the plan', async () => {
    const { root } = await workspace();
    const local = await resolveLocalInputs(
      plan(`jobs:\n  - name: j\n    model: ${I2V}\n    prompt: p\n    params: { image: ./assets/other.png }\n`),
      { workspace: root, configPath: 'f' },
    );
    await writeFile(join(root, 'assets', 'other.png'), LOGO);
    const client = fakeClient();
    await expect(local.uploader(client)(local.jobs[0]!, signal)).rejects.toThrow(/changed after the plan/);
    expect(client.calls).toHaveLength(0);
  });
});

describe('local inputs through the CLI, against the emulator', () => {
  const jobsYaml = (jobs: [string, string, string][]) =>
    [
      'jobs:',
      ...jobs.flatMap(([name, model, image]) => [
        `  - name: ${name}`,
        `    model: ${model}`,
        `    prompt: ${name} prompt`,
        `    params: { image: "${image}" }`,
      ]),
      '',
    ].join('\n');

  it('uploads the shared PNG once, submits the upload URL, and a re-run reuses every output without uploading', async () => {
    emu = await startEmulator({ timeScale: 1000 });
    const { root } = await workspace();
    const config = await writeJobFile(
      root,
      jobsYaml([
        ['Hero clip', I2V, './assets/logo.png'],
        ['Hero edit', IMG, './assets/logo.png'],
        ['Bare path', IMG, 'assets/logo.png'],
        ['Detour', I2V, './copies/../assets/logo.png'],
        ['Copy', IMG, './copies/same.png'],
      ]),
    );
    const out = join(root, 'out');
    const run = await runCli(['run', '--config', config, '--workspace', root, ...FAST_POLL], {
      baseUrl: emu.url,
      outputDir: out,
    });
    expect(run.code, run.output).toBe(0);
    const s = emu.stats();
    expect(s.uploads).toBe(1);
    expect(s.predictions).toHaveLength(5);
    const urls = new Set(s.predictions.map((p) => p.body['image']));
    expect(urls.size).toBe(1);
    const [url] = [...urls] as string[];
    expect(url).toMatch(new RegExp(`^${emu.url.replace(/\/api\/v1$/, '')}/uploads/`));
    // The emulator serves back exactly our bytes.
    expect(sha(new Uint8Array(await (await fetch(url!)).arrayBuffer()))).toBe(sha(LOGO));
    const m = await run.manifest();
    expect(m.successful).toBe(5);
    expect(m.results.map((r) => r.params['image'])).toEqual([
      './assets/logo.png',
      './assets/logo.png',
      'assets/logo.png',
      './copies/../assets/logo.png',
      './copies/same.png',
    ]);

    // Same files, same identities: the journal knows them, so nothing is uploaded or paid again.
    const again = await runCli(['run', '--config', config, '--workspace', root, ...FAST_POLL], {
      baseUrl: emu.url,
      outputDir: out,
    });
    expect(again.code, again.output).toBe(0);
    expect((await again.manifest()).results.map((r) => r.status)).toEqual([
      'cached',
      'cached',
      'cached',
      'cached',
      'cached',
    ]);
    expect(emu.stats().uploads).toBe(1);
    expect(emu.stats().predictions).toHaveLength(5);
  });

  it('refuses paths outside the workspace before any submit or upload, naming each job and its line', async () => {
    emu = await startEmulator({ timeScale: 1000 });
    const { root, outside } = await workspace();
    const config = await writeJobFile(
      root,
      jobsYaml([
        ['Fine', I2V, './assets/logo.png'],
        ['Climber', I2V, '../../etc/passwd'],
        ['Absolute', I2V, '/etc/passwd'],
        ['Linker', IMG, './assets/escape.png'],
      ]),
    );
    for (const cmd of ['run', 'plan']) {
      const run = await runCli([cmd, '--config', config, '--workspace', root, ...FAST_POLL], {
        baseUrl: emu.url,
        outputDir: join(root, 'out'),
      });
      expect(run.code, run.output).toBe(2);
      expect(run.output).toContain(
        `${config}:6:1: job "Climber" (line 6), parameter image: "../../etc/passwd" is outside the workspace`,
      );
      expect(run.output).toContain(
        `${config}:10:1: job "Absolute" (line 10), parameter image: "/etc/passwd" is an absolute path`,
      );
      expect(run.output).toContain(
        `${config}:14:1: job "Linker" (line 14), parameter image: "./assets/escape.png" resolves through a symbolic link to a file outside the workspace`,
      );
      expect(run.output).not.toContain('Fine');
      expect(run.output).not.toContain(outside);
    }
    expect(emu.stats().submitsReceived).toBe(0);
    expect(emu.stats().uploads).toBe(0);
  });

  it('a failed upload fails only the jobs that need the file (error_kind upload); the others run', async () => {
    emu = await startEmulator({
      timeScale: 1000,
      faults: [{ op: 'upload', kind: 'status', status: 422, message: 'unsupported file', times: Infinity }],
    });
    const { root } = await workspace();
    const config = await writeJobFile(
      root,
      `${jobsYaml([
        ['Needs file', I2V, './assets/logo.png'],
        ['Same file', IMG, './copies/same.png'],
      ])}  - name: Plain\n    model: ${IMG}\n    prompt: plain prompt\n`,
    );
    const run = await runCli(['run', '--config', config, '--workspace', root, ...FAST_POLL], {
      baseUrl: emu.url,
      outputDir: join(root, 'out'),
    });
    expect(run.code).toBe(1);
    const m = await run.manifest();
    expect(m.results.map((r) => [r.name, r.status, r.error_kind])).toEqual([
      ['Needs file', 'failed', 'upload'],
      ['Same file', 'failed', 'upload'],
      ['Plain', 'success', null],
    ]);
    expect(m.results[0]!.error).toMatch(/unsupported file/);
    expect(m.results[0]!.prediction_id).toBeNull();
    expect(emu.stats().uploads).toBe(1);
    expect(emu.stats().predictions.map((p) => p.prompt)).toEqual(['plain prompt']);
  });
});
