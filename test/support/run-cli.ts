// Run the CLI in-process against an emulator, as a user would from a shell, and capture what it prints.
import { Writable } from 'node:stream';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cli } from '../../src/cli.js';
import { makeTempDir } from './temp.js';
import type { Manifest } from '../../src/manifest/schema.js';

export interface CliRun {
  code: number;
  /** What the CLI printed on stderr (logs, progress, errors). */
  output: string;
  /** What it printed on stdout (usage, schema, --json). */
  stdout: string;
  outputDir: string;
  manifest(): Promise<Manifest>;
}

export async function tempDir(prefix = 'atlas-test-'): Promise<string> {
  return makeTempDir(prefix);
}

export async function writeJobFile(dir: string, yamlText: string, name = 'jobs.yml'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, yamlText);
  return path;
}

/** Fast polling for an emulator at time scale 1000 (a 4 s image takes 4 ms). */
export const FAST_POLL = ['--poll-interval', '0.001', '--max-poll-interval', '0.02'];

export async function runCli(
  args: string[],
  opts: { baseUrl?: string; outputDir: string; apiKey?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<CliRun> {
  let output = '';
  let stdout = '';
  const out = new Writable({
    write(chunk, _enc, cb) {
      output += String(chunk);
      cb();
    },
  });
  // The output directory must be inside the workspace (the current directory by default): tests
  // work in temp dirs, so the workspace is the output directory's parent unless the test names one.
  const stdoutStream = new Writable({
    write(chunk, _enc, cb) {
      stdout += String(chunk);
      cb();
    },
  });
  const argv = [
    ...args,
    ...(args.includes('--workspace') ? [] : ['--workspace', dirname(opts.outputDir)]),
    '--output-dir',
    opts.outputDir,
    ...(opts.baseUrl ? ['--base-url', opts.baseUrl] : []),
    ...(opts.apiKey !== undefined ? ['--api-key', opts.apiKey] : ['--api-key', 'test-key']),
  ];
  const code = await cli(argv, opts.env ?? {}, out, stdoutStream);
  return {
    code,
    output,
    stdout,
    outputDir: opts.outputDir,
    manifest: async () => JSON.parse(await readFile(join(opts.outputDir, 'manifest.json'), 'utf8')) as Manifest,
  };
}
