// The job summary (GitHub-flavoured Markdown for core.summary.addRaw) and report.md, rendered from
// a manifest. Pure functions: no I/O, no @actions/core. Every string that came from a user or from
// Atlas is escaped, URLs are only ever linked when they are public https URLs without a
// signature-looking query, and data: URIs never appear.
import type { JobResult, Manifest, OutputFile } from '../manifest/schema.js';
import { formatUsd } from '../cost/prices.js';
import { replaceFile, writeChunks } from '../shared/safe-write.js';

/** GitHub drops a step summary over 1 MiB; keep a margin for anything the caller adds around ours. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
export const SUMMARY_MAX_BYTES = SUMMARY_LIMIT_BYTES - 32 * 1024;
export const REPORT_FILE_NAME = 'report.md';
/** Images shown in the step summary at most (each is a request the browser makes). */
export const MAX_THUMBNAILS = 200;
/** Where an unknown job can be checked by hand. */
export const ATLAS_PREDICTION_URL = 'https://api.atlascloud.ai/api/v1/model/prediction/';

export interface SummaryOptions {
  /** Budget in UTF-8 bytes; default SUMMARY_MAX_BYTES. */
  maxBytes?: number;
  /** Link to the uploaded artifact (GitHub UI URL). */
  artifactUrl?: string;
  title?: string;
  /** Link to the workflow run. */
  runUrl?: string;
  /** Link to the gallery page's own (unzipped) artifact. */
  galleryUrl?: string;
  /** Each file's own (unzipped) artifact, by output path. */
  fileUrls?: ReadonlyMap<string, string>;
  /** Nothing was uploaded (artifact-name: ''): say where the files are instead of "in the artifact". */
  noUpload?: boolean;
  /** A section put right under the headline, before the cost table (what changed, on a pull request). */
  leading?: { list: ListSection } | { fixed: string };
}

/** Where the files are, in words: in the artifact, or (with no upload) in the run's output directory. */
export function whereFiles(opts: { noUpload?: boolean }): string {
  return opts.noUpload ? 'in the output directory (not uploaded: artifact-name is empty)' : 'in the artifact';
}

// ---------------------------------------------------------------------------------------------
// Escaping and URL hygiene (shared with comment.ts)
// ---------------------------------------------------------------------------------------------

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  '#': '&#35;',
  '!': '&#33;',
  ':': '&#58;',
};

/**
 * Text safe in Markdown (table cells included) and in HTML: entities for every character that
 * means something to either, whitespace runs (newlines too) become one space, control characters
 * go, signed URLs and data: URIs are scrubbed, and `@name` cannot mention anyone.
 */
export function escapeText(s: string, maxChars?: number): string {
  let t = scrubSecrets(String(s))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (maxChars !== undefined && longerThan(t, maxChars)) t = [...t].slice(0, Math.max(0, maxChars - 1)).join('') + '…';
  // ':' is escaped so GitHub's autolinker cannot turn a stray https://… into a link; '@' gets a
  // zero-width space so a job named "@org/team" pings nobody.
  return t.replace(/[&<>"'|\\`*_~[\]#!:]/g, (c) => ENTITY[c] ?? c).replace(/@/g, '@&#8203;');
}

/**
 * More than `max` characters (code points)? A string never has more code points than UTF-16 units,
 * so most texts are answered without spreading them into an array of characters.
 */
function longerThan(s: string, max: number): boolean {
  return s.length > max && [...s].length > max;
}

/** Inline code-ish text (model names, ids): escaped like any other text, in <code>. */
export function codeText(s: string, maxChars?: number): string {
  return `<code>${escapeText(s, maxChars)}</code>`;
}

/** Query parameter names that carry a signature, a credential or an expiring grant. */
const SIGNED_PARAM = new Set([
  'sig',
  'signature',
  'se',
  'sp',
  'sv',
  'sr',
  'st',
  'spr',
  'srt',
  'ss',
  'skoid',
  'sktid',
  'skt',
  'ske',
  'sks',
  'skv',
  'sdd',
  'expires',
  'expiry',
  'exp',
  'policy',
  'key-pair-id',
  'token',
  'access_token',
  'auth',
  'authorization',
  'jwt',
  'hmac',
  'hdnts',
  'hdnea',
  'verify',
  'key',
  'apikey',
  'api_key',
  'credential',
  'credentials',
  'password',
  'secret',
  'code',
]);
const SIGNED_PARAM_PATTERN =
  /^(x-amz-|x-goog-|x-ms-|x-oss-|x-cos-|x-obs-)|sig|signature|token|secret|credential|passw/i;

/** True when a query string looks like it grants access (a signature, a token, an expiry). */
export function hasSignedQuery(url: URL): boolean {
  for (const name of url.searchParams.keys()) {
    const k = name.toLowerCase();
    if (SIGNED_PARAM.has(k) || SIGNED_PARAM_PATTERN.test(k)) return true;
  }
  return false;
}

/**
 * The URL to link or embed, or undefined when it must not be printed: only https, no
 * user:password, no signature-looking query, no IP or single-label host, no data: URIs.
 */
export function publicUrl(raw: string | null | undefined): string | undefined {
  if (!raw || typeof raw !== 'string') return undefined;
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:') return undefined;
  if (u.username || u.password) return undefined;
  const host = u.hostname;
  if (!host.includes('.') || host === 'localhost' || host.endsWith('.localhost')) return undefined;
  if (/^[\d.]+$/.test(host) || host.startsWith('[')) return undefined;
  if (hasSignedQuery(u)) return undefined;
  return u.href;
}

/** A URL ready for an href/src attribute inside Markdown and HTML. */
export function attrUrl(href: string): string {
  return href.replace(/[&<>"'|`\s()[\]]/g, (c) =>
    c === '&' ? '&amp;' : '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'),
  );
}

/** An HTML link; `textHtml` must already be escaped. Only pass URLs that passed publicUrl. */
export function link(href: string, textHtml: string): string {
  return `<a href="${attrUrl(href)}">${textHtml}</a>`;
}

/**
 * Free text (an error message, a prompt) with every signed URL cut back to its path and every
 * data: URI reduced to its media type. Applied by escapeText, so nothing printed escapes it.
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(/\bdata:([a-z0-9.+/-]*)[^\s"'<>)]*/gi, (_m, type: string) => `data:${type || ''}…`)
    .replace(/\b(?:https?|wss?|ftp):\/\/[^\s"'<>]+/gi, (m) => {
      try {
        const u = new URL(m);
        if (u.username || u.password) {
          u.username = '';
          u.password = '';
        }
        if (u.search && hasSignedQuery(u)) return `${u.origin}${u.pathname}?[signed query removed]`;
        return u.href === m || u.href === m + '/' ? m : u.href;
      } catch {
        return m.replace(/\?.*$/, '?[query removed]');
      }
    });
}

// ---------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------

export interface StatusCounts {
  success: number;
  failed: number;
  unknown: number;
  skipped: number;
  cached: number;
  total: number;
}

/** Counted from the results, so `succeeded` and `cached` never overlap. */
export function statusCounts(m: Manifest): StatusCounts {
  const c: StatusCounts = { success: 0, failed: 0, unknown: 0, skipped: 0, cached: 0, total: m.results.length };
  for (const r of m.results) if (r.status in c) c[r.status] += 1;
  return c;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const min = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h} h ${min} min` : `${min} min ${sec} s`;
}

const STATUS_ICON: Record<JobResult['status'], string> = {
  success: '✅',
  failed: '❌',
  unknown: '❓',
  skipped: '⏭️',
  cached: '♻️',
};

export function statusCell(status: JobResult['status']): string {
  return `${STATUS_ICON[status] ?? ''} ${escapeText(status)}`.trim();
}

export function headline(m: Manifest, title = 'Atlas media', level = 2): string {
  const c = statusCounts(m);
  const bad = c.failed + c.unknown > 0 || m.run.stopped !== null;
  const icon = bad ? '❌' : '✅';
  const parts = [
    `${c.success} succeeded`,
    `${c.failed} failed`,
    `${c.unknown} unknown`,
    `${c.skipped} skipped`,
    `${c.cached} cached`,
  ];
  // Cached jobs cost nothing this run: what they would have cost is what the cache saved.
  const saved = m.results.reduce((s, r) => s + (r.status === 'cached' ? r.estimated_cost : 0), 0);
  if (saved > 0) parts[parts.length - 1] += ` (saved ${formatUsd(saved)})`;
  const cost = `cost ${formatUsd(m.total_cost)} (estimated ${formatUsd(m.estimated_total_cost)})`;
  return `${'#'.repeat(level)} ${icon} ${escapeText(title)}: ${parts.join(', ')}; ${cost}; wall time ${formatDuration(m.run.wall_seconds)}`;
}

/** Lines under the headline: links, early stop. */
export function subHeadline(
  m: Manifest,
  opts: { artifactUrl?: string; runUrl?: string; galleryUrl?: string; noUpload?: boolean },
): string[] {
  const lines: string[] = [];
  const links: string[] = [];
  const run = publicUrl(opts.runUrl);
  const art = opts.noUpload ? undefined : publicUrl(opts.artifactUrl);
  const gallery = opts.noUpload ? undefined : publicUrl(opts.galleryUrl);
  if (gallery) links.push(`🖼️ ${link(gallery, 'gallery page (opens in the browser)')}`);
  if (run) links.push(link(run, 'workflow run'));
  if (art) links.push(link(art, 'zip with every file, manifest.json and report.md'));
  const meta = [`${m.total_jobs} job${m.total_jobs === 1 ? '' : 's'}`, `concurrency ${m.run.concurrency}`];
  if (m.config) meta.push(`from ${codeText(m.config, 200)}`);
  lines.push(meta.join(', ') + (links.length ? ' · ' + links.join(' · ') : ''));
  if (m.run.stopped)
    lines.push(
      `> [!WARNING]\n> The run stopped early: ${escapeText(m.run.stopped, 500)}. Jobs not started are listed as skipped.`,
    );
  return lines;
}

function priceCell(price: number, unit: string): string {
  return `${formatUsd(price)} / ${escapeText(unit)}`;
}

function sourceCell(source: string): string {
  return source === 'guess' ? '⚠️ guess (model not in the price table)' : escapeText(source);
}

/** The cost-by-model table, models sorted by actual cost then name, with a total row. */
export function costTable(m: Manifest, compact = false): string {
  const entries = Object.entries(m.cost_by_model).sort((a, b) => b[1].cost - a[1].cost || a[0].localeCompare(b[0]));
  if (entries.length === 0) return 'No jobs ran: nothing was charged.';
  const rows: string[] = [];
  if (compact) {
    rows.push('| Model | Jobs | Price | Estimated | Actual | Source |', '| --- | ---: | ---: | ---: | ---: | --- |');
    for (const [model, c] of entries) {
      rows.push(
        `| ${codeText(model, 120)} | ${c.jobs} | ${priceCell(c.price, c.unit)} | ${formatUsd(c.estimated_cost)} | ${formatUsd(c.cost)} | ${sourceCell(c.source)} |`,
      );
    }
  } else {
    rows.push(
      '| Model | Jobs | Unit | Price | Estimated | Actual | Source |',
      '| --- | ---: | --- | ---: | ---: | ---: | --- |',
    );
    for (const [model, c] of entries) {
      rows.push(
        `| ${codeText(model, 200)} | ${c.jobs} | ${escapeText(c.unit)} | ${formatUsd(c.price)} | ${formatUsd(c.estimated_cost)} | ${formatUsd(c.cost)} | ${sourceCell(c.source)} |`,
      );
    }
  }
  const jobs = entries.reduce((s, [, c]) => s + c.jobs, 0);
  rows.push(
    compact
      ? `| **Total** | ${jobs} | | ${formatUsd(m.estimated_total_cost)} | **${formatUsd(m.total_cost)}** | |`
      : `| **Total** | ${jobs} | | | ${formatUsd(m.estimated_total_cost)} | **${formatUsd(m.total_cost)}** | |`,
  );
  const guesses = entries.filter(([, c]) => c.source === 'guess').length;
  const note = guesses
    ? `\n\n⚠️ ${guesses} model${guesses === 1 ? ' has' : 's have'} no known price: the figures assume a guessed price. Set \`prices\` in the job file for exact estimates.`
    : '';
  return rows.join('\n') + note;
}

/** One list item per failed job, one per unknown job (with how to settle it). */
export function failureItems(m: Manifest, maxReasonChars?: number): { failed: string[]; unknown: string[] } {
  const failed: string[] = [];
  const unknown: string[] = [];
  for (const r of m.results) {
    if (r.status === 'failed') {
      const kind = r.error_kind ? ` <sub>${escapeText(r.error_kind, 40)}</sub>` : '';
      const reason = r.error ? escapeText(r.error, maxReasonChars) : 'no reason given';
      const pid = r.prediction_id ? ` (prediction ${codeText(r.prediction_id, 100)})` : '';
      failed.push(`- **${escapeText(r.name, 200)}** · ${codeText(r.model, 120)}${pid}: ${reason}${kind}`);
    } else if (r.status === 'unknown') {
      const reason = r.error ? ` ${escapeText(r.error, maxReasonChars)}.` : '';
      const settle = r.prediction_id
        ? `Atlas may have run and charged prediction ${codeText(r.prediction_id, 100)}: check it (${codeText(`GET ${ATLAS_PREDICTION_URL}${r.prediction_id}`, 300)} with your API key, or the Atlas console) before running this job again, or you may pay twice.`
        : 'The submit may have created a prediction whose id was never seen: check the usage page of the Atlas console before running this job again, or you may pay twice.';
      unknown.push(`- **${escapeText(r.name, 200)}** · ${codeText(r.model, 120)}:${reason} ${settle}`);
    }
  }
  return { failed, unknown };
}

export function promptOf(r: JobResult): string | undefined {
  const p = r.params?.['prompt'];
  return typeof p === 'string' && p.trim() ? p : undefined;
}

function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** A relative path as a link target inside report.md (which sits in the output directory). */
function relativeHref(p: string): string | undefined {
  if (p.startsWith('/') || p.split('/').includes('..') || /^[a-z][a-z0-9+.-]*:/i.test(p)) return undefined;
  return p.split('/').map(encodeURIComponent).join('/');
}

export interface FileCellOptions {
  /** Most outputs to list before "+K more". */
  maxFiles?: number;
  /** Link outputs to their path relative to report.md (the report file, not the summary). */
  relativeLinks?: boolean;
  artifactUrl?: string;
  /** Each file's own artifact, by output path: the file's name links there. */
  fileUrls?: ReadonlyMap<string, string>;
  noUpload?: boolean;
}

/** The files of a job: linked when public, else named with "in the artifact". */
export function filesCell(r: JobResult, opts: FileCellOptions = {}): string {
  const outs: OutputFile[] = r.outputs ?? [];
  if (outs.length === 0) return '—';
  const art = opts.noUpload ? undefined : publicUrl(opts.artifactUrl);
  const inArtifact = art ? link(art, 'in the artifact') : whereFiles(opts);
  const max = opts.maxFiles ?? Infinity;
  const cells: string[] = [];
  for (const o of outs.slice(0, max)) {
    const url = publicUrl(o.url);
    const name = o.path ? escapeText(opts.relativeLinks ? o.path : baseName(o.path), 200) : undefined;
    const own = o.path && !opts.noUpload ? publicUrl(opts.fileUrls?.get(o.path)) : undefined;
    if (o.path) {
      const rel = opts.relativeLinks ? relativeHref(o.path) : undefined;
      if (own && !rel) cells.push(`${link(own, name!)}${url ? ` (${link(url, 'source')})` : ''}`);
      else if (rel) cells.push(`${link(rel, name!)}${url ? ` (${link(url, 'source')})` : ''}`);
      else if (url) cells.push(link(url, name!));
      else cells.push(`${name} <sub>(${inArtifact})</sub>`);
    } else {
      const why = o.error ? `: ${escapeText(o.error, 200)}` : '';
      cells.push(url ? `${link(url, 'output')} <sub>(not downloaded${why})</sub>` : `<sub>not downloaded${why}</sub>`);
    }
  }
  if (outs.length > max) cells.push(`<sub>+${outs.length - max} more</sub>`);
  return cells.join('<br>');
}

export interface JobRowOptions extends FileCellOptions {
  /** Prompts longer than this go into <details>; the text is cut at promptMaxChars. */
  promptInline?: number;
  promptMaxChars?: number;
  withPrompt?: boolean;
}

/** The name cell, with the prompt under it (in <details> when long). */
function nameCell(r: JobResult, opts: JobRowOptions): string {
  const name = `**${escapeText(r.name, 300)}**`;
  const prompt = opts.withPrompt === false ? undefined : promptOf(r);
  if (!prompt) return name;
  const inline = opts.promptInline ?? 100;
  const text = escapeText(prompt, opts.promptMaxChars);
  if (!longerThan(prompt, inline)) return `${name}<br><sub>${text}</sub>`;
  return `${name}<details><summary>prompt (${[...prompt].length} characters)</summary>${text}</details>`;
}

export const JOB_TABLE_HEADER =
  '| Job | Model | Type | Status | Cost | Time | Files |\n| --- | --- | --- | --- | ---: | ---: | --- |';

export function jobRow(r: JobResult, opts: JobRowOptions = {}): string {
  const cost = r.status === 'skipped' ? '—' : formatUsd(r.cost);
  return `| ${nameCell(r, opts)} | ${codeText(r.model, 120)} | ${escapeText(r.type)} | ${statusCell(r.status)} | ${cost} | ${formatDuration(r.generation_time)} | ${filesCell(r, opts)} |`;
}

function isImageOutput(r: JobResult, o: OutputFile): boolean {
  if (o.content_type) return o.content_type.toLowerCase().startsWith('image/');
  return r.type === 'image';
}

/** <img> tags for the downloaded images of succeeded jobs, by their path relative to the output directory. */
export function relativeImages(m: Manifest, width = 160): string[] {
  const out: string[] = [];
  for (const r of m.results) {
    if (r.status !== 'success' && r.status !== 'cached') continue;
    for (const o of r.outputs ?? []) {
      const rel = o.path ? relativeHref(o.path) : undefined;
      if (!rel || !isImageOutput(r, o)) continue;
      const alt = escapeText(r.name, 100);
      out.push(
        `<a href="${attrUrl(rel)}"><img src="${attrUrl(rel)}" width="${width}" alt="${alt}" title="${alt}"></a>`,
      );
    }
  }
  return out;
}

/** <img> tags for outputs of succeeded image jobs that have a public URL (linked to the file's own artifact when given). */
/** `imageUrls`: a picture to show instead of the output's own URL, by output path (preview-branch's). */
export function thumbnails(
  m: Manifest,
  width = 160,
  fileUrls?: ReadonlyMap<string, string>,
  imageUrls?: ReadonlyMap<string, string>,
): string[] {
  const out: string[] = [];
  for (const r of m.results) {
    if (r.status !== 'success' && r.status !== 'cached') continue;
    for (const o of r.outputs ?? []) {
      const url = publicUrl(o.url);
      const src = (o.path ? publicUrl(imageUrls?.get(o.path)) : undefined) ?? url;
      if (!src || !isImageOutput(r, o)) continue;
      const alt = escapeText(r.name, 100);
      const href = (o.path ? publicUrl(fileUrls?.get(o.path)) : undefined) ?? url ?? src;
      out.push(
        `<a href="${attrUrl(href)}"><img src="${attrUrl(src)}" width="${width}" alt="${alt}" title="${alt}"></a>`,
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fitting into a budget
// ---------------------------------------------------------------------------------------------

export type Measure = (s: string) => number;
export const utf8Bytes: Measure = (s) => Buffer.byteLength(s, 'utf8');
export const utf16Length: Measure = (s) => s.length;

/**
 * Items that fit in `budget` (each joined by `sep`), keeping at least `reserve` for a
 * trailing note. Returns how many were taken and their total size.
 */
export function takeFitting(
  items: readonly string[],
  budget: number,
  measure: Measure,
  sep = '\n',
  reserve = 0,
): { taken: string[]; size: number } {
  const taken: string[] = [];
  let size = 0;
  const sepSize = measure(sep);
  for (const [i, item] of items.entries()) {
    const s = measure(item) + (taken.length ? sepSize : 0);
    const last = i === items.length - 1;
    if (size + s > budget - (last ? 0 : reserve)) break;
    taken.push(item);
    size += s;
  }
  return { taken, size };
}

/**
 * A document from ordered sections where the first ones are kept whole and the later ones are
 * lists shortened to fit, each with a note on what was left out.
 */
export interface ListSection {
  /** Heading/intro text, kept whenever at least one item is shown (or always, if keepEmpty). */
  head: string;
  items: string[];
  sep?: string;
  /** The note to put when `left` items were left out. */
  more: (left: number) => string;
  /** Leave this fraction of the remaining budget to the sections after it (0..1). */
  leave?: number;
  tail?: string;
  /** Heading used instead of `head` when no item fits (e.g. without a table header). */
  emptyHead?: string;
  /** Items already left out before fitting (counted in the note, which then always shows). */
  hidden?: number;
}

export function fitSections(fixed: string[], lists: ListSection[], budget: number, measure: Measure): string {
  const SEP = '\n\n';
  let doc = fixed.filter(Boolean).join(SEP);
  let used = measure(doc);
  for (const sec of lists) {
    if (sec.items.length === 0) continue;
    const sep = sec.sep ?? '\n';
    const head = sec.head + (sec.head ? (sec.head.endsWith('\n') ? '' : '\n') : '');
    const tail = sec.tail ?? '';
    const worstNote = sec.more(sec.items.length);
    const overhead = measure(SEP) + measure(head) + measure(tail) + measure('\n\n' + worstNote);
    let room = budget - used - overhead;
    if (sec.leave) room = Math.floor(room * (1 - sec.leave));
    const { taken } = takeFitting(sec.items, Math.max(0, room), measure, sep);
    const left = sec.items.length - taken.length + (sec.hidden ?? 0);
    let part: string;
    if (taken.length === 0) {
      const emptyHead = sec.emptyHead ?? head;
      part = (emptyHead ? emptyHead.replace(/\n*$/, '\n\n') : '') + sec.more(left);
      if (used + measure(SEP + part) > budget) {
        part = sec.more(left);
        if (used + measure(SEP + part) > budget) continue;
      }
    } else {
      part = head + taken.join(sep) + tail + (left > 0 ? '\n\n' + sec.more(left) : '');
    }
    doc += (doc ? SEP : '') + part;
    used = measure(doc);
  }
  return doc;
}

/** Cut a string to a budget without splitting a UTF-16 pair; for the last-resort cases. */
export function hardCut(s: string, budget: number, measure: Measure, suffix = '\n\n…'): string {
  if (measure(s) <= budget) return s;
  let lo = 0;
  let hi = s.length;
  const room = budget - measure(suffix);
  if (room <= 0) return '';
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(s.slice(0, mid)) <= room) lo = mid;
    else hi = mid - 1;
  }
  let cut = lo;
  // Cut at a line end where there is one, so no tag or table row is left half-written.
  const nl = s.lastIndexOf('\n', cut);
  if (nl > 0) cut = nl;
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return s.slice(0, cut) + suffix;
}

// ---------------------------------------------------------------------------------------------
// The two documents
// ---------------------------------------------------------------------------------------------

function failureSections(m: Manifest, reasonChars: number | undefined, leave: number, where: string): ListSection[] {
  const { failed, unknown } = failureItems(m, reasonChars);
  return [
    {
      head: `### Failed jobs (${failed.length})\n\n`,
      items: failed,
      more: (k) => `… and ${k} more failed job${k === 1 ? '' : 's'}: ${where}`,
      leave,
    },
    {
      head: `### Jobs with an unknown outcome (${unknown.length})\n\nThe result of these jobs was never seen. Do not simply re-run them: settle each one first.\n\n`,
      items: unknown,
      more: (k) => `… and ${k} more job${k === 1 ? '' : 's'} with an unknown outcome: ${where}`,
      leave,
    },
  ];
}

/**
 * The step summary. Over `maxBytes` (UTF-8) it keeps the headline, the cost table and the
 * failures, shows the first job rows that fit and says where the full report is.
 */
export function renderSummary(m: Manifest, opts: SummaryOptions = {}): string {
  const budget = opts.maxBytes ?? SUMMARY_MAX_BYTES;
  const where = `the full report is ${REPORT_FILE_NAME} ${whereFiles(opts)}`;
  const lead = opts.leading;
  const fixed = [headline(m, opts.title), ...subHeadline(m, opts)];
  if (lead && 'fixed' in lead) fixed.push(lead.fixed);
  const costs = ['### Cost by model', costTable(m)];
  if (!lead || !('list' in lead)) fixed.push(...costs);
  const rowOpts: JobRowOptions = {
    maxFiles: 10,
    artifactUrl: opts.artifactUrl,
    fileUrls: opts.fileUrls,
    noUpload: opts.noUpload,
    promptInline: 100,
    promptMaxChars: 2000,
  };
  const rows = rowsWithin(m.results, (r) => jobRow(r, rowOpts), budget);
  const thumbs = thumbnails(m, 160, opts.noUpload ? undefined : opts.fileUrls);
  const lists: ListSection[] = [
    ...(lead && 'list' in lead
      ? [lead.list, { head: '', items: [costs.join('\n\n')], more: () => `Cost by model: ${where}` }]
      : []),
    // Failures may take at most half of what is left, so some job rows always show.
    ...failureSections(m, 1000, 0.5, where),
    {
      head: `### Jobs (${m.results.length})\n\n${JOB_TABLE_HEADER}\n`,
      emptyHead: `### Jobs (${m.results.length})`,
      items: rows,
      more: (k) => `… and ${k} more job${k === 1 ? '' : 's'}: ${where}`,
      leave: 0.05,
    },
    {
      head: '### Images\n\n',
      items: thumbs.slice(0, MAX_THUMBNAILS),
      hidden: Math.max(0, thumbs.length - MAX_THUMBNAILS),
      sep: ' ',
      more: (k) => `… and ${k} more image${k === 1 ? '' : 's'} ${whereFiles(opts)}`,
    },
  ];
  const footer = `<sub>${escapeText(m.tool)} · manifest generated ${escapeText(m.generated_at)}</sub>`;
  const footerSize = utf8Bytes('\n\n' + footer + '\n');
  let doc = fitSections(fixed, lists, budget - footerSize, utf8Bytes);
  doc += '\n\n' + footer + '\n';
  return hardCut(doc, budget, utf8Bytes, `\n\n… cut to fit: ${where}\n`);
}

/**
 * One row per result, rendered only while the rows so far fit in `budget`: a list is cut at its first
 * row that does not fit (takeFitting), so the rows after that are never shown, and a 10,000-job
 * summary needs a few thousand. The others are empty placeholders, so the list still counts them.
 */
function rowsWithin(results: readonly JobResult[], row: (r: JobResult) => string, budget: number): string[] {
  const rows: string[] = [];
  let size = 0;
  for (const r of results) {
    if (size > budget) rows.push('');
    else {
      const text = row(r);
      rows.push(text);
      size += utf8Bytes(text) + 1;
    }
  }
  return rows;
}

/** The full report (report.md in the output directory): every row, never shortened. */
export function renderReportFile(m: Manifest, opts: Omit<SummaryOptions, 'maxBytes'> = {}): string {
  return [...reportChunks(m, opts)].join('');
}

/** Writes report.md into the output directory, row by row (never through a planted link); returns its path. */
export function writeReportFile(outputDir: string, m: Manifest): Promise<string> {
  return replaceFile(outputDir, REPORT_FILE_NAME, (fh) => writeChunks(fh, reportChunks(m)));
}

/** report.md in pieces, row by row, so a 10,000-job report can be written without holding it whole. */
function* reportChunks(m: Manifest, opts: Omit<SummaryOptions, 'maxBytes'> = {}): Generator<string> {
  const parts: string[] = [
    headline(m, opts.title ?? 'Atlas media report', 1),
    ...subHeadline(m, opts),
    '## Cost by model',
    costTable(m),
  ];
  const { failed, unknown } = failureItems(m);
  if (failed.length) parts.push(`## Failed jobs (${failed.length})`, failed.join('\n'));
  if (unknown.length) {
    parts.push(
      `## Jobs with an unknown outcome (${unknown.length})`,
      'The result of these jobs was never seen. Do not simply re-run them: settle each one first.',
      unknown.join('\n'),
    );
  }
  const rowOpts: JobRowOptions = {
    relativeLinks: true,
    artifactUrl: opts.artifactUrl,
    noUpload: opts.noUpload,
    promptInline: 100,
  };
  parts.push(`## Jobs (${m.results.length})`);
  yield parts.join('\n\n') + '\n\n' + JOB_TABLE_HEADER;
  if (!m.results.length) yield '\n';
  for (const r of m.results) yield '\n' + jobRow(r, rowOpts);
  // report.md sits beside the files: its images are relative paths, shown by any Markdown viewer offline.
  const thumbs = relativeImages(m, 240);
  if (thumbs.length) yield '\n\n## Images\n\n' + thumbs.join(' ');
  yield `\n\n<sub>${escapeText(m.tool)} · manifest generated ${escapeText(m.generated_at)} · run ${escapeText(m.run.started_at)} → ${escapeText(m.run.finished_at)}</sub>\n`;
}
