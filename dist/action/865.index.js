export const id = 865;
export const ids = [865];
export const modules = {

/***/ 42865:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CACHE_KEY_PREFIX: () => (/* binding */ CACHE_KEY_PREFIX),
/* harmony export */   cacheKeys: () => (/* binding */ cacheKeys),
/* harmony export */   cachePathFor: () => (/* binding */ cachePathFor),
/* harmony export */   cacheServiceAvailable: () => (/* binding */ cacheServiceAvailable),
/* harmony export */   carryOutputs: () => (/* binding */ carryOutputs),
/* harmony export */   journalDigest: () => (/* binding */ journalDigest),
/* harmony export */   mergeJournalText: () => (/* binding */ mergeJournalText),
/* harmony export */   planHash: () => (/* binding */ planHash),
/* harmony export */   restoreOutputs: () => (/* binding */ restoreOutputs),
/* harmony export */   runCacheKeys: () => (/* binding */ runCacheKeys),
/* harmony export */   saveOutputs: () => (/* binding */ saveOutputs)
/* harmony export */ });
/* harmony import */ var _actions_cache__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(49511);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _journal_journal_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(14896);
// The output directory (journal + files) carried between runs and attempts in the Actions cache,
// so a "re-run failed jobs" resumes its predictions and an unchanged job file costs nothing.
//
// How @actions/cache 6 is used here, and why it is wrapped this way:
// - It picks the v2 service (Twirp "results" CacheService + Azure blob) only when
//   ACTIONS_CACHE_SERVICE_V2 is set (the runner sets it) and the server is not GHES; then it needs
//   ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN. Otherwise it speaks v1 to ACTIONS_CACHE_URL.
// - The entry's "version" is a hash of the path strings exactly as passed (plus the compression
//   method), and paths are globbed relative to process.cwd() and archived relative to
//   GITHUB_WORKSPACE. An absolute path would tie the entry to one machine's directory layout, so
//   we pass the output directory relative to the working directory (the workspace, for an action)
//   and refuse to cache a directory outside it.
// - A restore extracts over whatever is on disk. We never let it overwrite local state: it is
//   extracted into a sibling staging directory (GITHUB_WORKSPACE pointed there for the call) and
//   merged in: files missing locally are moved in, local files win, journals are merged by time.
// - It reports most failures itself (a warning, or an error annotation on 5xx) and returns
//   undefined / -1; we add our own warning and never throw: without the cache a run still works,
//   it may just pay again.





const CACHE_KEY_PREFIX = 'atlas-media-v1-';
/** 16 hex characters of sha256 over the sorted identities: order-independent, changes with any identity. */
function planHash(identities) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.createHash)('sha256')
        .update([...identities].sort().join('\n'))
        .digest('hex')
        .slice(0, 16);
}
function cacheKeys(ctx) {
    const plan = `${CACHE_KEY_PREFIX}${planHash(ctx.jobIdentities)}-`;
    const shard = ctx.shard ? `-shard${ctx.shard.index}of${ctx.shard.total}` : '';
    return {
        primary: `${plan}${ctx.runId}-${ctx.runAttempt}${shard}`,
        restore: [
            `${plan}${ctx.runId}-`, // earlier attempts of this run
            plan, // the same plan in an earlier run
            CACHE_KEY_PREFIX, // any earlier run: the journal reuses matching jobs file by file
        ],
    };
}
/** Whether the Actions cache service is reachable from this environment (false for the CLI). */
function cacheServiceAvailable(env = process.env) {
    if (!env['ACTIONS_RUNTIME_TOKEN'])
        return false;
    try {
        return _actions_cache__WEBPACK_IMPORTED_MODULE_0__/* .isFeatureAvailable */ .w3();
    }
    catch {
        return false;
    }
}
/**
 * The path string handed to @actions/cache: the output directory relative to `root` (the working
 * directory), with forward slashes. Undefined when it cannot be cached safely.
 */
function cachePathFor(outputDir, root = process.cwd()) {
    const rel = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.relative)(root, outputDir);
    if (rel === '')
        return { why: 'the output directory is the workspace itself' };
    if ((0,node_path__WEBPACK_IMPORTED_MODULE_3__.isAbsolute)(rel) || rel === '..' || rel.startsWith('..' + node_path__WEBPACK_IMPORTED_MODULE_3__.sep))
        return { why: `the output directory ${outputDir} is outside the workspace ${root}` };
    const path = rel.split(node_path__WEBPACK_IMPORTED_MODULE_3__.sep).join('/');
    // @actions/cache globs its paths: keep names that would mean something to a glob out.
    if (/[*?[\]{}\n\r]/.test(path) || /(^|\/)[!#]/.test(path))
        return { why: `the output directory name "${path}" has glob characters` };
    return { path };
}
const warn = (log, what, e) => log.warning(`Actions cache: ${what}: ${e instanceof Error ? e.message : String(e)}. The run goes on; jobs not found locally may be paid for again.`);
/** Run fn with GITHUB_WORKSPACE set (the cache library reads it at call time). */
async function withWorkspace(workspace, fn) {
    const saved = process.env['GITHUB_WORKSPACE'];
    process.env['GITHUB_WORKSPACE'] = workspace;
    try {
        return await fn();
    }
    finally {
        if (saved === undefined)
            delete process.env['GITHUB_WORKSPACE'];
        else
            process.env['GITHUB_WORKSPACE'] = saved;
    }
}
/** sha256 of the journal file, or 'absent': tells whether a run recorded anything new. */
async function journalDigest(outputDir) {
    try {
        return (0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.createHash)('sha256')
            .update(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(outputDir, _journal_journal_js__WEBPACK_IMPORTED_MODULE_4__/* .JOURNAL_FILE */ .RD)))
            .digest('hex');
    }
    catch {
        return 'absent';
    }
}
async function exists(p) {
    return (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.stat)(p).then(() => true, () => false);
}
async function moveInto(src, dest) {
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.mkdir)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.dirname)(dest), { recursive: true });
    try {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.rename)(src, dest);
    }
    catch {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.cp)(src, dest, { recursive: true, errorOnExist: false, force: false });
    }
}
/** Union of two journals, ordered by time (cached lines first on ties); torn lines are dropped. */
function mergeJournalText(cached, local) {
    const seen = new Set();
    const entries = [];
    for (const line of [...cached.split('\n'), ...local.split('\n')]) {
        const t = line.trim();
        if (!t || seen.has(t))
            continue;
        seen.add(t);
        let at;
        try {
            const e = JSON.parse(t);
            at = typeof e.at === 'string' ? Date.parse(e.at) : NaN;
        }
        catch {
            continue;
        }
        entries.push({ at: Number.isFinite(at) ? at : 0, order: entries.length, line: t });
    }
    entries.sort((a, b) => a.at - b.at || a.order - b.order);
    return entries.map((e) => e.line + '\n').join('');
}
/** Merge a restored tree into the output directory without overwriting anything local. */
async function mergeTree(src, dest, top, counts) {
    if (!(await exists(dest))) {
        await moveInto(src, dest);
        counts.added++;
        return;
    }
    for (const e of await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readdir)(src, { withFileTypes: true })) {
        const s = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(src, e.name);
        const d = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dest, e.name);
        if (e.isDirectory()) {
            await mergeTree(s, d, false, counts);
        }
        else if (top && e.name === _journal_journal_js__WEBPACK_IMPORTED_MODULE_4__/* .JOURNAL_FILE */ .RD && (await exists(d))) {
            const merged = mergeJournalText(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)(s, 'utf8'), await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)(d, 'utf8'));
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.writeFile)(d + '.merge', merged);
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.rename)(d + '.merge', d);
        }
        else if (await exists(d)) {
            counts.kept++;
        }
        else {
            await moveInto(s, d);
            counts.added++;
        }
    }
}
/**
 * Restore the newest matching entry into `outputDir`, merging with what is already there.
 * Never throws.
 */
async function restoreOutputs(outputDir, keys, log) {
    const { path, why } = cachePathFor(outputDir);
    if (!path) {
        log.warning(`Actions cache: not used: ${why}.`);
        return { journalDigest: await journalDigest(outputDir) };
    }
    let staging;
    let hit;
    try {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.mkdir)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.dirname)(outputDir), { recursive: true });
        staging = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.dirname)(outputDir), '.atlas-cache-restore-'));
        const stage = staging;
        hit = await withWorkspace(stage, () => _actions_cache__WEBPACK_IMPORTED_MODULE_0__/* .restoreCache */ .P3([path], keys.primary, keys.restore));
        if (hit) {
            const restored = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(stage, ...path.split('/'));
            if (await exists(restored)) {
                const counts = { added: 0, kept: 0 };
                await mergeTree(restored, outputDir, true, counts);
                log.info(`Actions cache: restored ${path} from ${hit}${counts.kept ? ` (${counts.kept} local file${counts.kept === 1 ? '' : 's'} kept as they were)` : ''}.`);
            }
            else {
                log.warning(`Actions cache: the entry ${hit} did not contain ${path}; nothing restored.`);
                hit = undefined;
            }
        }
        else {
            log.info(`Actions cache: no earlier outputs for this plan (keys ${[keys.primary, ...keys.restore].join(', ')}).`);
        }
    }
    catch (e) {
        warn(log, 'restore failed', e);
        hit = undefined;
    }
    finally {
        if (staging)
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.rm)(staging, { recursive: true, force: true }).catch(() => undefined);
    }
    return { hit, journalDigest: await journalDigest(outputDir) };
}
/** Save `outputDir` under `key`. Never throws. */
async function saveOutputs(outputDir, key, log, opts = {}) {
    const { path, why } = cachePathFor(outputDir);
    if (!path) {
        log.warning(`Actions cache: not saved: ${why}.`);
        return;
    }
    try {
        if (!(await exists(outputDir)))
            return;
        if (opts.unlessJournal !== undefined && (await journalDigest(outputDir)) === opts.unlessJournal) {
            log.info('Actions cache: nothing new was generated; the restored entry still covers every job, so none is saved.');
            return;
        }
        const root = process.cwd();
        const id = await withWorkspace(root, () => _actions_cache__WEBPACK_IMPORTED_MODULE_0__/* .saveCache */ .Io([path], key));
        const mode = (process.env['ACTIONS_CACHE_MODE'] ?? '').trim().toLowerCase();
        if (id === -1 && (mode === 'read' || mode === 'none'))
            log.info(`Actions cache: not saved: this run may not write to the cache (cache mode ${mode}).`);
        else if (id === -1)
            log.warning(`Actions cache: ${path} was not saved under ${key} (see the message above). A re-run may pay again for jobs it cannot resume.`);
        else
            log.info(`Actions cache: saved ${path} as ${key}.`);
    }
    catch (e) {
        warn(log, 'save failed', e);
    }
}
/**
 * The action's use of the cache: restore before the run, save after. Undefined (and nothing
 * done) on a dry run, with `cache: false`, or where no cache service is configured (the CLI).
 */
async function carryOutputs(plan, settings, env, log) {
    if (settings.dryRun || !settings.cache)
        return undefined;
    if (!cacheServiceAvailable(env)) {
        log.debug('Actions cache: no cache service in this environment; outputs are not carried between runs.');
        return undefined;
    }
    const keys = runCacheKeys(plan, settings, env);
    // With force, restore anyway: in-flight predictions of an earlier attempt are still resumed
    // (the engine only ignores finished `downloaded` entries under force).
    const restored = await restoreOutputs(plan.outputDir, keys, log);
    let saving;
    return {
        keys,
        hit: restored.hit,
        // After a hit, an unchanged journal means nothing new to keep; after a miss, always save.
        save: () => (saving ??= saveOutputs(plan.outputDir, keys.primary, log, restored.hit ? { unlessJournal: restored.journalDigest } : {})),
    };
}
/** This run's cache keys: its plan, run and attempt (and shard), from the runner's environment. */
function runCacheKeys(plan, settings, env) {
    return cacheKeys({
        configPath: plan.configPath,
        jobIdentities: plan.jobs.map((j) => j.identity),
        runId: env['GITHUB_RUN_ID'] || 'local',
        runAttempt: Number(env['GITHUB_RUN_ATTEMPT'] || 1) || 1,
        shard: settings.shard,
    });
}


/***/ })

};

//# sourceMappingURL=865.index.js.map