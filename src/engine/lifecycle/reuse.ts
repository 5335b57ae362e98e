// Phase 1: what the journal already knows about this job. Its outputs on disk (reuse, nothing
// paid), a submit whose fate is unknown (never resent unless allowed), or a prediction paid for
// earlier that is still worth polling (resume). Otherwise the job is submitted.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlannedJob } from '../../jobfile/job.js';
import type { JobResult, OutputFile } from '../../manifest/schema.js';
import { withOutputs, type RunContext } from '../state.js';

export type JournalVerdict =
  { kind: 'settled'; result: JobResult } | { kind: 'resume'; predictionId: string } | { kind: 'submit' };

export async function fromJournal(ctx: RunContext, job: PlannedJob, r: JobResult): Promise<JournalVerdict> {
  const { opts, log } = ctx;
  const prior = ctx.journal?.latest(job.identity);
  if (!opts.force && prior?.event === 'downloaded' && prior.files && (await filesIntact(opts.outputDir, prior.files))) {
    // Same model, prompt and parameters, already paid for and on disk: costs nothing this time.
    log.info(
      `${job.name}: reused the output of an earlier run (prediction ${prior.prediction_id ?? '?'}); nothing paid.`,
    );
    const outputs: OutputFile[] = prior.files.map((f) => ({
      url: f.url,
      path: f.path,
      bytes: f.bytes,
      sha256: f.sha256,
      content_type: f.content_type,
      error: null,
    }));
    const result = withOutputs(
      { ...r, status: 'cached', prediction_id: prior.prediction_id ?? null, cost: 0 },
      outputs,
    );
    return { kind: 'settled', result };
  }
  if (
    (prior?.event === 'submitting' || prior?.event === 'unknown') &&
    !prior.prediction_id &&
    !opts.retryUnknownSubmits
  ) {
    const error =
      'an earlier run sent this job to Atlas and never learned whether it was accepted; not submitted again (see "Settling unknown jobs" in the README, or set retry-unknown-submits: true)';
    return { kind: 'settled', result: { ...r, status: 'unknown', error_kind: 'unknown-fate', error } };
  }
  // Under force a job whose files are on disk is generated again; anything else paid for is resumed.
  const regenerate = opts.force === true && prior?.event === 'downloaded';
  if (prior?.prediction_id && prior.event !== 'failed' && prior.event !== 'refused' && !regenerate) {
    log.info(`${job.name}: resuming prediction ${prior.prediction_id} from an earlier run instead of paying again.`);
    return { kind: 'resume', predictionId: prior.prediction_id };
  }
  return { kind: 'submit' };
}

/** Every file the journal lists is on disk with its recorded size. */
export async function filesIntact(outputDir: string, files: { path: string; bytes: number }[]): Promise<boolean> {
  for (const f of files) {
    try {
      const s = await stat(join(outputDir, f.path));
      if (s.size !== f.bytes) return false;
    } catch {
      return false;
    }
  }
  return files.length > 0;
}
