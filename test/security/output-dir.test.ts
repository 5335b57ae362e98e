// output_dir / output-dir must resolve (links included) to a directory strictly inside the
// workspace, not the workspace itself and not .git: anything else is an input error before any paid
// call. The CLI's workspace is the current directory or --workspace; the action's GITHUB_WORKSPACE.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAction } from '../support/action-env.js';
import { FAST_POLL, runCli, tempDir } from '../support/run-cli.js';
import { assertInvariants, jobFile } from '../faults/invariants.js';
import { emulators } from '../faults/harness.js';

const emulator = emulators();
const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const JOBS = jobFile([{ name: 'hero', prompt: 'a glass bottle' }]);

/** root/ws is the workspace (a checkout with .git), root/outside is not. */
async function layout(): Promise<{ root: string; ws: string; outside: string }> {
  const root = await tempDir('atlas-sec-outdir-');
  made.push(root);
  const ws = join(root, 'ws');
  const outside = join(root, 'outside');
  await mkdir(join(ws, '.git'), { recursive: true });
  await writeFile(join(ws, '.git', 'config'), '[http] extraheader = AUTHORIZATION: basic c2VjcmV0\n');
  await mkdir(outside);
  await symlink(outside, join(ws, 'linked-out'));
  return { root, ws, outside };
}

const BAD: Array<[string, (l: { outside: string }) => string, RegExp]> = [
  ['../outside', () => '../outside', /outside the workspace/],
  ['.', () => '.', /is the workspace .* itself/],
  ['.git', () => '.git', /inside \.git/],
  ['.git/out', () => '.git/out', /inside \.git/],
  ['an absolute path outside', (l) => join(l.outside, 'abs'), /outside the workspace/],
  ['a link to a directory outside', () => 'linked-out', /outside the workspace/],
];

describe('the output directory is confined to the workspace', () => {
  it.each(BAD)(
    'CLI --output-dir %s: exit 2 naming --output-dir, nothing submitted or written',
    async (_n, dir, why) => {
      const emu = await emulator();
      const l = await layout();
      await writeFile(join(l.ws, 'jobs.yml'), JOBS);
      const run = await runCli(['run', '--config', join(l.ws, 'jobs.yml'), '--workspace', l.ws, ...FAST_POLL], {
        baseUrl: emu.url,
        outputDir: dir(l).startsWith('/') ? dir(l) : join(l.ws, dir(l)),
      });
      expect(run.code, run.output).toBe(2);
      expect(run.output).toMatch(/^--output-dir: /m);
      expect(run.output).toMatch(why);
      expect(emu.stats().submitsReceived).toBe(0);
      expect(await readdir(l.outside)).toEqual([]);
      expect(await readdir(join(l.ws, '.git'))).toEqual(['config']);
    },
  );

  it.each(BAD)(
    'the action, output_dir: %s in the job file: an error at its line, nothing submitted',
    async (_n, dir, why) => {
      const emu = await emulator();
      const l = await layout();
      await writeFile(join(l.ws, 'jobs.yml'), `# media\noutput_dir: ${JSON.stringify(dir(l))}\n${JOBS}`);
      const run = await runAction({
        inputs: { config: 'jobs.yml', 'api-key': 'test-key', 'base-url': emu.url, 'artifact-name': '', cache: 'false' },
        cwd: l.ws,
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/::error title=Invalid job file,file=jobs\.yml,line=2,col=1::output_dir: /);
      expect(run.stdout).toMatch(why);
      expect(emu.stats().submitsReceived).toBe(0);
      expect(await readdir(l.outside)).toEqual([]);
      expect(await readdir(join(l.ws, '.git'))).toEqual(['config']);
    },
  );

  it('a directory inside the workspace (also through a link that stays inside) runs as before', async () => {
    const emu = await emulator();
    const l = await layout();
    await mkdir(join(l.ws, 'real-out'));
    await symlink(join(l.ws, 'real-out'), join(l.ws, 'inside-link'));
    await writeFile(join(l.ws, 'jobs.yml'), JOBS);
    const run = await runCli(['run', '--config', join(l.ws, 'jobs.yml'), '--workspace', l.ws, ...FAST_POLL], {
      baseUrl: emu.url,
      outputDir: join(l.ws, 'inside-link'),
    });
    await assertInvariants(emu, { code: run.code, outputDir: join(l.ws, 'real-out') }, { exitCode: 0 });
  });
});
