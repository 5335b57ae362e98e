// preview-branch through the bundled action (node dist/index.js), against the Atlas emulator and the REST
// fake's git data endpoints with the real @actions/github client: the thumbnails pushed in one commit per
// run, the sticky comment embedding exactly their URLs, pruning with a low preview-keep, a token without
// contents: write (a warning and a normal comment, exit 0), and a fork PR (a notice, nothing pushed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { startRestFake, type RestFake } from '../support/rest-fake.js';
import { runAction } from '../support/action-env.js';
import { tempDir } from '../support/run-cli.js';
import { makeThumbnail } from '../../src/report/thumbnails.js';

let emu: Emulator;
let rest: RestFake;
let work: string;

beforeAll(async () => {
  emu = await startEmulator({ timeScale: 1000, apiKey: 'sk-e2e-secret-key' });
  rest = await startRestFake();
  work = await tempDir();
  await writeFile(
    join(work, 'jobs.yml'),
    [
      'jobs:',
      '  - name: hero',
      '    model: black-forest-labs/flux-2-pro/text-to-image',
      '    prompt: a matte black headphone on marble',
      '  - name: banner',
      '    model: black-forest-labs/flux-2-pro/text-to-image',
      '    prompt: a coffee shop in warm light',
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([emu?.close(), rest?.close()]);
  if (work) await rm(work, { recursive: true, force: true });
});

const BRANCH = 'atlas-media-previews';
const inputs = {
  config: 'jobs.yml',
  'api-key': 'sk-e2e-secret-key',
  'output-dir': 'out',
  'poll-interval': '0.001',
  'max-poll-interval': '0.02',
  'github-token': 'ghs_faketoken',
  'artifact-name': '',
  'preview-branch': BRANCH,
};
const pr = (head: { full_name: string; fork: boolean }) => ({
  name: 'pull_request',
  payload: {
    number: 7,
    pull_request: {
      number: 7,
      head: { ref: 'feat', repo: head },
      base: { ref: 'main', repo: { full_name: 'acme/shop' } },
    },
    repository: { full_name: 'acme/shop', default_branch: 'main' },
  },
});
const SAME_REPO = pr({ full_name: 'acme/shop', fork: false });

function imgSrcs(body: string): string[] {
  return [...body.matchAll(/<img src="([^"]+)"/g)].map((x) => x[1]!.replace(/&amp;/g, '&'));
}

describe('preview-branch, in the bundled action', () => {
  it('pushes the thumbnails, embeds them, prunes, and only warns without contents: write', async () => {
    const env = { GITHUB_API_URL: rest.url, GITHUB_SERVER_URL: 'https://github.com' };
    const first = await runAction({ inputs: { ...inputs, 'base-url': emu.url }, env, event: SAME_REPO, cwd: work });
    expect(first.code, first.stdout + first.stderr).toBe(0);

    const head = rest.branchHead('acme', 'shop', BRANCH)!;
    expect(head.parents).toEqual([]);
    const files = rest.treeFiles('acme', 'shop', head.tree);
    const pushed = [...files.keys()].filter((f) => f.startsWith('runs/')).sort();
    expect(pushed).toHaveLength(2);
    expect(pushed.every((f) => f.startsWith('runs/4242-1/'))).toBe(true);
    // Each blob is the thumbnail of a file the run wrote, byte for byte.
    for (const job of ['hero', 'banner']) {
      const name = pushed.find((f) => f.includes(job))!;
      const local = join(work, 'out', 'images', `${job}.png`);
      const t = await makeThumbnail(local);
      if (!t.ok) throw new Error(t.reason);
      expect(files.get(name)!.equals(Buffer.from(t.thumb.src.split(',')[1]!, 'base64')), name).toBe(true);
    }
    // The comment embeds exactly those files, pinned to the commit.
    const comment = () => rest.comments('acme', 'shop', 7)[0]!.body;
    expect(rest.comments('acme', 'shop', 7)).toHaveLength(1);
    expect(imgSrcs(comment()).sort()).toEqual(
      pushed.map((f) => `https://github.com/acme/shop/blob/${head.sha}/${f}?raw=true`).sort(),
    );

    // A re-run attempt with preview-keep 1: its folder replaces the first one, on top of the first commit.
    const second = await runAction({
      inputs: { ...inputs, 'base-url': emu.url, 'preview-keep': '1' },
      env: { ...env, GITHUB_RUN_ATTEMPT: '2' },
      event: SAME_REPO,
      cwd: work,
    });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const head2 = rest.branchHead('acme', 'shop', BRANCH)!;
    expect(head2.parents).toEqual([head.sha]);
    const files2 = [...rest.treeFiles('acme', 'shop', head2.tree).keys()].filter((f) => f.startsWith('runs/'));
    expect(files2.sort()).toEqual(pushed.map((f) => f.replace('runs/4242-1/', 'runs/4242-2/')).sort());
    expect(imgSrcs(comment()).sort()).toEqual(
      files2.map((f) => `https://github.com/acme/shop/blob/${head2.sha}/${f}?raw=true`).sort(),
    );

    // No contents: write: a warning, the comment still posted (without pictures), exit 0, nothing pushed.
    rest.forbidGit(true);
    try {
      const third = await runAction({
        inputs: { ...inputs, 'base-url': emu.url },
        env: { ...env, GITHUB_RUN_ATTEMPT: '3' },
        event: SAME_REPO,
        cwd: work,
      });
      expect(third.code, third.stdout + third.stderr).toBe(0);
      expect(third.stdout).toMatch(/^::warning::preview-branch needs contents: write/m);
      expect(rest.branchHead('acme', 'shop', BRANCH)!.sha).toBe(head2.sha);
      expect(rest.comments('acme', 'shop', 7)).toHaveLength(1);
      expect(comment()).toContain('hero');
      expect(imgSrcs(comment())).toEqual([]);
    } finally {
      rest.forbidGit(false);
    }
  });

  it('on a fork pull request pushes nothing and says so in a notice', async () => {
    const before = rest.requests.filter((r) => r.path.includes('/git/')).length;
    const run = await runAction({
      inputs: { ...inputs, 'base-url': emu.url },
      env: { GITHUB_API_URL: rest.url, GITHUB_RUN_ID: '5000' },
      event: pr({ full_name: 'mallory/shop', fork: true }),
      cwd: work,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^::notice title=Atlas media::preview-branch: a pull request from a fork/m);
    expect(rest.requests.filter((r) => r.path.includes('/git/')).length).toBe(before);
  });
});
