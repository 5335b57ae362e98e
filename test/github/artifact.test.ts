// The real @actions/artifact client against a local results-service fake and Azurite: bytes go up and
// come back down, and the failure paths return an error instead of throwing.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ArtifactClient } from '@actions/artifact';
import { uploadOutputs } from '../../src/github/artifact.js';
import {
  MAX_ARTIFACTS_PER_JOB,
  artifactNameProblem,
  artifactUrl,
  uniqueArtifactName,
} from '../../src/github/artifact-name.js';
import { memoryLog } from '../../src/shared/log.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startResultsService, type ResultsService } from '../support/results-service.js';
import { applyEnv, artifactEnv } from '../support/github-env.js';
import { jobResult, manifest as fixtureManifest } from '../support/manifest-fixture.js';

let azurite: Azurite | undefined;
let service: ResultsService;
let restoreEnv: (() => void) | undefined;
let client: ArtifactClient;
let tmp: string;
let outputDir: string;
let manifest: Manifest;
const urlContext = { serverUrl: 'https://github.com', repository: 'acme/shop', runId: 4242 };

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(path.relative(dir, p).split(path.sep).join('/'), sha256(await fs.readFile(p)));
    }
  };
  await walk(dir);
  return out;
}

async function writeFile(rel: string, data: Buffer | string) {
  const p = path.join(outputDir, rel);
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, data);
}

// The client logs through @actions/core (::debug:: lines on stdout): keep it, show it only when a test fails.
let clientOutput: string[] = [];
beforeEach(({ onTestFailed }) => {
  clientOutput = [];
  onTestFailed(() => {
    process.stderr.write(`--- @actions/core output ---\n${clientOutput.join('')}`);
  });
});

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    clientOutput.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  });
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'artifact-test-'));
  outputDir = path.join(tmp, 'out');
  const png = () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(200_000)]);
  const mp4 = Buffer.concat([Buffer.from('000000206674797069736f6d', 'hex'), randomBytes(3_000_000)]);
  manifest = fixtureManifest();
  await writeFile('images/product-hero-1.png', png());
  await writeFile('images/product-hero-2.png', png());
  await writeFile('videos/launch-teaser.mp4', mp4);
  await writeFile('manifest.json', JSON.stringify(manifest, null, 2));
  await writeFile('index.html', '<!doctype html><title>outputs</title>');

  azurite = await startAzurite();
  service = await startResultsService(azurite);
  restoreEnv = applyEnv(artifactEnv(service));
  // @actions/artifact reads its env at call time, not import time; importing after the env is set anyway.
  const { DefaultArtifactClient } = await import('@actions/artifact');
  client = new DefaultArtifactClient();
});

afterAll(async () => {
  vi.restoreAllMocks();
  restoreEnv?.();
  await service?.close().catch(() => undefined);
  await azurite?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

async function download(id: number): Promise<Map<string, string>> {
  const dest = await fs.mkdtemp(path.join(tmp, 'dl-'));
  const res = await client.downloadArtifact(id, { path: dest });
  expect(res.downloadPath).toBe(dest);
  return tree(dest);
}

describe('uploadOutputs against the real client', () => {
  it('uploads the whole output dir as one artifact and every byte comes back', async () => {
    const log = memoryLog();
    const res = await uploadOutputs({ outputDir, name: 'atlas-media', manifest, log, client, urlContext });
    expect(res.error).toBeUndefined();
    expect(res.artifacts).toHaveLength(1);
    const [a] = res.artifacts;
    expect(a!.name).toBe('atlas-media');
    expect(a!.url).toBe(`https://github.com/acme/shop/actions/runs/4242/artifacts/${a!.id}`);
    const seen = service.artifacts().find((x) => x.name === 'atlas-media')!;
    expect(seen.id).toBe(a!.id);
    expect(seen.digest).toBe(`sha256:${a!.digest}`);
    expect(seen.mimeType).toBe('application/zip');
    expect(seen.retentionDays).toBeUndefined();

    const source = await tree(outputDir);
    expect([...source.keys()].sort()).toEqual([
      'images/product-hero-1.png',
      'images/product-hero-2.png',
      'index.html',
      'manifest.json',
      'videos/launch-teaser.mp4',
    ]);
    expect(await download(a!.id)).toEqual(source);
  });

  it('passes retentionDays through as expires_at', async () => {
    const res = await uploadOutputs({
      outputDir,
      name: 'retained',
      retentionDays: 7,
      manifest,
      log: memoryLog(),
      client,
    });
    expect(res.error).toBeUndefined();
    const seen = service.artifacts().find((x) => x.name === 'retained')!;
    expect(seen.retentionDays).toBe(7);
    // setDate() in local time: allow for a DST shift.
    expect(Math.abs(Date.parse(seen.expiresAt!) - (Date.now() + 7 * 86_400_000))).toBeLessThan(2 * 3_600_000);
  });

  it('reports a 409 for a second artifact of the same name without throwing; -attempt-2 avoids it', async () => {
    const first = await uploadOutputs({ outputDir, name: 'conflict', manifest, log: memoryLog(), client });
    expect(first.error).toBeUndefined();

    const log = memoryLog();
    const second = await uploadOutputs({ outputDir, name: 'conflict', manifest, log, client });
    expect(second.artifacts).toEqual([]);
    expect(second.error).toMatch(/^artifact upload failed: conflict: .*\(409\).*already exists/);
    expect(second.error).toContain(`the files are still in ${outputDir} and manifest.json keeps every output URL`);
    expect(log.lines.some((l) => l.startsWith('error: artifact upload failed'))).toBe(true);
    expect(service.calls().filter((c) => c.method === 'CreateArtifact' && c.status === 409)).toHaveLength(1);
    await expect(fs.stat(path.join(outputDir, 'videos/launch-teaser.mp4'))).resolves.toBeTruthy();

    const rerun = uniqueArtifactName('conflict', { runAttempt: 2 });
    expect(rerun).toBe('conflict-attempt-2');
    const third = await uploadOutputs({ outputDir, name: rerun, manifest, log: memoryLog(), client });
    expect(third.error).toBeUndefined();
    expect(third.artifacts[0]!.name).toBe('conflict-attempt-2');
  });

  it('returns an error when the service refuses to finalize', async () => {
    service.failNext('FinalizeArtifact', 400);
    const log = memoryLog();
    const res = await uploadOutputs({ outputDir, name: 'finalize-fails', manifest, log, client });
    expect(res.artifacts).toEqual([]);
    expect(res.error).toMatch(/artifact upload failed: finalize-fails: .*\(400\)/);
    expect(service.artifacts().some((a) => a.name === 'finalize-fails')).toBe(false);
  });

  it('perJob: one artifact per job (single files unzipped) plus the rest, bytes round-trip', async () => {
    const res = await uploadOutputs({
      outputDir,
      name: 'pj',
      perJob: true,
      manifest,
      log: memoryLog(),
      client,
      urlContext,
    });
    expect(res.error).toBeUndefined();
    // The failed job has no files and no artifact.
    expect(res.artifacts.map((a) => a.name)).toEqual(['pj', 'pj-product-hero', 'pj-launch-teaser.mp4']);
    const byName = new Map(service.artifacts().map((a) => [a.name, a]));
    expect(byName.get('pj-launch-teaser.mp4')!.mimeType).toBe('video/mp4');
    expect(byName.get('pj-product-hero')!.mimeType).toBe('application/zip');

    const source = await tree(outputDir);
    const [rest, hero, teaser] = res.artifacts;
    // The unzipped one names its file, so the browsable upload links it instead of uploading it again.
    expect(teaser!.file).toBe('videos/launch-teaser.mp4');
    expect(hero!.file).toBeUndefined();
    expect(await download(rest!.id)).toEqual(
      new Map([
        ['index.html', source.get('index.html')],
        ['manifest.json', source.get('manifest.json')],
      ]),
    );
    expect(await download(hero!.id)).toEqual(
      new Map([
        ['images/product-hero-1.png', source.get('images/product-hero-1.png')],
        ['images/product-hero-2.png', source.get('images/product-hero-2.png')],
      ]),
    );
    expect(await download(teaser!.id)).toEqual(
      new Map([['pj-launch-teaser.mp4', source.get('videos/launch-teaser.mp4')]]),
    );
  });
});

describe('uploadOutputs without the service', () => {
  const never: ArtifactClient = new Proxy({} as ArtifactClient, {
    get: (_t, prop) => () => {
      throw new Error(`client.${String(prop)} must not be called`);
    },
  });

  it(`refuses more than ${MAX_ARTIFACTS_PER_JOB} per-job artifacts before uploading any`, async () => {
    const dir = path.join(tmp, 'many');
    const results = [];
    for (let i = 0; i < MAX_ARTIFACTS_PER_JOB + 1; i++) {
      const rel = `images/job-${i}.png`;
      await fs.mkdir(path.join(dir, 'images'), { recursive: true });
      await fs.writeFile(path.join(dir, rel), String(i));
      results.push(
        jobResult({
          name: `Job ${i}`,
          local_path: rel,
          outputs: [{ url: null, path: rel, bytes: 1, sha256: null, content_type: 'image/png', error: null }],
        }),
      );
    }
    const log = memoryLog();
    const res = await uploadOutputs({
      outputDir: dir,
      name: 'many',
      perJob: true,
      manifest: fixtureManifest(results),
      log,
      client: never,
    });
    expect(res.artifacts).toEqual([]);
    expect(res.error).toMatch(/501 artifacts; GitHub allows at most 500 per job — nothing was uploaded/);
    expect(log.lines.some((l) => l.startsWith('error: artifact upload failed'))).toBe(true);
  });

  it('refuses a bad name without calling the client', async () => {
    const res = await uploadOutputs({ outputDir, name: 'a/b', manifest, log: memoryLog(), client: never });
    expect(res.error).toMatch(/forward slash/);
  });
});

describe('names and URLs', () => {
  it('artifactNameProblem follows GitHub rules and names the character', () => {
    expect(artifactNameProblem('atlas-media-1-of-3-attempt-2')).toBeUndefined();
    expect(artifactNameProblem('media (final) ü')).toBeUndefined();
    expect(artifactNameProblem('')).toMatch(/empty/);
    expect(artifactNameProblem('   ')).toMatch(/empty/);
    const cases: Array<[string, RegExp]> = [
      ['a"b', /double quote/],
      ['a:b', /colon/],
      ['a<b', /less than/],
      ['a>b', /greater than/],
      ['a|b', /vertical bar/],
      ['a*b', /asterisk/],
      ['a?b', /question mark/],
      ['a\rb', /carriage return/],
      ['a\nb', /line feed/],
      ['a\\b', /backslash/],
      ['a/b', /forward slash/],
    ];
    for (const [name, re] of cases) expect(artifactNameProblem(name), JSON.stringify(name)).toMatch(re);
    expect(artifactNameProblem('x'.repeat(256))).toBeUndefined();
    expect(artifactNameProblem('x'.repeat(257))).toMatch(/257 characters/);
  });

  it('uniqueArtifactName adds shard and attempt suffixes', () => {
    expect(uniqueArtifactName('media', {})).toBe('media');
    expect(uniqueArtifactName('media', { runAttempt: 1 })).toBe('media');
    expect(uniqueArtifactName('media', { runAttempt: 3 })).toBe('media-attempt-3');
    expect(uniqueArtifactName('media', { shard: { index: 0, total: 4 } })).toBe('media-1-of-4');
    expect(uniqueArtifactName('media', { shard: { index: 3, total: 4 }, runAttempt: 2 })).toBe(
      'media-4-of-4-attempt-2',
    );
    expect(uniqueArtifactName('media', { shard: { index: 0, total: 1 } })).toBe('media');
    expect(() => uniqueArtifactName('media', { shard: { index: 4, total: 4 } })).toThrow(RangeError);
    const long = uniqueArtifactName('x'.repeat(300), { runAttempt: 2 });
    expect(long).toHaveLength(256);
    expect(long.endsWith('-attempt-2')).toBe(true);
  });

  it('artifactUrl', () => {
    expect(artifactUrl({ serverUrl: 'https://github.com/', repository: 'acme/shop', runId: '77' }, 9)).toBe(
      'https://github.com/acme/shop/actions/runs/77/artifacts/9',
    );
  });
});
