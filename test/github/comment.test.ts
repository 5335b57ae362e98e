import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getOctokit } from '@actions/github';
import { startRestFake, BOT, HUMAN, type RestFake } from '../support/rest-fake.js';
import type { Log } from '../../src/shared/log.js';
import { pullRequestNumber, shouldComment, upsertStickyComment } from '../../src/github/comment.js';
import { commentMarker, renderComment } from '../../src/report/comment.js';
import { manifest } from '../support/manifest-fixture.js';

function recorder(): Log & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return {
    warnings,
    infos,
    debug: () => {},
    info: (m) => infos.push(m),
    warning: (m) => warnings.push(m),
    error: (m) => warnings.push(`error: ${m}`),
    group: (_t, fn) => fn(),
  };
}

/** A request that lists the comments (not GET /user). */
const listing = (r: { method: string; path: string }) => r.method === 'GET' && r.path.includes('/comments');

const OWNER = 'acme';
const REPO = 'site';
const PR = 7;

describe('upsertStickyComment against a local GitHub', () => {
  let fake: RestFake;
  let octokit: ReturnType<typeof getOctokit>;

  beforeEach(async () => {
    fake = await startRestFake();
    octokit = getOctokit('test-token', { baseUrl: fake.url });
  });
  afterEach(async () => {
    await fake.close();
  });

  const upsert = (tag: string, body: string, log = recorder()) =>
    upsertStickyComment({ octokit, owner: OWNER, repo: REPO, issueNumber: PR, tag, body, log });

  it('creates the comment on the first run and updates the same one on the second', async () => {
    const first = renderComment(manifest(), { tag: 'media' });
    const log = recorder();
    const a = await upsert('media', first, log);
    expect(a?.action).toBe('created');
    expect(fake.comments(OWNER, REPO, PR)).toHaveLength(1);
    expect(fake.comments(OWNER, REPO, PR)[0]!.body).toBe(first);

    const m2 = manifest();
    m2.results[2]!.name = 'Banner Fixed';
    const second = renderComment(m2, { tag: 'media' });
    expect(second).not.toBe(first);
    const b = await upsert('media', second, log);
    expect(b).toEqual({ id: a!.id, action: 'updated' });
    const stored = fake.comments(OWNER, REPO, PR);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id).toBe(a!.id);
    expect(stored[0]!.body).toBe(second);
    expect(log.warnings).toEqual([]);

    const methods = fake.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`);
    expect(methods).toEqual([
      `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments`,
      `POST /repos/${OWNER}/${REPO}/issues/${PR}/comments`,
      `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments`,
      // A comment carries the marker: whose is it? GITHUB_TOKEN cannot read /user (403): the bot's.
      `GET /user`,
      `PATCH /repos/${OWNER}/${REPO}/issues/comments/${a!.id}`,
    ]);
    for (const r of fake.requests) expect(r.auth).toBe('token test-token');
  });

  it("updates a GitHub App token's own comment, which GET /user cannot name", async () => {
    const app = { login: 'acme-media[bot]', id: 900001, type: 'Bot' as const };
    fake.appToken('app-token', app);
    const asApp = getOctokit('app-token', { baseUrl: fake.url });
    const viaApp = (body: string) =>
      upsertStickyComment({
        octokit: asApp,
        owner: OWNER,
        repo: REPO,
        issueNumber: PR,
        tag: 'media',
        body,
        log: recorder(),
      });
    const a = await viaApp(`${commentMarker('media')}\nfirst`);
    expect(a?.action).toBe('created');
    const b = await viaApp(`${commentMarker('media')}\nsecond`);
    expect(b).toEqual({ id: a!.id, action: 'updated' });
    const stored = fake.comments(OWNER, REPO, PR);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.user.login).toBe('acme-media[bot]');
    expect(stored[0]!.body).toBe(`${commentMarker('media')}\nsecond`);
  });

  it("never edits a person's comment that starts with the marker, whatever the token", async () => {
    const [theirs] = fake.seed(OWNER, REPO, PR, [{ body: `${commentMarker('media')}\nquoted`, user: HUMAN }]);
    fake.appToken('app-token', { login: 'acme-media[bot]', id: 900001, type: 'Bot' });
    const asApp = getOctokit('app-token', { baseUrl: fake.url });
    const a = await upsertStickyComment({
      octokit: asApp,
      owner: OWNER,
      repo: REPO,
      issueNumber: PR,
      tag: 'media',
      body: `${commentMarker('media')}\nours`,
      log: recorder(),
    });
    expect(a?.action).toBe('created');
    expect(fake.comments(OWNER, REPO, PR).find((c) => c.id === theirs!.id)!.body).toContain('quoted');
    expect(fake.comments(OWNER, REPO, PR)).toHaveLength(2);
  });

  it('finds our comment beyond the first page when 150 other comments come first', async () => {
    fake.seed(OWNER, REPO, PR, 150);
    const [ours] = fake.seed(OWNER, REPO, PR, [{ body: `${commentMarker('media')}\nold results`, user: BOT }]);
    fake.seed(OWNER, REPO, PR, 20);
    const a = await upsert('media', `${commentMarker('media')}\nnew results`);
    expect(a).toEqual({ id: ours!.id, action: 'updated' });
    expect(fake.comments(OWNER, REPO, PR)).toHaveLength(171);
    expect(fake.comments(OWNER, REPO, PR).find((c) => c.id === ours!.id)!.body).toContain('new results');
    const gets = fake.requests.filter(listing).map((r) => new URL(r.path, fake.url).searchParams);
    expect(gets).toHaveLength(2);
    expect(gets.map((q) => q.get('per_page'))).toEqual(['100', '100']);
    expect(gets[1]!.get('page')).toBe('2');
    expect(fake.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('stops paging once it has found the comment', async () => {
    const [ours] = fake.seed(OWNER, REPO, PR, [{ body: `${commentMarker('media')}\nold`, user: BOT }]);
    fake.seed(OWNER, REPO, PR, 350);
    const a = await upsert('media', `${commentMarker('media')}\nnew`);
    expect(a).toEqual({ id: ours!.id, action: 'updated' });
    expect(fake.requests.filter(listing)).toHaveLength(1);
  });

  it('walks every page and creates the comment when it is not there', async () => {
    fake.seed(OWNER, REPO, PR, 250);
    const a = await upsert('media', `${commentMarker('media')}\nfirst`);
    expect(a?.action).toBe('created');
    const pages = fake.requests
      .filter((r) => r.method === 'GET')
      .map((r) => new URL(r.path, fake.url).searchParams.get('page'));
    expect(pages).toEqual([null, '2', '3']);
    expect(fake.comments(OWNER, REPO, PR)).toHaveLength(251);
  });

  it('turns a 403 from a read-only token into a warning', async () => {
    fake.forbid(true);
    const log = recorder();
    const a = await upsert('media', `${commentMarker('media')}\nbody`, log);
    expect(a).toBeUndefined();
    expect(fake.comments(OWNER, REPO, PR)).toHaveLength(0);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain('403');
    expect(log.warnings[0]).toContain('Resource not accessible by integration');
    expect(log.warnings[0]).toContain('pull-requests: write');
  });

  it('turns a 403 on update into a warning too', async () => {
    fake.seed(OWNER, REPO, PR, [{ body: `${commentMarker('media')}\nold`, user: BOT }]);
    fake.forbid(true);
    const log = recorder();
    await expect(upsert('media', `${commentMarker('media')}\nnew`, log)).resolves.toBeUndefined();
    expect(log.warnings[0]).toContain('pull-requests: write');
    expect(fake.comments(OWNER, REPO, PR)[0]!.body).toContain('old');
  });

  it('creates a second comment for another tag, and leaves the first alone', async () => {
    await upsert('images', `${commentMarker('images')}\nimages`);
    await upsert('videos', `${commentMarker('videos')}\nvideos`);
    await upsert('images', `${commentMarker('images')}\nimages again`);
    const stored = fake.comments(OWNER, REPO, PR);
    expect(stored.map((c) => c.body)).toEqual([
      `${commentMarker('images')}\nimages again`,
      `${commentMarker('videos')}\nvideos`,
    ]);
  });

  it('adds the marker when the body lacks it', async () => {
    await upsert('media', 'no marker here');
    expect(fake.comments(OWNER, REPO, PR)[0]!.body).toBe(`${commentMarker('media')}\nno marker here`);
  });

  it('cuts a body over 65,536 characters instead of letting GitHub refuse it', async () => {
    const log = recorder();
    const a = await upsert('media', `${commentMarker('media')}\n${'x'.repeat(70_000)}`, log);
    expect(a?.action).toBe('created');
    expect(fake.comments(OWNER, REPO, PR)[0]!.body.length).toBeLessThanOrEqual(65_536);
    expect(log.warnings[0]).toContain('65536');
  });

  it('never throws when the server is gone', async () => {
    await fake.close();
    const log = recorder();
    await expect(upsert('media', `${commentMarker('media')}\nbody`, log)).resolves.toBeUndefined();
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(/Could not write the PR comment/);
    fake = await startRestFake(); // for afterEach
  });
});

describe('pullRequestNumber', () => {
  it('reads pull_request and pull_request_target payloads', () => {
    expect(pullRequestNumber({ eventName: 'pull_request', payload: { pull_request: { number: 12 } } })).toBe(12);
    expect(pullRequestNumber({ eventName: 'pull_request_target', payload: { pull_request: { number: 13 } } })).toBe(13);
  });

  it('reads issue_comment only on a pull request', () => {
    expect(
      pullRequestNumber({ eventName: 'issue_comment', payload: { issue: { number: 5, pull_request: { url: 'x' } } } }),
    ).toBe(5);
    expect(pullRequestNumber({ eventName: 'issue_comment', payload: { issue: { number: 5 } } })).toBeUndefined();
  });

  it('is undefined elsewhere', () => {
    expect(pullRequestNumber({ eventName: 'push', payload: {} })).toBeUndefined();
    expect(pullRequestNumber({ eventName: 'workflow_dispatch', payload: { inputs: {} } })).toBeUndefined();
    expect(pullRequestNumber({ eventName: 'pull_request', payload: {} })).toBeUndefined();
  });
});

describe('shouldComment', () => {
  it('auto comments on pull_request and pull_request_target only', () => {
    expect(shouldComment('auto', 'pull_request', 1)).toBe(true);
    expect(shouldComment('auto', 'pull_request_target', 1)).toBe(true);
    expect(shouldComment('auto', 'issue_comment', 1)).toBe(false);
    expect(shouldComment('auto', 'push', undefined)).toBe(false);
    expect(shouldComment('auto', 'pull_request', undefined)).toBe(false);
  });

  it('always and never', () => {
    expect(shouldComment('always', 'issue_comment', 3)).toBe(true);
    // The caller warns that there is no pull request to comment on.
    expect(shouldComment('always', 'push', undefined)).toBe(true);
    expect(shouldComment('never', 'pull_request', 1)).toBe(false);
  });
});
