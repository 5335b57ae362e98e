// A matrix end to end, as the runner runs it: three shard jobs (`shard: 1/3` … `3/3`) of the bundled
// action, then the report job (`mode: report`), all in one workflow run, against the Atlas emulator,
// the results-service fake + Azurite (the real @actions/artifact client) and the REST fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DefaultArtifactClient } from '@actions/artifact';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startResultsService, type ResultsService } from '../support/results-service.js';
import { startRestFake, type RestFake } from '../support/rest-fake.js';
import { applyEnv, artifactEnv } from '../support/github-env.js';
import { runAction, type ActionRun } from '../support/action-env.js';
import { tempDir } from '../support/run-cli.js';
import type { Manifest } from '../../src/manifest/schema.js';

let emu: Emulator;
let azurite: Azurite;
let results: ResultsService;
let rest: RestFake;

beforeAll(async () => {
  emu = await startEmulator({ timeScale: 1000, apiKey: 'sk-e2e-secret-key' });
  azurite = await startAzurite();
  results = await startResultsService(azurite);
  rest = await startRestFake();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([emu?.close(), results?.close(), rest?.close()]);
  await azurite?.stop();
});

// 9 images ($0.04) and 2 five-second videos ($0.15): $0.66 in all.
const JOBS = [
  ...Array.from({ length: 9 }, (_, i) => ({
    name: `image-${i + 1}`,
    model: 'black-forest-labs/flux-2-pro/text-to-image',
    prompt: `product shot ${i + 1}, studio light`,
    width: 512,
    height: 512,
  })),
  ...Array.from({ length: 2 }, (_, i) => ({
    name: `video-${i + 1}`,
    model: 'google/veo3.1/text-to-video',
    prompt: `a slow dolly shot, take ${i + 1}`,
    duration: 5,
  })),
];
const ESTIMATE = 0.66;

async function jobFileDir(): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, 'jobs.yml'), stringify({ max_workers: 3, jobs: JOBS }));
  return dir;
}

const env = () => ({ ...artifactEnv(results), GITHUB_API_URL: rest.url, GITHUB_SERVER_URL: 'https://github.com' });
const pr = (n: number) => ({ name: 'pull_request', payload: { number: n, pull_request: { number: n } } });

/** One shard job: its own runner (work dir), the same job file, the same workflow run. */
async function shard(i: number, n: number, extra: Record<string, string>, prNumber: number): Promise<ActionRun> {
  const work = await jobFileDir();
  return runAction({
    inputs: {
      config: 'jobs.yml',
      'api-key': 'sk-e2e-secret-key',
      'base-url': emu.url,
      'output-dir': 'out',
      'poll-interval': '0.001',
      'max-poll-interval': '0.02',
      'github-token': 'ghs_faketoken',
      shard: `${i}/${n}`,
      ...extra,
    },
    env: env(),
    event: pr(prNumber),
    cwd: work,
  });
}

/** The report job: a fresh runner with no job file and no API key. */
async function report(extra: Record<string, string>, prNumber: number): Promise<ActionRun> {
  return runAction({
    inputs: { mode: 'report', 'output-dir': 'merged', 'github-token': 'ghs_faketoken', ...extra },
    env: env(),
    event: pr(prNumber),
    cwd: await tempDir(),
  });
}

describe('a matrix of shards and the report step', () => {
  it('three shards run disjoint parts of the file within the budget; the report merges them into one manifest, one summary, one comment', async () => {
    const before = emu.stats().submitsReceived;
    const shards = await Promise.all([1, 2, 3].map((i) => shard(i, 3, { 'max-cost': String(ESTIMATE) }, 7)));
    const manifests: Manifest[] = [];
    for (const [k, run] of shards.entries()) {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const m = JSON.parse(await readFile(run.outputs['manifest']!, 'utf8')) as Manifest;
      expect(m.shard).toEqual({ index: k + 1, total: 3 });
      expect(run.summary).toContain(`shard ${k + 1}/3`);
      manifests.push(m);
    }
    // Disjoint parts that cover the file; each job submitted once; no shard commented.
    const names = manifests.flatMap((m) => m.results.map((r) => r.name));
    expect(names.slice().sort()).toEqual(JOBS.map((j) => j.name).sort());
    expect(manifests.every((m) => m.results.length > 0)).toBe(true);
    expect(emu.stats().submitsReceived - before).toBe(JOBS.length);
    expect(rest.comments('acme', 'shop', 7)).toHaveLength(0);
    // Budget split by estimate: no shard skipped a job for budget.
    expect(manifests.flatMap((m) => m.results).filter((r) => r.status !== 'success')).toEqual([]);
    const artifactNames = results.artifacts().map((a) => a.name);
    expect(artifactNames).toEqual(
      expect.arrayContaining(['atlas-media-1-of-3', 'atlas-media-2-of-3', 'atlas-media-3-of-3']),
    );

    const rep = await report({}, 7);
    expect(rep.code, rep.stdout + rep.stderr).toBe(0);
    const merged = JSON.parse(await readFile(rep.outputs['manifest']!, 'utf8')) as Manifest;
    // Every job exactly once, in the file's order.
    expect(merged.results.map((r) => r.name)).toEqual(JOBS.map((j) => j.name));
    expect(merged.total_jobs).toBe(JOBS.length);
    expect(merged.successful).toBe(JOBS.length);
    expect(merged.total_cost).toBeCloseTo(
      manifests.reduce((s, m) => s + m.total_cost, 0),
      6,
    );
    expect(merged.shards?.map((s) => `${s.shard}:${s.status}`)).toEqual(['1/3:merged', '2/3:merged', '3/3:merged']);
    expect(rep.outputs['succeeded']).toBe(String(JOBS.length));
    // One summary with every job, and exactly one comment on the PR.
    for (const j of JOBS) expect(rep.summary).toContain(j.name);
    expect(rep.summary.match(/^## /gm)).toHaveLength(1);
    const comments = rest.comments('acme', 'shop', 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(`Jobs (${JOBS.length})`);

    // The merged artifact: every shard's media and the merged manifest, under <artifact-name>.
    expect(results.artifacts().map((a) => a.name)).toContain('atlas-media');
    const restore = applyEnv(artifactEnv(results));
    const back = await tempDir();
    try {
      await new DefaultArtifactClient().downloadArtifact(Number(rep.outputs['artifact-id']), { path: back });
    } finally {
      restore();
    }
    const inArtifact = JSON.parse(await readFile(join(back, 'manifest.json'), 'utf8')) as Manifest;
    expect(inArtifact.results.map((r) => r.name)).toEqual(JOBS.map((j) => j.name));
    for (const r of inArtifact.results)
      for (const o of r.outputs) expect((await readFile(join(back, o.path!))).length).toBe(o.bytes);
  }, 120_000);

  it('every shard refuses a plan over max-cost before any paid call', async () => {
    const before = emu.stats().submitsReceived;
    const run = await shard(2, 3, { 'max-cost': '0.5', 'artifact-name': 'refused' }, 9);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/exceeds max-cost/);
    expect(emu.stats().submitsReceived).toBe(before);
  }, 60_000);

  it('names a shard whose artifact is missing in the manifest, the summary and the comment, and fails', async () => {
    const name = 'partial';
    const runs = await Promise.all([1, 3].map((i) => shard(i, 3, { 'artifact-name': name }, 8)));
    for (const run of runs) expect(run.code, run.stdout + run.stderr).toBe(0);
    const rep = await report({ 'artifact-name': name }, 8);
    expect(rep.code).toBe(1);
    const merged = JSON.parse(await readFile(rep.outputs['manifest']!, 'utf8')) as Manifest;
    expect(merged.shards?.map((s) => `${s.shard}:${s.status}`)).toEqual(['1/3:merged', '2/3:missing', '3/3:merged']);
    expect(merged.shards?.[1]?.reason).toContain('partial-2-of-3');
    const seen = merged.results.map((r) => r.name);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeLessThan(JOBS.length);
    expect(rep.summary).toMatch(/shard 2\/3.*missing/);
    const comments = rest.comments('acme', 'shop', 8);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/shard 2\/3.*missing/);
    expect(rep.stdout).toMatch(/::error title=Missing shard::shard 2\/3 is missing/);
  }, 120_000);
});
