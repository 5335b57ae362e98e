export const id = 297;
export const ids = [297,721];
export const modules = {

/***/ 49721:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ uploadSingleFile),
/* harmony export */   uploadOutputs: () => (/* binding */ uploadOutputs)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _actions_artifact__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(77935);
/* harmony import */ var _artifact_name_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(73197);
// Upload the output directory as GitHub Actions artifact(s) with @actions/artifact.
// Pure of @actions/core: logs through a Log. An upload failure never throws: the files stay on disk
// and manifest.json keeps every output URL, so the caller reports the error and goes on.





/**
 * Every regular file under dir, recursively, sorted; what else is there is returned in `skipped`.
 * Symbolic links are never followed, to files or directories: the output directory may come from a
 * repository or a cache, and a committed `out/notes.txt -> /proc/self/environ` must not travel in
 * the artifact. Each file's real path is checked to be inside dir's real path as well.
 */
async function listFiles(dir) {
    const files = [];
    const skipped = [];
    const realRoot = await node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default().realpath(dir);
    const inside = (p) => p.startsWith(realRoot + (node_path__WEBPACK_IMPORTED_MODULE_2___default().sep));
    const walk = async (d) => {
        const entries = await node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default().readdir(d, { withFileTypes: true });
        for (const e of entries) {
            const p = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(d, e.name);
            if (e.isDirectory())
                await walk(p);
            else if (e.isFile() && inside(await node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default().realpath(p)))
                files.push(p);
            else
                skipped.push(p);
        }
    };
    await walk(realRoot);
    // Paths under dir as given (not its real path), so the artifact's layout is relative to it.
    const rel = (p) => node_path__WEBPACK_IMPORTED_MODULE_2___default().join(dir, node_path__WEBPACK_IMPORTED_MODULE_2___default().relative(realRoot, p));
    return { files: files.map(rel).sort(), skipped: skipped.map(rel).sort() };
}
function stemOf(files, fallback) {
    const first = files[0];
    if (!first)
        return fallback;
    let stem = node_path__WEBPACK_IMPORTED_MODULE_2___default().basename(first, node_path__WEBPACK_IMPORTED_MODULE_2___default().extname(first));
    // product-hero-1.png, product-hero-2.png \u2192 product-hero
    if (files.length > 1)
        stem = stem.replace(/[-_.]\d+$/, '');
    return stem || fallback;
}
function planPerJob(opts, root, all, log) {
    const plans = [];
    const used = new Set();
    const claim = (base, ext) => {
        for (let i = 1;; i++) {
            const candidate = (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_4__/* .fit */ .Uj)(base, `${i === 1 ? '' : `-${i}`}${ext}`);
            if (!used.has(candidate)) {
                used.add(candidate);
                return candidate;
            }
        }
    };
    const onDisk = new Set(all);
    const owned = new Set();
    opts.manifest.results.forEach((job, n) => {
        const files = [];
        for (const o of job.outputs) {
            if (!o.path)
                continue;
            const abs = node_path__WEBPACK_IMPORTED_MODULE_2___default().resolve(root, o.path);
            if (abs !== root && !abs.startsWith(root + (node_path__WEBPACK_IMPORTED_MODULE_2___default().sep))) {
                log.warning(`artifact: output path ${o.path} of job "${job.name}" is outside ${opts.outputDir}; not uploaded`);
                continue;
            }
            if (!onDisk.has(abs) || files.includes(abs))
                continue;
            files.push(abs);
            owned.add(abs);
        }
        if (files.length === 0)
            return; // failed or skipped job: nothing on disk
        const base = `${opts.name}-${(0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_4__/* .sanitizeName */ .rh)(stemOf(files, `job-${n + 1}`))}`;
        if (files.length === 1) {
            plans.push({ name: claim(base, (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_4__/* .sanitizeName */ .rh)(node_path__WEBPACK_IMPORTED_MODULE_2___default().extname(files[0]))), files, raw: true });
        }
        else {
            plans.push({ name: claim(base, ''), files, raw: false });
        }
    });
    const rest = all.filter((f) => !owned.has(f));
    if (rest.length > 0)
        plans.unshift({ name: claim(opts.name, ''), files: rest, raw: false });
    return plans;
}
function explain(err, name) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/\(409\)/.test(msg)) {
        return `${msg} (an artifact named "${name}" already exists in this workflow run; on a re-run, names need an -attempt-<n> suffix)`;
    }
    return msg;
}
/** Hard-link (or copy) `file` into a fresh temp dir as `name`, for a skipArchive upload named `name`. */
async function stage(file, name) {
    const dir = await node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default().mkdtemp(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(process.env.RUNNER_TEMP || node_os__WEBPACK_IMPORTED_MODULE_1___default().tmpdir(), 'atlas-artifact-'));
    const staged = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(dir, name);
    const real = await node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default().realpath(file);
    try {
        await node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default().link(real, staged);
    }
    catch {
        await node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default().copyFile(real, staged);
    }
    return { file: staged, cleanup: () => node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default().rm(dir, { recursive: true, force: true }) };
}
/**
 * Upload the output directory: by default one artifact of every file in it (rooted at outputDir, so it
 * unzips to the same layout); with perJob, one artifact per job. Never throws; on failure logs an error
 * and returns it with whatever was uploaded before the failure.
 */
async function uploadOutputs(opts) {
    const { log } = opts;
    const artifacts = [];
    const root = node_path__WEBPACK_IMPORTED_MODULE_2___default().resolve(opts.outputDir);
    const fail = (reason) => {
        const error = `artifact upload failed: ${reason} \u2014 the files are still in ${opts.outputDir} and manifest.json keeps every output URL`;
        log.error(error, { title: 'Artifact upload failed' });
        return { artifacts, error };
    };
    const problem = (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_4__/* .artifactNameProblem */ .NH)(opts.name);
    if (problem)
        return fail(problem);
    let all;
    try {
        all = await filesToUpload(opts, root);
    }
    catch (e) {
        return fail(`cannot read ${opts.outputDir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (all.length === 0) {
        log.warning(`artifact: ${opts.outputDir} holds no files; nothing to upload`);
        return { artifacts };
    }
    const plans = opts.perJob ? planPerJob(opts, root, all, log) : [{ name: opts.name, files: all, raw: false }];
    const refused = planProblem(plans);
    if (refused)
        return fail(refused);
    let client;
    try {
        client = opts.client ?? new _actions_artifact__WEBPACK_IMPORTED_MODULE_3__/* .DefaultArtifactClient */ .t9();
    }
    catch (e) {
        return fail(e instanceof Error ? e.message : String(e));
    }
    const base = { compressionLevel: opts.compressionLevel ?? 0 };
    if (opts.retentionDays !== undefined && opts.retentionDays > 0)
        base.retentionDays = opts.retentionDays;
    for (const p of plans) {
        try {
            artifacts.push(await uploadPlan(p, client, base, root, opts));
        }
        catch (e) {
            const left = plans.length - artifacts.length;
            const more = plans.length > 1 ? ` (${artifacts.length} of ${plans.length} artifacts uploaded; ${left} not)` : '';
            return fail(`${p.name}: ${explain(e, p.name)}${more}`);
        }
    }
    return { artifacts };
}
/** The regular files under the output directory; what else is there is named in a warning. */
async function filesToUpload(opts, root) {
    const listed = await listFiles(root);
    if (listed.skipped.length > 0) {
        const shown = listed.skipped.slice(0, 5).map((f) => node_path__WEBPACK_IMPORTED_MODULE_2___default().relative(root, f));
        const more = listed.skipped.length > 5 ? ` and ${listed.skipped.length - 5} more` : '';
        opts.log.warning(`artifact: not uploaded, not regular files inside ${opts.outputDir} (symbolic links are never followed): ${shown.join(', ')}${more}`);
    }
    return listed.files;
}
/** Why the plans cannot be uploaded at all (too many artifacts, a bad name), checked before any upload. */
function planProblem(plans) {
    if (plans.length > _artifact_name_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_ARTIFACTS_PER_JOB */ .jb)
        return `per-job artifacts would create ${plans.length} artifacts; GitHub allows at most ${_artifact_name_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_ARTIFACTS_PER_JOB */ .jb} per job \u2014 nothing was uploaded (use a single artifact instead)`;
    for (const p of plans) {
        const bad = (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_4__/* .artifactNameProblem */ .NH)(p.name);
        if (bad)
            return `${bad} \u2014 nothing was uploaded`;
    }
    return undefined;
}
/** Upload one planned artifact (a single file as is, or a zip rooted at the output directory). Throws on failure. */
async function uploadPlan(p, client, base, root, opts) {
    const { log } = opts;
    let staged;
    try {
        let res;
        if (p.raw) {
            staged = await stage(p.files[0], p.name);
            log.debug(`artifact: uploading ${node_path__WEBPACK_IMPORTED_MODULE_2___default().relative(root, p.files[0])} as ${p.name} (no zip)`);
            res = await client.uploadArtifact(p.name, [staged.file], node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(staged.file), {
                ...base,
                skipArchive: true,
            });
        }
        else {
            log.debug(`artifact: uploading ${p.files.length} file(s) as ${p.name}`);
            res = await client.uploadArtifact(p.name, p.files, root, base);
        }
        if (res.id === undefined)
            throw new Error(`the artifact service returned no id for ${p.name}`);
        const a = { name: p.name, id: res.id };
        if (res.digest !== undefined)
            a.digest = res.digest;
        if (res.size !== undefined)
            a.size = res.size;
        if (opts.urlContext)
            a.url = (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_4__/* .artifactUrl */ .Wk)(opts.urlContext, res.id);
        if (p.raw)
            a.file = node_path__WEBPACK_IMPORTED_MODULE_2___default().relative(root, p.files[0]).split((node_path__WEBPACK_IMPORTED_MODULE_2___default().sep)).join('/');
        log.info(`Uploaded artifact ${p.name} (${p.files.length} file${p.files.length === 1 ? '' : 's'}${a.size !== undefined ? `, ${a.size} bytes` : ''})${a.url ? `: ${a.url}` : ''}`);
        return a;
    }
    finally {
        await staged?.cleanup().catch(() => undefined);
    }
}
/** Upload one file unzipped (skipArchive) as the artifact `name`. Never throws: returns the artifact or why not. */
async function uploadSingleFile(opts) {
    const bad = (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_4__/* .artifactNameProblem */ .NH)(opts.name);
    if (bad)
        return { error: bad };
    let staged;
    try {
        const client = opts.client ?? new _actions_artifact__WEBPACK_IMPORTED_MODULE_3__/* .DefaultArtifactClient */ .t9();
        const options = { skipArchive: true };
        if (opts.retentionDays !== undefined && opts.retentionDays > 0)
            options.retentionDays = opts.retentionDays;
        // The client names a skipArchive artifact after its file: stage the file under the artifact's name.
        staged = await stage(opts.file, opts.name);
        const res = await client.uploadArtifact(opts.name, [staged.file], node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(staged.file), options);
        if (res.id === undefined)
            throw new Error(`the artifact service returned no id for ${opts.name}`);
        const a = { name: opts.name, id: res.id };
        if (res.digest !== undefined)
            a.digest = res.digest;
        if (res.size !== undefined)
            a.size = res.size;
        if (opts.urlContext)
            a.url = (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_4__/* .artifactUrl */ .Wk)(opts.urlContext, res.id);
        opts.log.debug(`artifact: uploaded ${opts.name} unzipped${a.url ? `: ${a.url}` : ''}`);
        return { artifact: a };
    }
    catch (e) {
        return { error: `${opts.name}: ${explain(e, opts.name)}` };
    }
    finally {
        await staged?.cleanup().catch(() => undefined);
    }
}


/***/ }),

/***/ 43297:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   publishBrowsable: () => (/* binding */ publishBrowsable)
/* harmony export */ });
/* unused harmony exports MAX_FILE_ARTIFACTS, MAX_INLINE_THUMBNAILS */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _report_gallery_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(83668);
/* harmony import */ var _report_thumbnails_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(86365);
/* harmony import */ var _artifact_name_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(73197);
/* harmony import */ var _artifact_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(49721);
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
    const wanted = mediaFiles(m, node_path__WEBPACK_IMPORTED_MODULE_2___default().resolve(opts.outputDir));
    const room = Math.max(0, Math.min(MAX_FILE_ARTIFACTS, _artifact_name_js__WEBPACK_IMPORTED_MODULE_5__/* .MAX_ARTIFACTS_PER_JOB */ .jb - opts.alreadyUploaded.length - 1));
    // A file the run's artifacts already hold unzipped (artifact-per-job) is linked, not uploaded twice.
    const unzipped = new Map(opts.alreadyUploaded.flatMap((a) => (a.file ? [[a.file, a]] : [])));
    for (const w of wanted) {
        const a = unzipped.get(w.rel);
        if (a)
            out.files.set(w.rel, a);
    }
    const rest = wanted.filter((w) => !unzipped.has(w.rel));
    const toUpload = await withinCaps(rest, room, opts.videoMaxBytes, out.notUploaded, log);
    const used = new Set(opts.alreadyUploaded.map((a) => a.name));
    const names = new Map();
    for (const w of toUpload)
        names.set(w.rel, (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_5__/* .singleFileArtifactName */ .oy)(opts.baseName, w.rel, used));
    const pageName = (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_5__/* .singleFileArtifactName */ .oy)(opts.baseName, 'gallery.html', used);
    const common = { retentionDays: opts.retentionDays, log, client: opts.client, urlContext: opts.urlContext };
    await inPool(toUpload, UPLOAD_CONCURRENCY, async (w) => {
        const res = await (0,_artifact_js__WEBPACK_IMPORTED_MODULE_6__/* .uploadSingleFile */ ._)({ ...common, file: w.abs, name: names.get(w.rel) });
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
        out.error = `${errors.length} unzipped upload${errors.length === 1 ? '' : 's'} failed (first: ${errors[0]}) \u2014 everything is still in the zip artifact and in ${opts.outputDir}`;
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
            const abs = node_path__WEBPACK_IMPORTED_MODULE_2___default().resolve(root, o.path);
            if (!abs.startsWith(root + (node_path__WEBPACK_IMPORTED_MODULE_2___default().sep)))
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
            const size = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(w.abs).then((s) => s.size, () => -1);
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
        log.warning(`artifact: ${capped} of ${wanted.length} files are not uploaded on their own (at most ${room} here: GitHub allows ${_artifact_name_js__WEBPACK_IMPORTED_MODULE_5__/* .MAX_ARTIFACTS_PER_JOB */ .jb} artifacts per job); they are in the zip artifact`);
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
        const t = await (0,_report_thumbnails_js__WEBPACK_IMPORTED_MODULE_4__/* .makeThumbnail */ .Hf)(w.abs);
        if (t.ok)
            inlined++;
        thumbs.set(w.rel, t.ok ? t.thumb : t.reason);
    }
    return thumbs;
}
/** The page, written to a temp directory and uploaded unzipped: inline thumbnails, links to each file's artifact. */
async function uploadGalleryPage(opts, out, pageName, common) {
    const links = new Map([...out.files].flatMap(([k, a]) => (a.url ? [[k, a.url]] : [])));
    const html = (0,_report_gallery_js__WEBPACK_IMPORTED_MODULE_3__/* .renderGallery */ .V)(opts.manifest, {
        title: opts.title,
        standalone: { thumbs: out.thumbs, links, allFilesUrl: opts.allFilesUrl },
    });
    const dir = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdtemp)(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(process.env['RUNNER_TEMP'] || node_os__WEBPACK_IMPORTED_MODULE_1___default().tmpdir(), 'atlas-gallery-'));
    try {
        const file = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(dir, pageName);
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)(file, html, 'utf8');
        return await (0,_artifact_js__WEBPACK_IMPORTED_MODULE_6__/* .uploadSingleFile */ ._)({ ...common, file, name: pageName });
    }
    catch (e) {
        return { error: `gallery page: ${e instanceof Error ? e.message : String(e)}` };
    }
    finally {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(dir, { recursive: true, force: true }).catch(() => undefined);
    }
}


/***/ }),

/***/ 86365:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hf: () => (/* binding */ makeThumbnail)
/* harmony export */ });
/* unused harmony exports THUMBNAIL_EDGE, INLINE_ORIGINAL_MAX_BYTES, MAX_DECODE_PIXELS, MAX_DECODE_BYTES, readImageHeader */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _jimp_core__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(86911);
/* harmony import */ var _jimp_js_png__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(55298);
/* harmony import */ var _jimp_js_jpeg__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(79835);
/* harmony import */ var _jimp_plugin_resize__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(22172);
// Small inline thumbnails for the self-contained gallery page: a data: URI per image, made with jimp's
// pure-JS PNG/JPEG codecs (no native dependency). The files come from outside (Atlas, storage hosts), so
// the size is read from the header first and anything too big to decode safely, or in a format we cannot
// decode (WebP, GIF, AVIF\u2026), gets no thumbnail: the page links the file instead.





/** Longest edge of a thumbnail, in pixels. */
const THUMBNAIL_EDGE = 512;
/** Files at most this big, in an image format every browser shows, are inlined as they are. */
const INLINE_ORIGINAL_MAX_BYTES = 96 * 1024;
/** Never decode more pixels than this (a 4 bytes/pixel bitmap: 160 MB at most). */
const MAX_DECODE_PIXELS = 40_000_000;
/** Never read a file bigger than this to thumbnail it. */
const MAX_DECODE_BYTES = 64 * 1024 * 1024;
const Jimp = (0,_jimp_core__WEBPACK_IMPORTED_MODULE_1__/* .createJimp */ .rJ)({ formats: [_jimp_js_png__WEBPACK_IMPORTED_MODULE_2__/* ["default"] */ .Ay, _jimp_js_jpeg__WEBPACK_IMPORTED_MODULE_3__/* ["default"] */ .A], plugins: [_jimp_plugin_resize__WEBPACK_IMPORTED_MODULE_4__/* .methods */ .v] });
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
    const fh = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.open)(file, 'r');
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
            const all = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(file);
            return { ok: true, thumb: { src: dataUri(MIME[h.format], all), width: h.width, height: h.height } };
        }
        if (h.format !== 'png' && h.format !== 'jpeg')
            return { ok: false, reason: `no ${h.format} decoder` };
        if (h.width * h.height > maxPixels)
            return { ok: false, reason: `${h.width}×${h.height} is over ${maxPixels} pixels: not decoded` };
        if (size > MAX_DECODE_BYTES)
            return { ok: false, reason: `${size} bytes is too big to decode` };
        const img = await Jimp.read(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(file));
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


/***/ })

};

//# sourceMappingURL=297.index.js.map