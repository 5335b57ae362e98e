// A job as the engine runs it: the file's job with defaults merged, its type settled,
// its request body built and its cost estimated. Built by src/plan/jobs.ts from a validated JobFile.
import type { MediaType } from './schema.js';
import type { CostEstimate } from '../cost/prices.js';
import type { ChainInput } from './chain.js';

export interface PlannedJob {
  /** Position in the job file, 0-based: the order jobs are started in. */
  index: number;
  name: string;
  /** Safe, unique, stable file-name stem derived from `name`. */
  fileStem: string;
  type: MediaType;
  model: string;
  prompt: string;
  /** The flat JSON body sent to /model/generate{Image,Video}: model, prompt, sizes and params. */
  body: Record<string, unknown>;
  /** Submit-to-completion deadline. */
  timeoutMs: number;
  /** sha256 of the model and body: the same identity means the same paid generation. */
  identity: string;
  estimate: CostEstimate;
  /** 1-based line of the job in the job file, for annotations (for an expanded job: the line of the entry it came from). */
  line?: number;
  /** Set when the job comes from an entry with `matrix:` or `count:` > 1. */
  expandedFrom?: ExpandedFrom;
  /** Inputs taken from other jobs' outputs (`{from: "Hero#2"}` in params); absent when there are none. */
  inputs?: ChainInput[];
  /** 2 and up: the job's body equals that of an earlier job of the same entry (see jobIdentity's `variation`). */
  occurrence?: number;
}

export interface ExpandedFrom {
  /** The entry's position in the file's jobs list, 0-based. */
  entry: number;
  /** The entry's name as written, placeholders and all. */
  name: string;
  /** The matrix values of this job, keys in file order; empty without a matrix. */
  combination: Record<string, string | number | boolean>;
  /** 1-based variation and how many there are, when the entry has count > 1. */
  variation?: number;
  count?: number;
}
