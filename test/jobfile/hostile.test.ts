// Hostile job files: each gives a clear JobFileError, or is accepted with a safe file stem.
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JobFileError,
  MAX_JOB_FILE_BYTES,
  loadJobFile,
  parseJobFile,
  type JobFileProblem,
} from '../../src/jobfile/load.js';
import { planJobs } from '../../src/plan/jobs.js';

function problemsOf(text: string | Uint8Array): JobFileProblem[] {
  try {
    parseJobFile(text, 'evil.yml');
  } catch (e) {
    expect(e).toBeInstanceOf(JobFileError);
    return (e as JobFileError).problems;
  }
  throw new Error('expected a JobFileError');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atlas-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hostile job files', () => {
  it('error: a file over 10 MiB is refused before parsing, with its size', () => {
    const big = `jobs: [${'x'.repeat(MAX_JOB_FILE_BYTES)}]`;
    const ps = problemsOf(big);
    expect(ps).toHaveLength(1);
    expect(ps[0]!.message).toMatch(/^the job file is too large: 10\.0 MiB \(10485768 bytes\); the limit is 10 MiB$/);
    expect(problemsOf(new Uint8Array(MAX_JOB_FILE_BYTES + 1))[0]!.message).toContain('too large');
  });

  it('error: loadJobFile refuses a large file from its size alone (sparse 2 GiB file, never read)', async () => {
    const file = join(dir, 'huge.yml');
    await writeFile(file, '');
    await truncate(file, 2 * 1024 ** 3);
    await expect(loadJobFile(file)).rejects.toThrow(/too large: 2048\.0 MiB/);
  });

  it('error: non-UTF-8 bytes are reported at the line and column of the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('jobs:\n  - name: café'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    const ps = problemsOf(bytes);
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ line: 2, col: 15, field: '' });
    expect(ps[0]!.message).toBe('the job file is not valid UTF-8: bad byte 0xc3 at byte offset 21; save it as UTF-8');
    // Latin-1 on line 1, a lone continuation byte, an overlong encoding, a UTF-16 surrogate.
    expect(problemsOf(Buffer.from([0x6a, 0xe9, 0x0a]))[0]).toMatchObject({ line: 1, col: 2 });
    expect(problemsOf(Buffer.from([0x0a, 0x0a, 0x80]))[0]).toMatchObject({ line: 3, col: 1 });
    expect(problemsOf(Buffer.from([0x61, 0xc0, 0xaf]))[0]).toMatchObject({ line: 1, col: 2 });
    expect(problemsOf(Buffer.from([0x61, 0xed, 0xa0, 0x80]))[0]).toMatchObject({ line: 1, col: 2 });
  });

  it('accepted: a UTF-8 byte-order mark is ignored', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('jobs:\n  - {name: a, model: m, prompt: p}\n'),
    ]);
    expect(parseJobFile(bytes, 'f').jobLines).toEqual([2]);
  });

  it('error: a YAML alias bomb ("billion laughs") is refused by maxAliasCount', () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'jobs: [*e]',
    ].join('\n');
    const started = Date.now();
    const ps = problemsOf(bomb);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(ps).toHaveLength(1);
    expect(ps[0]!.message).toMatch(/YAML aliases expand too much \(more than 100 .*alias bomb/);
    expect(ps[0]!.line).toBe(2);
  });

  it('error: deeply nested flow collections are a YAML error, not a crash', () => {
    const ps = problemsOf(`jobs: ${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    expect(ps.length).toBeGreaterThan(0);
  });

  it('error: params nested more than 32 levels deep', () => {
    let nested = '1';
    for (let i = 0; i < 40; i++) nested = `{a: ${nested}}`;
    const ps = problemsOf(`jobs:\n  - {name: a, model: m, prompt: p, params: {deep: ${nested}}}\n`);
    expect(ps).toHaveLength(1);
    expect(ps[0]!.message).toMatch(/^jobs\[0\]\.params\.deep(\.a)+: nested more than 32 levels deep$/);
  });

  it('error: a __proto__ key in params (no prototype pollution)', () => {
    const ps = problemsOf(
      'jobs:\n  - name: a\n    model: m\n    prompt: p\n    params:\n      __proto__: {polluted: true}\n',
    );
    expect(ps.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '6:7 jobs[0].params.__proto__: the key "__proto__" is not allowed',
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('accepted: __proto__ as a job name or pricing key is just a string', () => {
    const { jobFile } = parseJobFile('jobs:\n  - {name: __proto__, model: m, prompt: p}\n', 'f');
    expect(planJobs(jobFile)[0]!.fileStem).toBe('proto');
  });

  it('error: binary data, infinities and NaN in params cannot be sent as JSON', () => {
    const ps = problemsOf(
      'jobs:\n  - name: a\n    model: m\n    prompt: p\n    params:\n      img: !!binary aGVsbG8=\n      x: .inf\n      y: [.nan]\n',
    );
    expect(ps.map((p) => p.message)).toEqual([
      'jobs[0].params.img: binary data (!!binary) cannot be sent as JSON; use text, numbers, booleans, lists and mappings',
      'jobs[0].params.x: Infinity cannot be sent as JSON; use a finite number',
      'jobs[0].params.y[0]: NaN cannot be sent as JSON; use a finite number',
    ]);
  });

  it('error: unknown YAML tags and several documents', () => {
    expect(problemsOf('jobs: !custom [1]\n')[0]!.message).toMatch(/^YAML problem: Unresolved tag: !custom/);
    expect(problemsOf('jobs: []\n---\njobs: []\n')[0]!.message).toMatch(/multiple documents/);
  });

  it('error: a name longer than 200 characters (from the schema)', () => {
    const ps = problemsOf(`jobs:\n  - {name: ${'n'.repeat(201)}, model: m, prompt: p}\n`);
    expect(ps.map((p) => p.message)).toEqual(['jobs[0].name: is too long: 201 characters (at most 200)']);
  });

  it('safe stem: NUL and control characters in names are accepted and sanitised', () => {
    const { jobFile } = parseJobFile(
      'jobs:\n  - {name: "hero\\0shot\\x07\\e[31m", model: m, prompt: p}\n  - {name: "\\0\\0", model: m, prompt: p}\n',
      'f',
    );
    const jobs = planJobs(jobFile);
    expect(jobs[0]!.name).toBe('hero\u0000shot\u0007\u001b[31m');
    expect(jobs.map((j) => j.fileStem)).toEqual(['hero-shot-31m', 'job']);
  });

  it('safe stem: path traversal and device names in job names', () => {
    const { jobFile } = parseJobFile(
      'jobs:\n  - {name: ../../../etc/passwd, model: m, prompt: p}\n  - {name: CON, model: m, prompt: p}\n  - {name: "C:\\\\Windows\\\\x", model: m, prompt: p}\n',
      'f',
    );
    expect(planJobs(jobFile).map((j) => j.fileStem)).toEqual(['etc-passwd', 'con-file', 'c-windows-x']);
  });

  it('error: blank prompt, model id with spaces, timeout beyond a day', () => {
    const ps = problemsOf('jobs:\n  - {name: a, model: "flux pro", prompt: "   ", timeout: 100000}\n');
    expect(ps.map((p) => p.message)).toEqual([
      'jobs[0].model: a model id has no spaces',
      'jobs[0].prompt: the prompt is blank',
      'jobs[0].timeout: must be at most 86400, got 100000',
    ]);
  });

  it('error: a control-character-laden unknown key is quoted, not echoed raw', () => {
    const ps = problemsOf('jobs:\n  - {name: a, model: m, prompt: p, "\\e[2Jx": 1}\n');
    expect(ps[0]!.message).toBe(
      'jobs[0]["\\u001b[2Jx"]: unknown key "\\u001b[2Jx" (model parameters go under params:)',
    );
  });
});
