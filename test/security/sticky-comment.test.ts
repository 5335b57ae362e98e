// The sticky comment is ours only if the token wrote it: another user quoting the marker is never
// edited, with GITHUB_TOKEN (GET /user answers 403: github-actions[bot]) or a personal access token
// (GET /user names the user). The real @actions/github client against the local REST fake.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getOctokit } from '@actions/github';
import { startRestFake, BOT, HUMAN, type FakeUser, type RestFake } from '../support/rest-fake.js';
import { memoryLog } from '../../src/shared/log.js';
import { upsertStickyComment } from '../../src/github/comment.js';
import { commentMarker } from '../../src/report/comment.js';

const MAINTAINER: FakeUser = { login: 'release-bot-user', id: 777, type: 'User' };
let fake: RestFake;
beforeEach(async () => {
  fake = await startRestFake();
});
afterEach(async () => {
  await fake.close();
});

const upsert = (token: string, body: string) =>
  upsertStickyComment({
    octokit: getOctokit(token, { baseUrl: fake.url }),
    owner: 'acme',
    repo: 'shop',
    issueNumber: 7,
    tag: 'atlas-media',
    body,
    log: memoryLog(),
  });

describe('the sticky comment is matched by its author', () => {
  it('GITHUB_TOKEN: a user quoting the marker is left alone; our bot comment is updated', async () => {
    const marker = commentMarker('atlas-media');
    const [quote] = fake.seed('acme', 'shop', 7, [{ body: `> ${marker}\n> why is this so expensive?`, user: HUMAN }]);
    const first = await upsert('ghs_installation', `${marker}\nrun 1`);
    expect(first?.action).toBe('created');
    const second = await upsert('ghs_installation', `${marker}\nrun 2`);
    expect(second).toEqual({ id: first!.id, action: 'updated' });
    const all = fake.comments('acme', 'shop', 7);
    expect(all.find((c) => c.id === quote!.id)!.body).toBe(quote!.body);
    expect(all.find((c) => c.id === first!.id)).toMatchObject({ body: `${marker}\nrun 2`, user: BOT });
    expect(fake.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([
      `/repos/acme/shop/issues/comments/${first!.id}`,
    ]);
  });

  it("a personal access token: its own user's comment is updated, the bot's and a human's quoting the marker are not", async () => {
    fake.personalToken('ghp_personal', MAINTAINER);
    const marker = commentMarker('atlas-media');
    const [human, bot] = fake.seed('acme', 'shop', 7, [
      { body: `${marker}\nquoted by a human`, user: HUMAN },
      { body: `${marker}\nfrom another workflow's GITHUB_TOKEN`, user: BOT },
    ]);
    const first = await upsert('ghp_personal', `${marker}\nrun 1`);
    expect(first?.action).toBe('created');
    const second = await upsert('ghp_personal', `${marker}\nrun 2`);
    expect(second).toEqual({ id: first!.id, action: 'updated' });
    const all = fake.comments('acme', 'shop', 7);
    expect(all.find((c) => c.id === human!.id)!.body).toBe(human!.body);
    expect(all.find((c) => c.id === bot!.id)!.body).toBe(bot!.body);
    expect(all.find((c) => c.id === first!.id)).toMatchObject({ body: `${marker}\nrun 2`, user: MAINTAINER });
  });
});
