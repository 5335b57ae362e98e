export const id = 721;
export const ids = [721];
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


/***/ })

};

//# sourceMappingURL=721.index.js.map