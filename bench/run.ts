// `npm run bench`: the real bundled action (node dist/index.js, INPUT_* as the runner sets them)
// against the emulator, on named workloads. Prints one table and writes bench/results/<stamp>.json.
// Figures are ratios measured in one run; nothing here is asserted by `npm test`.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { startEmulator, type Emulator, type EmulatorOptions } from '../test/emulator/server.js';
import { floorMakespan, latencySeconds, BUILTIN_MODELS } from '../test/emulator/latency.js';
import { simulate, tutorialPlan, informedPlan, percentile } from './simulate.js';
import { inspectionSchedule } from '../src/engine/latency.js';

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
}

const IMAGE_MODELS = ['black-forest-labs/flux-2-pro/text-to-image', 'google/imagen4-ultra/text-to-image'];
const VIDEO_MODELS = ['bytedance/seedance-v1.5-pro/text-to-video', 'google/veo3.1/text-to-video'];

function images(n: number, prefix = 'image'): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    name: `${prefix} ${i + 1}`,
    model: IMAGE_MODELS[i % IMAGE_MODELS.length],
    prompt: `${prefix} ${i + 1}: a product photo, studio light, variation ${i}`,
    width: 1024,
    height: 1024,
  }));
}
function videos(n: number, seconds = 5): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    name: `video ${i + 1}`,
    model: VIDEO_MODELS[i % VIDEO_MODELS.length],
    prompt: `video ${i + 1}: a slow dolly shot of the product, take ${i}`,
    duration: seconds,
    resolution: '720p',
  }));
}

// Time scale 10 as in the measurements: the tutorial's 5 s → 30 s polling becomes 0.5 → 3 s.
const SCALE = 10;
const scaled = (s: number) => s / SCALE;

const WORKLOADS: Record<string, () => Workload> = {
  pack: () => ({
    name: 'pack: 10 images + 5 videos',
    jobs: [...images(10), ...videos(5)],
    concurrency: 3,
    floorConcurrency: 3,
    emulator: { timeScale: SCALE },
    pollInterval: scaled(1),
    maxPollInterval: scaled(30),
  }),
  catalog: () => ({
    name: 'catalog: 500 images',
    jobs: images(500, 'sku'),
    concurrency: 8,
    floorConcurrency: 8,
    emulator: { timeScale: SCALE },
    pollInterval: scaled(1),
    maxPollInterval: scaled(30),
  }),
  'big-videos': () => ({
    name: 'big videos: 5 × 500 MB',
    jobs: videos(5),
    concurrency: 5,
    floorConcurrency: 5,
    emulator: { timeScale: 100, videoBytes: 500 * 1024 * 1024 },
    pollInterval: 0.01,
    maxPollInterval: 0.3,
  }),
  '10k': () => ({
    name: '10,000 jobs at full speed',
    jobs: images(10_000, 'bulk'),
    concurrency: 64,
    floorConcurrency: 64,
    emulator: { timeScale: 10_000 },
    pollInterval: 0.001,
    maxPollInterval: 0.01,
    extraInputs: { 'download-concurrency': '16' },
    throughputOnly: true,
  }),
  shards: () => ({
    name: 'catalog in 4 shards, shared limit 12',
    jobs: images(500, 'shard'),
    concurrency: 'auto',
    floorConcurrency: 12,
    emulator: { timeScale: SCALE, accountConcurrency: 12 },
    pollInterval: scaled(1),
    maxPollInterval: scaled(30),
    extraInputs: { 'max-concurrency': '12' },
    shards: 4,
  }),
  auto: () => ({
    name: 'auto vs account limit 12',
    jobs: images(500, 'auto'),
    concurrency: 'auto',
    floorConcurrency: 12,
    emulator: { timeScale: SCALE, accountConcurrency: 12 },
    pollInterval: scaled(1),
    maxPollInterval: scaled(30),
    extraInputs: { 'max-concurrency': '32' },
  }),
};

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
  const emu: Emulator = await startEmulator({ apiKey: 'bench-key', ...w.emulator });
  const dir = await mkdtemp(join(tmpdir(), 'atlas-bench-'));
  try {
    const config = join(dir, 'jobs.yml');
    await writeFile(config, stringify({ jobs: w.jobs }));
    const parts = w.shards ?? 1;
    const runs = await Promise.all(
      Array.from({ length: parts }, async (_, k) => {
        const usageFile = join(dir, `usage-${k}.json`);
        const summary = join(dir, `summary-${k}.md`);
        const outDir = join(dir, `out-${k}`);
        await writeFile(summary, '');
        const env: NodeJS.ProcessEnv = {
          PATH: process.env['PATH'],
          HOME: process.env['HOME'],
          NODE_OPTIONS: `--import ${JSON.stringify(join(ROOT, 'bench/usage.mjs'))}`,
          BENCH_USAGE_FILE: usageFile,
          GITHUB_STEP_SUMMARY: summary,
          GITHUB_WORKSPACE: dir, // the output directory must be inside the workspace
          INPUT_CONFIG: config,
          'INPUT_API-KEY': 'bench-key',
          'INPUT_BASE-URL': emu.url,
          'INPUT_OUTPUT-DIR': outDir,
          INPUT_CONCURRENCY: String(w.concurrency),
          'INPUT_POLL-INTERVAL': String(w.pollInterval),
          'INPUT_MAX-POLL-INTERVAL': String(w.maxPollInterval),
          'INPUT_ARTIFACT-NAME': '',
          INPUT_COMMENT: 'never',
          INPUT_CACHE: 'false',
          'INPUT_FAIL-ON': 'any',
          ...(w.shards ? { INPUT_SHARD: `${k + 1}/${parts}` } : {}),
          ...Object.fromEntries(
            Object.entries(w.extraInputs ?? {}).map(([key, v]) => [`INPUT_${key.toUpperCase()}`, v]),
          ),
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
      }),
    );
    const exitCode = runs.every((r) => r.exitCode === 0) ? 0 : (runs.find((r) => r.exitCode !== 0)?.exitCode ?? null);
    const usage = {
      maxRssKb: Math.max(...runs.map((r) => r.usage.maxRssKb)),
      cpuSeconds: runs.reduce((a, r) => a + r.usage.cpuSeconds, 0),
    };
    const manifest = { successful: runs.reduce((a, r) => a + r.successful, 0) };
    const stats = emu.stats();

    // Latencies in file order, from what the emulator used (simulated seconds).
    const byPrompt = new Map(stats.predictions.map((p) => [p.prompt, p]));
    const perJob = w.jobs.map((j) => {
      const p = byPrompt.get(String(j['prompt']));
      const body = { ...j } as Record<string, unknown>;
      delete body['name'];
      return {
        model: String(j['model']),
        // Real ms at the emulator's time scale → simulated seconds.
        latency: p ? (p.latencyMs * (w.emulator.timeScale ?? 1000)) / 1000 : 0,
        // The model's typical time for this job's size: the emulator's latency with no jitter.
        typical: latencySeconds(w.emulator.seed ?? 1, String(j['model']), body, BUILTIN_MODELS, 0),
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

    const sigma = w.emulator.jitter ?? 0.15;
    const informed = simulate(
      perJob,
      w.floorConcurrency,
      informedPlan(sigma, w.pollInterval * (w.emulator.timeScale ?? 1000), inspectionSchedule),
    );
    const tutorial = simulate(perJob, w.floorConcurrency, tutorialPlan);
    return {
      workload: w.name,
      throughputOnly: w.throughputOnly ?? false,
      jobs: w.jobs.length,
      concurrency: String(w.concurrency),
      makespan,
      floor,
      ratio: makespan / floor,
      informedRatio: informed.makespan / floor,
      tutorialRatio: tutorial.makespan / floor,
      polls: stats.polls / Math.max(1, stats.predictionsCreated),
      informedPolls: informed.pollsPerPrediction,
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
  const names = process.argv.slice(2).length
    ? process.argv.slice(2)
    : ['pack', 'catalog', 'auto', 'shards', 'big-videos', '10k'];
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
    '\nmakespan/floor/delays in simulated seconds; "informed" = a poller that knew each model\'s latency distribution, "tutorial" = 5 s → ×1.5 → 30 s, both replayed on the same latencies.',
  );
  await mkdir(join(ROOT, 'bench/results'), { recursive: true });
  const out = join(ROOT, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n');
  console.log(`results: ${out}`);
}

await main();
