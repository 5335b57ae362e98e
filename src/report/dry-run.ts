// A dry run's report, for the job summary and the PR comment: why nothing was generated, what
// changed since the earlier run (when one is at hand), the plan and its estimate. Never empty.
import type { PlanDiff } from '../plan/diff.js';
import { formatUsd } from '../cost/prices.js';
import { cleanLogText } from '../shared/log.js';
import { escapeText, hardCut, utf16Length, utf8Bytes, SUMMARY_MAX_BYTES } from './summary.js';
import { planChangeLines, type PlanJobLine } from './changes.js';
import { COMMENT_MAX_CHARS, commentMarker } from './comment.js';

export interface DryRunReport {
  /** Why it is a dry run: the `dry-run` input, or no API key. */
  reason: string;
  jobs: readonly PlanJobLine[];
  estimatedCost: number;
  /** The plan as renderPlan prints it. */
  planText: string;
  diff?: PlanDiff;
  /** What the run would pay: new and changed jobs, and unchanged ones that did not succeed before. */
  toPay: number;
  reused: number;
  title?: string;
}

function body(r: DryRunReport): string[] {
  const n = r.jobs.length;
  const parts = [
    `### ${escapeText(r.title ?? 'Atlas media')}: dry run, ${n} job${n === 1 ? '' : 's'}, estimated ${formatUsd(r.estimatedCost)}`,
    `> [!NOTE]\n> Nothing was generated: ${escapeText(r.reason, 500)}`,
  ];
  if (r.diff) {
    const d = r.diff;
    const count = (k: string) => d.jobs.filter((c) => c.kind === k).length;
    parts.push(
      `#### What changed: ${count('new')} new, ${count('changed')} changed, ${d.removed.length} removed, ${count('unchanged')} unchanged <sub>(compared with the run of ${escapeText(d.comparedWith.generated_at)})</sub>`,
      planChangeLines(r.jobs, d, r.reused).join('\n') || 'Nothing changed.',
      `A run with an API key would pay about ${formatUsd(r.toPay)}; unchanged jobs that succeeded before cost nothing.`,
    );
  }
  return parts;
}

function planBlock(raw: string): string {
  // An HTML block, escaped: whatever a job name holds (a fence, `</pre>`, a heading, a control
  // character) it stays text inside the one block and can reach neither the page nor the log as markup.
  const text = cleanLogText(raw).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
  return `#### Plan\n\n<pre><code>${text}</code></pre>`;
}

/** The job summary of a dry run, within GitHub's summary limit. */
export function renderDryRunSummary(r: DryRunReport, maxBytes = SUMMARY_MAX_BYTES): string {
  const doc = [...body(r), planBlock(r.planText)].join('\n\n') + '\n';
  return hardCut(doc, maxBytes, utf8Bytes, '\n\n… cut to fit: the full plan is in the step log.\n');
}

/** The sticky PR comment of a dry run, with the marker the next run finds. */
export function renderDryRunComment(r: DryRunReport, tag: string, maxChars = COMMENT_MAX_CHARS): string {
  const marker = commentMarker(tag);
  const budget = Math.min(maxChars, COMMENT_MAX_CHARS) - marker.length - 1;
  const plan = `<details><summary>Plan (${r.jobs.length} jobs)</summary>\n\n${planBlock(r.planText)}\n\n</details>`;
  const doc = [...body(r), plan].join('\n\n');
  return `${marker}\n${hardCut(doc, budget, utf16Length, '\n\n… cut to fit: the full plan is in the job summary.')}`;
}
