// A pull request reviewed with the bundled action, as on fresh runners: node dist/index.js against
// the Atlas emulator, the real @actions/cache client against the cache-service fake + Azurite
// (carrying the base branch's run to the PR), and the real @actions/github client against the REST
// fake (the sticky comment). Every run gets a fresh workspace: anything earlier came through the cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startCacheService, type CacheService } from '../support/cache-service.js';
import { startRestFake, type RestFake } from '../support/rest-fake.js';
import { runAction, type ActionRun } from '../support/action-env.js';
import { tempDir } from '../support/run-cli.js';
import type { Manifest } from '../../src/manifest/schema.js';

const KEY = 'sk-e2e-review-key';
const MODEL = 'black-forest-labs/flux-2-pro/text-to-image';
let emu: Emulator;
let azurite: Azurite;
let svc: CacheService;
let rest: RestFake;
const dirs: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ timeScale: 1000, apiKey: KEY });
  azurite = await startAzurite();
  svc = await startCacheService(azurite);
  rest = await startRestFake();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([emu?.close(), svc?.close(), rest?.close()]);
  await azurite?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function jobFile(jobs: Array<[string, string]>): string {
  return [
    'jobs:',
    ...jobs.flatMap(([name, prompt]) => [`  - name: ${name}`, `    model: ${MODEL}`, `    prompt: ${prompt}`]),
    '',
  ].join('\n');
}

const BASE: Array<[string, string]> = [
  ['hero', 'a bottle on marble, soft light'],
  ['banner', 'a shelf of bottles, wide'],
  ['old-crate', 'a wooden crate, studio'],
];
// The PR: hero's prompt edited, banner untouched, old-crate removed, fresh added.
const PR: Array<[string, string]> = [
  ['hero', 'a bottle on black marble, hard light'],
  ['banner', 'a shelf of bottles, wide'],
  ['fresh', 'a gift box with a ribbon'],
];

async function run(
  jobs: Array<[string, string]>,
  runId: string,
  extra: {
    inputs?: Record<string, string>;
    event?: { name: string; payload: Record<string, unknown> };
    env?: Record<string, string | undefined>;
  } = {},
): Promise<{ run: ActionRun; w: string }> {
  const w = await tempDir('atlas-review-ws-');
  dirs.push(w);
  await writeFile(join(w, 'jobs.yml'), jobFile(jobs));
  const r = await runAction({
    inputs: {
      config: 'jobs.yml',
      'api-key': KEY,
      'base-url': emu.url,
      'output-dir': 'out',
      'poll-interval': '0.001',
      'max-poll-interval': '0.02',
      // ACTIONS_RESULTS_URL points at the cache fake only: no artifact upload here.
      'artifact-name': '',
      'github-token': 'ghs_faketoken',
      ...extra.inputs,
    },
    cwd: w,
    event: extra.event,
    env: {
      ...svc.env(),
      GITHUB_API_URL: rest.url,
      GITHUB_RUN_ID: runId,
      GITHUB_RUN_ATTEMPT: '1',
      ATLASCLOUD_API_KEY: undefined,
      ATLAS_CLOUD_API_KEY: undefined,
      ...extra.env,
    },
  });
  return { run: r, w };
}

const prEvent = (n: number) => ({ name: 'pull_request', payload: { number: n, pull_request: { number: n } } });
const manifestOf = async (w: string) => JSON.parse(await readFile(join(w, 'out', 'manifest.json'), 'utf8')) as Manifest;

describe('reviewing a pull request', () => {
  it('pays only for the new and changed jobs, and the comment marks changed / new / removed', async () => {
    svc.clear();
    // The base branch's run (a push): three jobs paid, saved to the cache.
    const base = await run(BASE, '7001');
    expect(base.run.code, base.run.stdout + base.run.stderr).toBe(0);
    const baseM = await manifestOf(base.w);
    expect(baseM.results.map((r) => r.change)).toEqual([undefined, undefined, undefined]);
    const heroBefore = sha(await readFile(join(base.w, 'out', baseM.results[0]!.local_path!)));
    const before = emu.stats();

    // The PR's run on a fresh runner: the cache restore brings back the base run.
    const pr = await run(PR, '7002', { event: prEvent(12) });
    expect(pr.run.code, pr.run.stdout + pr.run.stderr).toBe(0);
    const after = emu.stats();
    expect(after.predictionsCreated - before.predictionsCreated).toBe(2);
    expect(after.submitsReceived - before.submitsReceived).toBe(2);
    expect(after.createdByPrompt[PR[0]![1]]).toBe(1);
    expect(after.createdByPrompt[PR[2]![1]]).toBe(1);

    const m = await manifestOf(pr.w);
    expect(m.results.map((r) => [r.name, r.change, r.status])).toEqual([
      ['hero', 'changed', 'success'],
      ['banner', 'unchanged', 'cached'],
      ['fresh', 'new', 'success'],
    ]);
    expect(m.results[0]!.changed_fields).toEqual(['prompt']);
    expect(m.removed?.map((r) => r.name)).toEqual(['old-crate']);
    expect(m.compared_with).toEqual({ generated_at: baseM.generated_at, review: 'pr-12' });
    // The base run's hero is kept beside the new one, for the gallery's before/after.
    const prev = m.results[0]!.previous_paths!;
    expect(prev).toHaveLength(1);
    expect(sha(await readFile(join(pr.w, 'out', prev[0]!)))).toBe(heroBefore);
    expect(sha(await readFile(join(pr.w, 'out', m.results[0]!.local_path!)))).not.toBe(heroBefore);
    const gallery = await readFile(join(pr.w, 'out', 'index.html'), 'utf8');
    expect(gallery).toContain('>Changed (1)<');
    expect(gallery).toContain(`src="${prev[0]}"`);

    // changed-files: the files of hero and fresh, relative to the workspace.
    expect(pr.run.outputs['changed-files']!.split('\n')).toEqual([
      `out/${m.results[0]!.local_path}`,
      `out/${m.results[2]!.local_path}`,
    ]);

    // The sticky comment leads with what changed.
    const comments = rest.comments('acme', 'shop', 12);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body).toContain('What changed: 1 new, 1 changed, 1 removed, 1 unchanged');
    expect(body).toMatch(/✏️ \*\*changed\*\* \*\*hero\*\* <sub>\(prompt\)<\/sub>/);
    expect(body).toMatch(/🆕 \*\*new\*\* \*\*fresh\*\*/);
    expect(body).toContain('🗑️ **removed** (1): **old-crate**');
    expect(body).toMatch(/♻️ 1 unchanged job: 1 reused for free \(saved \$0\.0\d+\)/);
    expect(body.indexOf('What changed')).toBeLessThan(body.indexOf('| Model |'));
    expect(pr.run.summary).toContain('What changed: 1 new, 1 changed, 1 removed, 1 unchanged');

    // A second push to the PR (fresh's prompt edited again) still compares with the base run.
    const before2 = emu.stats().predictionsCreated;
    const push2: Array<[string, string]> = [PR[0]!, PR[1]!, ['fresh', 'two gift boxes']];
    const pr2 = await run(push2, '7003', { event: prEvent(12) });
    expect(pr2.run.code, pr2.run.stdout + pr2.run.stderr).toBe(0);
    expect(emu.stats().predictionsCreated - before2).toBe(1);
    const m2 = await manifestOf(pr2.w);
    expect(m2.results.map((r) => [r.name, r.change])).toEqual([
      ['hero', 'changed'],
      ['banner', 'unchanged'],
      ['fresh', 'new'],
    ]);
    expect(m2.removed?.map((r) => r.name)).toEqual(['old-crate']);
    expect(rest.comments('acme', 'shop', 12)).toHaveLength(1);
    expect(rest.comments('acme', 'shop', 12)[0]!.body).toContain(
      'What changed: 1 new, 1 changed, 1 removed, 1 unchanged',
    );
  });

  it('a fork PR without a key makes a dry run: exit 0, nothing paid, the estimate and what changed in the summary, a notice', async () => {
    svc.clear();
    const base = await run(BASE, '7101');
    expect(base.run.code, base.run.stdout + base.run.stderr).toBe(0);
    const before = emu.stats();
    // A fork's token is read-only: the comment is refused with 403, which is only a warning.
    rest.forbid(true);
    let fork: Awaited<ReturnType<typeof run>>;
    try {
      fork = await run(PR, '7102', { inputs: { 'api-key': '' }, event: prEvent(13) });
    } finally {
      rest.forbid(false);
    }
    expect(fork.run.code, fork.run.stdout + fork.run.stderr).toBe(0);
    expect(emu.stats().submitsReceived).toBe(before.submitsReceived);
    expect(emu.stats().predictionsCreated).toBe(before.predictionsCreated);
    expect(fork.run.stdout).toMatch(/^::notice::Nothing was generated: no API key/m);
    expect(fork.run.stdout).toMatch(/^::warning::Could not write the PR comment on acme\/shop#13 \(403/m);
    const s = fork.run.summary;
    expect(s).toMatch(/dry run, 3 jobs, estimated \$0\.\d+/);
    expect(s).toContain('Nothing was generated: no API key');
    expect(s).toContain('What changed: 1 new, 1 changed, 1 removed, 1 unchanged');
    expect(s).toContain('🗑️ **removed** (1): **old-crate**');
    expect(s).toContain('hero');
    expect(Number(fork.run.outputs['total-cost'])).toBeGreaterThan(0);
    expect(rest.comments('acme', 'shop', 13)).toHaveLength(0);

    // The same with a token that may comment (a dry run of a PR from the repository): the plan is the comment.
    const dry = await run(PR, '7103', { inputs: { 'dry-run': 'true' }, event: prEvent(14) });
    expect(dry.run.code, dry.run.stdout + dry.run.stderr).toBe(0);
    expect(emu.stats().submitsReceived).toBe(before.submitsReceived);
    const comments = rest.comments('acme', 'shop', 14);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('What changed: 1 new, 1 changed, 1 removed, 1 unchanged');
    expect(comments[0]!.body).toMatch(/dry run, 3 jobs, estimated/);
  });

  it('never an empty summary: a dry run with no earlier run still shows the plan and its estimate', async () => {
    svc.clear();
    const r = await run(PR, '7201', { inputs: { 'api-key': '' }, event: prEvent(15) });
    expect(r.run.code, r.run.stdout + r.run.stderr).toBe(0);
    expect(r.run.summary).toMatch(/dry run, 3 jobs, estimated \$0\.\d+/);
    expect(r.run.summary).not.toContain('What changed');
    expect(r.run.summary).toContain('fresh');
  });
});
