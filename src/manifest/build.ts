// Builds manifest.json from the engine's results and writes it atomically, so a reader never
// sees half a manifest even if the runner is killed mid-write.
import { mkdir } from 'node:fs/promises';
import { replaceFile } from '../shared/safe-write.js';
import { roundUsd } from '../cost/prices.js';
import type { PlannedJob } from '../jobfile/job.js';
import type { JobResult, Manifest } from './schema.js';

export const MANIFEST_FILE = 'manifest.json';

export interface RunMeta {
  tool: string;
  config: string | null;
  startedAt: Date;
  finishedAt: Date;
  concurrency: number;
  stopped: string | null;
  /** A matrix shard's run: recorded in the manifest, and each result's position in the file (for the report step's merge). */
  shard?: { index: number; total: number; fileIndex: readonly number[] };
}

/** The manifest's totals, one definition for a run and for merged shards (cached jobs count as successful). */
export function resultTotals(
  results: JobResult[],
): Pick<Manifest, 'total_cost' | 'total_jobs' | 'successful' | 'failed' | 'unknown' | 'skipped' | 'cached'> {
  const count = (s: JobResult['status']) => results.filter((r) => r.status === s).length;
  return {
    total_cost: roundUsd(results.reduce((s, r) => s + r.cost, 0)),
    total_jobs: results.length,
    successful: count('success') + count('cached'),
    failed: count('failed'),
    unknown: count('unknown'),
    skipped: count('skipped'),
    cached: count('cached'),
  };
}

export function buildManifest(jobs: PlannedJob[], results: JobResult[], meta: RunMeta): Manifest {
  const shard = meta.shard;
  if (shard)
    results = results.map((r, i) => (shard.fileIndex[i] !== undefined ? { ...r, file_index: shard.fileIndex[i] } : r));
  const byModel: Manifest['cost_by_model'] = {};
  for (const job of jobs) {
    const r = results[job.index];
    const m = (byModel[job.model] ??= {
      jobs: 0,
      cost: 0,
      estimated_cost: 0,
      unit: job.estimate.unit,
      price: job.estimate.unitPrice,
      source: job.estimate.source,
    });
    m.jobs++;
    m.estimated_cost = roundUsd(m.estimated_cost + job.estimate.cost);
    m.cost = roundUsd(m.cost + (r?.cost ?? 0));
  }
  const t = resultTotals(results);
  return {
    generated_at: meta.finishedAt.toISOString(),
    total_cost: t.total_cost,
    total_jobs: t.total_jobs,
    successful: t.successful,
    failed: t.failed,
    results,
    schema_version: 1,
    tool: meta.tool,
    config: meta.config,
    estimated_total_cost: roundUsd(jobs.reduce((s, j) => s + j.estimate.cost, 0)),
    unknown: t.unknown,
    skipped: t.skipped,
    cached: t.cached,
    cost_by_model: byModel,
    run: {
      started_at: meta.startedAt.toISOString(),
      finished_at: meta.finishedAt.toISOString(),
      wall_seconds: Math.round((meta.finishedAt.getTime() - meta.startedAt.getTime()) / 10) / 100,
      concurrency: meta.concurrency,
      stopped: meta.stopped,
    },
    ...(shard ? { shard: { index: shard.index, total: shard.total } } : {}),
  };
}

/** Results stringified together: one string per batch instead of two per result (the text and its indented copy). */
const RESULTS_PER_WRITE = 200;

/**
 * Writes manifest.json atomically, exactly as JSON.stringify(manifest, null, 2) would, but a batch of
 * results at a time: for 10,000 jobs the whole text at once is tens of megabytes of memory.
 */
export async function writeManifest(outputDir: string, manifest: Manifest): Promise<string> {
  await mkdir(outputDir, { recursive: true });
  // Never through a symlink planted at manifest.json (see shared/safe-write.ts).
  return replaceFile(outputDir, MANIFEST_FILE, async (fh) => {
    const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);
    const keys = Object.keys(manifest) as Array<keyof Manifest>;
    await fh.write('{\n');
    for (const [i, key] of keys.entries()) {
      const sep = i === keys.length - 1 ? '\n' : ',\n';
      const value = manifest[key];
      if (key === 'results' && Array.isArray(value) && value.length > 0) {
        await fh.write(`  "results": [\n`);
        for (let j = 0; j < value.length; j += RESULTS_PER_WRITE) {
          const last = j + RESULTS_PER_WRITE >= value.length;
          await fh.write(`${resultLines(value.slice(j, j + RESULTS_PER_WRITE))}${last ? '\n' : ',\n'}`);
        }
        await fh.write(`  ]${sep}`);
      } else if (value !== undefined) {
        await fh.write(`  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}${sep}`);
      }
    }
    await fh.write('}\n');
  });
}

const RESULTS_HEAD = '{\n  "results": [\n';
const RESULTS_TAIL = '\n  ]\n}';

/** Results as they stand inside the manifest's "results" array (already indented there), comma-separated. */
function resultLines(results: readonly unknown[]): string {
  // Stringified at the depth they have in the manifest, so JSON.stringify indents them itself.
  return JSON.stringify({ results }, null, 2).slice(RESULTS_HEAD.length, -RESULTS_TAIL.length);
}
