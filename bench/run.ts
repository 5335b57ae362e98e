// `npm run bench`: the real bundled action (node dist/index.js, INPUT_* as the runner sets them)
// against the emulator, on named workloads. Prints one table and writes bench/results/<stamp>.json.
// Figures are ratios measured in one run; nothing here is asserted by `npm test`.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { startEmulator, type Emulator, type EmulatorOptions } from '../test/emulator/server.js';
import { floorMakespan, latencySeconds } from '../test/emulator/latency.js';
import {
  BAND_WORLD,
  LOGNORMAL_WORLD,
  SHAPES,
  images,
  informedBound,
  percentile,
  simulate,
  tutorialPlan,
  videos,
  type SimJob,
  type World,
} from './simulate.js';

const ROOT = resolve(import.meta.dirname, '..');

interface Workload {
  name: string;
  jobs: Array<Record<string, unknown>>;
  concurrency: number | 'auto';
  /** The concurrency the floor is computed at (the account limit for `auto`). */
  floorConcurrency: number;
  emulator: EmulatorOptions;
  /** Seconds, real time (already divided by the time scale). */
  pollInterval: number;
  maxPollInterval: number;
  extraInputs?: Record<string, string>;
  /** Run this many shard processes at once (shard: i/n), sharing the emulator's account limit. */
  shards?: number;
  /** Measures CPU and memory only: at full speed the run is bound by the client's own work, so a makespan ratio means nothing. */
  throughputOnly?: boolean;
  /** The latency world (its jitter and model times are the emulator's). */
  world: World;
  /** A job file run first in the same output directory (against its own emulator), e.g. a weekly pack before a preview. */
  warmup?: Array<Record<string, unknown>>;
}

// Time scale 10 as in the measurements: the tutorial's 5 s → 30 s polling becomes 0.5 → 3 s.
const SCALE = 10;
const scaled = (s: number) => s / SCALE;

const worldOptions = (world: World): EmulatorOptions => ({ jitter: world.jitter, models: world.models });
const short = (world: World) => (world === BAND_WORLD ? 'band' : 'lognormal');

/** The four shapes of issue 13 in one latency world. */
function shapes(world: World): Record<string, () => Workload> {
  const w = short(world);
  const common = {
    world,
    emulator: { timeScale: SCALE, ...worldOptions(world) },
    pollInterval: scaled(1),
    maxPollInterval: scaled(30),
  };
  return {
    [`pack/${w}`]: () => ({
      ...common,
      name: `pack: 10 images + 5 videos (${w})`,
      jobs: SHAPES.pack.jobs(),
      concurrency: 3,
      floorConcurrency: 3,
    }),
    [`catalog/${w}`]: () => ({
      ...common,
      name: `catalog: 500 images (${w})`,
      jobs: SHAPES.catalog.jobs(),
      concurrency: 8,
      floorConcurrency: 8,
    }),
    [`pack-warm/${w}`]: () => ({
      ...common,
      name: `pack, the week after (${w})`,
      jobs: SHAPES.pack.jobs(),
      concurrency: 3,
      floorConcurrency: 3,
      // Last week's pack: the same models, other prompts, so other latencies.
      warmup: SHAPES.lastWeek.jobs(),
    }),
    [`preview-cold/${w}`]: () => ({
      ...common,
      name: `PR preview, nothing known (${w})`,
      jobs: SHAPES.preview.jobs(),
      concurrency: 3,
      floorConcurrency: 3,
    }),
    [`preview-warm/${w}`]: () => ({
      ...common,
      name: `PR preview after a pack (${w})`,
      jobs: SHAPES.preview.jobs(),
      concurrency: 3,
      floorConcurrency: 3,
      warmup: SHAPES.pack.jobs(),
    }),
    [`auto/${w}`]: () => ({
      ...common,
      name: `auto vs account limit 12 (${w})`,
      jobs: images(500, 'auto'),
      concurrency: 'auto',
      floorConcurrency: 12,
      emulator: { ...common.emulator, accountConcurrency: 12 },
      extraInputs: { 'max-concurrency': '32' },
    }),
  };
}

const WORKLOADS: Record<string, () => Workload> = {
  ...shapes(BAND_WORLD),
  ...shapes(LOGNORMAL_WORLD),
  'big-videos': () => ({
    name: 'big videos: 5 × 500 MB',
    world: LOGNORMAL_WORLD,
    jobs: videos(5),
    concurrency: 5,
    floorConcurrency: 5,
    emulator: { timeScale: 100, videoBytes: 500 * 1024 * 1024 },
    pollInterval: 0.01,
    maxPollInterval: 0.3,
  }),
  '10k': () => ({
    name: '10,000 jobs at full speed',
    world: BAND_WORLD,
    jobs: images(10_000, 'bulk'),
    concurrency: 64,
    floorConcurrency: 64,
    emulator: { timeScale: 10_000, ...worldOptions(BAND_WORLD) },
    pollInterval: 0.001,
    maxPollInterval: 0.01,
    extraInputs: { 'download-concurrency': '16' },
    throughputOnly: true,
  }),
  shards: () => ({
    name: 'catalog in 4 shards, shared limit 12',
    world: LOGNORMAL_WORLD,
    jobs: images(500, 'shard'),
    concurrency: 'auto',
    floorConcurrency: 12,
    emulator: { timeScale: SCALE, accountConcurrency: 12 },
    pollInterval: scaled(1),
    maxPollInterval: scaled(30),
    extraInputs: { 'max-concurrency': '12' },
    shards: 4,
  }),
};

/** What `npm run bench` runs with no arguments: issue 13's shapes in both worlds, and the 10,000-job run. */
const DEFAULT_RUN = [...Object.keys(shapes(BAND_WORLD)), ...Object.keys(shapes(LOGNORMAL_WORLD)), '10k'];

interface Row {
  workload: string;
  throughputOnly: boolean;
  jobs: number;
  concurrency: string;
  makespan: number;
  floor: number;
  ratio: number;
  informedRatio: number;
  tutorialRatio: number;
  polls: number;
  informedPolls: number;
  tutorialPolls: number;
  delayP50: number;
  delayP90: number;
  rateLimited: number;
  peakRssMb: number;
  cpuSeconds: number;
  succeeded: number;
  exitCode: number | null;
}

async function runWorkload(w: Workload): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), 'atlas-bench-'));
  const parts = w.shards ?? 1;
  /** One action process (shard k of parts) against the emulator at url, writing into out-k. */
  const runAction = async (url: string, config: string, k: number) => {
    const usageFile = join(dir, `usage-${k}.json`);
    const summary = join(dir, `summary-${k}.md`);
    const outDir = join(dir, `out-${k}`);
    await writeFile(summary, '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      // BENCH_NODE_OPTIONS: extra node flags for the benchmarked process (a V8 flag to try, a --import that
      // samples memory or writes heap snapshots), after the usage probe.
      NODE_OPTIONS: [
        `--import ${JSON.stringify(join(ROOT, 'bench/usage.mjs'))}`,
        process.env['BENCH_NODE_OPTIONS'] ?? '',
      ]
        .join(' ')
        .trim(),
      BENCH_USAGE_FILE: usageFile,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_WORKSPACE: dir, // the output directory must be inside the workspace
      INPUT_CONFIG: config,
      'INPUT_API-KEY': 'bench-key',
      'INPUT_BASE-URL': url,
      'INPUT_OUTPUT-DIR': outDir,
      INPUT_CONCURRENCY: String(w.concurrency),
      'INPUT_POLL-INTERVAL': String(w.pollInterval),
      'INPUT_MAX-POLL-INTERVAL': String(w.maxPollInterval),
      'INPUT_ARTIFACT-NAME': '',
      INPUT_COMMENT: 'never',
      INPUT_CACHE: 'false',
      'INPUT_FAIL-ON': 'any',
      ...(w.shards ? { INPUT_SHARD: `${k + 1}/${parts}` } : {}),
      ...Object.fromEntries(Object.entries(w.extraInputs ?? {}).map(([key, v]) => [`INPUT_${key.toUpperCase()}`, v])),
    };
    const exitCode = await new Promise<number | null>((res) => {
      // BENCH_ACTION points at another bundle (e.g. one built to compare a change); default dist/.
      const child = spawn(process.execPath, [process.env['BENCH_ACTION'] ?? join(ROOT, 'dist/index.js')], {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('exit', (code) => res(code));
    });
    const usage = JSON.parse(await readFile(usageFile, 'utf8')) as { maxRssKb: number; cpuSeconds: number };
    const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as { successful: number };
    return { exitCode, usage, successful: manifest.successful };
  };
  if (w.warmup) {
    // The earlier run in the same workspace, against its own emulator: it leaves its latency memory in out-0.
    const before = await startEmulator({ apiKey: 'bench-key', ...w.emulator });
    try {
      const config = join(dir, 'warmup.yml');
      await writeFile(config, stringify({ jobs: w.warmup }));
      await runAction(before.url, config, 0);
    } finally {
      await before.close();
    }
  }
  const emu: Emulator = await startEmulator({ apiKey: 'bench-key', ...w.emulator });
  try {
    const config = join(dir, 'jobs.yml');
    await writeFile(config, stringify({ jobs: w.jobs }));
    const runs = await Promise.all(Array.from({ length: parts }, (_, k) => runAction(emu.url, config, k)));
    const exitCode = runs.every((r) => r.exitCode === 0) ? 0 : (runs.find((r) => r.exitCode !== 0)?.exitCode ?? null);
    const usage = {
      maxRssKb: Math.max(...runs.map((r) => r.usage.maxRssKb)),
      cpuSeconds: runs.reduce((a, r) => a + r.usage.cpuSeconds, 0),
    };
    const manifest = { successful: runs.reduce((a, r) => a + r.successful, 0) };
    const stats = emu.stats();

    // Latencies in file order, from what the emulator used (simulated seconds).
    const byPrompt = new Map(stats.predictions.map((p) => [p.prompt, p]));
    const perJob: SimJob[] = w.jobs.map((j) => {
      const p = byPrompt.get(String(j['prompt']));
      const body = { ...j } as Record<string, unknown>;
      delete body['name'];
      const model = String(j['model']);
      return {
        model,
        type: w.world.models[model]?.type ?? 'image',
        body,
        // Real ms at the emulator's time scale → simulated seconds.
        latency: p ? (p.latencyMs * (w.emulator.timeScale ?? 1000)) / 1000 : 0,
        // The model's typical time for this job's size: the emulator's latency with no jitter.
        typical: latencySeconds(w.emulator.seed ?? 1, model, body, w.world.models, 0),
      };
    });
    const scale = (w.emulator.timeScale ?? 1000) / 1000; // simulated s per real ms
    const floor = floorMakespan(
      perJob.map((j) => j.latency),
      w.floorConcurrency,
    );
    const firstSubmit = Math.min(...stats.predictions.map((p) => p.submittedAtMs));
    const lastSeen = Math.max(...stats.predictions.map((p) => p.firstSeenDoneAtMs ?? p.completesAtMs));
    const makespan = (lastSeen - firstSubmit) * scale;
    const delays = stats.predictions
      .filter((p) => p.firstSeenDoneAtMs !== undefined)
      .map((p) => (p.firstSeenDoneAtMs! - p.completesAtMs) * scale);

    const tutorial = simulate(perJob, w.floorConcurrency, tutorialPlan);
    // The informed bound within the tutorial's polls, on the latencies the emulator used (skipped at full speed).
    const informed = w.throughputOnly
      ? { ratio: NaN, polls: NaN }
      : informedBound(w.world, perJob, w.floorConcurrency, tutorial.pollsPerPrediction);
    return {
      workload: w.name,
      throughputOnly: w.throughputOnly ?? false,
      jobs: w.jobs.length,
      concurrency: String(w.concurrency),
      makespan,
      floor,
      ratio: makespan / floor,
      informedRatio: informed.ratio,
      tutorialRatio: tutorial.makespan / floor,
      polls: stats.polls / Math.max(1, stats.predictionsCreated),
      informedPolls: informed.polls,
      tutorialPolls: tutorial.pollsPerPrediction,
      delayP50: percentile(delays, 0.5),
      delayP90: percentile(delays, 0.9),
      rateLimited: stats.rateLimited,
      peakRssMb: usage.maxRssKb / 1024,
      cpuSeconds: usage.cpuSeconds,
      succeeded: manifest.successful,
      exitCode,
    };
  } finally {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function fmt(n: number, d = 2): string {
  return Number.isFinite(n) ? n.toFixed(d) : '-';
}

async function main(): Promise<void> {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_RUN;
  const rows: Row[] = [];
  for (const name of names) {
    const make = WORKLOADS[name];
    if (!make) throw new Error(`unknown workload ${name}; known: ${Object.keys(WORKLOADS).join(', ')}`);
    process.stderr.write(`running ${name}…\n`);
    rows.push(await runWorkload(make()));
  }
  const header = [
    'workload',
    'jobs',
    'conc',
    'makespan s',
    'floor s',
    'ratio',
    'informed',
    'tutorial',
    'polls/pred',
    'inf polls',
    'tut polls',
    'delay p50',
    'p90',
    '429s',
    'peak RSS MB',
    'CPU s',
    'ok',
    'exit',
  ];
  const table = rows.map((r) => {
    const t = (x: string) => (r.throughputOnly ? '-' : x);
    return [
      r.workload,
      String(r.jobs),
      r.concurrency,
      t(fmt(r.makespan, 1)),
      t(fmt(r.floor, 1)),
      t(fmt(r.ratio, 3)),
      t(fmt(r.informedRatio, 3)),
      t(fmt(r.tutorialRatio, 3)),
      fmt(r.polls),
      t(fmt(r.informedPolls)),
      t(fmt(r.tutorialPolls)),
      t(fmt(r.delayP50)),
      t(fmt(r.delayP90)),
      String(r.rateLimited),
      fmt(r.peakRssMb, 0),
      fmt(r.cpuSeconds, 1),
      String(r.succeeded),
      String(r.exitCode),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const t of table) console.log(line(t));
  console.log(
    '\nmakespan/floor/delays in simulated seconds; "informed" = the best of a poller that knew each model\'s latency distribution exactly (evenly spaced polls across its band, or the optimal schedule) within the tutorial\'s polls per prediction; "tutorial" = 5 s → ×1.5 → 30 s; both replayed on the same latencies (bench/simulate.ts).',
  );
  await mkdir(join(ROOT, 'bench/results'), { recursive: true });
  const out = join(ROOT, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n');
  console.log(`results: ${out}`);
}

await main();
