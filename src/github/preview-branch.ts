// Inline pictures for the PR comment (opt-in input `preview-branch`): the run's thumbnails pushed to a
// branch of the repository with the git data API (blobs, one tree, one commit, one ref update per run),
// under `runs/<run id>-<attempt>/`, then embedded by URL. Only the newest `keep` run folders stay in the
// branch's tree. Never throws and never fails the run: a refusal (a token without `contents: write`, a
// fork's read-only token) is a warning or a notice, and the comment goes out without inline pictures.
import path from 'node:path';
import type { Manifest } from '../manifest/schema.js';
import type { Log } from '../shared/log.js';
import { makeThumbnail, type Thumbnail } from '../report/thumbnails.js';
import type { Octokit } from './comment.js';

/** Images pushed per run at most (in manifest order, the order the comment shows them). */
export const MAX_PREVIEW_IMAGES = 24;
/** Run folders kept on the branch by default. */
export const DEFAULT_PREVIEW_KEEP = 20;
/** The folder holding one folder per run. */
export const RUNS_DIR = 'runs';
/** Attempts at moving the ref when another run moved it first. */
const PUSH_ATTEMPTS = 3;

export interface PreviewOptions {
  octokit: Octokit;
  serverUrl: string;
  /** owner/name */
  repository: string;
  branch: string;
  runId: string;
  runAttempt: number;
  /** Run folders to keep on the branch, this run's included. */
  keep: number;
  manifest: Manifest;
  outputDir: string;
  /** Thumbnails already made (the gallery's), by output path; the missing ones are made here. */
  thumbs?: ReadonlyMap<string, Thumbnail | string>;
  log: Log;
}

export interface Preview {
  /** Image URL by output path (relative to the output directory). */
  urls: Map<string, string>;
  commitSha?: string;
}

interface TreeEntry {
  path: string;
  mode: string;
  type: string;
  sha: string | null;
}

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** A run's folder name, and how folders sort (run ids grow; attempts within a run). */
export function runFolder(runId: string, attempt: number): string {
  return `${runId}-${attempt}`;
}
function folderOrder(name: string): [number, number] | undefined {
  const m = /^(\d+)-(\d+)$/.exec(name);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The run folders (ours by their name) to drop so that `keep` remain once `current` is added. */
export function foldersToPrune(existing: readonly string[], current: string, keep: number): string[] {
  const ours = existing
    .filter((n) => n !== current && folderOrder(n))
    .sort((a, b) => {
      const [x, y] = [folderOrder(a)!, folderOrder(b)!];
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
export function previewUrl(serverUrl: string, repository: string, commitSha: string, file: string): string {
  const p = file.split('/').map(encodeURIComponent).join('/');
  return `${serverUrl.replace(/\/+$/, '')}/${repository}/blob/${commitSha}/${p}?raw=true`;
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
}
function messageOf(err: unknown): string {
  const e = err as { message?: unknown; response?: { data?: { message?: unknown } } } | null;
  const m = e?.response?.data?.message;
  if (typeof m === 'string' && m) return m.split('\n')[0]!;
  return typeof e?.message === 'string' ? e.message.split('\n')[0]! : String(err);
}

/** Is this event a pull request from a fork (whose token is read-only)? */
export function isForkPullRequest(payload: Record<string, unknown>): boolean {
  const pr = payload['pull_request'] as
    | { head?: { repo?: { full_name?: unknown; fork?: unknown } | null }; base?: { repo?: { full_name?: unknown } } }
    | undefined;
  if (!pr) return false;
  const head = pr.head?.repo;
  if (head === null) return true; // the fork was deleted
  if (!head) return false;
  if (head.fork === true) return true;
  const base = pr.base?.repo?.full_name;
  return typeof head.full_name === 'string' && typeof base === 'string' && head.full_name !== base;
}

/** The branches a preview must never be written to: the default branch and the PR's own. */
export function protectedBranches(payload: Record<string, unknown>): string[] {
  const repo = payload['repository'] as { default_branch?: unknown } | undefined;
  const pr = payload['pull_request'] as { head?: { ref?: unknown }; base?: { ref?: unknown } } | undefined;
  return [repo?.default_branch, pr?.head?.ref, pr?.base?.ref].filter((b): b is string => typeof b === 'string');
}

/** The images to push: the first MAX_PREVIEW_IMAGES images of succeeded jobs inside the output directory. */
function imagesOf(m: Manifest, outputDir: string): Array<{ rel: string; abs: string }> {
  const root = path.resolve(outputDir);
  const out: Array<{ rel: string; abs: string }> = [];
  const seen = new Set<string>();
  for (const r of m.results) {
    if (r.status !== 'success' && r.status !== 'cached') continue;
    for (const o of r.outputs) {
      const ct = (o.content_type ?? '').toLowerCase();
      const image = ct ? ct.startsWith('image/') : r.type === 'image';
      if (!o.path || !image || seen.has(o.path)) continue;
      const abs = path.resolve(root, o.path);
      if (!abs.startsWith(root + path.sep)) continue;
      seen.add(o.path);
      out.push({ rel: o.path, abs });
      if (out.length >= MAX_PREVIEW_IMAGES) return out;
    }
  }
  return out;
}

/** `data:<mime>;base64,<data>` → its parts, when it is one of the image types we push. */
function fromDataUri(src: string): { ext: string; base64: string } | undefined {
  const m = /^data:([a-z/]+);base64,(.*)$/s.exec(src);
  const ext = m ? EXT[m[1]!] : undefined;
  return m && ext ? { ext, base64: m[2]! } : undefined;
}

/** A file name in the run folder for an output path: flat, safe, unique. */
function fileName(rel: string, ext: string, used: Set<string>): string {
  const stem =
    rel
      .replace(/\.[^./]*$/, '')
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 100) || 'image';
  let name = `${stem}.${ext}`;
  for (let i = 2; used.has(name); i++) name = `${stem}-${i}.${ext}`;
  used.add(name);
  return name;
}

type PreviewFile = { rel: string; name: string; base64: string };
type Repo = { owner: string; repo: string };

/** Push the run's thumbnails and return their URLs; an empty map (after a warning or notice) when it cannot. */
export async function pushPreviews(o: PreviewOptions): Promise<Preview> {
  const none: Preview = { urls: new Map() };
  const images = imagesOf(o.manifest, o.outputDir);
  if (!images.length) return none;
  const files = await thumbnailFiles(o, images);
  if (!files.length) return none;
  try {
    const runTreeSha = await pushRunTree(o, files);
    return await commitWithRetries(o, files, runTreeSha);
  } catch (err) {
    warnPushFailed(o, err);
    return none;
  }
}

/** Each image's thumbnail (the gallery's, else made here) as a flat, unique file name and its base64 bytes. */
async function thumbnailFiles(o: PreviewOptions, images: Array<{ rel: string; abs: string }>): Promise<PreviewFile[]> {
  const files: PreviewFile[] = [];
  const used = new Set<string>();
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
async function pushRunTree(o: PreviewOptions, files: PreviewFile[]): Promise<string> {
  const base = repoOf(o);
  const blobs: string[] = [];
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
    tree: files.map((f, i) => ({ path: f.name, mode: '100644' as const, type: 'blob' as const, sha: blobs[i]! })),
  });
  return runTree.sha;
}

/** Commit on the branch's head, again on the new head when another run moved it first (PUSH_ATTEMPTS in all). */
async function commitWithRetries(o: PreviewOptions, files: PreviewFile[], runTreeSha: string): Promise<Preview> {
  const folder = runFolder(o.runId, o.runAttempt);
  for (let attempt = 1; ; attempt++) {
    const commitSha = await commitOnce(o, folder, runTreeSha, files.length);
    if (commitSha) {
      o.log.info(
        `preview-branch: pushed ${files.length} thumbnail${files.length === 1 ? '' : 's'} to ${o.branch} (${RUNS_DIR}/${folder}, commit ${commitSha.slice(0, 7)})`,
      );
      const urls = new Map(
        files.map((f) => [f.rel, previewUrl(o.serverUrl, o.repository, commitSha, `${RUNS_DIR}/${folder}/${f.name}`)]),
      );
      return { urls, commitSha };
    }
    if (attempt >= PUSH_ATTEMPTS) {
      o.log.warning(
        `preview-branch: ${o.branch} kept moving under this run (${PUSH_ATTEMPTS} tries); the PR comment has no inline pictures.`,
      );
      return { urls: new Map() };
    }
    o.log.debug(`preview-branch: ${o.branch} moved while pushing; trying again`);
  }
}

function warnPushFailed(o: PreviewOptions, err: unknown): void {
  const status = statusOf(err);
  if (status === 403)
    o.log.warning(
      `preview-branch needs contents: write (403: ${messageOf(err)}). Add \`permissions: contents: write\` to the workflow, ` +
        `or leave preview-branch empty; the PR comment goes out without inline pictures.`,
    );
  else
    o.log.warning(
      `preview-branch: could not push the thumbnails to ${o.branch}${status ? ` (HTTP ${status})` : ''}: ${messageOf(err)}. The PR comment goes out without inline pictures.`,
    );
}

function repoOf(o: PreviewOptions): Repo {
  const [owner, repo] = o.repository.split('/') as [string, string];
  return { owner, repo };
}

/**
 * One commit on the branch's head (or a new orphan branch): the head's tree with this run's folder added
 * under runs/ and the oldest run folders left out. Returns the commit's sha, or undefined when the ref
 * moved (or appeared) meanwhile, for the caller to try again on the new head.
 */
async function commitOnce(
  o: PreviewOptions,
  folder: string,
  runTreeSha: string,
  count: number,
): Promise<string | undefined> {
  const base = repoOf(o);
  const ref = `heads/${o.branch}`;
  const { head, rootTree, runs } = await readHead(o, base, ref);
  const prune = new Set(
    foldersToPrune(
      runs.filter((e) => e.type === 'tree').map((e) => e.path),
      folder,
      o.keep,
    ),
  );
  const kept = runs.filter((e) => !prune.has(e.path) && e.path !== folder);
  const newRoot = await writeRootTree(o, base, kept, folder, runTreeSha, rootTree);
  const pruned = prune.size ? `; pruned ${prune.size} older run folder${prune.size === 1 ? '' : 's'}` : '';
  const { data: commit } = await o.octokit.request('POST /repos/{owner}/{repo}/git/commits', {
    ...base,
    message: `Previews of run ${folder} (${count} image${count === 1 ? '' : 's'})${pruned}`,
    tree: newRoot,
    parents: head ? [head] : [],
  });
  if (!(await moveRef(o, base, ref, head, commit.sha))) return undefined;
  if (prune.size)
    o.log.info(`preview-branch: dropped ${[...prune].join(', ')} from ${o.branch} (keeping ${o.keep} runs)`);
  return commit.sha;
}

/** The branch's head commit, its root tree and the entries of its runs/ folder; all absent for a new branch. */
async function readHead(
  o: PreviewOptions,
  base: Repo,
  ref: string,
): Promise<{ head?: string; rootTree?: string; runs: TreeEntry[] }> {
  let head: string | undefined;
  try {
    const { data } = await o.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...base, ref });
    head = data.object.sha;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  if (!head) return { runs: [] };
  const { data: commit } = await o.octokit.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
    ...base,
    commit_sha: head,
  });
  const rootTree = commit.tree.sha;
  const { data: root } = await o.octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
    ...base,
    tree_sha: rootTree,
  });
  const runsEntry = (root.tree as TreeEntry[]).find((e) => e.path === RUNS_DIR && e.type === 'tree');
  if (!runsEntry?.sha) return { head, rootTree, runs: [] };
  const { data } = await o.octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
    ...base,
    tree_sha: runsEntry.sha,
  });
  return { head, rootTree, runs: data.tree as TreeEntry[] };
}

/** The new root tree's sha: runs/ holding the kept folders and this run's; a new branch gets a README too. */
async function writeRootTree(
  o: PreviewOptions,
  base: Repo,
  kept: TreeEntry[],
  folder: string,
  runTreeSha: string,
  rootTree: string | undefined,
): Promise<string> {
  const { data: runsTree } = await o.octokit.request('POST /repos/{owner}/{repo}/git/trees', {
    ...base,
    tree: [
      ...kept.map((e) => ({ path: e.path, mode: e.mode as '040000', type: e.type as 'tree', sha: e.sha! })),
      { path: folder, mode: '040000' as const, type: 'tree' as const, sha: runTreeSha },
    ],
  });
  // The root keeps whatever else the branch holds (base_tree); a new branch gets a README saying what it is.
  const { data: newRoot } = await o.octokit.request('POST /repos/{owner}/{repo}/git/trees', {
    ...base,
    ...(rootTree ? { base_tree: rootTree } : {}),
    tree: [
      { path: RUNS_DIR, mode: '040000' as const, type: 'tree' as const, sha: runsTree.sha },
      ...(rootTree
        ? []
        : [
            {
              path: 'README.md',
              mode: '100644' as const,
              type: 'blob' as const,
              content:
                '# Preview thumbnails\n\nPushed by atlas-media-action (input `preview-branch`) so pull-request comments can show the pictures a run made. ' +
                'One folder per run under `runs/`; only the newest are kept in this tree. Safe to delete: the next run creates it again.\n',
            },
          ]),
    ],
  });
  return newRoot.sha;
}

/** Move (or create) the branch to `sha`; false when another run moved it first or created it meanwhile. */
async function moveRef(o: PreviewOptions, base: Repo, ref: string, head: string | undefined, sha: string) {
  try {
    if (head)
      await o.octokit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { ...base, ref, sha, force: false });
    else await o.octokit.request('POST /repos/{owner}/{repo}/git/refs', { ...base, ref: `refs/${ref}`, sha });
    return true;
  } catch (err) {
    // 422: not a fast-forward (another run pushed first) or the branch now exists.
    if (statusOf(err) === 422) return false;
    throw err;
  }
}

/**
 * Why this run must not push previews, if it must not: never on a fork's pull request (its token is
 * read-only: a notice, as nothing is wrong), never to the default branch or the pull request's own branches.
 */
export function previewRefusal(
  branch: string,
  payload: Record<string, unknown>,
): { level: 'notice' | 'warning'; message: string } | undefined {
  if (isForkPullRequest(payload))
    return {
      level: 'notice',
      message:
        'preview-branch: a pull request from a fork gets a read-only token, so no thumbnails are pushed; the PR comment has no inline pictures.',
    };
  if (protectedBranches(payload).includes(branch))
    return {
      level: 'warning',
      message: `preview-branch: "${branch}" is the default branch or this pull request's own branch; thumbnails are only pushed to a branch of their own (e.g. atlas-media-previews).`,
    };
  return undefined;
}
