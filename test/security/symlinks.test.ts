// Repository traps: links committed in the output directory. The bundled action runs as the runner
// runs it, uploads through the real @actions/artifact client (results-service fake + Azurite), and
// the artifact is downloaded back: no byte from outside the output directory is in it, and the
// files the action writes replace a planted link instead of writing through it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lstat, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startResultsService, type ResultsService } from '../support/results-service.js';
import { applyEnv, artifactEnv } from '../support/github-env.js';
import { runAction } from '../support/action-env.js';
import { tempDir } from '../support/run-cli.js';
import { assertInvariants, jobFile } from '../faults/invariants.js';
import { emulators, workspace } from '../faults/harness.js';

const emulator = emulators();
const SECRET = 'OUTSIDE-SECRET-4f1c9e';
let azurite: Azurite;
let results: ResultsService;
const made: string[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
  results = await startResultsService(azurite);
}, 60_000);
afterAll(async () => {
  await results?.close();
  await azurite?.stop();
});
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tree(dir: string, base = dir): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) for (const [k, v] of await tree(p, base)) out.set(k, v);
    else out.set(p.slice(base.length + 1), (await readFile(p)).toString('latin1'));
  }
  return out;
}

const jobs = jobFile([
  { name: 'hero', prompt: 'a glass bottle' },
  { name: 'mug', prompt: 'a plain mug' },
]);

describe('links planted in the output directory', () => {
  it('a committed out/notes.txt -> outside file never reaches the artifact; links at manifest.json, report.md, index.html are replaced, their targets untouched', async () => {
    const emu = await emulator({ apiKey: 'sk-links-key-1234' });
    const root = await tempDir('atlas-sec-links-');
    made.push(root);
    const ws = join(root, 'ws');
    const out = join(ws, 'out');
    await mkdir(out, { recursive: true });
    await writeFile(join(ws, 'jobs.yml'), jobs);
    // Outside the workspace: what a trap points at.
    await writeFile(join(root, 'secret.txt'), `TOKEN=${SECRET}\n`);
    for (const v of ['victim', 'victim-report', 'victim-index']) await writeFile(join(root, v), `${v} ${SECRET}\n`);
    await mkdir(join(root, 'outside-dir'));
    await writeFile(join(root, 'outside-dir', 'loot.txt'), SECRET);
    await symlink(join(root, 'secret.txt'), join(out, 'notes.txt'));
    await symlink('/proc/self/environ', join(out, 'environ.txt'));
    await symlink(join(root, 'outside-dir'), join(out, 'linked-dir'));
    await symlink('../../victim', join(out, 'manifest.json'));
    await symlink('../../victim-report', join(out, 'report.md'));
    await symlink('../../victim-index', join(out, 'index.html'));

    const run = await runAction({
      inputs: {
        config: 'jobs.yml',
        'api-key': 'sk-links-key-1234',
        'base-url': emu.url,
        'output-dir': 'out',
        'poll-interval': '0.001',
        'max-poll-interval': '0.02',
        comment: 'never',
        cache: 'false',
      },
      env: { ...artifactEnv(results), GITHUB_SERVER_URL: 'https://github.com', ATLAS_TEST_SECRET: SECRET },
      cwd: ws,
    });
    await assertInvariants(emu, { code: run.code, outputDir: out }, { exitCode: 0 });

    // The targets are as they were; the names now hold the action's own files.
    expect(await readFile(join(root, 'victim'), 'utf8')).toBe(`victim ${SECRET}\n`);
    expect(await readFile(join(root, 'victim-report'), 'utf8')).toBe(`victim-report ${SECRET}\n`);
    expect(await readFile(join(root, 'victim-index'), 'utf8')).toBe(`victim-index ${SECRET}\n`);
    for (const f of ['manifest.json', 'report.md', 'index.html'])
      expect((await lstat(join(out, f))).isFile(), `${f} is a regular file`).toBe(true);
    expect(run.stdout).toMatch(/not uploaded.*notes\.txt/);

    // The artifact, downloaded back with the real client.
    const restore = applyEnv(artifactEnv(results));
    const back = join(root, 'back');
    try {
      await new DefaultArtifactClient().downloadArtifact(Number(run.outputs['artifact-id']), { path: back });
    } finally {
      restore();
    }
    const got = await tree(back);
    expect([...got.keys()]).toEqual(expect.arrayContaining(['manifest.json', 'report.md', 'index.html']));
    for (const name of ['notes.txt', 'environ.txt', 'linked-dir/loot.txt']) expect(got.has(name)).toBe(false);
    for (const [name, text] of got) {
      expect(text.includes(SECRET), `outside bytes in ${name}`).toBe(false);
      expect(text.includes('sk-links-key-1234'), `the key in ${name}`).toBe(false);
    }
  });

  it('a link at the journal or at images/ refuses the run before any paid call; the target is untouched', async () => {
    for (const [name, target, isDir] of [
      ['.atlas-journal.jsonl', 'victim-journal', false],
      ['images', 'victim-images', true],
    ] as const) {
      const emu = await emulator();
      const ws = await workspace(emu, jobs);
      made.push(ws.dir);
      await mkdir(ws.out, { recursive: true });
      const victim = join(ws.dir, target);
      if (isDir) await mkdir(victim);
      else await writeFile(victim, 'untouched\n');
      await symlink(victim, join(ws.out, name));
      const run = await ws.run();
      expect(run.code, run.output).toBe(2);
      expect(run.output).toContain(`${name} -> ${victim}`);
      expect(run.output).toContain('nothing was submitted');
      expect(emu.stats().submitsReceived).toBe(0);
      if (isDir) expect(await readdir(victim)).toEqual([]);
      else expect(await readFile(victim, 'utf8')).toBe('untouched\n');
    }
  });
});
