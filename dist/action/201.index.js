export const id = 201;
export const ids = [201];
export const modules = {

/***/ 73197:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   NH: () => (/* binding */ artifactNameProblem),
/* harmony export */   Uj: () => (/* binding */ fit),
/* harmony export */   Wk: () => (/* binding */ artifactUrl),
/* harmony export */   jb: () => (/* binding */ MAX_ARTIFACTS_PER_JOB),
/* harmony export */   oy: () => (/* binding */ singleFileArtifactName),
/* harmony export */   rh: () => (/* binding */ sanitizeName),
/* harmony export */   tN: () => (/* binding */ uniqueArtifactName)
/* harmony export */ });
/* unused harmony export MAX_ARTIFACT_NAME_LENGTH */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
// Artifact names and pages: what GitHub accepts, unique across shards and re-runs. Kept apart from
// artifact.ts so that naming (shards.ts, a run without uploads) does not load @actions/artifact.

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
/** `base` cut so that `base + suffix` fits GitHub's name length. */
function fit(base, suffix) {
    const room = MAX_ARTIFACT_NAME_LENGTH - suffix.length;
    return (base.length > room ? base.slice(0, Math.max(0, room)) : base) + suffix;
}
/**
 * A name that does not collide across shards of a matrix or re-runs of a workflow:
 * `<base>-<i>-of-<n>` for shards (shard.index is 0-based like `strategy.job-index`; the name shows
 * index + 1, so shards read 1-of-n \u2026 n-of-n), then `-attempt-<k>` when runAttempt > 1 (a re-run keeps
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
/**
 * The name of one file's own unzipped artifact: `<base>-<path, / as ->`, extension last (GitHub serves
 * an unzipped artifact with the type its name's extension says). `base` already carries the shard and
 * attempt suffixes, so names stay unique across shards and re-runs; `used` makes them unique in the run.
 */
function singleFileArtifactName(base, relPath, used) {
    const ext = sanitizeName(node_path__WEBPACK_IMPORTED_MODULE_0___default().extname(relPath));
    const stem = sanitizeName(relPath.slice(0, relPath.length - node_path__WEBPACK_IMPORTED_MODULE_0___default().extname(relPath).length).replace(/[\\/]+/g, '-'));
    for (let i = 1;; i++) {
        const candidate = fit(`${base}-${stem}`, `${i === 1 ? '' : `-${i}`}${ext}`);
        if (!used.has(candidate)) {
            used.add(candidate);
            return candidate;
        }
    }
}


/***/ }),

/***/ 95201:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  collectShards: () => (/* binding */ collectShards),
  runReportStep: () => (/* binding */ runReportStep)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(33838);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/@actions/artifact/lib/artifact.js + 84 modules
var artifact = __webpack_require__(77935);
// EXTERNAL MODULE: ./src/settings.ts
var src_settings = __webpack_require__(58750);
// EXTERNAL MODULE: ./src/github/actions-log.ts
var actions_log = __webpack_require__(9604);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 11 modules
var schemas = __webpack_require__(92857);
;// CONCATENATED MODULE: ./src/manifest/schema.ts
// manifest.json, described once: the writer, the readers (resume, the report step that merges
// shards) and the docs use these definitions. It keeps every field of the tutorial's manifest
// (generated_at, total_cost, total_jobs, successful, failed, results[].{name, model, type, status,
// output_url, local_path, cost, generation_time, error}) and adds what a user needs to audit a run.

const JOB_STATUSES = ['success', 'failed', 'unknown', 'skipped', 'cached'];
const OutputFile = schemas/* object */.Ikc({
    /** The URL Atlas served (null for data: URI outputs, which are not kept in the manifest). */
    url: schemas/* string */.YjP().nullable(),
    /** Path relative to the output directory; null when the download failed. */
    path: schemas/* string */.YjP().nullable(),
    bytes: schemas/* number */.aig().nullable(),
    sha256: schemas/* string */.YjP().nullable(),
    content_type: schemas/* string */.YjP().nullable(),
    /** Why the file is not on disk, when it is not. */
    error: schemas/* string */.YjP().nullable(),
});
const JobTimings = schemas/* object */.Ikc({
    queued_at: schemas/* string */.YjP().nullable(),
    submitted_at: schemas/* string */.YjP().nullable(),
    completed_at: schemas/* string */.YjP().nullable(),
    downloaded_at: schemas/* string */.YjP().nullable(),
});
/**
 * Every class of error a job can end with. Atlas's replies (src/atlas/types.ts AtlasErrorKind):
 * auth, credit, bad-request, not-found, rate-limited, server, network, protocol, unknown-fate
 * (a submit that may have created a prediction), aborted. The engine's own: timeout (the job's
 * deadline), generation (Atlas reported the prediction failed), download, bad-output (a body that
 * is not media, or more outputs than any model returns), upload (a local input),
 * budget (max-cost), cancelled, dependency (a job whose output this one takes did not succeed),
 * internal (a bug).
 */
const ERROR_KINDS = [
    'auth',
    'credit',
    'bad-request',
    'not-found',
    'rate-limited',
    'server',
    'network',
    'protocol',
    'unknown-fate',
    'aborted',
    'timeout',
    'generation',
    'download',
    'bad-output',
    'upload',
    'budget',
    'cancelled',
    'dependency',
    'internal',
];
const ErrorKind = schemas/* enum */.k5n(ERROR_KINDS);
const JobResult = schemas/* object */.Ikc({
    name: schemas/* string */.YjP(),
    model: schemas/* string */.YjP(),
    type: schemas/* enum */.k5n(['image', 'video']),
    status: schemas/* enum */.k5n(JOB_STATUSES),
    /** First output URL, as in the tutorial's manifest. */
    output_url: schemas/* string */.YjP().nullable(),
    /** First output's path relative to the output directory, as in the tutorial's manifest. */
    local_path: schemas/* string */.YjP().nullable(),
    /** USD charged as far as we can tell (0 for failed and skipped jobs). */
    cost: schemas/* number */.aig(),
    /** Seconds from submit to completion seen. */
    generation_time: schemas/* number */.aig().nullable(),
    error: schemas/* string */.YjP().nullable(),
    /** Machine-readable class of the error (see ERROR_KINDS); null when the job succeeded. */
    error_kind: ErrorKind.nullable(),
    prediction_id: schemas/* string */.YjP().nullable(),
    outputs: schemas/* array */.YOg(OutputFile),
    estimated_cost: schemas/* number */.aig(),
    /** Where the price came from: file, builtin, live, or guess (unknown model). */
    cost_source: schemas/* string */.YjP(),
    /** Why the estimate may be off, when it may: a guessed price, an assumed unit or duration. */
    cost_note: schemas/* string */.YjP().optional(),
    /** Submit attempts and poll requests made for this job. */
    attempts: schemas/* object */.Ikc({ submits: schemas/* number */.aig(), polls: schemas/* number */.aig() }),
    /** The body sent to Atlas (the API key is never part of it). */
    params: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J()),
    identity: schemas/* string */.YjP(),
    timings: JobTimings,
    /** Position of the job in the job file, 0-based: set by matrix shards, so the report step can merge in the file's order. */
    file_index: schemas/* number */.aig().optional(),
    /** How the job compares with the earlier run of the job file (PR review): new, changed or unchanged. Absent when there was none to compare with. */
    change: schemas/* enum */.k5n(['new', 'changed', 'unchanged']).optional(),
    /** For a changed job: what differs from the earlier run (prompt, model, a parameter's name, inputs). */
    changed_fields: schemas/* array */.YOg(schemas/* string */.YjP()).optional(),
    /** For a changed job: the earlier run's files, kept beside this run's (relative to the output directory). */
    previous_paths: schemas/* array */.YOg(schemas/* string */.YjP()).optional(),
});
const ModelCost = schemas/* object */.Ikc({
    jobs: schemas/* number */.aig(),
    cost: schemas/* number */.aig(),
    estimated_cost: schemas/* number */.aig(),
    unit: schemas/* string */.YjP(),
    price: schemas/* number */.aig(),
    source: schemas/* string */.YjP(),
});
const Manifest = schemas/* object */.Ikc({
    generated_at: schemas/* string */.YjP(),
    total_cost: schemas/* number */.aig(),
    total_jobs: schemas/* number */.aig(),
    successful: schemas/* number */.aig(),
    failed: schemas/* number */.aig(),
    results: schemas/* array */.YOg(JobResult),
    // additions beyond the tutorial
    schema_version: schemas/* literal */.euz(1),
    tool: schemas/* string */.YjP(),
    config: schemas/* string */.YjP().nullable(),
    estimated_total_cost: schemas/* number */.aig(),
    unknown: schemas/* number */.aig(),
    skipped: schemas/* number */.aig(),
    cached: schemas/* number */.aig(),
    cost_by_model: schemas/* record */.g1P(schemas/* string */.YjP(), ModelCost),
    run: schemas/* object */.Ikc({
        started_at: schemas/* string */.YjP(),
        finished_at: schemas/* string */.YjP(),
        wall_seconds: schemas/* number */.aig(),
        concurrency: schemas/* number */.aig(),
        /** Set when the run stopped early: cancelled, out of credit, budget. */
        stopped: schemas/* string */.YjP().nullable(),
    }),
    /** Set by a matrix shard (`shard: i/n`): which part of the job file this manifest covers. */
    shard: schemas/* object */.Ikc({ index: schemas/* number */.aig(), total: schemas/* number */.aig() }).optional(),
    /** Set by the report step that merged shards: each shard, and whether its manifest was found. */
    shards: schemas/* array */.YOg(schemas/* object */.Ikc({
        shard: schemas/* string */.YjP(),
        status: schemas/* enum */.k5n(['merged', 'missing']),
        jobs: schemas/* number */.aig(),
        cost: schemas/* number */.aig(),
        /** Why a missing shard is missing (no artifact, unreadable manifest). */
        reason: schemas/* string */.YjP().nullable(),
    }))
        .optional(),
    /** The earlier run this one was compared with (the manifest the cache restore or the output directory held). */
    compared_with: schemas/* object */.Ikc({
        generated_at: schemas/* string */.YjP(),
        /** The pull request under review (`pr-7`): a later run of the same one keeps comparing with the same earlier run. */
        review: schemas/* string */.YjP().optional(),
    })
        .optional(),
    /** Jobs of the earlier run that are no longer in the job file. */
    removed: schemas/* array */.YOg(schemas/* object */.Ikc({
        name: schemas/* string */.YjP(),
        model: schemas/* string */.YjP(),
        type: schemas/* enum */.k5n(['image', 'video']),
        local_path: schemas/* string */.YjP().nullable(),
    }))
        .optional(),
});

// EXTERNAL MODULE: ./src/manifest/build.ts
var build = __webpack_require__(12533);
// EXTERNAL MODULE: ./src/cost/prices.ts
var prices = __webpack_require__(51295);
;// CONCATENATED MODULE: ./src/report/merge.ts


// Which of two results for one job name to keep, should two shards report it (a matrix re-run under
// another layout): the one that got furthest.
const RANK = { success: 4, cached: 3, unknown: 2, failed: 1, skipped: 0 };
/** `2/3` \u2192 [2, 3]; anything else sorts after, by text. */
function shardKey(label) {
    const m = /^(\d+)\s*\/\s*(\d+)$/.exec(label);
    return m ? [Number(m[1]), Number(m[2])] : [Number.MAX_SAFE_INTEGER, 0];
}
/**
 * Merge shard manifests. Results: every job once, in the job file's order (file_index, which shards
 * record), jobs without one after, in shard order. Totals, counts and cost_by_model are recomputed
 * from the parts; `run` spans the earliest start to the latest finish, its concurrency is the sum of
 * the shards'. A missing shard is never dropped: it is listed in `shards` as missing and named in
 * run.stopped, which the summary and the comment show and which makes `fail-on: any` fail.
 */
function mergeManifests(parts, opts = {}) {
    const ordered = inShardOrder(parts);
    const present = ordered.flatMap((p) => ('manifest' in p ? [p] : []));
    const results = mergeResults(present);
    const t = (0,build/* resultTotals */.Hc)(results);
    const span = runSpan(present, opts);
    const first = present[0]?.manifest;
    return {
        generated_at: span.generatedAt.toISOString(),
        total_cost: t.total_cost,
        total_jobs: t.total_jobs,
        successful: t.successful,
        failed: t.failed,
        results,
        schema_version: 1,
        tool: opts.tool ?? first?.tool ?? 'atlas-media-action',
        config: present.find((p) => p.manifest.config !== null)?.manifest.config ?? null,
        estimated_total_cost: (0,prices/* roundUsd */.tE)(present.reduce((s, p) => s + p.manifest.estimated_total_cost, 0)),
        unknown: t.unknown,
        skipped: t.skipped,
        cached: t.cached,
        cost_by_model: mergeCostByModel(present),
        run: {
            started_at: new Date(span.startedAt).toISOString(),
            finished_at: new Date(span.finishedAt).toISOString(),
            wall_seconds: Math.round((span.finishedAt - span.startedAt) / 10) / 100,
            concurrency: present.reduce((s, p) => s + p.manifest.run.concurrency, 0),
            stopped: stoppedReason(ordered, present),
        },
        shards: ordered.map(shardEntry),
        ...mergedComparison(present),
    };
}
/**
 * What the shards were compared with. Every shard compares the whole job file with the same earlier
 * run (a job is removed only when no job of its name is left, whatever the shard selects), so the
 * first comparison stands for all and the removed jobs are the union, by name.
 */
function mergedComparison(present) {
    const compared = present.find((p) => p.manifest.compared_with)?.manifest.compared_with;
    if (!compared)
        return {};
    const names = new Set();
    const removed = present
        .flatMap((p) => p.manifest.removed ?? [])
        .filter((r) => !names.has(r.name) && names.add(r.name));
    return { compared_with: compared, removed };
}
/** The parts by shard number (`1/3` before `2/3`), labels that are not numbers after, by text. */
function inShardOrder(parts) {
    return parts
        .map((p, i) => ({ p, i }))
        .sort((a, b) => {
        const [ai, at] = shardKey(a.p.shard);
        const [bi, bt] = shardKey(b.p.shard);
        return ai - bi || at - bt || (a.p.shard < b.p.shard ? -1 : a.p.shard > b.p.shard ? 1 : a.i - b.i);
    })
        .map((x) => x.p);
}
/** Every job once, by name (job names are unique in a job file), in the job file's order. */
function mergeResults(present) {
    const byName = new Map();
    let seq = 0;
    for (const { manifest } of present) {
        for (const r of manifest.results) {
            const cur = byName.get(r.name);
            if (!cur)
                byName.set(r.name, { r, seq: seq++ });
            else if (RANK[r.status] > RANK[cur.r.status])
                byName.set(r.name, { r, seq: cur.seq });
        }
    }
    return [...byName.values()]
        .sort((a, b) => {
        const fa = a.r.file_index;
        const fb = b.r.file_index;
        if (fa !== undefined && fb !== undefined && fa !== fb)
            return fa - fb;
        if (fa !== undefined && fb === undefined)
            return -1;
        if (fa === undefined && fb !== undefined)
            return 1;
        return a.seq - b.seq;
    })
        .map((x) => x.r);
}
function mergeCostByModel(present) {
    const costByModel = {};
    for (const { manifest } of present) {
        for (const [model, c] of Object.entries(manifest.cost_by_model)) {
            const m = Object.hasOwn(costByModel, model)
                ? costByModel[model]
                : (costByModel[model] = { ...c, jobs: 0, cost: 0, estimated_cost: 0 });
            m.jobs += c.jobs;
            m.cost = (0,prices/* roundUsd */.tE)(m.cost + c.cost);
            m.estimated_cost = (0,prices/* roundUsd */.tE)(m.estimated_cost + c.estimated_cost);
        }
    }
    return costByModel;
}
/** The earliest start, the latest finish, and generated_at (the latest shard's unless given), in ms. */
function runSpan(present, opts) {
    const times = (f) => present.map((p) => Date.parse(f(p.manifest))).filter(Number.isFinite);
    const starts = times((m) => m.run.started_at);
    const ends = times((m) => m.run.finished_at);
    const generated = times((m) => m.generated_at);
    const startedAt = starts.length ? Math.min(...starts) : 0;
    const finishedAt = ends.length ? Math.max(...ends) : startedAt;
    const generatedAt = opts.generatedAt ?? new Date(generated.length ? Math.max(...generated) : finishedAt);
    return { startedAt, finishedAt, generatedAt };
}
/** run.stopped: the missing shards first, then each shard's own stop. */
function stoppedReason(ordered, present) {
    const stops = [];
    const missing = ordered.filter((p) => !('manifest' in p));
    if (missing.length) {
        const names = missing.map((p) => `${p.shard}${'reason' in p && p.reason ? ` (${p.reason})` : ''}`);
        stops.push(`${missing.length === 1 ? 'shard' : 'shards'} ${names.join(', ')} missing: ${missing.length === 1 ? 'its jobs are' : 'their jobs are'} not in this report`);
    }
    for (const { shard, manifest } of present)
        if (manifest.run.stopped)
            stops.push(`shard ${shard}: ${manifest.run.stopped}`);
    return stops.length ? stops.join('; ') : null;
}
function shardEntry(p) {
    return 'manifest' in p
        ? {
            shard: p.shard,
            status: 'merged',
            jobs: p.manifest.results.length,
            cost: p.manifest.total_cost,
            reason: null,
        }
        : { shard: p.shard, status: 'missing', jobs: 0, cost: 0, reason: p.reason ?? null };
}

// EXTERNAL MODULE: ./src/report/summary.ts
var summary = __webpack_require__(57994);
// EXTERNAL MODULE: ./src/report/gallery.ts
var gallery = __webpack_require__(83668);
// EXTERNAL MODULE: ./src/journal/journal.ts
var journal = __webpack_require__(14896);
// EXTERNAL MODULE: ./src/pipeline.ts + 27 modules
var pipeline = __webpack_require__(84412);
// EXTERNAL MODULE: ./src/github/shards.ts
var shards = __webpack_require__(3974);
;// CONCATENATED MODULE: ./src/github/report-step.ts
// `mode: report`: the final job of a matrix (`needs:` the shards). Lists the run's artifacts, downloads
// every `<artifact-name>-<i>-of-<n>`, merges their manifests (and media) into one, and delivers it as
// one run would: the `<artifact-name>` artifact, one job summary, one sticky PR comment. A shard whose
// artifact is absent or unreadable is named as missing in all three, never silently dropped.
















/** Files of a shard's output directory that describe the shard alone: rebuilt for the merge, not copied. */
const PER_RUN_FILES = new Set([build/* MANIFEST_FILE */.h1, summary/* REPORT_FILE_NAME */._G, gallery/* GALLERY_FILE */.E7, journal/* JOURNAL_FILE */.RD]);
/** List the run's shard artifacts and download each one's files (manifest.json among them) under `into`. */
async function collectShards(base, into, client, log) {
    const { artifacts } = await client.listArtifacts();
    const picked = (0,shards/* pickShardArtifacts */.xR)(base, artifacts.map((a) => ({ name: a.name, id: a.id, createdAt: a.createdAt })));
    for (const a of picked.ignored)
        log.warning(`report: ignoring artifact ${a.name}: another shard count than the newest shard artifact's (${picked.total})`);
    const parts = [];
    const dirs = new Map();
    const total = picked.total;
    if (total === undefined)
        return { parts, dirs };
    for (let i = 1; i <= total; i++) {
        const shard = `${i}/${total}`;
        const a = picked.found.get(i);
        if (!a) {
            parts.push({
                shard,
                missing: true,
                reason: `no artifact ${(0,shards/* shardArtifactName */.u9)(base, { index: i, total }, 1)} in this run`,
            });
            continue;
        }
        const dir = (0,external_node_path_.join)(into, `shard-${i}-of-${total}`);
        try {
            await client.downloadArtifact(a.id, { path: dir });
            const manifest = Manifest.parse(JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(dir, build/* MANIFEST_FILE */.h1), 'utf8')));
            parts.push({ shard, manifest });
            dirs.set(shard, dir);
            log.info(`report: shard ${shard}: ${manifest.results.length} job${manifest.results.length === 1 ? '' : 's'} from artifact ${a.name}`);
        }
        catch (e) {
            const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
            log.warning(`report: shard ${shard}: artifact ${a.name} has no readable ${build/* MANIFEST_FILE */.h1}: ${why}`);
            parts.push({ shard, missing: true, reason: `artifact ${a.name} has no readable ${build/* MANIFEST_FILE */.h1}` });
        }
    }
    return { total, parts, dirs };
}
/** The report step: collect the shards, merge them, write the merged files, deliver, fail when fail-on says so. */
async function runReportStep(settings, env, log, client) {
    try {
        if (!settings.artifactName) {
            return (0,actions_log/* failStep */.vy)("mode: report reads the shards' artifacts: artifact-name must be set (the same as the shards').");
        }
        const artifacts = client ?? new artifact/* DefaultArtifactClient */.t9();
        const work = await (0,promises_.mkdtemp)((0,external_node_path_.join)(env['RUNNER_TEMP'] || (0,external_node_os_.tmpdir)(), 'atlas-report-'));
        const collected = await collectShards(settings.artifactName, work, artifacts, log);
        if (collected.total === undefined)
            return await failNoShards(settings.artifactName);
        const merged = mergeManifests(collected.parts);
        const outputDir = await (0,src_settings/* confinedOutputDir */.Tc)(settings, { path: settings.config }, { dir: env['GITHUB_WORKSPACE'] || process.cwd(), label: 'GITHUB_WORKSPACE' });
        const manifestPath = await writeMerged(merged, collected, outputDir, settings);
        const missing = logMerge(merged, collected, manifestPath, log);
        // Loaded lazily, like main.ts does, so the bundle keeps one copy of the delivery code.
        const { deliver, runContextFromEnv, setRunOutputs, readEventPayload } = await __webpack_require__.e(/* import() */ 1).then(__webpack_require__.bind(__webpack_require__, 78411));
        const payload = await readEventPayload(env['GITHUB_EVENT_PATH']);
        const d = await deliver(merged, outputDir, { ...settings, shard: undefined }, runContextFromEnv(env, payload), log, () => undefined);
        setRunOutputs(merged, manifestPath, outputDir, d);
        if ((0,pipeline/* shouldFail */.W9)(merged, settings.failOn))
            failMerged(merged, missing, collected.total, settings.failOn);
    }
    catch (e) {
        (0,actions_log/* failStep */.vy)(e instanceof src_settings/* SettingsError */.GN ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
}
/** No shard artifact at all: say so in the summary and fail. */
async function failNoShards(artifactName) {
    const msg = `mode: report found no shard artifacts named ${artifactName}-<i>-of-<n> in this run: did the shard jobs run with shard: i/n and the same artifact-name, and does this job need: them?`;
    await core/* summary */.z
        .addHeading('\u274c Atlas media: no shard reported', 2)
        .addRaw(msg, true)
        .write()
        .catch(() => undefined);
    return (0,actions_log/* failStep */.vy)(msg);
}
/** The merged output directory: the shards' media (for one artifact of everything), manifest, report, gallery. */
async function writeMerged(merged, collected, outputDir, settings) {
    await (0,promises_.mkdir)(outputDir, { recursive: true });
    // One artifact of everything: the shards' media (file names are unique across the whole job file).
    if (!settings.artifactPerJob) {
        for (const dir of collected.dirs.values()) {
            for (const name of await (0,promises_.readdir)(dir)) {
                if (!PER_RUN_FILES.has(name))
                    await (0,promises_.cp)((0,external_node_path_.join)(dir, name), (0,external_node_path_.join)(outputDir, name), { recursive: true, force: true });
            }
        }
    }
    const manifestPath = await (0,build/* writeManifest */.HN)(outputDir, merged);
    await (0,summary/* writeReportFile */.aS)(outputDir, merged);
    await (0,gallery/* writeGallery */.Qc)(outputDir, merged);
    return manifestPath;
}
/** An error per missing shard and one line on the merge; returns the missing shards. */
function logMerge(merged, collected, manifestPath, log) {
    const missing = merged.shards?.filter((s) => s.status === 'missing') ?? [];
    for (const s of missing)
        log.error(`shard ${s.shard} is missing: ${s.reason ?? 'no manifest'}; its jobs are not in this report`, {
            title: 'Missing shard',
        });
    log.info(`Merged ${collected.parts.length - missing.length} of ${collected.total} shards: ${merged.total_jobs} jobs, ${merged.successful} succeeded, ${merged.failed} failed, ${merged.unknown} unknown, ${merged.skipped} skipped; ${(0,prices/* formatUsd */.UK)(merged.total_cost)} spent. Manifest: ${manifestPath}`);
    return missing;
}
/** Fail the step naming the missing shards and the jobs that did not succeed. */
function failMerged(merged, missing, total, failOn) {
    const what = missing.length
        ? `${missing.length} of ${total} shards missing (${missing.map((s) => s.shard).join(', ')})`
        : '';
    const bad = merged.failed + merged.unknown;
    const jobs = bad ? `${bad} of ${merged.total_jobs} jobs did not succeed` : '';
    (0,actions_log/* failStep */.vy)(`${[what, jobs].filter(Boolean).join('; ') || `stopped: ${merged.run.stopped}`} (fail-on: ${failOn}).`);
}


/***/ }),

/***/ 3974:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   u9: () => (/* binding */ shardArtifactName),
/* harmony export */   xR: () => (/* binding */ pickShardArtifacts)
/* harmony export */ });
/* unused harmony export parseShardArtifactName */
/* harmony import */ var _artifact_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73197);
// Artifact names of matrix shards: `<artifact-name>-<i>-of-<n>` (then `-attempt-<k>` on a re-run),
// written by each shard and read back by the report step.

/**
 * The artifact name of a run: plain (uniqueArtifactName) without a shard, `<base>-<i>-of-<n>` with one
 * (`shard.index` 1-based, as in the input). A `1/1` shard is still named `-1-of-1`, so the report step
 * finds it and its own `<base>` artifact never collides with a shard's.
 */
function shardArtifactName(base, shard, runAttempt) {
    if (!shard)
        return (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_0__/* .uniqueArtifactName */ .tN)(base, { runAttempt });
    if (shard.total > 1)
        return (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_0__/* .uniqueArtifactName */ .tN)(base, { runAttempt, shard: { index: shard.index - 1, total: shard.total } });
    return (0,_artifact_name_js__WEBPACK_IMPORTED_MODULE_0__/* .uniqueArtifactName */ .tN)(`${base}-1-of-1`, { runAttempt });
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

//# sourceMappingURL=201.index.js.map