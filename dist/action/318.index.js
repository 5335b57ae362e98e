export const id = 318;
export const ids = [318];
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

//# sourceMappingURL=318.index.js.map