// The sticky pull-request comment: a compact cousin of the step summary, always under GitHub's
// 65,536-character limit for a comment body, always carrying the hidden marker that lets the next
// run find and update it.
import type { Manifest } from '../manifest/schema.js';
import { formatUsd } from '../cost/prices.js';
import {
  REPORT_FILE_NAME,
  codeText,
  costTable,
  escapeText,
  failureItems,
  fitSections,
  formatDuration,
  hardCut,
  headline,
  link,
  publicUrl,
  statusCell,
  subHeadline,
  thumbnails,
  utf16Length,
  whereFiles,
  type ListSection,
} from './summary.js';
import { changesSection, type FileLink } from './changes.js';

/** GitHub refuses a comment body over this many characters. */
export const COMMENT_MAX_CHARS = 65_536;
const MAX_COMMENT_THUMBNAILS = 12;

/**
 * The hidden marker for one tag. The tag is percent-encoded so no tag can end the HTML comment
 * early (`-->`) or make one tag's marker a prefix of another's.
 */
export function commentMarker(tag: string): string {
  const safe = encodeURIComponent(tag.trim() || 'default').replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
  return `<!-- atlas-media-action:tag=${safe} -->`;
}

export interface CommentOptions {
  tag: string;
  artifactUrl?: string;
  runUrl?: string;
  galleryUrl?: string;
  fileUrls?: ReadonlyMap<string, string>;
  /** Pictures GitHub can show inline (preview-branch), by output path; else the outputs' own URLs. */
  imageUrls?: ReadonlyMap<string, string>;
  noUpload?: boolean;
  /** Characters (UTF-16 code units, which never undercount GitHub's count); default 65,536. */
  maxChars?: number;
  title?: string;
  /** Hook: where each file is opened (e.g. its own artifact); default its public URL. */
  fileLink?: FileLink;
}

const JOB_HEADER = '| Job | Model | Status | Cost | Time | Files |\n| --- | --- | --- | ---: | ---: | ---: |';

/** The comment: fixed headline parts, then list sections cut to fit the budget, each saying where the rest is. */
export function renderComment(m: Manifest, opts: CommentOptions): string {
  const marker = commentMarker(opts.tag);
  const max = Math.min(opts.maxChars ?? COMMENT_MAX_CHARS, COMMENT_MAX_CHARS);
  const budget = max - marker.length - 1;
  const run = publicUrl(opts.runUrl);
  const where = `see the job summary${run ? ` of the ${link(run, 'workflow run')}` : ''}, or ${REPORT_FILE_NAME} ${whereFiles(opts)}`;
  const { fixed, leading } = headSections(m, opts, where);
  const lists: ListSection[] = [...leading, ...jobSections(m, opts, where)];
  const doc = fitSections(fixed, lists, budget, utf16Length);
  return `${marker}\n${hardCut(doc, budget, utf16Length, `\n\n… cut to fit: ${where}`)}`;
}

/** The headline; on a pull request compared with an earlier run, what changed comes first, the cost table after it. */
function headSections(m: Manifest, opts: CommentOptions, where: string): { fixed: string[]; leading: ListSection[] } {
  const fileLink: FileLink | undefined =
    opts.fileLink ?? (opts.fileUrls ? (_r, o) => (o.path ? opts.fileUrls?.get(o.path) : undefined) : undefined);
  const images = opts.imageUrls;
  const imageLink: FileLink | undefined = images ? (_r, o) => (o.path ? images.get(o.path) : undefined) : undefined;
  const changes = changesSection(m, {
    ...opts,
    ...(fileLink ? { fileLink } : {}),
    ...(imageLink ? { imageLink } : {}),
    level: 3,
    where,
    imageWidth: 240,
  });
  const fixed = [headline(m, opts.title ?? 'Atlas media', 3), ...subHeadline(m, opts)];
  const leading: ListSection[] = [];
  if (changes && 'fixed' in changes) fixed.push(changes.fixed);
  if (changes && 'list' in changes) leading.push(changes.list);
  if (changes) leading.push({ head: '', items: [costTable(m, true)], more: () => `Cost by model: ${where}` });
  else fixed.push(costTable(m, true));
  return { fixed, leading };
}

/** Failed jobs, unknown outcomes, every job's row, the thumbnails: each cut with a line saying where the rest is. */
function jobSections(m: Manifest, opts: CommentOptions, where: string): ListSection[] {
  const { failed, unknown } = failureItems(m, 300);
  const rows = m.results.map((r) => {
    const files = r.outputs?.length ?? 0;
    return `| ${escapeText(r.name, 120)} | ${codeText(r.model, 80)} | ${statusCell(r.status)} | ${r.status === 'skipped' ? '—' : formatUsd(r.cost)} | ${formatDuration(r.generation_time)} | ${files} |`;
  });
  const thumbs = thumbnails(m, 120, opts.noUpload ? undefined : opts.fileUrls, opts.imageUrls);
  return [
    {
      head: `**Failed jobs (${failed.length})**\n\n`,
      items: failed,
      more: (k) => `… and ${k} more failed job${k === 1 ? '' : 's'}: ${where}`,
      leave: 0.5,
    },
    {
      head: `**Unknown outcome (${unknown.length})**: settle these before re-running them.\n\n`,
      items: unknown,
      more: (k) => `… and ${k} more job${k === 1 ? '' : 's'} with an unknown outcome: ${where}`,
      leave: 0.5,
    },
    {
      head: `<details><summary>Jobs (${m.results.length})</summary>\n\n${JOB_HEADER}\n`,
      emptyHead: `**Jobs (${m.results.length})**`,
      items: rows,
      tail: '\n\n</details>',
      more: (k) => `… and ${k} more job${k === 1 ? '' : 's'}: ${where}`,
      leave: 0.02,
    },
    {
      head: '',
      items: thumbs.slice(0, MAX_COMMENT_THUMBNAILS),
      hidden: Math.max(0, thumbs.length - MAX_COMMENT_THUMBNAILS),
      sep: ' ',
      more: (k) => `… and ${k} more image${k === 1 ? '' : 's'} ${whereFiles(opts)}`,
    },
  ];
}
