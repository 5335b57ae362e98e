// The same engine outside GitHub: `atlas-media run --config jobs.yml`.
// Flags are the action's input names (`--output-dir`, `--concurrency`, `--dry-run`, …).
// Only `run` spends money, and only when asked by name: a bare `atlas-media` prints the usage.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { readSettings, SettingsError } from './settings.js';
import { runPipeline, shouldFail, type PipelineResult } from './pipeline.js';
import { PlanError, type Plan } from './plan/types.js';
import { JobFileError } from './jobfile/load.js';
import { JobFilterError } from './jobfile/filter.js';
import { jobFileJsonSchema } from './jobfile/schema.js';
import { consoleLog, type Log } from './shared/log.js';
import type { Manifest } from './manifest/schema.js';
import { formatProgress } from './report/progress.js';
import { formatUsd } from './cost/prices.js';
import type { Progress } from './engine/run.js';
import { VERSION } from './version.js';
import { runInfoFromEnv } from './notify/webhook.js';

const VALUE_FLAGS = [
  'config',
  'api-key',
  'base-url',
  'concurrency',
  'max-concurrency',
  'download-concurrency',
  'output-dir',
  'fail-on',
  'jobs',
  'poll-interval',
  'max-poll-interval',
  'max-cost',
  'grace-period',
  'max-download-mb',
  'webhook-url',
  'webhook-secret',
  'workspace',
  'check-models',
] as const;
const BOOL_FLAGS = [
  'dry-run',
  'retry-unknown-submits',
  'force',
  'allow-private-outputs',
  'verbose',
  'help',
  'version',
  'json',
] as const;

const USAGE = `atlas-media ${VERSION}: generate images and videos from a job file with Atlas Cloud

Usage:
  atlas-media run [--config FILE] [options]     run the job file (default .github/atlas-media.yml); pays
  atlas-media plan [--config FILE]              validate and print the plan and its estimated cost; free
  atlas-media schema                            print the job file's JSON Schema
  atlas-media --help | --version

Options (the action's inputs): --api-key (or ATLASCLOUD_API_KEY), --base-url, --concurrency N|auto,
  --max-concurrency N, --output-dir DIR, --jobs 'glob,glob', --dry-run, --fail-on any|all|never,
  --poll-interval S, --max-poll-interval S, --max-cost USD, --retry-unknown-submits, --grace-period S, --force, --verbose,
  --max-download-mb MB, --allow-private-outputs,
  --webhook-url URL, --webhook-secret S, --workspace DIR (root that local inputs such as image: ./assets/x.png
  and the output directory must stay inside; default: the current directory),
  --check-models false (skip the model id check against GET /models, for a gateway without it),
  --json (print the result as JSON on stdout; logs stay on stderr)

Exit: 0 done, 1 jobs failed (per --fail-on), 2 invalid input, 130 cancelled.`;

/** One line for a usage error: the message's first line, and where to look. */
function usageError(out: NodeJS.WritableStream, message: string): number {
  const line = message.split('\n').filter(Boolean).join('; ');
  out.write(`atlas-media: ${line} (atlas-media --help shows the usage)\n`);
  return 2;
}

type Values = Record<string, string | boolean | undefined>;

/**
 * Runs one command and returns the exit code. Logs and progress go to `out` (stderr); what the command
 * produces (the usage, the schema, --json) goes to `stdout`, so it can be piped.
 */
export async function cli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs(argv);
  } catch (e) {
    return usageError(out, (e as Error).message);
  }
  const { values, positionals } = parsed;
  const command = commandOrExit(values, positionals, out, stdout);
  if (typeof command === 'number') return command;

  const log = consoleLog(out, Boolean(values['verbose']));
  let settings;
  try {
    settings = readSettings(flagGetter(command, values), env);
  } catch (e) {
    if (e instanceof SettingsError) return usageError(out, e.problems.join('; ').replaceAll('input ', '--'));
    throw e;
  }
  const cancel = cancelOnSignals();
  const live = out.isTTY === true;
  try {
    const ws = values['workspace'];
    const result = await runPipeline(settings, {
      log,
      signal: cancel.signal,
      onProgress: progressPrinter(out, live),
      // The workspace is the current directory unless --workspace says otherwise: local inputs and
      // the output directory must stay inside it, as they must stay inside GITHUB_WORKSPACE in the action.
      workspace: typeof ws === 'string' ? resolve(ws) : process.cwd(),
      workspaceLabel: typeof ws === 'string' ? '--workspace' : 'the current directory; --workspace sets another',
      run: runInfoFromEnv(env),
    });
    if (live) out.write('\n');
    const json = Boolean(values['json']);
    if (!result.manifest) {
      if (json) stdout.write(JSON.stringify(planJson(result.plan), null, 2) + '\n');
      return 0;
    }
    reportRun(result, result.manifest, { out, stdout, log, json });
    if (cancel.signal.aborted) return 130;
    return shouldFail(result.manifest, settings.failOn) ? 1 : 0;
  } catch (e) {
    if (live) out.write('\n');
    return exitCodeFor(e, out);
  } finally {
    cancel.off();
  }
}

function parseCliArgs(argv: string[]) {
  const parsed = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...Object.fromEntries(VALUE_FLAGS.map((f) => [f, { type: 'string' as const }])),
      ...Object.fromEntries(BOOL_FLAGS.map((f) => [f, { type: 'boolean' as const }])),
      help: { type: 'boolean', short: 'h' },
    } as Record<string, { type: 'string' | 'boolean'; short?: string }>,
  });
  return { values: parsed.values as Values, positionals: parsed.positionals };
}

/** `run` or `plan`; anything else (--version, --help, schema, a usage error) is answered here with its exit code. */
function commandOrExit(
  values: Values,
  positionals: string[],
  out: NodeJS.WritableStream,
  stdout: NodeJS.WritableStream,
): 'run' | 'plan' | number {
  const command = positionals[0];
  if (values['version'] && !values['help']) return (stdout.write(VERSION + '\n'), 0);
  if (values['help'] || command === undefined || command === 'help') return (stdout.write(USAGE + '\n'), 0);
  if (positionals.length > 1) return usageError(out, `unexpected argument "${positionals[1]}"`);
  if (command === 'schema') return (stdout.write(JSON.stringify(jobFileJsonSchema(), null, 2) + '\n'), 0);
  if (command !== 'run' && command !== 'plan') return usageError(out, `unknown command "${command}"`);
  return command;
}

/** The flags as readSettings reads inputs; `plan` is always a dry run. */
function flagGetter(command: 'run' | 'plan', values: Values) {
  return (name: string): string | undefined => {
    if (name === 'dry-run') return command === 'plan' || values['dry-run'] ? 'true' : undefined;
    const v = values[name];
    if (typeof v === 'boolean') return String(v);
    return typeof v === 'string' ? v : undefined;
  };
}

/** The first Ctrl-C winds the run down; a second exits at once (130). `off` removes the handlers. */
function cancelOnSignals(): { signal: AbortSignal; off: () => void } {
  const cancel = new AbortController();
  const onSignal = () => {
    if (cancel.signal.aborted) process.exit(130);
    cancel.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: cancel.signal,
    off: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Progress on one rewritten line in a terminal; otherwise a line every 15 s and at the end. */
function progressPrinter(out: NodeJS.WritableStream, live: boolean): (p: Progress) => void {
  const started = Date.now();
  let lastLine = 0;
  return (p) => {
    const now = Date.now();
    if (live && now - lastLine > 100) {
      lastLine = now;
      out.write(`\r\x1b[2K${formatProgress(p, now - started)}`);
    } else if (!live && (now - lastLine > 15_000 || p.done === p.total)) {
      lastLine = now;
      out.write(formatProgress(p, now - started) + '\n');
    }
  };
}

/** The result: JSON on stdout if asked, each job that did not succeed, and where the files are. */
function reportRun(
  result: PipelineResult,
  m: Manifest,
  io: { out: NodeJS.WritableStream; stdout: NodeJS.WritableStream; log: Log; json: boolean },
): void {
  if (io.json) io.stdout.write(JSON.stringify({ manifest: result.manifestPath, ...m }, null, 2) + '\n');
  for (const r of m.results) {
    if (r.status !== 'success' && r.status !== 'cached')
      io.log.error(`${r.name}: ${r.status}${r.error ? `: ${r.error}` : ''}`);
  }
  io.out.write(
    `${m.successful} succeeded, ${m.failed} failed, ${m.unknown} unknown, ${m.skipped} skipped · ${formatUsd(m.total_cost)} spent · ${m.run.wall_seconds}s\n` +
      `files:    ${result.plan.outputDir}\nmanifest: ${result.manifestPath}\ngallery:  ${result.plan.outputDir}/index.html\n`,
  );
}

/** Exit 2 for bad input, said on one line per problem; anything else is a bug and is thrown. */
function exitCodeFor(e: unknown, out: NodeJS.WritableStream): number {
  // A job file's problems keep one line each (file:line:col); the filter's is one line already.
  if (e instanceof JobFileError) return (out.write(e.message + '\n'), 2);
  if (e instanceof PlanError) return (out.write(e.message + '\n'), 2);
  if (e instanceof SettingsError) return (out.write(e.message.replaceAll('input ', '--') + '\n'), 2);
  if (e instanceof JobFilterError) return usageError(out, e.message);
  throw e;
}

/** `plan --json`: what would run and what it would cost, nothing sent. */
function planJson(plan: Plan) {
  return {
    config: plan.configPath,
    output_dir: plan.outputDir,
    concurrency: plan.concurrency,
    estimated_cost: plan.estimatedCost,
    jobs: plan.jobs.map((j) => ({
      name: j.name,
      type: j.type,
      model: j.model,
      line: j.line,
      units: j.estimate.units,
      unit: j.estimate.unit,
      estimated_cost: j.estimate.cost,
      ...(j.estimate.note ? { note: j.estimate.note } : {}),
    })),
  };
}
