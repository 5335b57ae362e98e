// preview-branch with the real @actions/github client against the REST fake's git data endpoints: one
// commit per run whose tree holds the thumbnails byte for byte, the comment embedding exactly their
// URLs, pruning to the newest run folders, and a 403 that only warns.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOctokit } from '@actions/github';
import {
  foldersToPrune,
  isForkPullRequest,
  previewRefusal,
  pushPreviews,
  previewUrl,
  type PreviewOptions,
} from '../../src/github/preview-branch.js';
import { makeThumbnail } from '../../src/report/thumbnails.js';
import { renderComment } from '../../src/report/comment.js';
import { readSettings, SettingsError } from '../../src/settings.js';
import { memoryLog } from '../../src/shared/log.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { jobResult, manifest } from '../support/manifest-fixture.js';
import { encodePng } from '../support/png.js';
import { startRestFake, type RestFake } from '../support/rest-fake.js';

let rest: RestFake;
let tmp: string;
let m: Manifest;

const out = (p: string, ct: string) => ({ url: null, path: p, bytes: 1, sha256: null, content_type: ct, error: null });

beforeAll(async () => {
  rest = await startRestFake();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'preview-test-'));
  await fs.mkdir(path.join(tmp, 'images'));
  await fs.mkdir(path.join(tmp, 'videos'));
  // Big enough to be re-encoded as a ≤ 512 px JPEG; and one small enough to be pushed as it is.
  await fs.writeFile(
    path.join(tmp, 'images/hero.png'),
    encodePng(700, 400, (x, y) => [x % 256, y % 256, (x + y) % 256, 255]),
  );
  await fs.writeFile(
    path.join(tmp, 'images/icon.png'),
    encodePng(32, 32, () => [200, 40, 90, 255]),
  );
  await fs.writeFile(path.join(tmp, 'videos/clip.mp4'), Buffer.alloc(1000, 1));
  m = manifest([
    jobResult({ name: 'Hero', outputs: [out('images/hero.png', 'image/png')] }),
    jobResult({ name: 'Icon', outputs: [out('images/icon.png', 'image/png')] }),
    jobResult({ name: 'Clip', type: 'video', outputs: [out('videos/clip.mp4', 'video/mp4')] }),
    jobResult({ name: 'Broken', status: 'failed', outputs: [] }),
  ]);
});

afterAll(async () => {
  await rest?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

function opts(over: Partial<PreviewOptions>): PreviewOptions {
  return {
    octokit: getOctokit('ghs_faketoken', { baseUrl: rest.url }),
    serverUrl: 'https://github.com',
    repository: 'acme/shop',
    branch: 'atlas-media-previews',
    runId: '100',
    runAttempt: 1,
    keep: 20,
    manifest: m,
    outputDir: tmp,
    log: memoryLog(),
    ...over,
  };
}

const folders = (files: Map<string, Buffer>) =>
  [...new Set([...files.keys()].filter((f) => f.startsWith('runs/')).map((f) => f.split('/')[1]))].sort();

describe('pushPreviews', () => {
  it('pushes one orphan commit holding the run thumbnails, and the comment embeds exactly their URLs', async () => {
    const before = rest.requests.length;
    const p = await pushPreviews(opts({}));
    const head = rest.branchHead('acme', 'shop', 'atlas-media-previews')!;
    expect(head.parents).toEqual([]);
    expect(p.commitSha).toBe(head.sha);
    const mine = rest.requests.slice(before);
    expect(mine.filter((r) => r.method === 'POST' && r.path.endsWith('/git/commits'))).toHaveLength(1);
    expect(mine.filter((r) => r.path.includes('/git/refs'))).toHaveLength(1);

    const files = rest.treeFiles('acme', 'shop', head.tree);
    expect([...files.keys()].sort()).toEqual(['README.md', 'runs/100-1/images_hero.jpg', 'runs/100-1/images_icon.png']);
    // The bytes are the thumbnails the run made: a 512 px JPEG of the big one, the small one as it is.
    for (const [rel, name] of [
      ['images/hero.png', 'runs/100-1/images_hero.jpg'],
      ['images/icon.png', 'runs/100-1/images_icon.png'],
    ] as const) {
      const t = await makeThumbnail(path.join(tmp, rel));
      if (!t.ok) throw new Error(t.reason);
      expect(files.get(name)!.equals(Buffer.from(t.thumb.src.split(',')[1]!, 'base64')), name).toBe(true);
    }
    expect(files.get('runs/100-1/images_hero.jpg')!.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));

    const want = new Map([
      ['images/hero.png', previewUrl('https://github.com', 'acme/shop', head.sha, 'runs/100-1/images_hero.jpg')],
      ['images/icon.png', previewUrl('https://github.com', 'acme/shop', head.sha, 'runs/100-1/images_icon.png')],
    ]);
    expect(p.urls).toEqual(want);
    expect(want.get('images/hero.png')).toBe(
      `https://github.com/acme/shop/blob/${head.sha}/runs/100-1/images_hero.jpg?raw=true`,
    );
    const body = renderComment(m, { tag: 'atlas-media', imageUrls: p.urls });
    const srcs = [...body.matchAll(/<img src="([^"]+)"/g)].map((x) => x[1]!.replace(/&amp;/g, '&'));
    expect(srcs).toEqual([...want.values()]);
    // Without previews, the fixture's outputs have no public URL: no picture at all.
    expect(renderComment(m, { tag: 'atlas-media' })).not.toContain('<img');
  });

  it('a later run adds its folder on top of the head, and with a low keep-limit drops the oldest', async () => {
    const first = rest.branchHead('acme', 'shop', 'atlas-media-previews')!;
    await pushPreviews(opts({ runId: '101' }));
    const second = rest.branchHead('acme', 'shop', 'atlas-media-previews')!;
    expect(second.parents).toEqual([first.sha]);
    expect(folders(rest.treeFiles('acme', 'shop', second.tree))).toEqual(['100-1', '101-1']);

    const log = memoryLog();
    const p = await pushPreviews(opts({ runId: '101', runAttempt: 2, keep: 2, log }));
    const third = rest.branchHead('acme', 'shop', 'atlas-media-previews')!;
    expect(third.parents).toEqual([second.sha]);
    const files = rest.treeFiles('acme', 'shop', third.tree);
    expect(folders(files)).toEqual(['101-1', '101-2']);
    expect(files.has('README.md')).toBe(true);
    expect(third.message).toMatch(/pruned 1 older run folder/);
    expect(log.lines.join('\n')).toContain('dropped 100-1');
    // The pruned run's pictures stay reachable: its URLs name its commit, which is in the branch's history.
    expect([...p.urls.values()].every((u) => u.includes(`/blob/${third.sha}/runs/101-2/`))).toBe(true);
  });

  it('starts over on the new head when another run moved the branch first', async () => {
    // A concurrent run's commit: the head moves after this run read it, so its fast-forward is refused once.
    const head = rest.branchHead('acme', 'shop', 'atlas-media-previews')!;
    const octokit = getOctokit('ghs_faketoken', { baseUrl: rest.url });
    let moved = false;
    octokit.hook.before('request', async (o) => {
      if (!moved && o.method === 'POST' && o.url.endsWith('/git/commits')) {
        moved = true;
        const { data } = await getOctokit('t', { baseUrl: rest.url }).request(
          'POST /repos/{owner}/{repo}/git/commits',
          { owner: 'acme', repo: 'shop', message: 'other run', tree: head.tree, parents: [head.sha] },
        );
        rest.setBranch('acme', 'shop', 'atlas-media-previews', data.sha);
      }
    });
    const p = await pushPreviews(opts({ octokit, runId: '102' }));
    const now = rest.branchHead('acme', 'shop', 'atlas-media-previews')!;
    expect(moved).toBe(true);
    expect(p.commitSha).toBe(now.sha);
    const parent = now.parents[0]!;
    expect(parent).not.toBe(head.sha); // on top of the other run's commit, which is kept
    expect(folders(rest.treeFiles('acme', 'shop', now.tree))).toEqual(['101-1', '101-2', '102-1']);
  });

  it('on a 403 warns that it needs contents: write and returns no URLs', async () => {
    const head = rest.branchHead('acme', 'shop', 'atlas-media-previews')!;
    rest.forbidGit(true);
    try {
      const log = memoryLog();
      const p = await pushPreviews(opts({ runId: '103', log }));
      expect(p.urls.size).toBe(0);
      expect(log.lines.join('\n')).toMatch(
        /^warning: preview-branch needs contents: write \(403: Resource not accessible/m,
      );
      expect(rest.branchHead('acme', 'shop', 'atlas-media-previews')!.sha).toBe(head.sha);
    } finally {
      rest.forbidGit(false);
    }
  });
});

describe('when previews are pushed', () => {
  it('never for a fork pull request (read-only token), nor to the default branch or the PR branches', () => {
    const pr = (head: unknown) => ({
      pull_request: {
        number: 3,
        head: { ref: 'feat', repo: head },
        base: { ref: 'main', repo: { full_name: 'acme/shop' } },
      },
      repository: { default_branch: 'main' },
    });
    expect(isForkPullRequest(pr({ full_name: 'mallory/shop', fork: true }))).toBe(true);
    expect(isForkPullRequest(pr({ full_name: 'mallory/shop' }))).toBe(true);
    expect(isForkPullRequest(pr(null))).toBe(true);
    expect(isForkPullRequest(pr({ full_name: 'acme/shop', fork: false }))).toBe(false);
    expect(isForkPullRequest({})).toBe(false);
    expect(previewRefusal('atlas-media-previews', pr({ full_name: 'mallory/shop', fork: true }))?.level).toBe('notice');
    expect(previewRefusal('main', pr({ full_name: 'acme/shop' }))?.level).toBe('warning');
    expect(previewRefusal('feat', pr({ full_name: 'acme/shop' }))?.level).toBe('warning');
    expect(previewRefusal('atlas-media-previews', pr({ full_name: 'acme/shop' }))).toBeUndefined();
  });

  it('keeps the newest folders by run id, then attempt, and leaves folders not named like ours', () => {
    expect(foldersToPrune(['9-1', '10-1', '10-2', 'notes', '8-3'], '11-1', 3)).toEqual(['8-3', '9-1']);
    expect(foldersToPrune(['1-1'], '2-1', 1)).toEqual(['1-1']);
    expect(foldersToPrune(['1-1', '2-1'], '2-1', 2)).toEqual([]);
  });

  it('reads preview-branch (off by default) and preview-keep, naming the input when wrong', () => {
    const read = (i: Record<string, string>) => readSettings((n) => i[n], { ATLASCLOUD_API_KEY: 'k' });
    expect(read({}).previewBranch).toBe('');
    expect(read({}).previewKeep).toBe(20);
    expect(read({ 'preview-branch': 'atlas/previews', 'preview-keep': '3' })).toMatchObject({
      previewBranch: 'atlas/previews',
      previewKeep: 3,
    });
    for (const bad of ['a..b', '-x', 'x/', 'has space', 'refs/heads/x', 'x.lock'])
      expect(() => read({ 'preview-branch': bad }), bad).toThrow(/input preview-branch/);
    expect(() => read({ 'preview-keep': '0' })).toThrow(SettingsError);
  });
});
