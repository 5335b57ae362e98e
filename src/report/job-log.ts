// What one job did, as the lines of its log group: written when the job settles, so groups of
// concurrent jobs never interleave.
import { formatUsd } from '../cost/prices.js';
import type { JobResult } from '../manifest/schema.js';

const ICON: Record<JobResult['status'], string> = {
  success: '✓',
  cached: '↺',
  failed: '✗',
  unknown: '?',
  skipped: '–',
};

export function jobLogTitle(r: JobResult): string {
  return `${ICON[r.status]} ${r.name} — ${r.status}${r.status === 'success' || r.status === 'cached' ? `, ${formatUsd(r.cost)}` : ''}`;
}

export function jobLogLines(r: JobResult): string[] {
  const lines = [`model: ${r.model} (${r.type})`];
  if (r.prediction_id) lines.push(`prediction: ${r.prediction_id}`);
  lines.push(
    `submits: ${r.attempts.submits}, polls: ${r.attempts.polls}${r.generation_time !== null ? `, generation: ${r.generation_time}s` : ''}`,
  );
  lines.push(`cost: ${formatUsd(r.cost)} (estimated ${formatUsd(r.estimated_cost)}, price ${r.cost_source})`);
  for (const o of r.outputs)
    lines.push(
      o.path ? `file: ${o.path} (${o.bytes} bytes, sha256 ${o.sha256?.slice(0, 12)}…)` : `not downloaded: ${o.error}`,
    );
  if (r.error) lines.push(`${r.error_kind ?? 'error'}: ${r.error}`);
  return lines;
}
