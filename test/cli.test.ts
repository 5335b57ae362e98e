// The CLI as a user meets it: help on stdout, nothing paid unless `run` is asked for by name, one-line
// usage errors with exit 2, --json on stdout, and the `jobs` filter taking commas. In-process through
// run-cli.ts against the emulator over real HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { startEmulator, type Emulator } from './emulator/server.js';
import { FAST_POLL, runCli, tempDir, writeJobFile } from './support/run-cli.js';
import { splitJobPatterns } from '../src/settings.js';
import { VERSION } from '../src/version.js';

let emu: Emulator | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setup(): Promise<{ e: Emulator; dir: string; config: string }> {
  emu = await startEmulator({ timeScale: 1000 });
  const dir = await tempDir();
  dirs.push(dir);
  const config = await writeJobFile(
    dir,
    ['jobs:', '  - { name: a, prompt: first }', '  - { name: b, prompt: second }', '  - { name: c, prompt: third }']
      .map((l) => l.replace('{ name', '{ model: black-forest-labs/flux-2-pro/text-to-image, name'))
      .join('\n'),
  );
  return { e: emu, dir, config };
}

const STACK = /\n\s+at /;

describe('CLI', () => {
  it('with no command prints the usage on stdout, exits 0 and calls nothing, even with a key and a job file', async () => {
    const { e, dir, config } = await setup();
    const run = await runCli(['--config', config], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
      env: { ATLASCLOUD_API_KEY: 'test-key' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage:');
    expect(run.stdout).toContain('atlas-media run');
    expect(run.output).toBe('');
    expect(e.stats().submitsReceived).toBe(0);
    expect(e.stats().modelLists).toBe(0);
  });

  it.each([['-h'], ['--help'], ['help'], ['run', '--help']])(
    '%s prints the usage on stdout, exit 0',
    async (...args) => {
      const { e, dir } = await setup();
      const run = await runCli(args, { baseUrl: e.url, outputDir: join(dir, 'out') });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^atlas-media \S+: /);
      expect(run.stdout).toContain('Usage:');
      expect(run.output).toBe('');
      expect(e.stats().submitsReceived).toBe(0);
    },
  );

  it('--version prints the version on stdout, exit 0', async () => {
    const { e, dir } = await setup();
    const run = await runCli(['--version'], { baseUrl: e.url, outputDir: join(dir, 'out') });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${VERSION}\n`);
  });

  it.each([
    ['a filter that names no job', ['run', '--jobs', 'nope'], /^atlas-media: job filter: "nope" matches no job/],
    ['an unknown command', ['generate'], /^atlas-media: unknown command "generate"/],
    ['an unknown flag', ['run', '--concurency', '3'], /^atlas-media: Unknown option '--concurency'/],
    ['a bad value', ['run', '--concurrency', 'lots', '--fail-on', 'maybe'], /^atlas-media: --concurrency: "lots"/],
    ['a second positional', ['run', 'jobs.yml'], /^atlas-media: unexpected argument "jobs.yml"/],
  ])('%s is exit 2 with one line on stderr and no stack trace', async (_what, args, message) => {
    const { e, dir, config } = await setup();
    const run = await runCli([...args, '--config', config], { baseUrl: e.url, outputDir: join(dir, 'out') });
    expect(run.code, run.output).toBe(2);
    expect(run.output).toMatch(message);
    expect(run.output.trimEnd().split('\n')).toHaveLength(1);
    expect(run.output).not.toMatch(STACK);
    expect(run.stdout).toBe('');
    expect(e.stats().submitsReceived).toBe(0);
  });

  it('--jobs "a, c" runs exactly those two jobs', async () => {
    const { e, dir, config } = await setup();
    const run = await runCli(['run', '--config', config, '--jobs', 'a, c', ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    expect((await run.manifest()).results.map((r) => r.name)).toEqual(['a', 'c']);
    expect(e.stats().submitsReceived).toBe(2);
  });

  it('run --json prints the manifest and its path on stdout; logs stay on stderr', async () => {
    const { e, dir, config } = await setup();
    const run = await runCli(['run', '--config', config, '--json', ...FAST_POLL], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    const parsed = JSON.parse(run.stdout) as { manifest: string; successful: number; results: unknown[] };
    expect(parsed.manifest).toBe(join(dir, 'out', 'manifest.json'));
    expect(parsed.successful).toBe(3);
    expect(parsed.results).toEqual((await run.manifest()).results);
    expect(run.output).toContain('3 succeeded');
  });

  it('plan --json prints the plan and its estimate, sends nothing', async () => {
    const { e, dir, config } = await setup();
    const run = await runCli(['plan', '--config', config, '--json'], {
      baseUrl: e.url,
      outputDir: join(dir, 'out'),
      apiKey: '',
    });
    expect(run.code, run.output).toBe(0);
    const plan = JSON.parse(run.stdout) as { estimated_cost: number; jobs: Array<{ name: string; line: number }> };
    expect(plan.jobs.map((j) => [j.name, j.line])).toEqual([
      ['a', 2],
      ['b', 3],
      ['c', 4],
    ]);
    expect(plan.estimated_cost).toBeCloseTo(0.12);
    expect(e.stats().submitsReceived).toBe(0);
  });
});

describe('the jobs input', () => {
  it('splits on commas and newlines, but not on a comma inside a glob brace', () => {
    expect(splitJobPatterns('a, b')).toEqual(['a', 'b']);
    expect(splitJobPatterns('a\nb,c\r\n, d ,')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitJobPatterns('hero-{x,y}, logo')).toEqual(['hero-{x,y}', 'logo']);
    expect(splitJobPatterns('  ')).toEqual([]);
  });
});
