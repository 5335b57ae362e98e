// What a run will do, settled before any paid call: the jobs, their estimate and where output goes.
import type { PlannedJob } from '../jobfile/job.js';

export interface Plan {
  configPath: string;
  outputDir: string;
  concurrency: number | 'auto';
  jobs: PlannedJob[];
  /** Every job in the file, before the `jobs` filter: what validation and the budget cover. */
  allJobs: PlannedJob[];
  estimatedCost: number;
  lineOf(name: string): number | undefined;
  /** Set when the run is one shard of a matrix (`shard: i/n`): `jobs` and `estimatedCost` are then the shard's. */
  shard?: ShardInfo;
}

export interface ShardInfo {
  /** 1-based, as in `shard: i/n`. */
  index: number;
  total: number;
  /** This shard's part of max-cost, when max-cost is set. */
  maxCost?: number;
  /** Position in the job file of each of this shard's jobs (by the shard's own job index). */
  fileIndex: number[];
  /** Jobs and estimate of the whole plan, every shard included. */
  planJobs: number;
  planEstimatedCost: number;
}

export class PlanError extends Error {
  override name = 'PlanError';
}
