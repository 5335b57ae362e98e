// From a validated job file to the jobs the engine runs: defaults merged, type settled,
// request body built, identity hashed and cost estimated. Pure: no I/O, no clock.
import { createHash } from 'node:crypto';
import type { JobFile, MediaType, ModelPrice } from '../jobfile/schema.js';
import type { PlannedJob } from '../jobfile/job.js';
import { expandJob, type Expanded } from '../jobfile/expand.js';
import { BODY_FIELDS, mergeJob, setOwn, type BodyField, type MergedJob } from '../jobfile/merge.js';
import { estimateCost, type PriceTables } from '../cost/prices.js';
import { safeFileStem } from '../jobfile/names.js';
import { findChainRefs, mapChainRefs, parseChainRef, topologicalOrder, type ChainInput } from '../jobfile/chain.js';

export const DEFAULT_TIMEOUT_SECONDS: Readonly<{ image: number; video: number }> = { image: 600, video: 1800 };

/** video when the model id's task ends in `-to-video` (text-to-video, image-to-video, video-to-video, …), else image. */
export function inferType(model: string): MediaType {
  const segments = model.toLowerCase().split('/');
  return segments.some((s) => s.endsWith('-to-video')) ? 'video' : 'image';
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * The paid-generation identity: sha256 of the canonical {type, model, body}. Not the name, not
 * the timeout. `variation` (2 and up) tells apart jobs of one entry whose bodies are equal (the
 * variations of a `count:` job with no seed to vary): each is its own paid generation. The first
 * has the plain identity, so adding `count:` to a job keeps the generation already made as its first.
 */
export function jobIdentity(type: MediaType, model: string, body: Record<string, unknown>, variation?: number): string {
  const what = variation !== undefined && variation > 1 ? { type, model, body, variation } : { type, model, body };
  return createHash('sha256').update(canonicalJson(what), 'utf8').digest('hex');
}

/** The job file's own price table: `pricing:` without its `live` switch. */
export function filePriceTable(pricing: JobFile['pricing']): Record<string, ModelPrice> {
  const table = Object.create(null) as Record<string, ModelPrice>;
  for (const [k, v] of Object.entries(pricing ?? {})) {
    if (k === 'live' || typeof v !== 'object' || v === null) continue;
    table[k] = v;
  }
  return table;
}

/** Whether the job file asks for live prices (`pricing: {live: true}`). */
export function wantsLivePrices(jobFile: JobFile): boolean {
  return jobFile.pricing?.live === true;
}

export interface PlanOptions {
  prices?: PriceTables;
  defaultTimeoutSeconds?: { image: number; video: number };
  /** 1-based line of each job, from parseJobFile. */
  jobLines?: number[];
}

export function planJobs(jobFile: JobFile, opts: PlanOptions = {}): PlannedJob[] {
  const timeouts = opts.defaultTimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const tables = priceTablesFor(jobFile, opts.prices);
  const planned: PlannedJob[] = [];
  jobFile.jobs.forEach((spec, entry) => {
    const expandable = spec.matrix !== undefined || (spec.count ?? 1) > 1;
    // Jobs of one entry that send the same body (count with no seed to vary, a matrix key used only
    // in the name) are still distinct paid generations: the 2nd, 3rd, … get the occurrence in their identity.
    const seen = new Map<string, number>();
    for (const x of expandJob(mergeJob(jobFile.defaults, spec))) {
      const p = plannedJob(x.job, planned.length, timeouts, tables);
      // Counted on the body as written (a reference as its name): equal bodies in one entry take equal inputs.
      const same = canonicalJson({ type: p.type, model: p.model, body: p.body });
      const occurrence = (seen.get(same) ?? 0) + 1;
      seen.set(same, occurrence);
      if (occurrence > 1) p.occurrence = occurrence;
      const line = opts.jobLines?.[entry];
      if (line !== undefined) p.line = line;
      if (expandable) p.expandedFrom = expandedFrom(entry, spec.name, x);
      planned.push(p);
    }
  });
  return identifyJobs(linkInputs(planned));
}

/**
 * The job file's own prices win over any given file table. No prototype: a model id such as
 * "constructor" must not find Object's.
 */
function priceTablesFor(jobFile: JobFile, prices: PriceTables | undefined): PriceTables {
  const filePrices: Record<string, ModelPrice> = Object.assign(
    Object.create(null) as Record<string, ModelPrice>,
    prices?.file,
    filePriceTable(jobFile.pricing),
  );
  return { ...prices, file: filePrices };
}

/** One expanded job as the engine runs it, its identity still unset (identifyJobs sets it). */
function plannedJob(
  job: MergedJob,
  index: number,
  timeouts: { image: number; video: number },
  tables: PriceTables,
): PlannedJob {
  const { model, prompt } = job;
  if (model === undefined || prompt === undefined) {
    throw new Error(
      `job ${JSON.stringify(job.name)} has no ${model === undefined ? 'model' : 'prompt'} (validate the file with parseJobFile first)`,
    );
  }
  const type = job.type ?? inferType(model);
  const body = requestBody(job);
  return {
    index,
    name: job.name,
    fileStem: safeFileStem(job.name),
    type,
    model,
    prompt,
    body,
    timeoutMs: Math.round((job.timeout ?? timeouts[type]) * 1000),
    identity: '',
    estimate: estimateCost(model, type, body, tables),
  };
}

/** The request body: the job's body fields, then its `params`. */
function requestBody(job: MergedJob): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of BODY_FIELDS) {
    const v = job[field as BodyField];
    if (v !== undefined) body[field] = v;
  }
  for (const [k, v] of Object.entries(job.params ?? {})) {
    if (Object.hasOwn(body, k))
      throw new Error(
        `job ${JSON.stringify(job.name)}: params.${k} repeats ${k}: (validate the file with parseJobFile first)`,
      );
    setOwn(body, k, v);
  }
  return body;
}

function expandedFrom(entry: number, name: string, x: Expanded): NonNullable<PlannedJob['expandedFrom']> {
  return {
    entry,
    name,
    combination: Object.fromEntries(x.combination),
    ...(x.variation !== undefined ? { variation: x.variation, count: x.count } : {}),
  };
}

/** Read each job's `{from: …}` references into `inputs` (the names are the expanded ones). Throws on what the validator reports. */
function linkInputs(jobs: PlannedJob[]): PlannedJob[] {
  const names = new Set(jobs.map((j) => j.name));
  return jobs.map((job) => {
    const refs = findChainRefs(job.body);
    if (refs.length === 0) return job;
    const inputs: ChainInput[] = refs.map(({ path, from }) => {
      const ref = typeof from === 'string' ? parseChainRef(from, (n) => names.has(n)) : undefined;
      if (ref?.kind !== 'ok' || ref.job === job.name) {
        throw new Error(
          `job ${JSON.stringify(job.name)}: ${path.join('.')} takes ${JSON.stringify(from)}, which is no other job's output (validate the file with parseJobFile first)`,
        );
      }
      return { path, job: ref.job, output: ref.output };
    });
    return { ...job, inputs };
  });
}

/**
 * Set each job's identity: jobIdentity of its body as keyed by `keyBody` (default: the body; local
 * inputs key their paths to file contents), with every reference to another job's output replaced
 * by `from:<identity of that job>#<output>`. Dependencies are identified first, so a change to a
 * dependency (another prompt, another input file) changes every job downstream of it. A job whose
 * dependency is not in `jobs` is keyed to the dependency's name instead.
 */
export function identifyJobs(
  jobs: PlannedJob[],
  keyBody: (job: PlannedJob) => Record<string, unknown> = (job) => job.body,
): PlannedJob[] {
  const byName = new Map(jobs.map((j, i) => [j.name, i]));
  const deps = jobs.map((j) =>
    (j.inputs ?? []).map((x) => byName.get(x.job)).filter((d): d is number => d !== undefined),
  );
  const out = jobs.slice();
  for (const i of topologicalOrder(deps)) {
    const job = jobs[i]!;
    let body = keyBody(job);
    if (job.inputs?.length) {
      const at = new Map(job.inputs.map((x) => [JSON.stringify(x.path), x]));
      body = mapChainRefs(body, (from, path) => {
        const x = at.get(JSON.stringify(path));
        if (!x) return { from };
        const d = byName.get(x.job);
        return `from:${d === undefined ? `name:${x.job}` : out[d]!.identity}#${x.output}`;
      });
    }
    const identity = jobIdentity(job.type, job.model, body, job.occurrence);
    if (identity !== job.identity) out[i] = { ...job, identity }; // unchanged jobs stay the same objects
  }
  return out;
}
