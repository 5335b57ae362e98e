// Builds manifest.json from the engine's results and writes it atomically, so a reader never
// sees half a manifest even if the runner is killed mid-write.
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

export function buildManifest(jobs: PlannedJob[], results: JobResult[], meta: RunMeta): Manifest {
  const shard = meta.shard;
  if (shard) results = results.map((r, i) => (shard.fileIndex[i] !== undefined ? { ...r, file_index: shard.fileIndex[i] } : r));
  const byModel: Manifest['cost_by_model'] = {};
  for (const job of jobs) {
    const r = results[job.index];
    const m = (byModel[job.model] ??= { jobs: 0, cost: 0, estimated_cost: 0, unit: job.estimate.unit, price: job.estimate.unitPrice, source: job.estimate.source });
    m.jobs++;
    m.estimated_cost = roundUsd(m.estimated_cost + job.estimate.cost);
    m.cost = roundUsd(m.cost + (r?.cost ?? 0));
  }
  const count = (s: JobResult['status']) => results.filter((r) => r.status === s).length;
  return {
    generated_at: meta.finishedAt.toISOString(),
    total_cost: roundUsd(results.reduce((s, r) => s + r.cost, 0)),
    total_jobs: results.length,
    successful: count('success') + count('cached'),
    failed: count('failed'),
    results,
    schema_version: 1,
    tool: meta.tool,
    config: meta.config,
    estimated_total_cost: roundUsd(jobs.reduce((s, j) => s + j.estimate.cost, 0)),
    unknown: count('unknown'),
    skipped: count('skipped'),
    cached: count('cached'),
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

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
  await rename(tmp, path);
}

/**
 * Writes manifest.json atomically, exactly as JSON.stringify(manifest, null, 2) would, but one
 * result at a time: for 10,000 jobs the whole text at once is tens of megabytes of memory.
 */
export async function writeManifest(outputDir: string, manifest: Manifest): Promise<string> {
  await mkdir(outputDir, { recursive: true });
  const path = join(outputDir, MANIFEST_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);
    const keys = Object.keys(manifest) as Array<keyof Manifest>;
    await fh.write('{\n');
    for (const [i, key] of keys.entries()) {
      const sep = i === keys.length - 1 ? '\n' : ',\n';
      const value = manifest[key];
      if (key === 'results' && Array.isArray(value) && value.length > 0) {
        await fh.write(`  "results": [\n`);
        for (const [j, r] of value.entries()) {
          await fh.write(`    ${indent(JSON.stringify(r, null, 2), '    ')}${j === value.length - 1 ? '\n' : ',\n'}`);
        }
        await fh.write(`  ]${sep}`);
      } else if (value !== undefined) {
        await fh.write(`  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}${sep}`);
      }
    }
    await fh.write('}\n');
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  return path;
}
