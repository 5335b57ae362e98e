// Run the bundled action as the runner does: every input from action.yml with its default as
// INPUT_<NAME>, our overrides on top, the GITHUB_* files, then `node dist/index.js`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { makeTempDir } from './temp.js';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');

export function actionDefaults(): Record<string, string> {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const out: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) out[name] = input.default ?? '';
  return out;
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Parses the GITHUB_OUTPUT file (name<<delimiter … delimiter, or name=value). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      out[heredoc[1]!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

export async function runAction(opts: {
  inputs: Record<string, string>;
  env?: Record<string, string | undefined>;
  event?: { name: string; payload: Record<string, unknown> };
  cwd?: string;
  /** Send this signal after the given ms. */
  kill?: { signal: NodeJS.Signals; afterMs: number } | { signal: NodeJS.Signals; when: (stdout: string) => boolean };
}): Promise<ActionRun> {
  const dir = await makeTempDir('atlas-action-');
  const summaryFile = join(dir, 'summary.md');
  const outputFile = join(dir, 'output.txt');
  const eventFile = join(dir, 'event.json');
  await writeFile(summaryFile, '');
  await writeFile(outputFile, '');
  await writeFile(eventFile, JSON.stringify(opts.event?.payload ?? {}));
  const inputs = { ...actionDefaults(), ...opts.inputs };
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    RUNNER_TEMP: dir,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: opts.event?.name ?? 'workflow_dispatch',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: opts.cwd ?? dir,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v])),
  };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  let stdout = '';
  let stderr = '';
  const code = await new Promise<number | null>((res) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/index.js')], {
      env,
      cwd: opts.cwd ?? dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let sent = false;
    const k = opts.kill;
    child.stdout.on('data', (d) => {
      stdout += String(d);
      if (k && 'when' in k && !sent && k.when(stdout)) {
        sent = true;
        child.kill(k.signal);
      }
    });
    child.stderr.on('data', (d) => (stderr += String(d)));
    if (k && 'afterMs' in k) setTimeout(() => child.kill(k.signal), k.afterMs);
    child.on('exit', (c) => res(c));
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}
