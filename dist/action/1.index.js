export const id = 1;
export const ids = [1,318];
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
        const note = "\n\n\u2026 cut to fit GitHub's comment limit: see the job summary.";
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

/***/ 78411:
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
// EXTERNAL MODULE: ./src/report/summary.ts
var summary = __webpack_require__(57994);
// EXTERNAL MODULE: ./src/report/comment.ts
var comment = __webpack_require__(54231);
;// CONCATENATED MODULE: ./src/report/annotations.ts

const MAX_MESSAGE = 1000;
function oneLine(s, max = MAX_MESSAGE) {
    const t = (0,summary/* scrubSecrets */.Zg)(s).replace(/\s+/g, ' ').trim();
    return t.length > max ? t.slice(0, max - 1) + '\u2026' : t;
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
// EXTERNAL MODULE: ./src/cost/prices.ts
var prices = __webpack_require__(51295);
// EXTERNAL MODULE: ./src/manifest/build.ts
var build = __webpack_require__(12533);
// EXTERNAL MODULE: ./src/report/gallery.ts
var gallery = __webpack_require__(83668);
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
    return (0,summary/* hardCut */.C4)(doc, maxBytes, summary/* utf8Bytes */.dy, '\n\n\u2026 cut to fit: the full plan is in the step log.\n');
}
/** The sticky PR comment of a dry run, with the marker the next run finds. */
function renderDryRunComment(r, tag, maxChars = comment/* COMMENT_MAX_CHARS */.dq) {
    const marker = (0,comment/* commentMarker */.Ql)(tag);
    const budget = Math.min(maxChars, comment/* COMMENT_MAX_CHARS */.dq) - marker.length - 1;
    const plan = `<details><summary>Plan (${r.jobs.length} jobs)</summary>\n\n${planBlock(r.planText)}\n\n</details>`;
    const doc = [...body(r), plan].join('\n\n');
    return `${marker}\n${(0,summary/* hardCut */.C4)(doc, budget, summary/* utf16Length */.b3, '\n\n\u2026 cut to fit: the full plan is in the job summary.')}`;
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
    const { uploadOutputs } = await Promise.all(/* import() */[__webpack_require__.e(830), __webpack_require__.e(110), __webpack_require__.e(351), __webpack_require__.e(935), __webpack_require__.e(721)]).then(__webpack_require__.bind(__webpack_require__, 49721));
    const up = await uploadOutputs({
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
    const { publishBrowsable } = await Promise.all(/* import() */[__webpack_require__.e(830), __webpack_require__.e(110), __webpack_require__.e(351), __webpack_require__.e(935), __webpack_require__.e(811), __webpack_require__.e(297)]).then(__webpack_require__.bind(__webpack_require__, 43297));
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
    const { getOctokit } = await __webpack_require__.e(/* import() */ 351).then(__webpack_require__.bind(__webpack_require__, 61351));
    const octokit = getOctokit(settings.githubToken);
    const previewUrls = await previewPictures(octokit, m, outputDir, settings, ctx, thumbs, log);
    if (previewUrls)
        delivery.previewUrls = previewUrls;
    const body = (0,comment/* renderComment */.wQ)(m, { tag: settings.commentTag, ...links, imageUrls: delivery.previewUrls });
    const res = await (0,github_comment/* upsertStickyComment */.qD)({ octokit, owner, repo, issueNumber: pr, tag: settings.commentTag, body, log });
    delivery.commentId = res?.id;
}
/** The comment's inline pictures pushed to preview-branch, unless it is unset or refused here (said why). */
async function previewPictures(octokit, m, outputDir, settings, ctx, thumbs, log) {
    if (!settings.previewBranch)
        return undefined;
    const { pushPreviews, previewRefusal } = await Promise.all(/* import() */[__webpack_require__.e(811), __webpack_require__.e(280)]).then(__webpack_require__.bind(__webpack_require__, 94280));
    const refusal = previewRefusal(settings.previewBranch, ctx.payload);
    if (refusal?.level === 'notice')
        core/* notice */.lm(refusal.message, { title: 'Atlas media' });
    else if (refusal)
        log.warning(refusal.message);
    else {
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
    const { getOctokit } = await __webpack_require__.e(/* import() */ 351).then(__webpack_require__.bind(__webpack_require__, 61351));
    await (0,github_comment/* upsertStickyComment */.qD)({
        octokit: getOctokit(settings.githubToken),
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


const CHANGE_ICON = { new: '\ud83c\udd95', changed: '\u270f\ufe0f', removed: '\ud83d\uddd1\ufe0f', unchanged: '\u267b\ufe0f' };
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
        ? ` <sub>(${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeText */ .X1)(fields.slice(0, 6).join(', '))}${fields.length > 6 ? ', \u2026' : ''})</sub>`
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
            more: (k) => `\u2026 and ${k} more new or changed job${k === 1 ? '' : 's'}: ${opts.where}`,
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
    return `${marker}\n${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .hardCut */ .C4)(doc, budget, _summary_js__WEBPACK_IMPORTED_MODULE_1__/* .utf16Length */ .b3, `\n\n\u2026 cut to fit: ${where}`)}`;
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
        return `| ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeText */ .X1)(r.name, 120)} | ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .codeText */ .ph)(r.model, 80)} | ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .statusCell */ .fo)(r.status)} | ${r.status === 'skipped' ? '\u2014' : (0,_cost_prices_js__WEBPACK_IMPORTED_MODULE_0__/* .formatUsd */ .UK)(r.cost)} | ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(r.generation_time)} | ${files} |`;
    });
    const thumbs = (0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .thumbnails */ ._4)(m, 120, opts.noUpload ? undefined : opts.fileUrls, opts.imageUrls);
    return [
        {
            head: `**Failed jobs (${failed.length})**\n\n`,
            items: failed,
            more: (k) => `\u2026 and ${k} more failed job${k === 1 ? '' : 's'}: ${where}`,
            leave: 0.5,
        },
        {
            head: `**Unknown outcome (${unknown.length})**: settle these before re-running them.\n\n`,
            items: unknown,
            more: (k) => `\u2026 and ${k} more job${k === 1 ? '' : 's'} with an unknown outcome: ${where}`,
            leave: 0.5,
        },
        {
            head: `<details><summary>Jobs (${m.results.length})</summary>\n\n${JOB_HEADER}\n`,
            emptyHead: `**Jobs (${m.results.length})**`,
            items: rows,
            tail: '\n\n</details>',
            more: (k) => `\u2026 and ${k} more job${k === 1 ? '' : 's'}: ${where}`,
            leave: 0.02,
        },
        {
            head: '',
            items: thumbs.slice(0, MAX_COMMENT_THUMBNAILS),
            hidden: Math.max(0, thumbs.length - MAX_COMMENT_THUMBNAILS),
            sep: ' ',
            more: (k) => `\u2026 and ${k} more image${k === 1 ? '' : 's'} ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_1__/* .whereFiles */ .bE)(opts)}`,
        },
    ];
}


/***/ })

};

//# sourceMappingURL=1.index.js.map