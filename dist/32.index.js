export const id = 32;
export const ids = [32,651];
export const modules = {

/***/ 49721:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _X: () => (/* binding */ uploadSingleFile),
/* harmony export */   gQ: () => (/* binding */ uploadOutputs),
/* harmony export */   jb: () => (/* binding */ MAX_ARTIFACTS_PER_JOB),
/* harmony export */   oy: () => (/* binding */ singleFileArtifactName),
/* harmony export */   tN: () => (/* binding */ uniqueArtifactName)
/* harmony export */ });
/* unused harmony exports MAX_ARTIFACT_NAME_LENGTH, artifactNameProblem, artifactUrl */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _actions_artifact__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(77935);
// Upload the output directory as GitHub Actions artifact(s) with @actions/artifact.
// Pure of @actions/core: logs through a Log. An upload failure never throws: the files stay on disk
// and manifest.json keeps every output URL, so the caller reports the error and goes on.




/** GitHub refuses more artifacts than this per job. */
const MAX_ARTIFACTS_PER_JOB = 500;
const MAX_ARTIFACT_NAME_LENGTH = 256;
// The characters @actions/artifact (and GitHub) refuse in an artifact name (NTFS limits).
const BAD_NAME_CHARS = [
    ['"', 'double quote "'],
    [':', 'colon :'],
    ['<', 'less than <'],
    ['>', 'greater than >'],
    ['|', 'vertical bar |'],
    ['*', 'asterisk *'],
    ['?', 'question mark ?'],
    ['\r', 'carriage return \\r'],
    ['\n', 'line feed \\n'],
    ['\\', 'backslash \\'],
    ['/', 'forward slash /'],
];
const BAD_NAME_RE = /[":<>|*?\r\n\\/]/g;
/** Why GitHub would refuse `name` as an artifact name, or undefined when it is fine. */
function artifactNameProblem(name) {
    if (!name || !name.trim())
        return 'artifact name is empty';
    for (const [ch, label] of BAD_NAME_CHARS) {
        if (name.includes(ch)) {
            return `artifact name ${JSON.stringify(name)} contains a ${label}, which GitHub does not allow in artifact names (not allowed: " : < > | * ? \\r \\n \\ /)`;
        }
    }
    if (name.length > MAX_ARTIFACT_NAME_LENGTH) {
        return `artifact name is ${name.length} characters long; GitHub allows at most ${MAX_ARTIFACT_NAME_LENGTH}`;
    }
    return undefined;
}
/** Replace characters GitHub refuses with '-' (for names derived from file or job names). */
function sanitizeName(s) {
    return s.replace(BAD_NAME_RE, '-');
}
function fit(base, suffix) {
    const room = MAX_ARTIFACT_NAME_LENGTH - suffix.length;
    return (base.length > room ? base.slice(0, Math.max(0, room)) : base) + suffix;
}
/**
 * A name that does not collide across shards of a matrix or re-runs of a workflow:
 * `<base>-<i>-of-<n>` for shards (shard.index is 0-based like `strategy.job-index`; the name shows
 * index + 1, so shards read 1-of-n … n-of-n), then `-attempt-<k>` when runAttempt > 1 (a re-run keeps
 * the first attempt's artifacts, and a second artifact of the same name in a run is a 409).
 */
function uniqueArtifactName(base, ctx) {
    let suffix = '';
    if (ctx.shard && ctx.shard.total > 1) {
        const { index, total } = ctx.shard;
        if (!Number.isInteger(index) || !Number.isInteger(total) || index < 0 || index >= total) {
            throw new RangeError(`shard index ${index} is not in 0..${total - 1}`);
        }
        suffix += `-${index + 1}-of-${total}`;
    }
    if (ctx.runAttempt !== undefined && ctx.runAttempt > 1)
        suffix += `-attempt-${ctx.runAttempt}`;
    return fit(base, suffix);
}
/** The artifact's page: {server}/{owner}/{repo}/actions/runs/{run}/artifacts/{id}. */
function artifactUrl(ctx, id) {
    return `${ctx.serverUrl.replace(/\/+$/, '')}/${ctx.repository}/actions/runs/${ctx.runId}/artifacts/${id}`;
}
/** Every file under dir, recursively (symlinked files included, symlinked directories not followed), sorted. */
async function listFiles(dir) {
    const out = [];
    const walk = async (d) => {
        const entries = await node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default().readdir(d, { withFileTypes: true });
        for (const e of entries) {
            const p = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(d, e.name);
            if (e.isDirectory())
                await walk(p);
            else if (e.isFile())
                out.push(p);
            else if (e.isSymbolicLink()) {
                const st = await node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default().stat(p).catch(() => undefined);
                if (st?.isFile())
                    out.push(p);
            }
        }
    };
    await walk(dir);
    return out.sort();
}
function stemOf(files, fallback) {
    const first = files[0];
    if (!first)
        return fallback;
    let stem = node_path__WEBPACK_IMPORTED_MODULE_2___default().basename(first, node_path__WEBPACK_IMPORTED_MODULE_2___default().extname(first));
    // product-hero-1.png, product-hero-2.png → product-hero
    if (files.length > 1)
        stem = stem.replace(/[-_.]\d+$/, '');
    return stem || fallback;
}
function planPerJob(opts, root, all, log) {
    const plans = [];
    const used = new Set();
    const claim = (base, ext) => {
        for (let i = 1;; i++) {
            const candidate = fit(base, `${i === 1 ? '' : `-${i}`}${ext}`);
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
        const base = `${opts.name}-${sanitizeName(stemOf(files, `job-${n + 1}`))}`;
        if (files.length === 1) {
            plans.push({ name: claim(base, sanitizeName(node_path__WEBPACK_IMPORTED_MODULE_2___default().extname(files[0]))), files, raw: true });
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
        const error = `artifact upload failed: ${reason} — the files are still in ${opts.outputDir} and manifest.json keeps every output URL`;
        log.error(error, { title: 'Artifact upload failed' });
        return { artifacts, error };
    };
    const problem = artifactNameProblem(opts.name);
    if (problem)
        return fail(problem);
    let all;
    try {
        all = await listFiles(root);
    }
    catch (e) {
        return fail(`cannot read ${opts.outputDir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (all.length === 0) {
        log.warning(`artifact: ${opts.outputDir} holds no files; nothing to upload`);
        return { artifacts };
    }
    const plans = opts.perJob ? planPerJob(opts, root, all, log) : [{ name: opts.name, files: all, raw: false }];
    if (plans.length > MAX_ARTIFACTS_PER_JOB) {
        return fail(`per-job artifacts would create ${plans.length} artifacts; GitHub allows at most ${MAX_ARTIFACTS_PER_JOB} per job — nothing was uploaded (use a single artifact instead)`);
    }
    for (const p of plans) {
        const bad = artifactNameProblem(p.name);
        if (bad)
            return fail(`${bad} — nothing was uploaded`);
    }
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
                a.url = artifactUrl(opts.urlContext, res.id);
            artifacts.push(a);
            log.info(`Uploaded artifact ${p.name} (${p.files.length} file${p.files.length === 1 ? '' : 's'}${a.size !== undefined ? `, ${a.size} bytes` : ''})${a.url ? `: ${a.url}` : ''}`);
        }
        catch (e) {
            const left = plans.length - artifacts.length;
            const more = plans.length > 1 ? ` (${artifacts.length} of ${plans.length} artifacts uploaded; ${left} not)` : '';
            return fail(`${p.name}: ${explain(e, p.name)}${more}`);
        }
        finally {
            await staged?.cleanup().catch(() => undefined);
        }
    }
    return { artifacts };
}
/**
 * The name of one file's own unzipped artifact: `<base>-<path, / as ->`, extension last (GitHub serves
 * an unzipped artifact with the type its name's extension says). `base` already carries the shard and
 * attempt suffixes, so names stay unique across shards and re-runs; `used` makes them unique in the run.
 */
function singleFileArtifactName(base, relPath, used) {
    const ext = sanitizeName(node_path__WEBPACK_IMPORTED_MODULE_2___default().extname(relPath));
    const stem = sanitizeName(relPath.slice(0, relPath.length - node_path__WEBPACK_IMPORTED_MODULE_2___default().extname(relPath).length).replace(/[\\/]+/g, '-'));
    for (let i = 1;; i++) {
        const candidate = fit(`${base}-${stem}`, `${i === 1 ? '' : `-${i}`}${ext}`);
        if (!used.has(candidate)) {
            used.add(candidate);
            return candidate;
        }
    }
}
/** Upload one file unzipped (skipArchive) as the artifact `name`. Never throws: returns the artifact or why not. */
async function uploadSingleFile(opts) {
    const bad = artifactNameProblem(opts.name);
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
            a.url = artifactUrl(opts.urlContext, res.id);
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

/***/ 7032:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deliver: () => (/* binding */ deliver),
  readEventPayload: () => (/* binding */ readEventPayload),
  runContextFromEnv: () => (/* binding */ runContextFromEnv),
  setRunOutputs: () => (/* binding */ setRunOutputs)
});

// UNUSED EXPORTS: filesWritten, notUploadedNote

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
// EXTERNAL MODULE: ./src/cost/prices.ts
var prices = __webpack_require__(51295);
;// CONCATENATED MODULE: ./src/report/comment.ts


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
function renderComment(m, opts) {
    const marker = commentMarker(opts.tag);
    const max = Math.min(opts.maxChars ?? COMMENT_MAX_CHARS, COMMENT_MAX_CHARS);
    const budget = max - marker.length - 1;
    const run = (0,summary/* publicUrl */.x6)(opts.runUrl);
    const where = `see the job summary${run ? ` of the ${(0,summary/* link */.nf)(run, 'workflow run')}` : ''}, or ${summary/* REPORT_FILE_NAME */._G} ${(0,summary/* whereFiles */.bE)(opts)}`;
    const fixed = [(0,summary/* headline */.Pl)(m, opts.title ?? 'Atlas media', 3), ...(0,summary/* subHeadline */.jd)(m, opts), (0,summary/* costTable */.kN)(m, true)];
    const { failed, unknown } = (0,summary/* failureItems */.xh)(m, 300);
    const rows = m.results.map((r) => {
        const files = r.outputs?.length ?? 0;
        return `| ${(0,summary/* escapeText */.X1)(r.name, 120)} | ${(0,summary/* codeText */.ph)(r.model, 80)} | ${(0,summary/* statusCell */.fo)(r.status)} | ${r.status === 'skipped' ? '—' : (0,prices/* formatUsd */.UK)(r.cost)} | ${(0,summary/* formatDuration */.a3)(r.generation_time)} | ${files} |`;
    });
    const thumbs = (0,summary/* thumbnails */._4)(m, 120, opts.noUpload ? undefined : opts.fileUrls, opts.imageUrls);
    const lists = [
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
            more: (k) => `… and ${k} more image${k === 1 ? '' : 's'} ${(0,summary/* whereFiles */.bE)(opts)}`,
        },
    ];
    const doc = (0,summary/* fitSections */.WK)(fixed, lists, budget, summary/* utf16Length */.b3);
    return `${marker}\n${(0,summary/* hardCut */.C4)(doc, budget, summary/* utf16Length */.b3, `\n\n… cut to fit: ${where}`)}`;
}

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

;// CONCATENATED MODULE: ./src/github/comment.ts

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
function comment_messageOf(err) {
    const e = err;
    const fromBody = e?.response?.data?.message;
    if (typeof fromBody === 'string' && fromBody)
        return fromBody;
    return typeof e?.message === 'string' ? e.message : String(err);
}
/** Finds the comment carrying `marker`, stopping at the page where it is. */
async function findComment(o, marker) {
    const found = await o.octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: o.owner, repo: o.repo, issue_number: o.issueNumber, per_page: 100 }, (response, done) => {
        const hit = response.data.find((c) => typeof c.body === 'string' && c.body.includes(marker));
        if (hit) {
            done();
            return [hit];
        }
        return [];
    });
    return found[0];
}
function withMarker(body, marker, log) {
    let b = body.includes(marker) ? body : `${marker}\n${body}`;
    if (b.length > COMMENT_MAX_CHARS) {
        log.warning(`The PR comment was ${b.length} characters, over GitHub's ${COMMENT_MAX_CHARS}: it was cut.`);
        const note = "\n\n… cut to fit GitHub's comment limit: see the job summary.";
        b = b.slice(0, COMMENT_MAX_CHARS - note.length - marker.length - 1);
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
        const marker = commentMarker(o.tag);
        const body = withMarker(o.body, marker, o.log);
        const existing = await findComment(o, marker);
        if (existing) {
            try {
                const { data } = await o.octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
                    owner: o.owner,
                    repo: o.repo,
                    comment_id: existing.id,
                    body,
                });
                o.log.info(`Updated the PR comment ${data.id} on ${where}.`);
                return { id: Number(data.id), action: 'updated' };
            }
            catch (err) {
                // Deleted between the listing and the update: make a new one.
                if (statusOf(err) !== 404)
                    throw err;
                o.log.debug(`Comment ${existing.id} vanished before it could be updated; creating a new one.`);
            }
        }
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
        const status = statusOf(err);
        const msg = comment_messageOf(err);
        if (status === 403) {
            o.log.warning(`Could not write the PR comment on ${where} (403: ${msg}). The token needs \`permissions: pull-requests: write\` ` +
                `in the workflow; pull requests from forks get a read-only token whatever the workflow asks, so the results are ` +
                `only in the job summary there. Turn the PR comment off to stop trying.`);
        }
        else if (status === 404) {
            o.log.warning(`Could not write the PR comment on ${where} (404: ${msg}): the issue does not exist or the token cannot see it. ` +
                `The token needs \`permissions: pull-requests: write\` (and read access to the repository).`);
        }
        else {
            o.log.warning(`Could not write the PR comment on ${where}${status ? ` (HTTP ${status})` : ''}: ${msg}. The results are in the job summary.`);
        }
        return undefined;
    }
}

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
    const root = external_node_path_default().resolve(opts.outputDir);
    const out = { files: new Map(), notUploaded: [] };
    const errors = [];
    // Which files: every downloaded image and video inside the output directory, in manifest order.
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
    // GitHub's 500 per job: what this job already uploaded, the page, and our own cap.
    const room = Math.max(0, Math.min(MAX_FILE_ARTIFACTS, artifact/* MAX_ARTIFACTS_PER_JOB */.jb - opts.alreadyUploaded.length - 1));
    const toUpload = [];
    for (const w of wanted) {
        if (w.kind === 'video') {
            const size = await (0,promises_.stat)(w.abs).then((s) => s.size, () => -1);
            if (size < 0)
                continue;
            if (size > opts.videoMaxBytes) {
                out.notUploaded.push({
                    path: w.rel,
                    reason: `video of ${(size / 1048576).toFixed(1)} MB is over inline-video-max-mb (${(opts.videoMaxBytes / 1048576).toFixed(0)} MB)`,
                });
                continue;
            }
        }
        if (toUpload.length >= room) {
            out.notUploaded.push({ path: w.rel, reason: `over the cap of ${room} files uploaded one by one` });
            continue;
        }
        toUpload.push(w);
    }
    const capped = out.notUploaded.filter((x) => x.reason.startsWith('over the cap')).length;
    if (capped)
        log.warning(`artifact: ${capped} of ${wanted.length} files are not uploaded on their own (at most ${room} here: GitHub allows ${artifact/* MAX_ARTIFACTS_PER_JOB */.jb} artifacts per job); they are in the zip artifact`);
    const used = new Set(opts.alreadyUploaded.map((a) => a.name));
    const names = new Map();
    for (const w of toUpload)
        names.set(w.rel, (0,artifact/* singleFileArtifactName */.oy)(opts.baseName, w.rel, used));
    const pageName = (0,artifact/* singleFileArtifactName */.oy)(opts.baseName, 'gallery.html', used);
    const common = {
        retentionDays: opts.retentionDays,
        log,
        client: opts.client,
        urlContext: opts.urlContext,
    };
    await inPool(toUpload, UPLOAD_CONCURRENCY, async (w) => {
        const res = await (0,artifact/* uploadSingleFile */._X)({ ...common, file: w.abs, name: names.get(w.rel) });
        if (res.artifact)
            out.files.set(w.rel, res.artifact);
        else
            errors.push(res.error);
    });
    // The page: inline thumbnails of the images, links to each file's artifact.
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
    out.thumbs = thumbs;
    const links = new Map([...out.files].flatMap(([k, a]) => (a.url ? [[k, a.url]] : [])));
    const html = (0,gallery/* renderGallery */.V)(m, { title: opts.title, standalone: { thumbs, links, allFilesUrl: opts.allFilesUrl } });
    const dir = await (0,promises_.mkdtemp)(external_node_path_default().join(process.env['RUNNER_TEMP'] || external_node_os_default().tmpdir(), 'atlas-gallery-'));
    try {
        const file = external_node_path_default().join(dir, pageName);
        await (0,promises_.writeFile)(file, html, 'utf8');
        const res = await (0,artifact/* uploadSingleFile */._X)({ ...common, file, name: pageName });
        if (res.artifact)
            out.page = res.artifact;
        else
            errors.push(res.error);
    }
    catch (e) {
        errors.push(`gallery page: ${e instanceof Error ? e.message : String(e)}`);
    }
    finally {
        await (0,promises_.rm)(dir, { recursive: true, force: true }).catch(() => undefined);
    }
    if (errors.length) {
        out.error = `${errors.length} unzipped upload${errors.length === 1 ? '' : 's'} failed (first: ${errors[0]}) — everything is still in the zip artifact and in ${opts.outputDir}`;
        log.error(out.error, { title: 'Artifact upload failed' });
    }
    return out;
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
function preview_branch_statusOf(err) {
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
    const { log } = o;
    const [owner, repo] = o.repository.split('/');
    const images = imagesOf(o.manifest, o.outputDir);
    if (!images.length)
        return none;
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
            log.debug(`preview-branch: no thumbnail for ${img.rel}${typeof t === 'string' ? ` (${t})` : ''}`);
            continue;
        }
        files.push({ rel: img.rel, name: fileName(img.rel, data.ext, used), base64: data.base64 });
    }
    if (!files.length)
        return none;
    const folder = runFolder(o.runId, o.runAttempt);
    const base = { owner, repo };
    try {
        // Blobs first: they do not depend on the branch's head, so a retry below reuses them.
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
        for (let attempt = 1;; attempt++) {
            const commitSha = await commitOnce(o, folder, runTree.sha, files.length);
            if (commitSha) {
                log.info(`preview-branch: pushed ${files.length} thumbnail${files.length === 1 ? '' : 's'} to ${o.branch} (${RUNS_DIR}/${folder}, commit ${commitSha.slice(0, 7)})`);
                const urls = new Map(files.map((f) => [
                    f.rel,
                    previewUrl(o.serverUrl, o.repository, commitSha, `${RUNS_DIR}/${folder}/${f.name}`),
                ]));
                return { urls, commitSha };
            }
            if (attempt >= PUSH_ATTEMPTS) {
                log.warning(`preview-branch: ${o.branch} kept moving under this run (${PUSH_ATTEMPTS} tries); the PR comment has no inline pictures.`);
                return none;
            }
            log.debug(`preview-branch: ${o.branch} moved while pushing; trying again`);
        }
    }
    catch (err) {
        const status = preview_branch_statusOf(err);
        if (status === 403)
            log.warning(`preview-branch needs contents: write (403: ${preview_branch_messageOf(err)}). Add \`permissions: contents: write\` to the workflow, ` +
                `or leave preview-branch empty; the PR comment goes out without inline pictures.`);
        else
            log.warning(`preview-branch: could not push the thumbnails to ${o.branch}${status ? ` (HTTP ${status})` : ''}: ${preview_branch_messageOf(err)}. The PR comment goes out without inline pictures.`);
        return none;
    }
}
/**
 * One commit on the branch's head (or a new orphan branch): the head's tree with this run's folder added
 * under runs/ and the oldest run folders left out. Returns the commit's sha, or undefined when the ref
 * moved (or appeared) meanwhile, for the caller to try again on the new head.
 */
async function commitOnce(o, folder, runTreeSha, count) {
    const [owner, repo] = o.repository.split('/');
    const base = { owner, repo };
    const ref = `heads/${o.branch}`;
    let head;
    try {
        const { data } = await o.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...base, ref });
        head = data.object.sha;
    }
    catch (err) {
        if (preview_branch_statusOf(err) !== 404)
            throw err;
    }
    let rootTree;
    let runs = [];
    if (head) {
        const { data: commit } = await o.octokit.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
            ...base,
            commit_sha: head,
        });
        rootTree = commit.tree.sha;
        const { data: root } = await o.octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
            ...base,
            tree_sha: rootTree,
        });
        const runsEntry = root.tree.find((e) => e.path === RUNS_DIR && e.type === 'tree');
        if (runsEntry?.sha) {
            const { data } = await o.octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
                ...base,
                tree_sha: runsEntry.sha,
            });
            runs = data.tree;
        }
    }
    const prune = new Set(foldersToPrune(runs.filter((e) => e.type === 'tree').map((e) => e.path), folder, o.keep));
    const kept = runs.filter((e) => !prune.has(e.path) && e.path !== folder);
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
    const pruned = prune.size ? `; pruned ${prune.size} older run folder${prune.size === 1 ? '' : 's'}` : '';
    const { data: commit } = await o.octokit.request('POST /repos/{owner}/{repo}/git/commits', {
        ...base,
        message: `Previews of run ${folder} (${count} image${count === 1 ? '' : 's'})${pruned}`,
        tree: newRoot.sha,
        parents: head ? [head] : [],
    });
    try {
        if (head)
            await o.octokit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
                ...base,
                ref,
                sha: commit.sha,
                force: false,
            });
        else
            await o.octokit.request('POST /repos/{owner}/{repo}/git/refs', { ...base, ref: `refs/${ref}`, sha: commit.sha });
    }
    catch (err) {
        // 422: not a fast-forward (another run pushed first) or the branch now exists.
        if (preview_branch_statusOf(err) === 422)
            return undefined;
        throw err;
    }
    if (prune.size)
        o.log.info(`preview-branch: dropped ${[...prune].join(', ')} from ${o.branch} (keeping ${o.keep} runs)`);
    return commit.sha;
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

// EXTERNAL MODULE: ./src/manifest/build.ts
var build = __webpack_require__(12533);
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
/** The step's outputs, the same for a run and for the report step that merges shards. */
function setRunOutputs(m, manifestPath, outputDir, d) {
    core/* setOutput */.uH('manifest', manifestPath);
    core/* setOutput */.uH('output-dir', outputDir);
    core/* setOutput */.uH('total-cost', String(m.total_cost));
    core/* setOutput */.uH('succeeded', String(m.successful));
    core/* setOutput */.uH('failed', String(m.failed + m.unknown));
    core/* setOutput */.uH('results', JSON.stringify(m.results));
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
    core/* setOutput */.uH('files', filesWritten(m, outputDir).join('\n'));
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
async function deliver(m, outputDir, settings, ctx, log, lineOf) {
    const runUrl = ctx.repository && ctx.runId ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : undefined;
    const delivery = { artifacts: [] };
    const baseName = settings.artifactName
        ? (0,shards/* shardArtifactName */.u9)(settings.artifactName, settings.shard, ctx.runAttempt)
        : '';
    let thumbs;
    const urlContext = runUrl ? { serverUrl: ctx.serverUrl, repository: ctx.repository, runId: ctx.runId } : undefined;
    if (settings.artifactName) {
        const up = await (0,artifact/* uploadOutputs */.gQ)({
            outputDir,
            name: baseName,
            retentionDays: settings.retentionDays,
            compressionLevel: settings.compressionLevel,
            perJob: settings.artifactPerJob,
            manifest: m,
            log,
            urlContext: runUrl ? { serverUrl: ctx.serverUrl, repository: ctx.repository, runId: ctx.runId } : undefined,
        });
        delivery.artifacts = up.artifacts;
        delivery.artifactError = up.error;
    }
    const zip = delivery.artifacts.find((a) => a.name === baseName) ?? delivery.artifacts[0];
    const artifactUrl = !settings.artifactName
        ? undefined
        : delivery.artifacts.length === 1 || zip?.name === baseName
            ? zip?.url
            : runUrl;
    // Viewable in the browser: each image and video unzipped, and the gallery page linking them.
    if (settings.artifactName && !delivery.artifactError) {
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
        thumbs = browse.thumbs;
    }
    const links = {
        artifactUrl,
        runUrl,
        galleryUrl: delivery.galleryUrl,
        fileUrls: delivery.fileUrls,
        noUpload: !settings.artifactName,
    };
    core/* notice */.lm(`${(0,prices/* formatUsd */.UK)(m.total_cost)} spent on ${m.total_jobs} job${m.total_jobs === 1 ? '' : 's'} (${m.successful} succeeded)` +
        (delivery.galleryUrl ? ` · gallery: ${delivery.galleryUrl}` : ''), { title: 'Atlas media' });
    // GitHub shows 10 error annotations per step; keep one for setFailed's own.
    annotateFailures(m, log, { configPath: settings.config, lineOf, max: 9 });
    try {
        const title = settings.shard ? `Atlas media, shard ${settings.shard.index}/${settings.shard.total}` : undefined;
        await core/* summary */.z
            .addRaw((0,summary/* renderSummary */.Br)(m, { ...links, title }) + notUploadedNote(delivery.notUploaded), true)
            .write();
    }
    catch (e) {
        log.warning(`could not write the job summary: ${e.message}`);
    }
    const pr = pullRequestNumber({ eventName: ctx.eventName, payload: ctx.payload });
    // A matrix shard never comments: the report step (mode: report) posts the one comment for all shards.
    if (!settings.shard && shouldComment(settings.comment, ctx.eventName, pr)) {
        if (!pr)
            log.warning('comment: always, but this run is not for a pull request: no comment posted.');
        else if (!settings.githubToken)
            log.warning('No github-token: the PR comment is skipped (the job summary has everything).');
        else {
            const [owner, repo] = ctx.repository.split('/');
            const octokit = (0,github/* getOctokit */.Q)(settings.githubToken);
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
                delivery.previewUrls = preview.urls;
            }
            const body = renderComment(m, { tag: settings.commentTag, ...links, imageUrls: delivery.previewUrls });
            const res = await upsertStickyComment({
                octokit,
                owner,
                repo,
                issueNumber: pr,
                tag: settings.commentTag,
                body,
                log,
            });
            delivery.commentId = res?.id;
        }
    }
    return delivery;
}


/***/ }),

/***/ 3974:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   u9: () => (/* binding */ shardArtifactName),
/* harmony export */   xR: () => (/* binding */ pickShardArtifacts)
/* harmony export */ });
/* unused harmony export parseShardArtifactName */
/* harmony import */ var _artifact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(49721);
// Artifact names of matrix shards: `<artifact-name>-<i>-of-<n>` (then `-attempt-<k>` on a re-run),
// written by each shard and read back by the report step.

/**
 * The artifact name of a run: plain (uniqueArtifactName) without a shard, `<base>-<i>-of-<n>` with one
 * (`shard.index` 1-based, as in the input). A `1/1` shard is still named `-1-of-1`, so the report step
 * finds it and its own `<base>` artifact never collides with a shard's.
 */
function shardArtifactName(base, shard, runAttempt) {
    if (!shard)
        return (0,_artifact_js__WEBPACK_IMPORTED_MODULE_0__/* .uniqueArtifactName */ .tN)(base, { runAttempt });
    if (shard.total > 1)
        return (0,_artifact_js__WEBPACK_IMPORTED_MODULE_0__/* .uniqueArtifactName */ .tN)(base, { runAttempt, shard: { index: shard.index - 1, total: shard.total } });
    return (0,_artifact_js__WEBPACK_IMPORTED_MODULE_0__/* .uniqueArtifactName */ .tN)(`${base}-1-of-1`, { runAttempt });
}
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Reads `<base>-<i>-of-<n>[-attempt-<k>]`; undefined for any other name (per-job artifacts included). */
function parseShardArtifactName(base, name) {
    const m = new RegExp(`^${escapeRe(base)}-(\\d+)-of-(\\d+)(?:-attempt-(\\d+))?$`).exec(name);
    if (!m)
        return undefined;
    const index = Number(m[1]);
    const total = Number(m[2]);
    const attempt = m[3] === undefined ? 1 : Number(m[3]);
    if (!(total >= 1 && index >= 1 && index <= total))
        return undefined;
    return { index, total, attempt };
}
/**
 * Pick the shard artifacts of a run from everything it uploaded. The shard count is the one of the
 * newest shard artifact (highest attempt, then latest created, then highest id); for each shard the
 * latest attempt wins, so a re-run of one failed shard replaces only that shard.
 */
function pickShardArtifacts(base, artifacts) {
    const parsed = artifacts.flatMap((a) => {
        const p = parseShardArtifactName(base, a.name);
        return p ? [{ a, p }] : [];
    });
    const newer = (x, y) => x.p.attempt - y.p.attempt || (x.a.createdAt?.getTime() ?? 0) - (y.a.createdAt?.getTime() ?? 0) || x.a.id - y.a.id;
    const newest = parsed.reduce((best, x) => (!best || newer(x, best) > 0 ? x : best), undefined);
    const found = new Map();
    if (!newest)
        return { found, ignored: [] };
    const total = newest.p.total;
    const best = new Map();
    const ignored = [];
    for (const x of parsed) {
        if (x.p.total !== total) {
            ignored.push(x.a);
            continue;
        }
        const cur = best.get(x.p.index);
        if (!cur || newer(x, cur) > 0)
            best.set(x.p.index, x);
    }
    for (const [i, x] of [...best].sort((a, b) => a[0] - b[0]))
        found.set(i, x.a);
    return { total, found, ignored };
}


/***/ })

};
