// Chained jobs: whether the jobs whose outputs a job takes have succeeded, and the body with
// each `{from: …}` replaced by the URL of that output.
import { basename, join } from 'node:path';
import type { PlannedJob } from '../../jobfile/job.js';
import { setAtPath } from '../../jobfile/chain.js';
import { LocalInputError } from '../../inputs/local.js';
import { errorKind, messageOf, type RunContext } from '../state.js';

/** The jobs whose outputs this job takes. */
export function dependencies(ctx: RunContext, job: PlannedJob): PlannedJob[] {
  return (job.inputs ?? []).map((x) => ctx.byName.get(x.job)).filter((d): d is PlannedJob => d !== undefined);
}

/** Why a chained job cannot be submitted: a job whose output it takes did not succeed (or made too few outputs). */
export function dependencyFailure(ctx: RunContext, job: PlannedJob): string | undefined {
  for (const x of job.inputs ?? []) {
    const dep = ctx.byName.get(x.job);
    const res = dep && ctx.state.results[dep.index];
    if (!res) return `dependency failed: ${x.job} (${dep ? 'not run' : 'not in this run'})`;
    if (res.status !== 'success' && res.status !== 'cached') return `dependency failed: ${x.job} (${res.status})`;
    const out = res.outputs[x.output - 1];
    if (!out?.path)
      return `dependency failed: ${x.job} (${res.status}, but it made ${res.outputs.length} output${res.outputs.length === 1 ? '' : 's'} and this job takes #${x.output})`;
  }
  return undefined;
}

/**
 * The body with each `{from: …}` replaced by the URL of that output: the URL Atlas gave in this
 * run, or, for an output from an earlier run (its URL has likely expired) or one that came as a
 * data: URI, the URL of the downloaded file uploaded again (once per content).
 */
export async function chainedBody(
  ctx: RunContext,
  job: PlannedJob,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  let body = job.body;
  for (const x of job.inputs ?? []) {
    const dep = ctx.byName.get(x.job)!;
    const res = ctx.state.results[dep.index]!;
    const out = res.outputs[x.output - 1]!;
    let url = res.status === 'success' ? out.url : null;
    if (url === null) {
      const shown = `the output of "${dep.name}" (${out.path})`;
      try {
        const file = {
          sha256: out.sha256!,
          realPath: join(ctx.opts.outputDir, out.path!),
          bytes: out.bytes!,
          name: basename(out.path!),
          contentType: out.content_type ?? 'application/octet-stream',
        };
        url = await ctx.uploadFile(file, shown, signal);
      } catch (e) {
        if (errorKind(e) === 'aborted' || e instanceof LocalInputError) throw e;
        throw new LocalInputError(
          `uploading ${shown} for parameter ${x.path.join('.')} failed, so the job was not submitted: ${messageOf(e)}`,
        );
      }
    }
    ctx.log.debug(`${job.name}: ${x.path.join('.')} takes ${url} (output ${x.output} of "${dep.name}")`);
    body = setAtPath(body, x.path, url);
  }
  return body;
}
