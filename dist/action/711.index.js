export const id = 711;
export const ids = [711,318];
export const modules = {

/***/ 47318:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N9: () => (/* binding */ shouldComment),
/* harmony export */   pullRequestNumber: () => (/* binding */ pullRequestNumber),
/* harmony export */   qD: () => (/* binding */ upsertStickyComment)
/* harmony export */ });
/* unused harmony export ACTIONS_BOT_LOGIN */
/* harmony import */ var _report_comment_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(54231);

/** Who writes with the workflow's GITHUB_TOKEN. */
const ACTIONS_BOT_LOGIN = 'github-actions[bot]';
const PR_EVENTS = new Set([
    'pull_request',
    'pull_request_target',
    'pull_request_review',
    'pull_request_review_comment',
]);
function asNumber(n) {
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}
/** The pull request the event is about: pull_request(_target) and their reviews, or a comment on a PR. */
function pullRequestNumber(context) {
    const p = context.payload ?? {};
    if (PR_EVENTS.has(context.eventName))
        return asNumber(p.pull_request?.number);
    if (context.eventName === 'issue_comment')
        return p.issue?.pull_request ? asNumber(p.issue.number) : undefined;
    return undefined;
}
/**
 * auto: on pull_request and pull_request_target events that carry a PR number; always: yes, even
 * without a PR number (the caller then warns that there is nothing to comment on); never: no.
 */
function shouldComment(mode, eventName, prNumber) {
    if (mode === 'never')
        return false;
    if (mode === 'always')
        return true;
    return prNumber !== undefined && (eventName === 'pull_request' || eventName === 'pull_request_target');
}
function statusOf(err) {
    const s = err?.status;
    return typeof s === 'number' ? s : undefined;
}
function messageOf(err) {
    const e = err;
    const fromBody = e?.response?.data?.message;
    if (typeof fromBody === 'string' && fromBody)
        return fromBody;
    return typeof e?.message === 'string' ? e.message : String(err);
}
/**
 * The login our comments are written as, or undefined for an installation token. A personal access
 * token may read GET /user and writes as that user; an installation token may not (403 "Resource not
 * accessible by integration") and writes as a bot: github-actions[bot] for GITHUB_TOKEN, the App's own
 * bot for a GitHub App's token (whose name the token cannot ask for).
 */
async function ownLogin(o) {
    try {
        const { data } = await o.octokit.request('GET /user');
        if (typeof data.login === 'string' && data.login)
            return data.login;
    }
    catch (err) {
        const status = statusOf(err);
        if (status !== 401 && status !== 403 && status !== 404)
            throw err;
    }
    return undefined;
}
/**
 * Ours among the comments carrying the marker. With an installation token: GITHUB_TOKEN's bot's,
 * else a bot's comment that starts with the marker (as ours do; a GitHub App's bot). A person's
 * comment is never taken, whatever it quotes: only bots are installed by the repository's admins.
 */
function ownComment(marked, login, marker) {
    if (login !== undefined)
        return marked.find((c) => c.user?.login === login);
    return (marked.find((c) => c.user?.login === ACTIONS_BOT_LOGIN) ??
        marked.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(marker)));
}
/**
 * Finds our comment carrying `marker`, stopping at the page where it is. Only comments the token
 * itself (or, for an installation token, a bot) wrote count: anyone can quote the marker, and their
 * comment must never be edited. The login is asked for only once a comment carries the marker.
 */
async function findComment(o, marker) {
    let login;
    const pages = o.octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner: o.owner,
        repo: o.repo,
        issue_number: o.issueNumber,
        per_page: 100,
    });
    for await (const response of pages) {
        const marked = response.data.filter((c) => typeof c.body === 'string' && c.body.includes(marker));
        if (marked.length === 0)
            continue;
        login ??= { value: await ownLogin(o) };
        const hit = ownComment(marked, login.value, marker);
        if (hit)
            return hit;
    }
    return undefined;
}
function withMarker(body, marker, log) {
    let b = body.includes(marker) ? body : `${marker}\n${body}`;
    if (b.length > _report_comment_js__WEBPACK_IMPORTED_MODULE_0__/* .COMMENT_MAX_CHARS */ .dq) {
        log.warning(`The PR comment was ${b.length} characters, over GitHub's ${_report_comment_js__WEBPACK_IMPORTED_MODULE_0__/* .COMMENT_MAX_CHARS */ .dq}: it was cut.`);
        const note = "\n\n… cut to fit GitHub's comment limit: see the job summary.";
        b = b.slice(0, _report_comment_js__WEBPACK_IMPORTED_MODULE_0__/* .COMMENT_MAX_CHARS */ .dq - note.length - marker.length - 1);
        const last = b.charCodeAt(b.length - 1);
        if (last >= 0xd800 && last <= 0xdbff)
            b = b.slice(0, -1);
        if (!b.includes(marker))
            b = `${marker}\n${b}`;
        b += note;
    }
    return b;
}
/**
 * Creates or updates our comment on the issue/PR. Returns what it did, or undefined when it could
 * not (after a warning saying why). Never throws.
 */
async function upsertStickyComment(o) {
    const where = `${o.owner}/${o.repo}#${o.issueNumber}`;
    try {
        const marker = (0,_report_comment_js__WEBPACK_IMPORTED_MODULE_0__/* .commentMarker */ .Ql)(o.tag);
        const body = withMarker(o.body, marker, o.log);
        const existing = await findComment(o, marker);
        const updated = existing ? await updateComment(o, existing.id, body, where) : undefined;
        if (updated)
            return updated;
        const { data } = await o.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
            owner: o.owner,
            repo: o.repo,
            issue_number: o.issueNumber,
            body,
        });
        o.log.info(`Created the PR comment ${data.id} on ${where}.`);
        return { id: Number(data.id), action: 'created' };
    }
    catch (err) {
        warnNotWritten(o.log, where, err);
        return undefined;
    }
}
/** Update comment `id` in place; undefined when it was deleted meanwhile (for the caller to make a new one). */
async function updateComment(o, id, body, where) {
    try {
        const { data } = await o.octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
            owner: o.owner,
            repo: o.repo,
            comment_id: id,
            body,
        });
        o.log.info(`Updated the PR comment ${data.id} on ${where}.`);
        return { id: Number(data.id), action: 'updated' };
    }
    catch (err) {
        // Deleted between the listing and the update: make a new one.
        if (statusOf(err) !== 404)
            throw err;
        o.log.debug(`Comment ${id} vanished before it could be updated; creating a new one.`);
        return undefined;
    }
}
/** The warning for a comment that could not be written: what the token needs, by status. */
function warnNotWritten(log, where, err) {
    const status = statusOf(err);
    const msg = messageOf(err);
    if (status === 403) {
        log.warning(`Could not write the PR comment on ${where} (403: ${msg}). The token needs \`permissions: pull-requests: write\` ` +
            `in the workflow; pull requests from forks get a read-only token whatever the workflow asks, so the results are ` +
            `only in the job summary there. Turn the PR comment off to stop trying.`);
    }
    else if (status === 404) {
        log.warning(`Could not write the PR comment on ${where} (404: ${msg}): the issue does not exist or the token cannot see it. ` +
            `The token needs \`permissions: pull-requests: write\` (and read access to the repository).`);
    }
    else {
        log.warning(`Could not write the PR comment on ${where}${status ? ` (HTTP ${status})` : ''}: ${msg}. The results are in the job summary.`);
    }
}


/***/ }),

/***/ 17711:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deliver: () => (/* binding */ deliver),
  deliverDryRun: () => (/* binding */ deliverDryRun),
  readEventPayload: () => (/* binding */ readEventPayload),
  runContextFromEnv: () => (/* binding */ runContextFromEnv),
  setRunOutputs: () => (/* binding */ setRunOutputs)
});

// UNUSED EXPORTS: LIST_OUTPUT_MAX_BYTES, RESULTS_OUTPUT_MAX_BYTES, changedFilePaths, filesWritten, linesOutput, notUploadedNote, resultsOutput

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(33838);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js
var github = __webpack_require__(61351);
// EXTERNAL MODULE: ./src/github/artifact.ts
var artifact = __webpack_require__(49721);
// EXTERNAL MODULE: ./src/report/summary.ts
var summary = __webpack_require__(57994);
// EXTERNAL MODULE: ./src/report/comment.ts
var comment = __webpack_require__(54231);
;// CONCATENATED MODULE: ./src/report/annotations.ts

const MAX_MESSAGE = 1000;
function oneLine(s, max = MAX_MESSAGE) {
    const t = (0,summary/* scrubSecrets */.Zg)(s).replace(/\s+/g, ' ').trim();
    return t.length > max ? t.slice(0, max - 1) + '…' : t;
}
function messageOf(r) {
    if (r.status === 'unknown') {
        const why = r.error ? ` (${oneLine(r.error, 300)})` : '';
        return r.prediction_id
            ? `Job "${oneLine(r.name, 200)}" (${r.model}): outcome unknown${why}. Atlas may have run and charged prediction ${r.prediction_id}: check it before running this job again, or you may pay twice.`
            : `Job "${oneLine(r.name, 200)}" (${r.model}): outcome unknown${why}. The submit may have created a prediction whose id was never seen: check the Atlas console before running this job again.`;
    }
    const kind = r.error_kind ? ` [${r.error_kind}]` : '';
    return `Job "${oneLine(r.name, 200)}" (${r.model}) failed${kind}: ${r.error ? oneLine(r.error) : 'no reason given'}`;
}
/**
 * One error per failed or unknown job, pointing at the job file. When there are more than `max`,
 * the first `max - 1` are annotated and one more error says how many were left out, so the
 * total never passes `max` (and the summarising line is one GitHub still shows).
 */
function annotateFailures(m, log, opts = {}) {
    const max = Math.max(1, Math.floor(opts.max ?? 10));
    const bad = m.results.filter((r) => r.status === 'failed' || r.status === 'unknown');
    if (bad.length === 0)
        return;
    const file = opts.configPath ?? m.config ?? undefined;
    const shown = bad.length > max ? bad.slice(0, max - 1) : bad;
    for (const r of shown) {
        const where = {
            title: `${r.status === 'unknown' ? 'Atlas job outcome unknown' : 'Atlas job failed'}: ${oneLine(r.name, 200)}`,
        };
        if (file) {
            where.file = file;
            const line = safeLine(opts.lineOf, r.name);
            if (line !== undefined)
                where.line = line;
        }
        log.error(messageOf(r), where);
    }
    const left = bad.length - shown.length;
    if (left > 0) {
        const where = { title: `Atlas: ${left} more failed job${left === 1 ? '' : 's'}` };
        if (file)
            where.file = file;
        log.error(`and ${left} more failed job${left === 1 ? '' : 's'}: see the job summary`, where);
    }
}
function safeLine(lineOf, name) {
    try {
        const n = lineOf?.(name);
        return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: ./src/github/comment.ts
var github_comment = __webpack_require__(47318);
// EXTERNAL MODULE: ./src/github/shards.ts
var shards = __webpack_require__(3974);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: ./src/report/gallery.ts
var gallery = __webpack_require__(83668);
// EXTERNAL MODULE: ./node_modules/@jimp/core/dist/esm/index.js + 15 modules
var esm = __webpack_require__(86911);
// EXTERNAL MODULE: ./node_modules/@jimp/js-png/dist/esm/index.js + 1 modules
var dist_esm = __webpack_require__(55298);
// EXTERNAL MODULE: ./node_modules/@jimp/js-jpeg/dist/esm/index.js
var js_jpeg_dist_esm = __webpack_require__(79835);
// EXTERNAL MODULE: ./node_modules/@jimp/plugin-resize/dist/esm/index.js + 10 modules
var plugin_resize_dist_esm = __webpack_require__(22172);
;// CONCATENATED MODULE: ./src/report/thumbnails.ts
// Small inline thumbnails for the self-contained gallery page: a data: URI per image, made with jimp's
// pure-JS PNG/JPEG codecs (no native dependency). The files come from outside (Atlas, storage hosts), so
// the size is read from the header first and anything too big to decode safely, or in a format we cannot
// decode (WebP, GIF, AVIF…), gets no thumbnail: the page links the file instead.





/** Longest edge of a thumbnail, in pixels. */
const THUMBNAIL_EDGE = 512;
/** Files at most this big, in an image format every browser shows, are inlined as they are. */
const INLINE_ORIGINAL_MAX_BYTES = 96 * 1024;
/** Never decode more pixels than this (a 4 bytes/pixel bitmap: 160 MB at most). */
const MAX_DECODE_PIXELS = 40_000_000;
/** Never read a file bigger than this to thumbnail it. */
const MAX_DECODE_BYTES = 64 * 1024 * 1024;
const Jimp = (0,esm/* createJimp */.rJ)({ formats: [dist_esm/* default */.Ay, js_jpeg_dist_esm/* default */.A], plugins: [plugin_resize_dist_esm/* methods */.v] });
/** Width and height from a PNG, JPEG, GIF or WebP header (the first 64 KiB), without decoding; undefined when unknown. */
function readImageHeader(b) {
    const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47 && buf.toString('latin1', 12, 16) === 'IHDR') {
        return { format: 'png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
    }
    if (buf.length >= 10 && buf.toString('latin1', 0, 4) === 'GIF8') {
        return { format: 'gif', width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
    }
    if (buf.length >= 30 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') {
        const kind = buf.toString('latin1', 12, 16);
        if (kind === 'VP8X')
            return { format: 'webp', width: buf.readUIntLE(24, 3) + 1, height: buf.readUIntLE(27, 3) + 1 };
        if (kind === 'VP8 ')
            return { format: 'webp', width: buf.readUInt16LE(26) & 0x3fff, height: buf.readUInt16LE(28) & 0x3fff };
        if (kind === 'VP8L') {
            const bits = buf.readUInt32LE(21);
            return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
        }
        return undefined;
    }
    if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
        // Walk the segments to the first start-of-frame marker (SOF0..SOF15 but DHT, JPG and DAC).
        let i = 2;
        while (i + 9 < buf.length) {
            if (buf[i] !== 0xff)
                return undefined;
            const marker = buf[i + 1];
            if (marker === 0xff) {
                i++;
                continue;
            }
            if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                i += 2;
                continue;
            }
            const len = buf.readUInt16BE(i + 2);
            if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
                return { format: 'jpeg', height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
            }
            if (len < 2)
                return undefined;
            i += 2 + len;
        }
    }
    return undefined;
}
async function head(file, bytes) {
    const fh = await (0,promises_.open)(file, 'r');
    try {
        const { size } = await fh.stat();
        const buf = Buffer.alloc(Math.min(bytes, size));
        const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
        return { buf: buf.subarray(0, bytesRead), size };
    }
    finally {
        await fh.close();
    }
}
const MIME = {
    png: 'image/png',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    webp: 'image/webp',
};
/**
 * A thumbnail of `file` at most `edge` px on its longest side: the original when it is small and
 * already small enough, else a JPEG re-encode. Never throws: `{ok: false, reason}` says why not.
 */
async function makeThumbnail(file, opts = {}) {
    const edge = opts.edge ?? THUMBNAIL_EDGE;
    const maxPixels = opts.maxPixels ?? MAX_DECODE_PIXELS;
    const smallBytes = opts.inlineOriginalMaxBytes ?? INLINE_ORIGINAL_MAX_BYTES;
    try {
        const { buf, size } = await head(file, 64 * 1024);
        const h = readImageHeader(buf);
        if (!h)
            return { ok: false, reason: 'not a PNG, JPEG, GIF or WebP image' };
        if (h.width < 1 || h.height < 1)
            return { ok: false, reason: `the header says ${h.width}×${h.height}` };
        const fits = h.width <= edge && h.height <= edge;
        if (fits && size <= smallBytes) {
            const all = await (0,promises_.readFile)(file);
            return { ok: true, thumb: { src: dataUri(MIME[h.format], all), width: h.width, height: h.height } };
        }
        if (h.format !== 'png' && h.format !== 'jpeg')
            return { ok: false, reason: `no ${h.format} decoder` };
        if (h.width * h.height > maxPixels)
            return { ok: false, reason: `${h.width}×${h.height} is over ${maxPixels} pixels: not decoded` };
        if (size > MAX_DECODE_BYTES)
            return { ok: false, reason: `${size} bytes is too big to decode` };
        const img = await Jimp.read(await (0,promises_.readFile)(file));
        // The header is what we checked; refuse a decoder that disagrees with it.
        if (img.bitmap.width !== h.width || img.bitmap.height !== h.height)
            return { ok: false, reason: 'the decoded size differs from the header' };
        const scale = Math.min(1, edge / Math.max(h.width, h.height));
        const w = Math.max(1, Math.round(h.width * scale));
        const ht = Math.max(1, Math.round(h.height * scale));
        if (scale < 1)
            img.resize({ w, h: ht });
        const out = await img.getBuffer('image/jpeg', { quality: 78 });
        return { ok: true, thumb: { src: dataUri('image/jpeg', out), width: w, height: ht } };
    }
    catch (e) {
        return { ok: false, reason: `cannot decode: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
    }
}
function dataUri(mime, b) {
    return `data:${mime};base64,${Buffer.from(b).toString('base64')}`;
}

;// CONCATENATED MODULE: ./src/github/browse.ts
// The results, viewable in the browser: each image (and each video up to a size cap) uploaded as its own
// unzipped artifact, which GitHub shows directly, then one self-contained gallery page (inline CSS,
// inline thumbnails, links to those artifacts) uploaded unzipped too. Fails soft like uploadOutputs:
// whatever is not uploaded stays in the zip artifact and on disk.






/** Files uploaded one artifact each at most (GitHub allows 500 artifacts per job; keep room for other steps). */
const MAX_FILE_ARTIFACTS = 400;
/** Thumbnails inlined in the page at most (each is up to ~100 KB of base64). */
const MAX_INLINE_THUMBNAILS = 300;
/** Uploads in flight at once. */
const UPLOAD_CONCURRENCY = 4;
function isMedia(r, o) {
    const ct = (o.content_type ?? '').toLowerCase();
    if (ct.startsWith('image/'))
        return 'image';
    if (ct.startsWith('video/'))
        return 'video';
    if (ct)
        return undefined;
    return r.type;
}
async function inPool(items, n, fn) {
    let next = 0;
    const worker = async () => {
        while (next < items.length)
            await fn(items[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}
/** Upload every image and video (within the caps) unzipped, then the gallery page. Never throws. */
async function publishBrowsable(opts) {
    const { log, manifest: m } = opts;
    const out = { files: new Map(), notUploaded: [] };
    const errors = [];
    const wanted = mediaFiles(m, external_node_path_default().resolve(opts.outputDir));
    const room = Math.max(0, Math.min(MAX_FILE_ARTIFACTS, artifact/* MAX_ARTIFACTS_PER_JOB */.jb - opts.alreadyUploaded.length - 1));
    const toUpload = await withinCaps(wanted, room, opts.videoMaxBytes, out.notUploaded, log);
    const used = new Set(opts.alreadyUploaded.map((a) => a.name));
    const names = new Map();
    for (const w of toUpload)
        names.set(w.rel, (0,artifact/* singleFileArtifactName */.oy)(opts.baseName, w.rel, used));
    const pageName = (0,artifact/* singleFileArtifactName */.oy)(opts.baseName, 'gallery.html', used);
    const common = { retentionDays: opts.retentionDays, log, client: opts.client, urlContext: opts.urlContext };
    await inPool(toUpload, UPLOAD_CONCURRENCY, async (w) => {
        const res = await (0,artifact/* uploadSingleFile */._X)({ ...common, file: w.abs, name: names.get(w.rel) });
        if (res.artifact)
            out.files.set(w.rel, res.artifact);
        else
            errors.push(res.error);
    });
    out.thumbs = await pageThumbnails(wanted);
    const page = await uploadGalleryPage(opts, out, pageName, common);
    if (page.artifact)
        out.page = page.artifact;
    else
        errors.push(page.error);
    if (errors.length) {
        out.error = `${errors.length} unzipped upload${errors.length === 1 ? '' : 's'} failed (first: ${errors[0]}) — everything is still in the zip artifact and in ${opts.outputDir}`;
        log.error(out.error, { title: 'Artifact upload failed' });
    }
    return out;
}
/** Which files: every downloaded image and video inside the output directory, in manifest order. */
function mediaFiles(m, root) {
    const wanted = [];
    const seen = new Set();
    for (const r of m.results) {
        for (const o of r.outputs) {
            const kind = isMedia(r, o);
            if (!o.path || !kind || seen.has(o.path))
                continue;
            const abs = external_node_path_default().resolve(root, o.path);
            if (!abs.startsWith(root + (external_node_path_default()).sep))
                continue;
            seen.add(o.path);
            wanted.push({ rel: o.path, abs, kind });
        }
    }
    return wanted;
}
/**
 * The files to upload one by one: videos within videoMaxBytes, at most `room` (GitHub's 500 per job less
 * what this job already uploaded and the page, and our own cap). The rest go to `notUploaded`, with why.
 */
async function withinCaps(wanted, room, videoMaxBytes, notUploaded, log) {
    const toUpload = [];
    for (const w of wanted) {
        if (w.kind === 'video') {
            const size = await (0,promises_.stat)(w.abs).then((s) => s.size, () => -1);
            if (size < 0)
                continue;
            if (size > videoMaxBytes) {
                notUploaded.push({
                    path: w.rel,
                    reason: `video of ${(size / 1048576).toFixed(1)} MB is over inline-video-max-mb (${(videoMaxBytes / 1048576).toFixed(0)} MB)`,
                });
                continue;
            }
        }
        if (toUpload.length >= room) {
            notUploaded.push({ path: w.rel, reason: `over the cap of ${room} files uploaded one by one` });
            continue;
        }
        toUpload.push(w);
    }
    const capped = notUploaded.filter((x) => x.reason.startsWith('over the cap')).length;
    if (capped)
        log.warning(`artifact: ${capped} of ${wanted.length} files are not uploaded on their own (at most ${room} here: GitHub allows ${artifact/* MAX_ARTIFACTS_PER_JOB */.jb} artifacts per job); they are in the zip artifact`);
    return toUpload;
}
/** The page's inline thumbnails of the images (or why none), by output path. */
async function pageThumbnails(wanted) {
    const thumbs = new Map();
    let inlined = 0;
    for (const w of wanted) {
        if (w.kind !== 'image')
            continue;
        if (inlined >= MAX_INLINE_THUMBNAILS) {
            thumbs.set(w.rel, `more than ${MAX_INLINE_THUMBNAILS} images`);
            continue;
        }
        const t = await makeThumbnail(w.abs);
        if (t.ok)
            inlined++;
        thumbs.set(w.rel, t.ok ? t.thumb : t.reason);
    }
    return thumbs;
}
/** The page, written to a temp directory and uploaded unzipped: inline thumbnails, links to each file's artifact. */
async function uploadGalleryPage(opts, out, pageName, common) {
    const links = new Map([...out.files].flatMap(([k, a]) => (a.url ? [[k, a.url]] : [])));
    const html = (0,gallery/* renderGallery */.V)(opts.manifest, {
        title: opts.title,
        standalone: { thumbs: out.thumbs, links, allFilesUrl: opts.allFilesUrl },
    });
    const dir = await (0,promises_.mkdtemp)(external_node_path_default().join(process.env['RUNNER_TEMP'] || external_node_os_default().tmpdir(), 'atlas-gallery-'));
    try {
        const file = external_node_path_default().join(dir, pageName);
        await (0,promises_.writeFile)(file, html, 'utf8');
        return await (0,artifact/* uploadSingleFile */._X)({ ...common, file, name: pageName });
    }
    catch (e) {
        return { error: `gallery page: ${e instanceof Error ? e.message : String(e)}` };
    }
    finally {
        await (0,promises_.rm)(dir, { recursive: true, force: true }).catch(() => undefined);
    }
}

;// CONCATENATED MODULE: ./src/github/preview-branch.ts
// Inline pictures for the PR comment (opt-in input `preview-branch`): the run's thumbnails pushed to a
// branch of the repository with the git data API (blobs, one tree, one commit, one ref update per run),
// under `runs/<run id>-<attempt>/`, then embedded by URL. Only the newest `keep` run folders stay in the
// branch's tree. Never throws and never fails the run: a refusal (a token without `contents: write`, a
// fork's read-only token) is a warning or a notice, and the comment goes out without inline pictures.


/** Images pushed per run at most (in manifest order, the order the comment shows them). */
const MAX_PREVIEW_IMAGES = 24;
/** Run folders kept on the branch by default. */
const DEFAULT_PREVIEW_KEEP = 20;
/** The folder holding one folder per run. */
const RUNS_DIR = 'runs';
/** Attempts at moving the ref when another run moved it first. */
const PUSH_ATTEMPTS = 3;
const EXT = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/gif': 'gif',
    'image/webp': 'webp',
};
/** A run's folder name, and how folders sort (run ids grow; attempts within a run). */
function runFolder(runId, attempt) {
    return `${runId}-${attempt}`;
}
function folderOrder(name) {
    const m = /^(\d+)-(\d+)$/.exec(name);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
}
/** The run folders (ours by their name) to drop so that `keep` remain once `current` is added. */
function foldersToPrune(existing, current, keep) {
    const ours = existing
        .filter((n) => n !== current && folderOrder(n))
        .sort((a, b) => {
        const [x, y] = [folderOrder(a), folderOrder(b)];
        return x[0] - y[0] || x[1] - y[1];
    });
    return ours.slice(0, Math.max(0, ours.length - Math.max(0, keep - 1)));
}
/**
 * The URL the comment embeds. Not raw.githubusercontent.com: for a private repository that host wants a
 * short-lived token in the query. A `blob/…?raw=true` URL on the server is what GitHub's image proxy
 * (camo) fetches for a viewer who can read the repository, so it renders in private repositories too.
 * Pinned to the commit rather than the branch: the picture stays after its folder is pruned from the
 * branch's tree, so an older comment (another PR's) keeps its pictures.
 */
function previewUrl(serverUrl, repository, commitSha, file) {
    const p = file.split('/').map(encodeURIComponent).join('/');
    return `${serverUrl.replace(/\/+$/, '')}/${repository}/blob/${commitSha}/${p}?raw=true`;
}
function statusOf(err) {
    const s = err?.status;
    return typeof s === 'number' ? s : undefined;
}
function preview_branch_messageOf(err) {
    const e = err;
    const m = e?.response?.data?.message;
    if (typeof m === 'string' && m)
        return m.split('\n')[0];
    return typeof e?.message === 'string' ? e.message.split('\n')[0] : String(err);
}
/** Is this event a pull request from a fork (whose token is read-only)? */
function isForkPullRequest(payload) {
    const pr = payload['pull_request'];
    if (!pr)
        return false;
    const head = pr.head?.repo;
    if (head === null)
        return true; // the fork was deleted
    if (!head)
        return false;
    if (head.fork === true)
        return true;
    const base = pr.base?.repo?.full_name;
    return typeof head.full_name === 'string' && typeof base === 'string' && head.full_name !== base;
}
/** The branches a preview must never be written to: the default branch and the PR's own. */
function protectedBranches(payload) {
    const repo = payload['repository'];
    const pr = payload['pull_request'];
    return [repo?.default_branch, pr?.head?.ref, pr?.base?.ref].filter((b) => typeof b === 'string');
}
/** The images to push: the first MAX_PREVIEW_IMAGES images of succeeded jobs inside the output directory. */
function imagesOf(m, outputDir) {
    const root = external_node_path_default().resolve(outputDir);
    const out = [];
    const seen = new Set();
    for (const r of m.results) {
        if (r.status !== 'success' && r.status !== 'cached')
            continue;
        for (const o of r.outputs) {
            const ct = (o.content_type ?? '').toLowerCase();
            const image = ct ? ct.startsWith('image/') : r.type === 'image';
            if (!o.path || !image || seen.has(o.path))
                continue;
            const abs = external_node_path_default().resolve(root, o.path);
            if (!abs.startsWith(root + (external_node_path_default()).sep))
                continue;
            seen.add(o.path);
            out.push({ rel: o.path, abs });
            if (out.length >= MAX_PREVIEW_IMAGES)
                return out;
        }
    }
    return out;
}
/** `data:<mime>;base64,<data>` → its parts, when it is one of the image types we push. */
function fromDataUri(src) {
    const m = /^data:([a-z/]+);base64,(.*)$/s.exec(src);
    const ext = m ? EXT[m[1]] : undefined;
    return m && ext ? { ext, base64: m[2] } : undefined;
}
/** A file name in the run folder for an output path: flat, safe, unique. */
function fileName(rel, ext, used) {
    const stem = rel
        .replace(/\.[^./]*$/, '')
        .replace(/[^A-Za-z0-9._-]+/g, '_')
        .replace(/^[._]+/, '')
        .slice(0, 100) || 'image';
    let name = `${stem}.${ext}`;
    for (let i = 2; used.has(name); i++)
        name = `${stem}-${i}.${ext}`;
    used.add(name);
    return name;
}
/** Push the run's thumbnails and return their URLs; an empty map (after a warning or notice) when it cannot. */
async function pushPreviews(o) {
    const none = { urls: new Map() };
    const images = imagesOf(o.manifest, o.outputDir);
    if (!images.length)
        return none;
    const files = await thumbnailFiles(o, images);
    if (!files.length)
        return none;
    try {
        const runTreeSha = await pushRunTree(o, files);
        return await commitWithRetries(o, files, runTreeSha);
    }
    catch (err) {
        warnPushFailed(o, err);
        return none;
    }
}
/** Each image's thumbnail (the gallery's, else made here) as a flat, unique file name and its base64 bytes. */
async function thumbnailFiles(o, images) {
    const files = [];
    const used = new Set();
    for (const img of images) {
        let t = o.thumbs?.get(img.rel);
        if (t === undefined) {
            const made = await makeThumbnail(img.abs);
            t = made.ok ? made.thumb : made.reason;
        }
        const data = typeof t === 'string' ? undefined : fromDataUri(t.src);
        if (!data) {
            o.log.debug(`preview-branch: no thumbnail for ${img.rel}${typeof t === 'string' ? ` (${t})` : ''}`);
            continue;
        }
        files.push({ rel: img.rel, name: fileName(img.rel, data.ext, used), base64: data.base64 });
    }
    return files;
}
/** The blobs and the run folder's tree. They do not depend on the branch's head, so a retry reuses them. */
async function pushRunTree(o, files) {
    const base = repoOf(o);
    const blobs = [];
    for (const f of files) {
        const { data } = await o.octokit.request('POST /repos/{owner}/{repo}/git/blobs', {
            ...base,
            content: f.base64,
            encoding: 'base64',
        });
        blobs.push(data.sha);
    }
    const { data: runTree } = await o.octokit.request('POST /repos/{owner}/{repo}/git/trees', {
        ...base,
        tree: files.map((f, i) => ({ path: f.name, mode: '100644', type: 'blob', sha: blobs[i] })),
    });
    return runTree.sha;
}
/** Commit on the branch's head, again on the new head when another run moved it first (PUSH_ATTEMPTS in all). */
async function commitWithRetries(o, files, runTreeSha) {
    const folder = runFolder(o.runId, o.runAttempt);
    for (let attempt = 1;; attempt++) {
        const commitSha = await commitOnce(o, folder, runTreeSha, files.length);
        if (commitSha) {
            o.log.info(`preview-branch: pushed ${files.length} thumbnail${files.length === 1 ? '' : 's'} to ${o.branch} (${RUNS_DIR}/${folder}, commit ${commitSha.slice(0, 7)})`);
            const urls = new Map(files.map((f) => [f.rel, previewUrl(o.serverUrl, o.repository, commitSha, `${RUNS_DIR}/${folder}/${f.name}`)]));
            return { urls, commitSha };
        }
        if (attempt >= PUSH_ATTEMPTS) {
            o.log.warning(`preview-branch: ${o.branch} kept moving under this run (${PUSH_ATTEMPTS} tries); the PR comment has no inline pictures.`);
            return { urls: new Map() };
        }
        o.log.debug(`preview-branch: ${o.branch} moved while pushing; trying again`);
    }
}
function warnPushFailed(o, err) {
    const status = statusOf(err);
    if (status === 403)
        o.log.warning(`preview-branch needs contents: write (403: ${preview_branch_messageOf(err)}). Add \`permissions: contents: write\` to the workflow, ` +
            `or leave preview-branch empty; the PR comment goes out without inline pictures.`);
    else
        o.log.warning(`preview-branch: could not push the thumbnails to ${o.branch}${status ? ` (HTTP ${status})` : ''}: ${preview_branch_messageOf(err)}. The PR comment goes out without inline pictures.`);
}
function repoOf(o) {
    const [owner, repo] = o.repository.split('/');
    return { owner, repo };
}
/**
 * One commit on the branch's head (or a new orphan branch): the head's tree with this run's folder added
 * under runs/ and the oldest run folders left out. Returns the commit's sha, or undefined when the ref
 * moved (or appeared) meanwhile, for the caller to try again on the new head.
 */
async function commitOnce(o, folder, runTreeSha, count) {
    const base = repoOf(o);
    const ref = `heads/${o.branch}`;
    const { head, rootTree, runs } = await readHead(o, base, ref);
    const prune = new Set(foldersToPrune(runs.filter((e) => e.type === 'tree').map((e) => e.path), folder, o.keep));
    const kept = runs.filter((e) => !prune.has(e.path) && e.path !== folder);
    const newRoot = await writeRootTree(o, base, kept, folder, runTreeSha, rootTree);
    const pruned = prune.size ? `; pruned ${prune.size} older run folder${prune.size === 1 ? '' : 's'}` : '';
    const { data: commit } = await o.octokit.request('POST /repos/{owner}/{repo}/git/commits', {
        ...base,
        message: `Previews of run ${folder} (${count} image${count === 1 ? '' : 's'})${pruned}`,
        tree: newRoot,
        parents: head ? [head] : [],
    });
    if (!(await moveRef(o, base, ref, head, commit.sha)))
        return undefined;
    if (prune.size)
        o.log.info(`preview-branch: dropped ${[...prune].join(', ')} from ${o.branch} (keeping ${o.keep} runs)`);
    return commit.sha;
}
/** The branch's head commit, its root tree and the entries of its runs/ folder; all absent for a new branch. */
async function readHead(o, base, ref) {
    let head;
    try {
        const { data } = await o.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...base, ref });
        head = data.object.sha;
    }
    catch (err) {
        if (statusOf(err) !== 404)
            throw err;
    }
    if (!head)
        return { runs: [] };
    const { data: commit } = await o.octokit.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
        ...base,
        commit_sha: head,
    });
    const rootTree = commit.tree.sha;
    const { data: root } = await o.octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
        ...base,
        tree_sha: rootTree,
    });
    const runsEntry = root.tree.find((e) => e.path === RUNS_DIR && e.type === 'tree');
    if (!runsEntry?.sha)
        return { head, rootTree, runs: [] };
    const { data } = await o.octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
        ...base,
        tree_sha: runsEntry.sha,
    });
    return { head, rootTree, runs: data.tree };
}
/** The new root tree's sha: runs/ holding the kept folders and this run's; a new branch gets a README too. */
async function writeRootTree(o, base, kept, folder, runTreeSha, rootTree) {
    const { data: runsTree } = await o.octokit.request('POST /repos/{owner}/{repo}/git/trees', {
        ...base,
        tree: [
            ...kept.map((e) => ({ path: e.path, mode: e.mode, type: e.type, sha: e.sha })),
            { path: folder, mode: '040000', type: 'tree', sha: runTreeSha },
        ],
    });
    // The root keeps whatever else the branch holds (base_tree); a new branch gets a README saying what it is.
    const { data: newRoot } = await o.octokit.request('POST /repos/{owner}/{repo}/git/trees', {
        ...base,
        ...(rootTree ? { base_tree: rootTree } : {}),
        tree: [
            { path: RUNS_DIR, mode: '040000', type: 'tree', sha: runsTree.sha },
            ...(rootTree
                ? []
                : [
                    {
                        path: 'README.md',
                        mode: '100644',
                        type: 'blob',
                        content: '# Preview thumbnails\n\nPushed by atlas-media-action (input `preview-branch`) so pull-request comments can show the pictures a run made. ' +
                            'One folder per run under `runs/`; only the newest are kept in this tree. Safe to delete: the next run creates it again.\n',
                    },
                ]),
        ],
    });
    return newRoot.sha;
}
/** Move (or create) the branch to `sha`; false when another run moved it first or created it meanwhile. */
async function moveRef(o, base, ref, head, sha) {
    try {
        if (head)
            await o.octokit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { ...base, ref, sha, force: false });
        else
            await o.octokit.request('POST /repos/{owner}/{repo}/git/refs', { ...base, ref: `refs/${ref}`, sha });
        return true;
    }
    catch (err) {
        // 422: not a fast-forward (another run pushed first) or the branch now exists.
        if (statusOf(err) === 422)
            return false;
        throw err;
    }
}
/**
 * Why this run must not push previews, if it must not: never on a fork's pull request (its token is
 * read-only: a notice, as nothing is wrong), never to the default branch or the pull request's own branches.
 */
function previewRefusal(branch, payload) {
    if (isForkPullRequest(payload))
        return {
            level: 'notice',
            message: 'preview-branch: a pull request from a fork gets a read-only token, so no thumbnails are pushed; the PR comment has no inline pictures.',
        };
    if (protectedBranches(payload).includes(branch))
        return {
            level: 'warning',
            message: `preview-branch: "${branch}" is the default branch or this pull request's own branch; thumbnails are only pushed to a branch of their own (e.g. atlas-media-previews).`,
        };
    return undefined;
}

// EXTERNAL MODULE: ./src/cost/prices.ts
var prices = __webpack_require__(51295);
// EXTERNAL MODULE: ./src/manifest/build.ts
var build = __webpack_require__(12533);
// EXTERNAL MODULE: ./src/report/changes.ts
var changes = __webpack_require__(59059);
// EXTERNAL MODULE: ./src/plan/diff.ts
var diff = __webpack_require__(88256);
// EXTERNAL MODULE: ./src/shared/log.ts
var log = __webpack_require__(21827);
;// CONCATENATED MODULE: ./src/report/dry-run.ts





function body(r) {
    const n = r.jobs.length;
    const parts = [
        `### ${(0,summary/* escapeText */.X1)(r.title ?? 'Atlas media')}: dry run, ${n} job${n === 1 ? '' : 's'}, estimated ${(0,prices/* formatUsd */.UK)(r.estimatedCost)}`,
        `> [!NOTE]\n> Nothing was generated: ${(0,summary/* escapeText */.X1)(r.reason, 500)}`,
    ];
    if (r.diff) {
        const d = r.diff;
        const count = (k) => d.jobs.filter((c) => c.kind === k).length;
        parts.push(`#### What changed: ${count('new')} new, ${count('changed')} changed, ${d.removed.length} removed, ${count('unchanged')} unchanged <sub>(compared with the run of ${(0,summary/* escapeText */.X1)(d.comparedWith.generated_at)})</sub>`, (0,changes/* planChangeLines */.t_)(r.jobs, d, r.reused).join('\n') || 'Nothing changed.', `A run with an API key would pay about ${(0,prices/* formatUsd */.UK)(r.toPay)}; unchanged jobs that succeeded before cost nothing.`);
    }
    return parts;
}
function planBlock(raw) {
    // An HTML block, escaped: whatever a job name holds (a fence, `</pre>`, a heading, a control
    // character) it stays text inside the one block and can reach neither the page nor the log as markup.
    const text = (0,log/* cleanLogText */.nA)(raw).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
    return `#### Plan\n\n<pre><code>${text}</code></pre>`;
}
/** The job summary of a dry run, within GitHub's summary limit. */
function renderDryRunSummary(r, maxBytes = summary/* SUMMARY_MAX_BYTES */.eR) {
    const doc = [...body(r), planBlock(r.planText)].join('\n\n') + '\n';
    return (0,summary/* hardCut */.C4)(doc, maxBytes, summary/* utf8Bytes */.dy, '\n\n… cut to fit: the full plan is in the step log.\n');
}
/** The sticky PR comment of a dry run, with the marker the next run finds. */
function renderDryRunComment(r, tag, maxChars = comment/* COMMENT_MAX_CHARS */.dq) {
    const marker = (0,comment/* commentMarker */.Ql)(tag);
    const budget = Math.min(maxChars, comment/* COMMENT_MAX_CHARS */.dq) - marker.length - 1;
    const plan = `<details><summary>Plan (${r.jobs.length} jobs)</summary>\n\n${planBlock(r.planText)}\n\n</details>`;
    const doc = [...body(r), plan].join('\n\n');
    return `${marker}\n${(0,summary/* hardCut */.C4)(doc, budget, summary/* utf16Length */.b3, '\n\n… cut to fit: the full plan is in the job summary.')}`;
}

;// CONCATENATED MODULE: ./src/github/deliver.ts
// Delivering a finished run in GitHub: the artifact, the job summary, the sticky PR comment and
// the annotations. Each channel fails soft (a warning or an error line), never losing the others:
// the files stay on disk and manifest.json keeps every output URL whatever happens here.




















/** The event that started the workflow (for the PR number); empty when there is none or it is unreadable. */
async function readEventPayload(path) {
    if (!path)
        return {};
    try {
        return JSON.parse(await (0,promises_.readFile)(path, 'utf8'));
    }
    catch {
        return {};
    }
}
function runContextFromEnv(env, payload) {
    return {
        serverUrl: env['GITHUB_SERVER_URL'] || 'https://github.com',
        repository: env['GITHUB_REPOSITORY'] || '',
        runId: env['GITHUB_RUN_ID'] || '',
        runAttempt: Number(env['GITHUB_RUN_ATTEMPT'] || '1') || 1,
        eventName: env['GITHUB_EVENT_NAME'] || '',
        payload,
    };
}
/**
 * Bytes of the `results` output at most. GitHub refuses a step's outputs past 1 MB in all; a result is
 * ~1.2 KB, so about 200 fit and the rest stay in manifest.json (`results-truncated` says when).
 */
const RESULTS_OUTPUT_MAX_BYTES = 256 * 1024;
/** The `results` output: the manifest's results in order, as many as fit in `maxBytes` of JSON. */
function resultsOutput(results, maxBytes = RESULTS_OUTPUT_MAX_BYTES) {
    const parts = [];
    let size = 2; // the brackets
    for (const r of results) {
        const part = JSON.stringify(r);
        const add = Buffer.byteLength(part, 'utf8') + (parts.length ? 1 : 0);
        if (size + add > maxBytes)
            return { json: `[${parts.join(',')}]`, truncated: true };
        parts.push(part);
        size += add;
    }
    return { json: `[${parts.join(',')}]`, truncated: false };
}
/** Each list output (`files`, `changed-files`) keeps at most this much: with `results`, well under GitHub's 1 MB. */
const LIST_OUTPUT_MAX_BYTES = 192 * 1024;
/** One path per line, as many whole lines as fit in `maxBytes`; the full lists are in manifest.json. */
function linesOutput(lines, maxBytes = LIST_OUTPUT_MAX_BYTES) {
    let size = 0;
    let kept = 0;
    for (const line of lines) {
        const add = Buffer.byteLength(line, 'utf8') + (kept ? 1 : 0);
        if (size + add > maxBytes)
            break;
        size += add;
        kept++;
    }
    return { text: lines.slice(0, kept).join('\n'), kept };
}
/** Sets a list output, saying in the log when it holds only the first paths. */
function setListOutput(name, lines) {
    const out = linesOutput(lines);
    core/* setOutput */.uH(name, out.text);
    if (out.kept < lines.length)
        core/* info */.pq(`The ${name} output holds the first ${out.kept} of ${lines.length} paths (GitHub's output limit); manifest.json has them all.`);
}
/** The step's outputs, the same for a run and for the report step that merges shards. */
function setRunOutputs(m, manifestPath, outputDir, d) {
    core/* setOutput */.uH('manifest', manifestPath);
    core/* setOutput */.uH('output-dir', outputDir);
    core/* setOutput */.uH('total-cost', String(m.total_cost));
    core/* setOutput */.uH('succeeded', String(m.successful));
    core/* setOutput */.uH('failed', String(m.failed + m.unknown));
    const results = resultsOutput(m.results);
    core/* setOutput */.uH('results', results.json);
    core/* setOutput */.uH('results-truncated', String(results.truncated));
    setListOutput('changed-files', changedFilePaths(m, outputDir));
    const first = d.artifacts[0];
    if (first) {
        core/* setOutput */.uH('artifact-id', String(first.id));
        if (first.url)
            core/* setOutput */.uH('artifact-url', first.url);
        if (first.digest)
            core/* setOutput */.uH('artifact-digest', first.digest);
    }
    if (d.galleryUrl)
        core/* setOutput */.uH('gallery-url', d.galleryUrl);
    setListOutput('files', filesWritten(m, outputDir));
}
/** Every file the run wrote in the output directory: the outputs on disk, then manifest.json, report.md, index.html. */
function filesWritten(m, outputDir) {
    const paths = m.results.flatMap((r) => r.outputs.flatMap((o) => (o.path ? [(0,external_node_path_.join)(outputDir, o.path)] : [])));
    const reports = [build/* MANIFEST_FILE */.h1, summary/* REPORT_FILE_NAME */._G, gallery/* GALLERY_FILE */.E7].map((f) => (0,external_node_path_.join)(outputDir, f)).filter(external_node_fs_.existsSync);
    return [...new Set([...paths, ...reports])];
}
/** A line under the summary when some files have no artifact of their own: how many, and why. */
function notUploadedNote(list) {
    if (!list?.length)
        return '';
    const capped = list.filter((x) => x.reason.startsWith('over the cap')).length;
    const videos = list.length - capped;
    const parts = [
        ...(capped ? [`${capped} file${capped === 1 ? ' is' : 's are'} over the cap of files uploaded one by one`] : []),
        ...(videos ? [`${videos} video${videos === 1 ? ' is' : 's are'} over inline-video-max-mb`] : []),
    ];
    return `\n> [!NOTE]\n> ${parts.join('; ')}: ${list.length === 1 ? 'it is' : 'they are'} only in the zip artifact, not viewable on their own.\n`;
}
/**
 * The files of new and changed jobs, one per line, relative to the working directory (the
 * workspace, for `git add` or create-pull-request's add-paths); absolute when outside it.
 */
function changedFilePaths(m, outputDir, root = process.cwd()) {
    return (0,diff/* changedFiles */.Y_)(m).map((p) => {
        const full = (0,external_node_path_.join)(outputDir, p);
        const rel = (0,external_node_path_.relative)(root, full);
        return rel && !rel.startsWith('..') && !(0,external_node_path_.isAbsolute)(rel) ? rel.split('\\').join('/') : full;
    });
}
/** Deliver a finished run: the named steps below, in order, each failing soft. */
async function deliver(m, outputDir, settings, ctx, log, lineOf) {
    const runUrl = ctx.repository && ctx.runId ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : undefined;
    const urlContext = runUrl ? { serverUrl: ctx.serverUrl, repository: ctx.repository, runId: ctx.runId } : undefined;
    const delivery = { artifacts: [] };
    const baseName = settings.artifactName
        ? (0,shards/* shardArtifactName */.u9)(settings.artifactName, settings.shard, ctx.runAttempt)
        : '';
    if (settings.artifactName)
        await uploadRunArtifact(delivery, m, outputDir, settings, baseName, urlContext, log);
    const artifactUrl = allFilesUrl(delivery, settings, baseName, runUrl);
    let thumbs;
    if (settings.artifactName && !delivery.artifactError)
        thumbs = await uploadBrowsable(delivery, m, outputDir, settings, baseName, artifactUrl, urlContext, log);
    const links = {
        artifactUrl,
        runUrl,
        galleryUrl: delivery.galleryUrl,
        fileUrls: delivery.fileUrls,
        noUpload: !settings.artifactName,
    };
    noticeSpend(m, delivery.galleryUrl);
    // GitHub shows 10 error annotations per step; keep one for setFailed's own.
    annotateFailures(m, log, { configPath: settings.config, lineOf, max: 9 });
    await writeJobSummary(m, settings, links, delivery, log);
    await commentOnPullRequest(m, outputDir, settings, ctx, links, thumbs, delivery, log);
    return delivery;
}
/** The run's artifact (or one per job): its artifacts and any error go into `delivery`. */
async function uploadRunArtifact(delivery, m, outputDir, settings, baseName, urlContext, log) {
    const up = await (0,artifact/* uploadOutputs */.gQ)({
        outputDir,
        name: baseName,
        retentionDays: settings.retentionDays,
        compressionLevel: settings.compressionLevel,
        perJob: settings.artifactPerJob,
        manifest: m,
        log,
        urlContext,
    });
    delivery.artifacts = up.artifacts;
    delivery.artifactError = up.error;
}
/** Where "all files" links: the zip when it is the one artifact (or named so), else the run's page. */
function allFilesUrl(delivery, settings, baseName, runUrl) {
    if (!settings.artifactName)
        return undefined;
    const zip = delivery.artifacts.find((a) => a.name === baseName) ?? delivery.artifacts[0];
    return delivery.artifacts.length === 1 || zip?.name === baseName ? zip?.url : runUrl;
}
/** Viewable in the browser: each image and video unzipped, and the gallery page linking them. Returns the thumbnails. */
async function uploadBrowsable(delivery, m, outputDir, settings, baseName, artifactUrl, urlContext, log) {
    const browse = await publishBrowsable({
        outputDir,
        manifest: m,
        baseName,
        videoMaxBytes: settings.inlineVideoMaxMb * 1024 * 1024,
        alreadyUploaded: delivery.artifacts,
        allFilesUrl: artifactUrl,
        retentionDays: settings.retentionDays,
        log,
        urlContext,
    });
    delivery.galleryUrl = browse.page?.url;
    delivery.fileUrls = new Map([...browse.files].flatMap(([p, a]) => (a.url ? [[p, a.url]] : [])));
    if (browse.error)
        delivery.artifactError = browse.error;
    delivery.notUploaded = browse.notUploaded;
    return browse.thumbs;
}
/** One notice line: what was spent, on how many jobs, and the gallery. */
function noticeSpend(m, galleryUrl) {
    core/* notice */.lm(`${(0,prices/* formatUsd */.UK)(m.total_cost)} spent on ${m.total_jobs} job${m.total_jobs === 1 ? '' : 's'} (${m.successful} succeeded)` +
        (galleryUrl ? ` · gallery: ${galleryUrl}` : ''), { title: 'Atlas media' });
}
/** The job summary, what changed first; a write failure is a warning. */
async function writeJobSummary(m, settings, links, delivery, log) {
    try {
        const title = settings.shard ? `Atlas media, shard ${settings.shard.index}/${settings.shard.total}` : undefined;
        const where = settings.artifactName
            ? 'the full report is report.md in the artifact'
            : 'the full report is report.md in the output directory';
        const { artifactUrl } = links;
        const fileUrls = delivery.fileUrls;
        const leading = (0,changes/* changesSection */.Hv)(m, {
            level: 3,
            where,
            ...(artifactUrl ? { artifactUrl } : {}),
            ...(fileUrls ? { fileLink: (_r, o) => (o.path ? fileUrls.get(o.path) : undefined) } : {}),
        });
        await core/* summary */.z
            .addRaw((0,summary/* renderSummary */.Br)(m, { ...links, title, ...(leading ? { leading } : {}) }) + notUploadedNote(delivery.notUploaded), true)
            .write();
    }
    catch (e) {
        log.warning(`could not write the job summary: ${e.message}`);
    }
}
/** The sticky PR comment (after the preview pictures, when asked for), when the event and settings allow. */
async function commentOnPullRequest(m, outputDir, settings, ctx, links, thumbs, delivery, log) {
    const pr = (0,github_comment.pullRequestNumber)({ eventName: ctx.eventName, payload: ctx.payload });
    // A matrix shard never comments: the report step (mode: report) posts the one comment for all shards.
    if (settings.shard || !(0,github_comment/* shouldComment */.N9)(settings.comment, ctx.eventName, pr))
        return;
    if (!pr)
        return log.warning('comment: always, but this run is not for a pull request: no comment posted.');
    if (!settings.githubToken)
        return log.warning('No github-token: the PR comment is skipped (the job summary has everything).');
    const [owner, repo] = ctx.repository.split('/');
    const octokit = (0,github/* getOctokit */.Q)(settings.githubToken);
    const previewUrls = await previewPictures(octokit, m, outputDir, settings, ctx, thumbs, log);
    if (previewUrls)
        delivery.previewUrls = previewUrls;
    const body = (0,comment/* renderComment */.wQ)(m, { tag: settings.commentTag, ...links, imageUrls: delivery.previewUrls });
    const res = await (0,github_comment/* upsertStickyComment */.qD)({ octokit, owner, repo, issueNumber: pr, tag: settings.commentTag, body, log });
    delivery.commentId = res?.id;
}
/** The comment's inline pictures pushed to preview-branch, unless it is unset or refused here (said why). */
async function previewPictures(octokit, m, outputDir, settings, ctx, thumbs, log) {
    const refusal = settings.previewBranch ? previewRefusal(settings.previewBranch, ctx.payload) : undefined;
    if (refusal?.level === 'notice')
        core/* notice */.lm(refusal.message, { title: 'Atlas media' });
    else if (refusal)
        log.warning(refusal.message);
    else if (settings.previewBranch) {
        const preview = await pushPreviews({
            octokit,
            serverUrl: ctx.serverUrl,
            repository: ctx.repository,
            branch: settings.previewBranch,
            runId: ctx.runId || 'local',
            runAttempt: ctx.runAttempt,
            keep: settings.previewKeep,
            manifest: m,
            outputDir,
            thumbs,
            log,
        });
        return preview.urls;
    }
    return undefined;
}
/**
 * A dry run in GitHub (the `dry-run` input, or no API key on a fork's pull request): a notice
 * saying why nothing was generated, the plan in the job summary, and on a pull request the plan
 * as the sticky comment when `comment` allows. Never throws for a channel that fails.
 */
async function deliverDryRun(report, settings, ctx, log) {
    core/* notice */.lm(`Nothing was generated: ${report.reason}`);
    try {
        await core/* summary */.z.addRaw(renderDryRunSummary(report), true).write();
    }
    catch (e) {
        log.warning(`could not write the job summary: ${e.message}`);
    }
    const pr = (0,github_comment.pullRequestNumber)({ eventName: ctx.eventName, payload: ctx.payload });
    if (settings.shard || !(0,github_comment/* shouldComment */.N9)(settings.comment, ctx.eventName, pr))
        return;
    if (!pr)
        return log.warning('comment: always, but this run is not for a pull request: no comment posted.');
    if (!settings.githubToken)
        return log.warning('No github-token: the PR comment is skipped (the job summary has the plan).');
    const [owner, repo] = ctx.repository.split('/');
    await (0,github_comment/* upsertStickyComment */.qD)({
        octokit: (0,github/* getOctokit */.Q)(settings.githubToken),
        owner,
        repo,
        issueNumber: pr,
        tag: settings.commentTag,
        body: renderDryRunComment(report, settings.commentTag),
        log,
    });
}


/***/ }),

/***/ 59059:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hv: () => (/* binding */ changesSection),
/* harmony export */   t_: () => (/* binding */ planChangeLines)
/* harmony export */ });
/* unused harmony exports CHANGE_ICON, changedItems, foldedLines, changesHeading */
/* harmony import */ var _cost_prices_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51295);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57994);


const CHANGE_ICON = { new: '🆕', changed: '✏️', removed: '🗑️', unchanged: '♻️' };
function isImage(r, o) {
    return o.content_type ? o.content_type.toLowerCase().startsWith('image/') : r.type === 'image';
}
/** The job's files: a linked image when a public URL is known, else the files cell of the tables. */
function mediaOf(r, opts) {
    const width = opts.imageWidth ?? 160;
    const shown = [];
    for (const o of r.outputs.slice(0, 4)) {
        // The link opens the file (its own artifact, else its public URL); the picture needs a URL GitHub can show.
        const url = (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .publicUrl */ .x6)(opts.fileLink?.(r, o)) ?? (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .publicUrl */ .x6)(o.url);
        const picture = (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .publicUrl */ .x6)(opts.imageLink?.(r, o)) ?? (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .publicUrl */ .x6)(o.url);
        if (!url)
            continue;
        const alt = (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeText */ .X1)(r.name, 100);
        shown.push(width > 0 && isImage(r, o) && picture
            ? (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .link */ .nf)(url, `<img src="${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .attrUrl */ .Tg)(picture)}" width="${width}" alt="${alt}">`)
            : (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .link */ .nf)(url, (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeText */ .X1)(o.path ?? 'output', 200)));
    }
    if (shown.length)
        return shown.join(' ');
    return (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .filesCell */ .ct)(r, { maxFiles: 4, ...(opts.artifactUrl ? { artifactUrl: opts.artifactUrl } : {}) });
}
function fieldsNote(fields) {
    return fields?.length
        ? ` <sub>(${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeText */ .X1)(fields.slice(0, 6).join(', '))}${fields.length > 6 ? ', …' : ''})</sub>`
        : '';
}
/** One item per new or changed job of a run. */
function changedItems(m, opts = {}) {
    return m.results
        .filter((r) => r.change === 'new' || r.change === 'changed')
        .map((r) => {
        const kind = r.change;
        const cost = r.status === 'skipped' ? '' : ` · ${(0,_cost_prices_js__WEBPACK_IMPORTED_MODULE_0__/* .formatUsd */ .UK)(r.cost)}`;
        return `- ${CHANGE_ICON[kind]} **${kind}** **${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeText */ .X1)(r.name, 200)}**${kind === 'changed' ? fieldsNote(r.changed_fields) : ''} · ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .statusCell */ .fo)(r.status)}${cost}<br>${mediaOf(r, opts)}`;
    });
}
function removedLine(names) {
    if (!names.length)
        return undefined;
    const shown = names.slice(0, 50).map((n) => `**${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeText */ .X1)(n, 120)}**`);
    const more = names.length > 50 ? ` and ${names.length - 50} more` : '';
    return `- ${CHANGE_ICON.removed} **removed** (${names.length}): ${shown.join(', ')}${more}`;
}
/** The lines after the changed jobs: the removed ones by name, the unchanged ones in one line. */
function foldedLines(m) {
    const lines = [];
    const removed = removedLine((m.removed ?? []).map((r) => r.name));
    if (removed)
        lines.push(removed);
    const unchanged = m.results.filter((r) => r.change === 'unchanged');
    if (unchanged.length) {
        const reused = unchanged.filter((r) => r.status === 'cached');
        const saved = reused.reduce((s, r) => s + r.estimated_cost, 0);
        const again = unchanged.length - reused.length;
        lines.push(`- ${CHANGE_ICON.unchanged} ${unchanged.length} unchanged job${unchanged.length === 1 ? '' : 's'}: ${reused.length} reused for free (saved ${(0,_cost_prices_js__WEBPACK_IMPORTED_MODULE_0__/* .formatUsd */ .UK)(saved)})${again ? `, ${again} run again` : ''}`);
    }
    return lines;
}
/** The heading of the section, or undefined when the run was compared with nothing. */
function changesHeading(m, level = 3) {
    if (!m.compared_with)
        return undefined;
    const n = (k) => m.results.filter((r) => r.change === k).length;
    const counts = `${n('new')} new, ${n('changed')} changed, ${m.removed?.length ?? 0} removed, ${n('unchanged')} unchanged`;
    return `${'#'.repeat(level)} What changed: ${counts} <sub>(compared with the run of ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeText */ .X1)(m.compared_with.generated_at)})</sub>`;
}
/** The what-changed section of a dry run: what would be generated, from the plan and its diff. */
function planChangeLines(jobs, diff, reusedCost) {
    const lines = [];
    jobs.forEach((j, i) => {
        const c = diff.jobs[i];
        if (!c || c.kind === 'unchanged')
            return;
        lines.push(`- ${CHANGE_ICON[c.kind]} **${c.kind}** **${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeText */ .X1)(j.name, 200)}**${c.kind === 'changed' ? fieldsNote(c.fields) : ''} · <code>${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeText */ .X1)(j.model, 120)}</code> · estimated ${(0,_cost_prices_js__WEBPACK_IMPORTED_MODULE_0__/* .formatUsd */ .UK)(j.estimate.cost)}`);
    });
    const removed = removedLine(diff.removed.map((r) => r.name));
    if (removed)
        lines.push(removed);
    const unchanged = diff.jobs.filter((c) => c.kind === 'unchanged').length;
    if (unchanged)
        lines.push(`- ${CHANGE_ICON.unchanged} ${unchanged} unchanged job${unchanged === 1 ? '' : 's'}: reused from the earlier run (saves ${(0,_cost_prices_js__WEBPACK_IMPORTED_MODULE_0__/* .formatUsd */ .UK)(reusedCost)})`);
    return lines;
}
/**
 * The section for a document fitted by fitSections: the heading, the changed jobs (shortened to
 * fit), then the folded lines. `fixed` when there is no changed job to list (fitSections drops an
 * empty list). Undefined when the run was compared with nothing.
 */
function changesSection(m, opts) {
    const heading = changesHeading(m, opts.level ?? 3);
    if (!heading)
        return undefined;
    const items = changedItems(m, opts);
    const folded = foldedLines(m);
    if (!items.length)
        return { fixed: [heading, folded.join('\n') || 'Nothing changed.'].join('\n\n') };
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


/***/ }),

/***/ 54231:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ql: () => (/* binding */ commentMarker),
/* harmony export */   dq: () => (/* binding */ COMMENT_MAX_CHARS),
/* harmony export */   wQ: () => (/* binding */ renderComment)
/* harmony export */ });
/* harmony import */ var _cost_prices_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51295);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57994);
/* harmony import */ var _changes_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(59059);



/** GitHub refuses a comment body over this many characters. */
const COMMENT_MAX_CHARS = 65_536;
const MAX_COMMENT_THUMBNAILS = 12;
/**
 * The hidden marker for one tag. The tag is percent-encoded so no tag can end the HTML comment
 * early (`-->`) or make one tag's marker a prefix of another's.
 */
function commentMarker(tag) {
    const safe = encodeURIComponent(tag.trim() || 'default').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
    return `<!-- atlas-media-action:tag=${safe} -->`;
}
const JOB_HEADER = '| Job | Model | Status | Cost | Time | Files |\n| --- | --- | --- | ---: | ---: | ---: |';
/** The comment: fixed headline parts, then list sections cut to fit the budget, each saying where the rest is. */
function renderComment(m, opts) {
    const marker = commentMarker(opts.tag);
    const max = Math.min(opts.maxChars ?? COMMENT_MAX_CHARS, COMMENT_MAX_CHARS);
    const budget = max - marker.length - 1;
    const run = (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .publicUrl */ .x6)(opts.runUrl);
    const where = `see the job summary${run ? ` of the ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .link */ .nf)(run, 'workflow run')}` : ''}, or ${_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .REPORT_FILE_NAME */ ._G} ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .whereFiles */ .bE)(opts)}`;
    const { fixed, leading } = headSections(m, opts, where);
    const lists = [...leading, ...jobSections(m, opts, where)];
    const doc = (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .fitSections */ .WK)(fixed, lists, budget, _summary_js__WEBPACK_IMPORTED_MODULE_1__/* .utf16Length */ .b3);
    return `${marker}\n${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .hardCut */ .C4)(doc, budget, _summary_js__WEBPACK_IMPORTED_MODULE_1__/* .utf16Length */ .b3, `\n\n… cut to fit: ${where}`)}`;
}
/** The headline; on a pull request compared with an earlier run, what changed comes first, the cost table after it. */
function headSections(m, opts, where) {
    const fileLink = opts.fileLink ?? (opts.fileUrls ? (_r, o) => (o.path ? opts.fileUrls?.get(o.path) : undefined) : undefined);
    const images = opts.imageUrls;
    const imageLink = images ? (_r, o) => (o.path ? images.get(o.path) : undefined) : undefined;
    const changes = (0,_changes_js__WEBPACK_IMPORTED_MODULE_2__/* .changesSection */ .Hv)(m, {
        ...opts,
        ...(fileLink ? { fileLink } : {}),
        ...(imageLink ? { imageLink } : {}),
        level: 3,
        where,
        imageWidth: 240,
    });
    const fixed = [(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .headline */ .Pl)(m, opts.title ?? 'Atlas media', 3), ...(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .subHeadline */ .jd)(m, opts)];
    const leading = [];
    if (changes && 'fixed' in changes)
        fixed.push(changes.fixed);
    if (changes && 'list' in changes)
        leading.push(changes.list);
    if (changes)
        leading.push({ head: '', items: [(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .costTable */ .kN)(m, true)], more: () => `Cost by model: ${where}` });
    else
        fixed.push((0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .costTable */ .kN)(m, true));
    return { fixed, leading };
}
/** Failed jobs, unknown outcomes, every job's row, the thumbnails: each cut with a line saying where the rest is. */
function jobSections(m, opts, where) {
    const { failed, unknown } = (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .failureItems */ .xh)(m, 300);
    const rows = m.results.map((r) => {
        const files = r.outputs?.length ?? 0;
        return `| ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeText */ .X1)(r.name, 120)} | ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .codeText */ .ph)(r.model, 80)} | ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .statusCell */ .fo)(r.status)} | ${r.status === 'skipped' ? '—' : (0,_cost_prices_js__WEBPACK_IMPORTED_MODULE_0__/* .formatUsd */ .UK)(r.cost)} | ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(r.generation_time)} | ${files} |`;
    });
    const thumbs = (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .thumbnails */ ._4)(m, 120, opts.noUpload ? undefined : opts.fileUrls, opts.imageUrls);
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
            more: (k) => `… and ${k} more image${k === 1 ? '' : 's'} ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .whereFiles */ .bE)(opts)}`,
        },
    ];
}


/***/ })

};

//# sourceMappingURL=711.index.js.map