// publishBrowsable with the real @actions/artifact client against the results-service fake + Azurite:
// the caps (GitHub's 500 artifacts per job, inline-video-max-mb) and names unique across shards and
// re-run attempts.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ArtifactClient } from '@actions/artifact';
import { publishBrowsable } from '../../src/github/browse.js';
import type { UploadedArtifact } from '../../src/github/artifact.js';
import { singleFileArtifactName } from '../../src/github/artifact-name.js';
import { shardArtifactName } from '../../src/github/shards.js';
import { notUploadedNote } from '../../src/github/deliver.js';
import { memoryLog } from '../../src/shared/log.js';
import type { JobResult } from '../../src/manifest/schema.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startResultsService, type ResultsService } from '../support/results-service.js';
import { applyEnv, artifactEnv } from '../support/github-env.js';
import { jobResult, manifest } from '../support/manifest-fixture.js';
import { encodePng } from '../support/png.js';

let azurite: Azurite | undefined;
let service: ResultsService;
let restoreEnv: (() => void) | undefined;
let client: ArtifactClient;
let tmp: string;
const urlContext = { serverUrl: 'https://github.com', repository: 'acme/shop', runId: 4242 };

const image = (i: number): JobResult =>
  jobResult({
    name: `Shot ${i}`,
    outputs: [
      { url: null, path: `images/shot-${i}.png`, bytes: 1, sha256: null, content_type: 'image/png', error: null },
    ],
  });

beforeAll(async () => {
  // The client logs ::debug:: lines on stdout.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'browse-test-'));
  await fs.mkdir(path.join(tmp, 'images'));
  await fs.mkdir(path.join(tmp, 'videos'));
  for (let i = 1; i <= 4; i++)
    await fs.writeFile(
      path.join(tmp, `images/shot-${i}.png`),
      encodePng(32, 32, () => [i * 40, 80, 160, 255]),
    );
  await fs.writeFile(path.join(tmp, 'videos/big.mp4'), Buffer.alloc(3 * 1024 * 1024, 1));
  azurite = await startAzurite();
  service = await startResultsService(azurite);
  restoreEnv = applyEnv(artifactEnv(service));
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

describe('publishBrowsable', () => {
  it('stays under 500 artifacts per job, keeps a too-big video in the zip only, and says so', async () => {
    const video = jobResult({
      name: 'Big video',
      type: 'video',
      outputs: [{ url: null, path: 'videos/big.mp4', bytes: 1, sha256: null, content_type: 'video/mp4', error: null }],
    });
    const m = manifest([image(1), image(2), image(3), image(4), video]);
    // 497 artifacts already in this job: room for the page and 2 files.
    const already: UploadedArtifact[] = Array.from({ length: 497 }, (_, i) => ({ name: `other-${i}`, id: i }));
    const log = memoryLog();
    const b = await publishBrowsable({
      outputDir: tmp,
      manifest: m,
      baseName: 'atlas-media',
      videoMaxBytes: 1024 * 1024,
      alreadyUploaded: already,
      log,
      client,
      urlContext,
    });
    expect(b.error).toBeUndefined();
    expect([...b.files.keys()].sort()).toEqual(['images/shot-1.png', 'images/shot-2.png']);
    expect(b.notUploaded.map((x) => x.path)).toEqual(['images/shot-3.png', 'images/shot-4.png', 'videos/big.mp4']);
    expect(log.lines.join('\n')).toMatch(/2 of 5 files are not uploaded on their own .*500 artifacts per job/);
    expect(already.length + b.files.size + 1).toBeLessThanOrEqual(500);
    const names = service.artifacts().map((a) => [a.name, a.mimeType]);
    expect(names).toEqual(
      expect.arrayContaining([
        ['atlas-media-images-shot-1.png', 'image/png'],
        ['atlas-media-images-shot-2.png', 'image/png'],
        ['atlas-media-gallery.html', 'text/html'],
      ]),
    );
    expect(b.page?.url).toBe(`https://github.com/acme/shop/actions/runs/4242/artifacts/${b.page!.id}`);
    const note = notUploadedNote(b.notUploaded);
    expect(note).toContain('2 files are over the cap');
    expect(note).toContain('1 video is over inline-video-max-mb');
  }, 60_000);

  it('links a file that artifact-per-job already uploaded unzipped instead of uploading it again', async () => {
    const m = manifest([image(1), image(2)]);
    const perJob: UploadedArtifact = {
      name: 'per-job-shot-1.png',
      id: 777,
      url: 'https://github.com/acme/shop/actions/runs/4242/artifacts/777',
      file: 'images/shot-1.png',
    };
    const before = service.artifacts().length;
    const b = await publishBrowsable({
      outputDir: tmp,
      manifest: m,
      baseName: 'per-job',
      videoMaxBytes: 1024 * 1024,
      alreadyUploaded: [perJob],
      log: memoryLog(),
      client,
      urlContext,
    });
    expect(b.error).toBeUndefined();
    expect(b.files.get('images/shot-1.png')).toBe(perJob);
    expect(b.files.get('images/shot-2.png')?.name).toBe('per-job-images-shot-2.png');
    // Only shot 2 and the page were uploaded now.
    const added = service
      .artifacts()
      .slice(before)
      .map((a) => a.name);
    expect(added.sort()).toEqual(['per-job-gallery.html', 'per-job-images-shot-2.png']);
  }, 60_000);

  it('names stay unique across shards and re-run attempts', () => {
    const names = new Set<string>();
    for (const shard of [undefined, { index: 1, total: 2 }, { index: 2, total: 2 }])
      for (const attempt of [1, 2])
        names.add(singleFileArtifactName(shardArtifactName('atlas-media', shard, attempt), 'images/a.png', new Set()));
    expect(names.size).toBe(6);
    const used = new Set<string>();
    expect(singleFileArtifactName('x', 'images/a.png', used)).toBe('x-images-a.png');
    expect(singleFileArtifactName('x', 'images/a.png', used)).toBe('x-images-a-2.png');
    expect(singleFileArtifactName('x', 'a:b?.png', used)).toBe('x-a-b-.png');
  });
});
