// A twin (src/plan/twins.ts): a job whose request an earlier job of the run already makes. It is
// not submitted; once that job settles, its files are copied to the twin's own names and the twin
// reports the same prediction at no cost. Copies go through a temp name and a rename, so a link
// planted at the final name is replaced, never written through.
import { copyFile, rename, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { PlannedJob } from '../../jobfile/job.js';
import type { JobResult, OutputFile } from '../../manifest/schema.js';
import { messageOf, skipped, withOutputs, type RunContext } from '../state.js';

export async function fromTwin(
  ctx: RunContext,
  job: PlannedJob,
  primary: PlannedJob,
  r: JobResult,
): Promise<JobResult> {
  const p = ctx.state.results[primary.index];
  const shared = { ...r, prediction_id: p?.prediction_id ?? null, cost: 0 };
  if (!p || (p.status !== 'success' && p.status !== 'cached')) {
    const why = p ? `${p.status}${p.error ? `: ${p.error}` : ''}` : 'not run';
    return skipped(
      shared,
      `same request as ${primary.name}, generated once; ${primary.name} ended ${why}`,
      'dependency',
    );
  }
  try {
    const outputs = await Promise.all(p.outputs.map((o, i) => copyOutput(ctx, job, o, i, p.outputs.length)));
    ctx.log.info(
      `${job.name}: same request as ${primary.name}; took its output (prediction ${p.prediction_id ?? '?'}), nothing paid.`,
    );
    return withOutputs(
      {
        ...shared,
        status: p.status,
        cost_note: `cost 0, shared with ${primary.name}`,
        generation_time: p.generation_time,
      },
      outputs,
    );
  } catch (e) {
    return {
      ...shared,
      status: 'failed',
      error_kind: 'download',
      error: `copying the output of ${primary.name} failed: ${messageOf(e)}`,
    };
  }
}

/** The twin's copy of one output: same bytes under the name the twin's own download would have had. */
async function copyOutput(
  ctx: RunContext,
  job: PlannedJob,
  o: OutputFile,
  i: number,
  count: number,
): Promise<OutputFile> {
  if (o.path === null) return o;
  const slash = o.path.lastIndexOf('/');
  const dir = slash < 0 ? '' : o.path.slice(0, slash + 1);
  const dot = o.path.lastIndexOf('.');
  const ext = dot > slash ? o.path.slice(dot) : '';
  const path = `${dir}${count > 1 ? `${job.fileStem}-${i + 1}` : job.fileStem}${ext}`;
  const final = join(ctx.opts.outputDir, path);
  const tmp = `${final}.${randomBytes(6).toString('hex')}.part`;
  try {
    await copyFile(join(ctx.opts.outputDir, o.path), tmp, constants.COPYFILE_EXCL);
    await rename(tmp, final);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return { ...o, path };
}
