// "What changed" since the earlier run of the job file, as Markdown for the PR comment, the job
// summary and the dry-run report: new and changed jobs first (with their image), removed ones by
// name, unchanged ones folded into one line with what reuse saved. Pure functions.
import type { JobResult, Manifest, OutputFile } from '../manifest/schema.js';
import type { PlanDiff } from '../plan/diff.js';
import { formatUsd } from '../cost/prices.js';
import { attrUrl, escapeText, filesCell, link, publicUrl, statusCell, type ListSection } from './summary.js';

export const CHANGE_ICON = { new: '🆕', changed: '✏️', removed: '🗑️', unchanged: '♻️' } as const;

/**
 * Where a reviewer opens a job's file. The hook for links that know more than the manifest (a
 * per-file artifact): return a public https URL, or undefined to fall back to the output's own
 * public URL, then to its name "in the artifact".
 */
export type FileLink = (r: JobResult, o: OutputFile) => string | undefined;

export interface ChangesOptions {
  artifactUrl?: string;
  fileLink?: FileLink;
  /** Where a picture of the file can be shown from (a preview branch); default its public URL. */
  imageLink?: FileLink;
  /** Image width in the Markdown; 0 for no images. */
  imageWidth?: number;
}

function isImage(r: JobResult, o: OutputFile): boolean {
  return o.content_type ? o.content_type.toLowerCase().startsWith('image/') : r.type === 'image';
}

/** The job's files: a linked image when a public URL is known, else the files cell of the tables. */
function mediaOf(r: JobResult, opts: ChangesOptions): string {
  const width = opts.imageWidth ?? 160;
  const shown: string[] = [];
  for (const o of r.outputs.slice(0, 4)) {
    // The link opens the file (its own artifact, else its public URL); the picture needs a URL GitHub can show.
    const url = publicUrl(opts.fileLink?.(r, o)) ?? publicUrl(o.url);
    const picture = publicUrl(opts.imageLink?.(r, o)) ?? publicUrl(o.url);
    if (!url) continue;
    const alt = escapeText(r.name, 100);
    shown.push(
      width > 0 && isImage(r, o) && picture
        ? link(url, `<img src="${attrUrl(picture)}" width="${width}" alt="${alt}">`)
        : link(url, escapeText(o.path ?? 'output', 200)),
    );
  }
  if (shown.length) return shown.join(' ');
  return filesCell(r, { maxFiles: 4, ...(opts.artifactUrl ? { artifactUrl: opts.artifactUrl } : {}) });
}

function fieldsNote(fields: readonly string[] | undefined): string {
  return fields?.length
    ? ` <sub>(${escapeText(fields.slice(0, 6).join(', '))}${fields.length > 6 ? ', …' : ''})</sub>`
    : '';
}

/** One item per new or changed job of a run. */
export function changedItems(m: Manifest, opts: ChangesOptions = {}): string[] {
  return m.results
    .filter((r) => r.change === 'new' || r.change === 'changed')
    .map((r) => {
      const kind = r.change as 'new' | 'changed';
      const cost = r.status === 'skipped' ? '' : ` · ${formatUsd(r.cost)}`;
      return `- ${CHANGE_ICON[kind]} **${kind}** **${escapeText(r.name, 200)}**${kind === 'changed' ? fieldsNote(r.changed_fields) : ''} · ${statusCell(r.status)}${cost}<br>${mediaOf(r, opts)}`;
    });
}

function removedLine(names: readonly string[]): string | undefined {
  if (!names.length) return undefined;
  const shown = names.slice(0, 50).map((n) => `**${escapeText(n, 120)}**`);
  const more = names.length > 50 ? ` and ${names.length - 50} more` : '';
  return `- ${CHANGE_ICON.removed} **removed** (${names.length}): ${shown.join(', ')}${more}`;
}

/** The lines after the changed jobs: the removed ones by name, the unchanged ones in one line. */
export function foldedLines(m: Manifest): string[] {
  const lines: string[] = [];
  const removed = removedLine((m.removed ?? []).map((r) => r.name));
  if (removed) lines.push(removed);
  const unchanged = m.results.filter((r) => r.change === 'unchanged');
  if (unchanged.length) {
    const reused = unchanged.filter((r) => r.status === 'cached');
    const saved = reused.reduce((s, r) => s + r.estimated_cost, 0);
    const again = unchanged.length - reused.length;
    lines.push(
      `- ${CHANGE_ICON.unchanged} ${unchanged.length} unchanged job${unchanged.length === 1 ? '' : 's'}: ${reused.length} reused for free (saved ${formatUsd(saved)})${again ? `, ${again} run again` : ''}`,
    );
  }
  return lines;
}

/** The heading of the section, or undefined when the run was compared with nothing. */
export function changesHeading(m: Manifest, level = 3): string | undefined {
  if (!m.compared_with) return undefined;
  const n = (k: string) => m.results.filter((r) => r.change === k).length;
  const counts = `${n('new')} new, ${n('changed')} changed, ${m.removed?.length ?? 0} removed, ${n('unchanged')} unchanged`;
  return `${'#'.repeat(level)} What changed: ${counts} <sub>(compared with the run of ${escapeText(m.compared_with.generated_at)})</sub>`;
}

/** The jobs of a plan as the dry run lists them. */
export interface PlanJobLine {
  name: string;
  model: string;
  estimate: { cost: number };
}

/** The what-changed section of a dry run: what would be generated, from the plan and its diff. */
export function planChangeLines(jobs: readonly PlanJobLine[], diff: PlanDiff, reusedCost: number): string[] {
  const lines: string[] = [];
  jobs.forEach((j, i) => {
    const c = diff.jobs[i];
    if (!c || c.kind === 'unchanged') return;
    lines.push(
      `- ${CHANGE_ICON[c.kind]} **${c.kind}** **${escapeText(j.name, 200)}**${c.kind === 'changed' ? fieldsNote(c.fields) : ''} · <code>${escapeText(j.model, 120)}</code> · estimated ${formatUsd(j.estimate.cost)}`,
    );
  });
  const removed = removedLine(diff.removed.map((r) => r.name));
  if (removed) lines.push(removed);
  const unchanged = diff.jobs.filter((c) => c.kind === 'unchanged').length;
  if (unchanged)
    lines.push(
      `- ${CHANGE_ICON.unchanged} ${unchanged} unchanged job${unchanged === 1 ? '' : 's'}: reused from the earlier run (saves ${formatUsd(reusedCost)})`,
    );
  return lines;
}

/**
 * The section for a document fitted by fitSections: the heading, the changed jobs (shortened to
 * fit), then the folded lines. `fixed` when there is no changed job to list (fitSections drops an
 * empty list). Undefined when the run was compared with nothing.
 */
export function changesSection(
  m: Manifest,
  opts: ChangesOptions & { level?: number; where: string },
): { list: ListSection } | { fixed: string } | undefined {
  const heading = changesHeading(m, opts.level ?? 3);
  if (!heading) return undefined;
  const items = changedItems(m, opts);
  const folded = foldedLines(m);
  if (!items.length) return { fixed: [heading, folded.join('\n') || 'Nothing changed.'].join('\n\n') };
  return {
    list: {
      head: `${heading}\n\n`,
      items,
      tail: folded.length ? '\n' + folded.join('\n') : '',
      more: (k) => `… and ${k} more new or changed job${k === 1 ? '' : 's'}: ${opts.where}`,
      leave: 0.3,
    },
  };
}
