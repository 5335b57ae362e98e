// The bundled action across runs and attempts, as on fresh runners: node dist/index.js against the
// Atlas emulator, with the real @actions/cache client talking to the cache-service fake + Azurite.
// Every run gets a fresh workspace, so anything reused came through the Actions cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startCacheService, type CacheService } from '../support/cache-service.js';
import { runAction, type ActionRun } from '../support/action-env.js';
import { tempDir } from '../support/run-cli.js';
import { formatUsd } from '../../src/cost/prices.js';
import type { Manifest } from '../../src/manifest/schema.js';

const KEY = 'sk-e2e-cache-key';
let emu: Emulator;
let azurite: Azurite;
let svc: CacheService;

beforeAll(async () => {
  emu = await startEmulator({ timeScale: 1000, apiKey: KEY });
  azurite = await startAzurite();
  svc = await startCacheService(azurite);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([emu?.close(), svc?.close()]);
  await azurite?.stop();
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A fresh workspace holding the job file, as a new runner checks it out. */
async function workspace(jobFile: { from: URL } | { text: string }): Promise<string> {
  const w = await tempDir('atlas-cache-ws-');
  if ('from' in jobFile) await copyFile(jobFile.from, join(w, 'jobs.yml'));
  else await writeFile(join(w, 'jobs.yml'), jobFile.text);
  return w;
}

async function run(
  w: string,
  runId: string,
  attempt: number,
  extra: Record<string, string> = {},
): Promise<{ run: ActionRun; m: Manifest }> {
  const inputs = {
    config: 'jobs.yml',
    'api-key': KEY,
    'base-url': emu.url,
    'output-dir': 'out',
    'poll-interval': '0.001',
    'max-poll-interval': '0.02',
    // ACTIONS_RESULTS_URL points at the cache fake only: no artifact, no comment.
    'artifact-name': '',
    comment: 'never',
    ...extra,
  };
  const r = await runAction({
    inputs,
    cwd: w,
    env: { ...svc.env(), GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: String(attempt) },
  });
  const m = JSON.parse(await readFile(join(w, 'out', 'manifest.json'), 'utf8')) as Manifest;
  return { run: r, m };
}

async function fileHashes(w: string, m: Manifest): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const r of m.results) for (const o of r.outputs) out[o.path!] = sha(await readFile(join(w, 'out', o.path!)));
  return out;
}

describe('the Actions cache across runs', () => {
  it('an unchanged job file costs nothing on a fresh runner', async () => {
    svc.clear();
    const example = { from: new URL('../../examples/pipeline_config.yaml', import.meta.url) };

    const w1 = await workspace(example);
    const first = await run(w1, '5001', 1);
    expect(first.run.code, first.run.stdout + first.run.stderr).toBe(0);
    expect(first.m.results.every((r) => r.status === 'success')).toBe(true);
    expect(svc.entries().map((e) => e.key)).toEqual([expect.stringMatching(/^atlas-media-v1-[0-9a-f]{16}-5001-1$/)]);
    const created = emu.stats().predictionsCreated;
    const submits = emu.stats().submitsReceived;
    const hashes1 = await fileHashes(w1, first.m);

    // A scheduled run the next day, on a new runner: everything comes from the cache.
    const w2 = await workspace(example);
    const second = await run(w2, '5002', 1);
    expect(second.run.code, second.run.stdout + second.run.stderr).toBe(0);
    expect(emu.stats().predictionsCreated).toBe(created);
    expect(emu.stats().submitsReceived).toBe(submits);
    expect(second.m.results.map((r) => r.status)).toEqual(first.m.results.map(() => 'cached'));
    expect(second.m.total_cost).toBe(0);
    expect(second.m.results.map((r) => r.prediction_id)).toEqual(first.m.results.map((r) => r.prediction_id));
    expect(await fileHashes(w2, second.m)).toEqual(hashes1);
    const saved = first.m.results.reduce((s, r) => s + r.estimated_cost, 0);
    expect(second.run.summary).toContain(`${first.m.total_jobs} cached (saved ${formatUsd(saved)})`);
    expect(second.run.stdout).toMatch(/Actions cache: restored out from atlas-media-v1-[0-9a-f]{16}-5001-1/);
    // Nothing new was paid for, so no new entry is written.
    expect(svc.entries()).toHaveLength(1);

    for (const text of [first.run.stdout, second.run.stdout].map((s) =>
      s
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    )) {
      expect(text).not.toContain(KEY);
    }
  });

  // force: the engine skips the journal's downloaded entries and submits again.
  it('force: true regenerates although the cache has every output', async () => {
    svc.clear();
    const example = { from: new URL('../../examples/pipeline_config.yaml', import.meta.url) };
    const first = await run(await workspace(example), '5101', 1);
    expect(first.run.code, first.run.stdout + first.run.stderr).toBe(0);
    const created = emu.stats().predictionsCreated;

    const forced = await run(await workspace(example), '5102', 1, { force: 'true' });
    expect(forced.run.code, forced.run.stdout + forced.run.stderr).toBe(0);
    expect(forced.run.stdout).toMatch(/Actions cache: restored out/);
    expect(forced.m.results.every((r) => r.status === 'success')).toBe(true);
    expect(forced.m.total_cost).toBeGreaterThan(0);
    // What is actually broken today: no new prediction is created.
    expect(emu.stats().predictionsCreated).toBe(created + first.m.total_jobs);
    expect(forced.m.results.map((r) => r.prediction_id)).not.toEqual(first.m.results.map((r) => r.prediction_id));
    expect(
      svc
        .entries()
        .map((e) => e.key)
        .at(-1),
    ).toMatch(/-5102-1$/);
  });

  it('"re-run failed jobs" resumes the journaled prediction instead of paying again', async () => {
    svc.clear();
    const jobs = {
      text: [
        'jobs:',
        '  - name: alpha',
        '    model: black-forest-labs/flux-2-pro/text-to-image',
        '    prompt: a lighthouse at dawn, watercolour',
        '  - name: beta',
        '    model: black-forest-labs/flux-2-pro/text-to-image',
        '    prompt: a lighthouse at night, BETA-MARK, oil painting',
        '',
      ].join('\n'),
    };
    // Attempt 1: beta's output URL answers 410 every time, so it is paid for but never downloaded.
    emu.setOptions({ faults: [{ op: 'download', kind: 'status', status: 410, match: 'BETA-MARK', times: Infinity }] });
    const before = emu.stats().predictionsCreated;
    const w1 = await workspace(jobs);
    let attempt1: Awaited<ReturnType<typeof run>>;
    try {
      attempt1 = await run(w1, '6001', 1);
    } finally {
      emu.setOptions({ faults: [] });
    }
    expect(attempt1.run.code).toBe(1);
    const beta1 = attempt1.m.results.find((r) => r.name === 'beta')!;
    expect(beta1).toMatchObject({ status: 'failed', error_kind: 'download' });
    expect(beta1.prediction_id).toBeTruthy();
    expect(emu.stats().predictionsCreated).toBe(before + 2);
    // Saved although the step failed.
    expect(svc.entries().map((e) => e.key)).toEqual([expect.stringMatching(/-6001-1$/)]);

    // Attempt 2 of the same run, on a fresh runner: resumes beta's prediction, reuses alpha.
    const submits = emu.stats().submitsReceived;
    const w2 = await workspace(jobs);
    const attempt2 = await run(w2, '6001', 2);
    expect(attempt2.run.code, attempt2.run.stdout + attempt2.run.stderr).toBe(0);
    expect(emu.stats().predictionsCreated).toBe(before + 2);
    expect(emu.stats().submitsReceived).toBe(submits);
    const byName = Object.fromEntries(attempt2.m.results.map((r) => [r.name, r]));
    expect(byName['alpha']!.status).toBe('cached');
    expect(byName['beta']).toMatchObject({ status: 'success', prediction_id: beta1.prediction_id });
    expect(attempt2.run.stdout).toContain(`resuming prediction ${beta1.prediction_id}`);
    const file = byName['beta']!.outputs[0]!;
    expect(sha(await readFile(join(w2, 'out', file.path!)))).toBe(file.sha256);
    expect(attempt2.run.stdout).toMatch(/restored out from atlas-media-v1-[0-9a-f]{16}-6001-1/);
    // This attempt downloaded something new: saved under its own key.
    expect(
      svc
        .entries()
        .map((e) => e.key)
        .at(-1),
    ).toMatch(/-6001-2$/);
  });
});
