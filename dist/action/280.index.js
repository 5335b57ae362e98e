export const id = 280;
export const ids = [280];
export const modules = {

/***/ 94280:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   previewRefusal: () => (/* binding */ previewRefusal),
/* harmony export */   pushPreviews: () => (/* binding */ pushPreviews)
/* harmony export */ });
/* unused harmony exports MAX_PREVIEW_IMAGES, DEFAULT_PREVIEW_KEEP, RUNS_DIR, runFolder, foldersToPrune, previewUrl, isForkPullRequest, protectedBranches */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _report_thumbnails_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(86365);
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
 * short-lived token in the query. A `blob/\u2026?raw=true` URL on the server is what GitHub's image proxy
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
function messageOf(err) {
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
    const root = node_path__WEBPACK_IMPORTED_MODULE_0___default().resolve(outputDir);
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
            const abs = node_path__WEBPACK_IMPORTED_MODULE_0___default().resolve(root, o.path);
            if (!abs.startsWith(root + (node_path__WEBPACK_IMPORTED_MODULE_0___default().sep)))
                continue;
            seen.add(o.path);
            out.push({ rel: o.path, abs });
            if (out.length >= MAX_PREVIEW_IMAGES)
                return out;
        }
    }
    return out;
}
/** `data:<mime>;base64,<data>` \u2192 its parts, when it is one of the image types we push. */
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
            const made = await (0,_report_thumbnails_js__WEBPACK_IMPORTED_MODULE_1__/* .makeThumbnail */ .Hf)(img.abs);
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
        o.log.warning(`preview-branch needs contents: write (403: ${messageOf(err)}). Add \`permissions: contents: write\` to the workflow, ` +
            `or leave preview-branch empty; the PR comment goes out without inline pictures.`);
    else
        o.log.warning(`preview-branch: could not push the thumbnails to ${o.branch}${status ? ` (HTTP ${status})` : ''}: ${messageOf(err)}. The PR comment goes out without inline pictures.`);
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

//# sourceMappingURL=280.index.js.map