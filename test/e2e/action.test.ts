// The bundled action end to end, as the runner runs it: node dist/index.js with INPUT_*, GITHUB_*
// and ACTIONS_* variables, against the Atlas emulator, the results-service fake + Azurite (through
// the real @actions/artifact client) and the REST fake (through the real @actions/github client).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { DefaultArtifactClient } from '@actions/artifact';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startResultsService, type ResultsService } from '../support/results-service.js';
import { startRestFake, type RestFake } from '../support/rest-fake.js';
import { applyEnv, artifactEnv } from '../support/github-env.js';
import { runAction } from '../support/action-env.js';
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

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function files(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p, base)));
    else out.push(p.slice(base.length + 1));
  }
  return out;
}

describe('the bundled action', () => {
  it('generates, uploads an artifact whose media is byte-identical to what Atlas served, writes the summary and posts one sticky comment', async () => {
    const work = await tempDir();
    await copyFile(new URL('../../examples/pipeline_config.yaml', import.meta.url), join(work, 'pipeline_config.yaml'));
    const inputs = {
      config: 'pipeline_config.yaml',
      'api-key': 'sk-e2e-secret-key',
      'base-url': emu.url,
      'output-dir': 'out',
      'poll-interval': '0.001',
      'max-poll-interval': '0.02',
      'github-token': 'ghs_faketoken',
      'retention-days': '3',
    };
    const env = { ...artifactEnv(results), GITHUB_API_URL: rest.url, GITHUB_SERVER_URL: 'https://github.com' };
    const event = { name: 'pull_request', payload: { number: 7, pull_request: { number: 7 } } };
    const run = await runAction({ inputs, env, event, cwd: work });
    expect(run.code, run.stdout + run.stderr).toBe(0);

    // Outputs, as a later step would read them.
    const manifestPath = run.outputs['manifest']!;
    const m = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    expect(run.outputs['succeeded']).toBe(String(m.total_jobs));
    expect(run.outputs['failed']).toBe('0');
    expect(Number(run.outputs['total-cost'])).toBeCloseTo(m.total_cost);
    expect(run.outputs['artifact-url']).toBe(
      `https://github.com/acme/shop/actions/runs/4242/artifacts/${run.outputs['artifact-id']}`,
    );
    expect(JSON.parse(run.outputs['results']!)).toHaveLength(m.total_jobs);

    // The artifact, downloaded with the real client: every media file identical to what the emulator serves.
    const restore = applyEnv(artifactEnv(results));
    const back = await tempDir();
    try {
      await new DefaultArtifactClient().downloadArtifact(Number(run.outputs['artifact-id']), { path: back });
    } finally {
      restore();
    }
    const got = await files(back);
    expect(got).toEqual(expect.arrayContaining(['manifest.json', 'index.html', 'report.md']));
    expect(results.artifacts().find((a) => a.name === 'atlas-media')?.retentionDays).toBe(3);
    for (const r of m.results) {
      for (const o of r.outputs) {
        const served = new Uint8Array(await (await request(o.url!)).body.arrayBuffer());
        const inArtifact = await readFile(join(back, o.path!));
        expect(sha(inArtifact)).toBe(sha(served));
        expect(sha(inArtifact)).toBe(o.sha256);
      }
    }

    // The job summary: headline, cost by model, per-job table.
    expect(run.summary).toMatch(/succeeded/);
    for (const r of m.results) expect(run.summary).toContain(r.model);
    expect(run.summary).toContain('|');

    // One comment on PR 7, with our marker; the key never appears anywhere.
    const comments = rest.comments('acme', 'shop', 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('atlas-media-action');
    // The ::add-mask:: command is how the runner learns to mask the key; it is consumed, never shown.
    expect(run.stdout).toContain('::add-mask::sk-e2e-secret-key');
    const shown = run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    for (const text of [
      shown,
      run.stderr,
      run.summary,
      comments[0]!.body,
      await readFile(manifestPath, 'utf8'),
      await readFile(join(back, 'index.html'), 'utf8'),
    ]) {
      expect(text).not.toContain('sk-e2e-secret-key');
    }

    // A second run updates the same comment instead of adding one (a re-run attempt gets a fresh artifact name).
    const again = await runAction({ inputs, env: { ...env, GITHUB_RUN_ATTEMPT: '2' }, event, cwd: work });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(rest.comments('acme', 'shop', 7)).toHaveLength(1);
  });

  it('reports a bad job file as annotations with file and line, and fails before any paid call', async () => {
    const work = await tempDir();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      join(work, 'jobs.yml'),
      'jobs:\n  - name: x\n    model: black-forest-labs/flux-2-pro/text-to-image\n    promt: hi\n',
    );
    const before = emu.stats().submitsReceived;
    const run = await runAction({
      inputs: { config: 'jobs.yml', 'api-key': 'sk-e2e-secret-key', 'base-url': emu.url, 'artifact-name': '' },
      cwd: work,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^::error title=Invalid job file,file=jobs\.yml,line=4,col=5::.*promt.*did you mean "prompt"/m,
    );
    expect(emu.stats().submitsReceived).toBe(before);
  });
  it('jobs: "a, b" (a one-line workflow_dispatch box) runs exactly those two jobs', async () => {
    const work = await tempDir();
    const { writeFile } = await import('node:fs/promises');
    const model = 'black-forest-labs/flux-2-pro/text-to-image';
    await writeFile(
      join(work, 'jobs.yml'),
      `jobs:\n${['a', 'b', 'c'].map((n) => `  - { name: ${n}, model: ${model}, prompt: ${n} }`).join('\n')}\n`,
    );
    const before = emu.stats().submitsReceived;
    const run = await runAction({
      inputs: {
        config: 'jobs.yml',
        jobs: 'a, b',
        'api-key': 'sk-e2e-secret-key',
        'base-url': emu.url,
        'artifact-name': '',
        cache: 'false',
        'poll-interval': '0.001',
        'max-poll-interval': '0.02',
      },
      cwd: work,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect((JSON.parse(run.outputs['results']!) as Array<{ name: string }>).map((r) => r.name)).toEqual(['a', 'b']);
    expect(run.outputs['results-truncated']).toBe('false');
    expect(emu.stats().submitsReceived - before).toBe(2);
  });

  it('a mistyped model id is an annotation at its line naming the listed id, before any paid call', async () => {
    const work = await tempDir();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      join(work, 'jobs.yml'),
      'jobs:\n  - name: x\n    model: black-forest-labs/flux-2-por/text-to-image\n    prompt: hi\n',
    );
    const before = emu.stats().submitsReceived;
    const run = await runAction({
      inputs: { config: 'jobs.yml', 'api-key': 'sk-e2e-secret-key', 'base-url': emu.url, 'artifact-name': '' },
      cwd: work,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^::error title=Invalid job file,file=jobs\.yml,line=2,.*did you mean "black-forest-labs\/flux-2-pro\/text-to-image"/m,
    );
    expect(emu.stats().submitsReceived).toBe(before);
  });
});
