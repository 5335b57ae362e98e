// Error annotations for failed jobs, pointing at the job file when we know where the job is.
// GitHub shows at most 10 error annotations per step, so past `max` one line says how many more.
import type { JobResult, Manifest } from '../manifest/schema.js';
import type { Log, Where } from '../shared/log.js';
import { scrubSecrets } from './summary.js';

export interface AnnotateOptions {
  /** The job file, relative to the repository root (default: the manifest's `config`). */
  configPath?: string;
  /** Line of a job in the job file, when the caller parsed it with positions. */
  lineOf?: (jobName: string) => number | undefined;
  /** Most annotations in all, the summarising one included; default 10 (GitHub shows 10 per step). */
  max?: number;
}

const MAX_MESSAGE = 1000;

function oneLine(s: string, max = MAX_MESSAGE): string {
  const t = scrubSecrets(s).replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

function messageOf(r: JobResult): string {
  if (r.status === 'unknown') {
    const why = r.error ? ` (${oneLine(r.error, 300)})` : '';
    return r.prediction_id
      ? `Job "${oneLine(r.name, 200)}" (${r.model}): outcome unknown${why}. Atlas may have run and charged prediction ${r.prediction_id}: check it before running this job again, or you may pay twice.`
      : `Job "${oneLine(r.name, 200)}" (${r.model}): outcome unknown${why}. The submit may have created a prediction whose id was never seen: check the Atlas console before running this job again.`;
  }
  const kind = r.error_kind ? ` [${r.error_kind}]` : '';
  return `Job "${oneLine(r.name, 200)}" (${r.model}) failed${kind}: ${r.error ? oneLine(r.error) : 'no reason given'}`;
}

/**
 * One error per failed or unknown job, pointing at the job file. When there are more than `max`,
 * the first `max - 1` are annotated and one more error says how many were left out, so the
 * total never passes `max` (and the summarising line is one GitHub still shows).
 */
export function annotateFailures(m: Manifest, log: Log, opts: AnnotateOptions = {}): void {
  const max = Math.max(1, Math.floor(opts.max ?? 10));
  const bad = m.results.filter((r) => r.status === 'failed' || r.status === 'unknown');
  if (bad.length === 0) return;
  const file = opts.configPath ?? m.config ?? undefined;
  const shown = bad.length > max ? bad.slice(0, max - 1) : bad;
  for (const r of shown) {
    const where: Where = {
      title: `${r.status === 'unknown' ? 'Atlas job outcome unknown' : 'Atlas job failed'}: ${oneLine(r.name, 200)}`,
    };
    if (file) {
      where.file = file;
      const line = safeLine(opts.lineOf, r.name);
      if (line !== undefined) where.line = line;
    }
    log.error(messageOf(r), where);
  }
  const left = bad.length - shown.length;
  if (left > 0) {
    const where: Where = { title: `Atlas: ${left} more failed job${left === 1 ? '' : 's'}` };
    if (file) where.file = file;
    log.error(`and ${left} more failed job${left === 1 ? '' : 's'}: see the job summary`, where);
  }
}

function safeLine(lineOf: AnnotateOptions['lineOf'], name: string): number | undefined {
  try {
    const n = lineOf?.(name);
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
