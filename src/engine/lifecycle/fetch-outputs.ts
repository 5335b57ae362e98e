// Phase 4: a finished prediction. A failed generation is journalled and reported; a completed one
// is journalled with its output URLs (so a re-run can fetch them without paying again), then every
// output is downloaded under the download slots and the job's signal.
import { join, relative } from 'node:path';
import type { Prediction } from '../../atlas/types.js';
import type { PlannedJob } from '../../jobfile/job.js';
import type { JobResult, OutputFile } from '../../manifest/schema.js';
import { actualCost } from '../../cost/prices.js';
import { MAX_OUTPUTS_PER_PREDICTION } from '../../atlas/responses.js';
import { messageOf, withOutputs, type RunContext } from '../state.js';

export async function settleFinished(
  ctx: RunContext,
  job: PlannedJob,
  r: JobResult,
  finished: Prediction,
  signal: AbortSignal,
): Promise<JobResult> {
  const { journal } = ctx;
  // Set by submit or resume before any prediction can finish.
  const entry = { identity: job.identity, name: job.name, prediction_id: r.prediction_id ?? finished.id };
  if (finished.state === 'failed') {
    await journal?.record({ ...entry, event: 'failed', error: finished.error });
    return { ...r, status: 'failed', error_kind: 'generation', error: finished.error ?? 'generation failed' };
  }
  await journal?.record({ ...entry, event: 'completed', outputs: finished.outputs });
  const paid = actualCost(job.estimate, finished.outputs.length);
  if (finished.listedOutputs !== undefined) {
    // Refused rather than capped: a reply that breaks the contract this far cannot say which outputs
    // are the real ones, and the job's cost stays what was asked for (actualCost).
    const error = `prediction ${entry.prediction_id} listed ${finished.listedOutputs} outputs, more than the ${MAX_OUTPUTS_PER_PREDICTION} any model returns; none downloaded (the first ${finished.outputs.length} URLs are in the journal)`;
    return { ...r, cost: paid, status: 'failed', error_kind: 'bad-output', error };
  }
  const { files: outputs, kinds } = await downloadAll(ctx, job, finished.outputs, signal);
  r.timings.downloaded_at = new Date().toISOString();
  const missing = outputs.filter((o) => o.error);
  const withFiles = withOutputs({ ...r, cost: paid }, outputs);
  if (missing.length === 0) {
    const files = outputs.map((o) => ({
      url: o.url,
      path: o.path!,
      sha256: o.sha256!,
      bytes: o.bytes!,
      content_type: o.content_type!,
    }));
    await journal?.record({ ...entry, event: 'downloaded', files });
    return { ...withFiles, status: 'success' };
  }
  if (signal.aborted && !ctx.hard.aborted) {
    // The job's deadline passed mid-download: the outputs are paid for and journalled, a re-run fetches them.
    const error = `outputs not downloaded within the job's timeout of ${Math.round(job.timeoutMs / 1000)} s; prediction ${entry.prediction_id} is kept in the journal so a re-run downloads them without paying again`;
    return { ...withFiles, status: 'failed', error_kind: 'timeout', error };
  }
  const notMedia = kinds.includes('not-media');
  return {
    ...withFiles,
    status: 'failed',
    error_kind: notMedia ? 'bad-output' : 'download',
    error: `${missing.length} of ${outputs.length} outputs ${notMedia ? 'are not media or ' : ''}could not be downloaded (their URLs are in the manifest): ${missing[0]!.error}`,
  };
}

/** Download every output beside the others, each under a download slot; failures become the output's error. */
export async function downloadAll(
  ctx: RunContext,
  job: PlannedJob,
  sources: string[],
  signal: AbortSignal,
): Promise<{ files: OutputFile[]; kinds: (string | undefined)[] }> {
  const { opts, downloads } = ctx;
  const dir = join(opts.outputDir, job.type === 'video' ? 'videos' : 'images');
  const failedOutput = (url: string | null, error: string): OutputFile => ({
    url,
    path: null,
    bytes: null,
    sha256: null,
    content_type: null,
    error,
  });
  const kinds: (string | undefined)[] = [];
  const files = await Promise.all(
    sources.map(async (src, i): Promise<OutputFile> => {
      const stem = join(dir, sources.length > 1 ? `${job.fileStem}-${i + 1}` : job.fileStem);
      const url = src.startsWith('data:') ? null : src;
      try {
        await downloads.acquire(signal);
      } catch {
        return failedOutput(url, 'cancelled before download');
      }
      try {
        const d = await ctx.download(src, stem, signal);
        const path = relative(opts.outputDir, d.path).split('\\').join('/');
        return { url, path, bytes: d.bytes, sha256: d.sha256, content_type: d.contentType, error: null };
      } catch (e) {
        kinds[i] = errorKindOf(e);
        return failedOutput(url, messageOf(e));
      } finally {
        downloads.release();
      }
    }),
  );
  return { files, kinds };
}

function errorKindOf(e: unknown): string | undefined {
  const kind = (e as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? kind : undefined;
}
