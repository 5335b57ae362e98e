// index.html for the output directory: a self-contained gallery of what a run made, opened from
// the unzipped artifact. Everything is inline (CSS, no scripts); the only URLs in the page are
// relative paths to the files next to it, so it works offline and never calls anything remote.
// Every string from the job file or the API (names, prompts, model ids, errors) is escaped.
import { replaceFile, writeChunks } from '../shared/safe-write.js';
import { formatUsd } from '../cost/prices.js';
import type { JobResult, Manifest, OutputFile } from '../manifest/schema.js';
import { findChainRefs } from '../jobfile/chain.js';
import type { Thumbnail } from './thumbnails.js';

export const GALLERY_FILE = 'index.html';
const DEFAULT_TITLE = 'Atlas media gallery';
/** Prompts longer than this are collapsed behind a <details>. */
const PROMPT_COLLAPSE_AT = 180;
const PROMPT_PREVIEW = 120;

export interface GalleryOptions {
  title?: string;
  /**
   * The page stands alone (uploaded as its own artifact): images are the inlined thumbnails given here
   * (by output path; a string is why there is none), and files link to their own artifact's page
   * (`links`, by output path) instead of a relative path that would lead nowhere.
   */
  standalone?: {
    thumbs: ReadonlyMap<string, Thumbnail | string>;
    links: ReadonlyMap<string, string>;
    /** The artifact with every file (the zip). */
    allFilesUrl?: string;
  };
}

type Standalone = NonNullable<GalleryOptions['standalone']>;

/** Escapes text for HTML element content and for quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&#39;';
      default:
        return '&#96;';
    }
  });
}

/**
 * A manifest path (relative to the output directory) as a relative URL: each segment
 * percent-encoded, so `#`, `?`, `:` or spaces in a name cannot turn it into something else
 * (a fragment, a query, a scheme). Leading slashes and `.` segments are dropped.
 */
export function relativeHref(path: string): string {
  const segments = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

type MediaKind = 'image' | 'video' | 'file';

const IMAGE_EXT = new Set(['png', 'jpg', 'jpeg', 'webp', 'gif', 'avif', 'bmp', 'svg']);
const VIDEO_EXT = new Set(['mp4', 'm4v', 'webm', 'mov', 'ogv']);

function mediaKind(out: OutputFile): MediaKind {
  const ct = (out.content_type ?? '').toLowerCase().split(';')[0]!.trim();
  if (ct.startsWith('image/')) return 'image';
  if (ct.startsWith('video/')) return 'video';
  const ext = (out.path ?? '').toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  if (IMAGE_EXT.has(ext)) return 'image';
  if (VIDEO_EXT.has(ext)) return 'video';
  return 'file';
}

/**
 * SVG is a document that can run script: downloads refuse it (src/download/magic.ts notMedia), and an
 * SVG in an older manifest is shown as <img> (where script never runs) and never linked.
 */
function isSvg(out: OutputFile): boolean {
  const ct = (out.content_type ?? '').toLowerCase();
  return ct.startsWith('image/svg') || /\.svgz?$/i.test(out.path ?? '');
}

function fileName(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/').filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '—';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  if (m < 60) return `${m} min ${rest.toFixed(0)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function formatBytes(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function formatTimestamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function promptOf(r: JobResult): string | null {
  const p = r.params['prompt'];
  return typeof p === 'string' && p.trim() !== '' ? p : null;
}

function promptHtml(prompt: string | null): string {
  if (prompt === null) return '';
  if (prompt.length <= PROMPT_COLLAPSE_AT) return `<p class="prompt">${escapeHtml(prompt)}</p>`;
  const preview = prompt.slice(0, PROMPT_PREVIEW).trimEnd() + '…';
  return `<details class="prompt"><summary>${escapeHtml(preview)}</summary><p>${escapeHtml(prompt)}</p></details>`;
}

const STATUS_LABEL: Record<JobResult['status'], string> = {
  success: 'succeeded',
  cached: 'cached',
  failed: 'failed',
  unknown: 'unknown',
  skipped: 'skipped',
};

function statusBadge(status: JobResult['status'], extra = ''): string {
  return `<span class="badge st-${status}">${escapeHtml(STATUS_LABEL[status] ?? status)}${extra}</span>`;
}

/** The parameters that tell two variations of a job apart, in this order, when the body has them. */
const KEY_PARAMS = ['seed', 'aspect_ratio', 'size', 'width', 'height', 'duration', 'resolution'] as const;

function paramText(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

/** The job names this job takes an input from (`{from: "Hero"}` in its params). */
export function chainSources(r: JobResult): string[] {
  const names = findChainRefs(r.params).map((x) => paramText(x.from));
  return [...new Set(names)];
}

function metaHtml(r: JobResult, multi: boolean): string {
  const rows: [string, string][] = [
    ['Model', `<code>${escapeHtml(r.model)}</code>`],
    ['Type', escapeHtml(r.type)],
    ['Cost', `${escapeHtml(formatUsd(r.cost))}${multi ? ' <span class="muted">(whole job)</span>' : ''}`],
    ['Time', escapeHtml(formatSeconds(r.generation_time))],
  ];
  for (const k of KEY_PARAMS) {
    const v = r.params[k];
    if (v !== undefined && v !== null && v !== '')
      rows.push([k.replace('_', ' '), `<code>${escapeHtml(paramText(v))}</code>`]);
  }
  const from = chainSources(r);
  if (from.length) rows.push(['From', from.map((n) => `<code>${escapeHtml(n)}</code>`).join(', ')]);
  if (r.prediction_id) rows.push(['Prediction', `<code>${escapeHtml(r.prediction_id)}</code>`]);
  const sent = Object.fromEntries(Object.entries(r.params).filter(([k]) => k !== 'prompt'));
  const params = Object.keys(sent).length
    ? `<details class="params"><summary>Parameters sent</summary><pre>${escapeHtml(JSON.stringify(sent, null, 2))}</pre></details>`
    : '';
  return `<dl class="meta">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>${params}`;
}

/** The media box of the standalone page: the inlined thumbnail, else a link to the file's own artifact. */
function standaloneMediaHtml(r: JobResult, out: OutputFile & { path: string }, alt: string, sa: Standalone): string {
  const url = isSvg(out) ? undefined : sa.links.get(out.path);
  const open = url ? `<a class="media" href="${escapeHtml(url)}">` : '<div class="media">';
  const close = url ? '</a>' : '</div>';
  const kind = mediaKind(out);
  const thumb = kind === 'image' ? sa.thumbs.get(out.path) : undefined;
  if (thumb && typeof thumb !== 'string') {
    return `${open}<img src="${escapeHtml(thumb.src)}" width="${thumb.width}" height="${thumb.height}" alt="${escapeHtml(alt)}" decoding="async">${close}`;
  }
  const icon = kind === 'video' ? '▶' : kind === 'image' ? '🖼' : '⬇';
  const why = typeof thumb === 'string' ? `no preview: ${thumb}` : (out.content_type ?? r.type);
  const where = url ? 'open it' : 'in the artifact with every file';
  return (
    `${open.replace('class="media"', 'class="media file"')}<span class="fileicon" aria-hidden="true">${icon}</span>` +
    `<span class="filelink">${escapeHtml(fileName(out.path))}</span><span class="muted">${escapeHtml(why)} · ${where}</span>${close}`
  );
}

function mediaHtml(r: JobResult, out: OutputFile, alt: string, sa?: Standalone): string {
  if (out.path !== null && sa) return standaloneMediaHtml(r, { ...out, path: out.path }, alt, sa);
  if (out.path === null) {
    const why = out.error ?? 'the file was not downloaded';
    return (
      `<div class="media missing"><p class="error">Download failed: ${escapeHtml(why)}</p>` +
      `<p class="muted">The file is not in this artifact; its URL is in manifest.json.</p></div>`
    );
  }
  const href = relativeHref(out.path);
  if (isSvg(out))
    return `<div class="media"><img src="${escapeHtml(href)}" alt="${escapeHtml(alt)}" loading="lazy" decoding="async"></div>`;
  switch (mediaKind(out)) {
    case 'image':
      return `<a class="media" href="${escapeHtml(href)}"><img src="${escapeHtml(href)}" alt="${escapeHtml(alt)}" loading="lazy" decoding="async"></a>`;
    case 'video':
      return (
        `<div class="media"><video controls preload="metadata" playsinline src="${escapeHtml(href)}">` +
        `<a href="${escapeHtml(href)}">${escapeHtml(fileName(out.path))}</a></video></div>`
      );
    default:
      return (
        `<div class="media file"><a class="filelink" href="${escapeHtml(href)}" download>` +
        `<span class="fileicon" aria-hidden="true">⬇</span>${escapeHtml(fileName(out.path))}</a>` +
        `<span class="muted">${escapeHtml(out.content_type ?? r.type)}</span></div>`
      );
  }
}

function outputCard(r: JobResult, out: OutputFile, index: number, count: number, sa?: Standalone): string {
  const prompt = promptOf(r);
  const multi = count > 1;
  const alt = `${r.name}${multi ? ` (${index + 1} of ${count})` : ''}${prompt ? `: ${prompt.slice(0, 200)}` : ''}`;
  const ok = out.path !== null;
  const cls = ok ? `card st-${r.status}` : 'card st-failed';
  const badge = ok ? statusBadge(r.status) : `<span class="badge st-failed">download failed</span>`;
  const counter = multi ? `<span class="counter">${index + 1}/${count}</span>` : '';
  const href = ok && !isSvg(out) ? (sa ? sa.links.get(out.path!) : relativeHref(out.path!)) : undefined;
  const link = ok
    ? `<p class="filelinks">${href ? `<a href="${escapeHtml(href)}">${escapeHtml(out.path!)}</a>` : escapeHtml(out.path!)}` +
      `${out.bytes !== null ? ` <span class="muted">${escapeHtml(formatBytes(out.bytes))}</span>` : ''}</p>`
    : '';
  return (
    `<article class="${cls}">${mediaHtml(r, out, alt, sa)}<div class="body">` +
    `<header class="cardhead"><h2>${escapeHtml(r.name)}</h2>${counter}${badge}</header>` +
    (ok && r.error ? `<p class="error">${escapeHtml(r.error)}</p>` : '') +
    metaHtml(r, multi) +
    promptHtml(prompt) +
    link +
    `</div></article>`
  );
}

function jobCard(r: JobResult): string {
  const prompt = promptOf(r);
  const error = r.error ?? (r.status === 'success' || r.status === 'cached' ? 'no outputs were returned' : null);
  const kind = r.error_kind ? ` <span class="muted">(${escapeHtml(r.error_kind)})</span>` : '';
  const icon = r.status === 'skipped' ? '⤼' : r.status === 'unknown' ? '?' : '✕';
  return (
    `<article class="card st-${r.status} nooutput"><div class="media placeholder" aria-hidden="true"><span>${icon}</span></div>` +
    `<div class="body"><header class="cardhead"><h2>${escapeHtml(r.name)}</h2>${statusBadge(r.status)}</header>` +
    (error !== null ? `<p class="error st-${r.status}">${escapeHtml(error)}${kind}</p>` : '') +
    metaHtml(r, false) +
    promptHtml(prompt) +
    `</div></article>`
  );
}

/** One card per output (a job without outputs has one card of its own), in order. */
function* cardList(results: readonly JobResult[], sa?: Standalone): Generator<string> {
  for (const r of results) {
    if (r.outputs.length === 0) yield jobCard(r);
    else for (const [i, o] of r.outputs.entries()) yield outputCard(r, o, i, r.outputs.length, sa);
  }
}

function cards(results: readonly JobResult[], sa?: Standalone): string {
  return [...cardList(results, sa)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// What changed (a pull request compared with the earlier run): groups by change kind, and the
// earlier image beside a changed job's when it was kept (previous_paths).
// ---------------------------------------------------------------------------------------------

const CHANGE_GROUPS = [
  ['new', 'New'],
  ['changed', 'Changed'],
  ['unchanged', 'Unchanged'],
] as const;

/** The earlier files of a changed job, as a small "before" strip under its cards. */
function beforeHtml(r: JobResult): string {
  const prev = r.previous_paths ?? [];
  if (!prev.length) return '';
  const items = prev
    .map((p) => {
      const href = escapeHtml(relativeHref(p));
      return IMAGE_EXT.has(p.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '')
        ? `<a href="${href}"><img src="${href}" alt="${escapeHtml(`${r.name}, before`)}" loading="lazy"></a>`
        : `<a href="${href}">${escapeHtml(fileName(p))}</a>`;
    })
    .join('');
  return `<div class="before"><h3>${escapeHtml(r.name)}: before</h3><p class="muted">${escapeHtml((r.changed_fields ?? []).join(', '))}</p>${items}</div>`;
}

/** The page body grouped by change kind, or undefined when the run was compared with nothing. */
export function changeGroupsHtml(m: Manifest, sa?: Standalone): string | undefined {
  if (!m.compared_with) return undefined;
  const parts: string[] = [];
  for (const [kind, label] of CHANGE_GROUPS) {
    const rs = m.results.filter((r) => r.change === kind);
    if (!rs.length) continue;
    // The standalone page has no files beside it: the earlier ones show only in index.html.
    const before = kind === 'changed' && !sa ? rs.map(beforeHtml).join('') : '';
    parts.push(
      `<section class="group g-${kind}"><h2 class="grouphead">${label} (${rs.length})</h2><div class="grid">\n${cards(rs, sa)}\n</div>${before ? `<div class="befores">${before}</div>` : ''}</section>`,
    );
  }
  const other = m.results.filter((r) => !r.change);
  if (other.length)
    parts.push(
      `<section class="group"><h2 class="grouphead">Other (${other.length})</h2><div class="grid">\n${cards(other, sa)}\n</div></section>`,
    );
  const removed = m.removed ?? [];
  if (removed.length)
    parts.push(
      `<section class="group g-removed"><h2 class="grouphead">Removed (${removed.length})</h2><ul>${removed.map((r) => `<li>${escapeHtml(r.name)} <span class="muted">${escapeHtml(r.model)}</span></li>`).join('')}</ul></section>`,
    );
  return parts.join('\n');
}

const CHANGE_CSS = `
.group{margin-bottom:28px}.grouphead{font-size:17px;margin:0 0 12px}
.befores{display:flex;flex-wrap:wrap;gap:14px;margin-top:14px}
.before{background:var(--card);border:1px dashed var(--line);border-radius:10px;padding:10px 12px;max-width:300px}
.before h3{margin:0 0 4px;font-size:13px}.before img{display:block;max-width:100%;max-height:200px;margin-top:6px}
`;

function summaryHtml(m: Manifest): string {
  const stats: [string, string, string][] = [
    ['ok', 'Succeeded', String(m.successful)],
    ['failed', 'Failed', String(m.failed)],
  ];
  if (m.unknown) stats.push(['unknown', 'Unknown', String(m.unknown)]);
  if (m.skipped) stats.push(['skipped', 'Skipped', String(m.skipped)]);
  if (m.cached) stats.push(['cached', 'Cached', String(m.cached)]);
  stats.push(['cost', 'Total cost', formatUsd(m.total_cost)]);
  stats.push(['est', 'Estimated', formatUsd(m.estimated_total_cost)]);
  const tiles = stats
    .map(
      ([k, label, v]) =>
        `<div class="stat stat-${k}"><span class="v">${escapeHtml(v)}</span><span class="l">${label}</span></div>`,
    )
    .join('');
  return `<div class="stats">${tiles}</div>`;
}

function costTable(m: Manifest): string {
  const models = Object.entries(m.cost_by_model).sort((a, b) => b[1].cost - a[1].cost || a[0].localeCompare(b[0]));
  if (models.length === 0) return '';
  const rows = models
    .map(
      ([model, c]) =>
        `<tr><td><code>${escapeHtml(model)}</code></td><td class="num">${c.jobs}</td><td class="num">${escapeHtml(formatUsd(c.cost))}</td>` +
        `<td class="num">${escapeHtml(formatUsd(c.estimated_cost))}</td><td class="num">${escapeHtml(formatUsd(c.price))} / ${escapeHtml(c.unit)}</td>` +
        `<td>${escapeHtml(c.source)}</td></tr>`,
    )
    .join('');
  return (
    `<details class="costs" open><summary>Cost by model</summary><div class="tablewrap"><table><thead><tr><th>Model</th><th class="num">Jobs</th>` +
    `<th class="num">Cost</th><th class="num">Estimated</th><th class="num">Price</th><th>Price source</th></tr></thead><tbody>${rows}</tbody>` +
    `<tfoot><tr><th>Total</th><th class="num">${m.total_jobs}</th><th class="num">${escapeHtml(formatUsd(m.total_cost))}</th>` +
    `<th class="num">${escapeHtml(formatUsd(m.estimated_total_cost))}</th><th></th><th></th></tr></tfoot></table></div></details>`
  );
}

const CSS = `
:root{--bg:#f4f5f7;--card:#fff;--ink:#1d2330;--muted:#667085;--line:#e3e6eb;--ok:#1a7f37;--okbg:#dafbe1;--bad:#c9302c;--badbg:#ffe4e1;--warn:#9a6700;--warnbg:#fff4c5;--skip:#57606a;--skipbg:#eaeef2;--info:#0969da;--infobg:#ddf4ff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
a{color:var(--info)}
.top{background:var(--card);border-bottom:1px solid var(--line);padding:20px 24px 16px}
.top h1{margin:0 0 4px;font-size:22px}
.sub{color:var(--muted);margin:0 0 14px}
.stopped{background:var(--warnbg);color:var(--warn);border-radius:6px;padding:8px 12px;margin:0 0 14px;font-weight:600}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin-bottom:14px}
.stat{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:108px;display:flex;flex-direction:column}
.stat .v{font-size:20px;font-weight:700}
.stat .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.stat-ok .v{color:var(--ok)}.stat-failed .v{color:var(--bad)}.stat-unknown .v{color:var(--warn)}.stat-cached .v{color:var(--info)}
.costs summary{cursor:pointer;font-weight:600;margin-bottom:6px}
.tablewrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;max-width:960px;background:var(--card)}
th,td{text-align:left;padding:5px 10px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
tfoot th{border-bottom:0}
.num{text-align:right;white-space:nowrap}
main{padding:20px 24px 32px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:18px;align-items:start}
.card{background:var(--card);border:1px solid var(--line);border-top:4px solid var(--line);border-radius:10px;overflow:hidden;box-shadow:0 1px 2px rgba(16,24,40,.06)}
.card.st-success{border-top-color:var(--ok)}.card.st-cached{border-top-color:var(--info)}.card.st-failed{border-top-color:var(--bad)}.card.st-unknown{border-top-color:var(--warn)}.card.st-skipped{border-top-color:var(--skip)}
.media{display:flex;align-items:center;justify-content:center;height:220px;background:#e9ecf1;overflow:hidden}
.media img,.media video{display:block;width:100%;height:100%;object-fit:contain;background:#11151c}
.media.missing,.media.file{flex-direction:column;gap:6px;padding:16px;text-align:center;background:#f8f9fb}
.media.placeholder{height:120px;font-size:42px;color:var(--muted);background:repeating-linear-gradient(45deg,#f1f3f6,#f1f3f6 10px,#e9ecf1 10px,#e9ecf1 20px)}
.nooutput.st-failed .placeholder{color:var(--bad)}.nooutput.st-unknown .placeholder{color:var(--warn)}
.filelink{font-weight:600;text-decoration:none;word-break:break-all}
.fileicon{display:block;font-size:34px;line-height:1.2}
.body{padding:12px 14px 14px}
.cardhead{display:flex;align-items:flex-start;gap:8px;margin-bottom:8px}
.cardhead h2{flex:1;margin:0;font-size:15px;line-height:1.3;word-break:break-word}
.counter{color:var(--muted);font-size:12px;padding-top:2px}
.badge{flex:none;font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;border-radius:999px;padding:2px 8px}
.badge.st-success{color:var(--ok);background:var(--okbg)}.badge.st-cached{color:var(--info);background:var(--infobg)}.badge.st-failed{color:var(--bad);background:var(--badbg)}.badge.st-unknown{color:var(--warn);background:var(--warnbg)}.badge.st-skipped{color:var(--skip);background:var(--skipbg)}
.meta{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0 0 8px}
.meta dt{color:var(--muted)}.meta dd{margin:0;min-width:0}
.prompt{margin:8px 0 0;padding:8px 10px;background:var(--bg);border-radius:6px;white-space:pre-wrap;word-break:break-word;color:#344054}
details.prompt summary{cursor:pointer;white-space:normal}
details.prompt[open] summary{color:var(--muted);margin-bottom:6px}
details.prompt p{margin:0}
.error{color:var(--bad);background:var(--badbg);border-radius:6px;padding:8px 10px;margin:0 0 8px;white-space:pre-wrap;overflow-wrap:anywhere}
.error.st-unknown{color:var(--warn);background:var(--warnbg)}.error.st-skipped{color:var(--skip);background:var(--skipbg)}
.muted{color:var(--muted)}
.filelinks{margin:8px 0 0;font-size:12px;word-break:break-all}
.params summary{cursor:pointer;color:var(--muted);font-size:12px}
.params pre{margin:4px 0 0;padding:6px 8px;background:var(--bg);border-radius:6px;font:11px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere;max-height:220px;overflow:auto}
a.media{text-decoration:none}
footer{color:var(--muted);font-size:12px;padding:0 24px 24px}
`;

/** The gallery page for a manifest, as one HTML string. */
export function renderGallery(m: Manifest, opts: GalleryOptions = {}): string {
  return [...galleryChunks(m, opts)].join('');
}

/**
 * The page in pieces, card by card: a 10,000-job page is tens of megabytes, which index.html is written
 * from without ever holding it whole.
 */
function* galleryChunks(m: Manifest, opts: GalleryOptions): Generator<string> {
  const title = opts.title ?? DEFAULT_TITLE;
  const sub = [
    `${m.total_jobs} job${m.total_jobs === 1 ? '' : 's'}`,
    `generated ${formatTimestamp(m.generated_at)}`,
    `wall time ${formatSeconds(m.run.wall_seconds)}`,
    ...(m.config ? [`config ${m.config}`] : []),
  ].join(' · ');
  const stopped = m.run.stopped ? `<p class="stopped">Run stopped early: ${escapeHtml(m.run.stopped)}</p>` : '';
  const sa = opts.standalone;
  const footer = sa
    ? `Each picture links to its file's own artifact${sa.allFilesUrl ? `; <a href="${escapeHtml(sa.allFilesUrl)}">every file, manifest.json and report.md</a> are in one zip` : ''}. ${escapeHtml(m.tool)}`
    : `Files are next to this page; full details, including the source URLs, are in <a href="manifest.json">manifest.json</a>. ${escapeHtml(m.tool)}`;
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${CSS}${m.compared_with ? CHANGE_CSS : ''}</style>
</head>
<body>
<header class="top">
<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(sub)}</p>
${stopped}${summaryHtml(m)}
${costTable(m)}
</header>
<main>
`;
  const grouped = changeGroupsHtml(m, sa);
  if (grouped) yield grouped;
  else if (!m.results.length) yield '<p class="muted">No jobs ran.</p>';
  else {
    yield '<div class="grid">\n';
    let first = true;
    for (const card of cardList(m.results, sa)) {
      yield first ? card : `\n${card}`;
      first = false;
    }
    yield '\n</div>';
  }
  yield `
</main>
<footer>${footer}</footer>
</body>
</html>
`;
}

/** Writes index.html into the output directory; returns its path. */
export async function writeGallery(outputDir: string, m: Manifest, opts: GalleryOptions = {}): Promise<string> {
  // Never through a symlink planted at index.html (see shared/safe-write.ts).
  return replaceFile(outputDir, GALLERY_FILE, (fh) => writeChunks(fh, galleryChunks(m, opts)));
}
