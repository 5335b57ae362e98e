// Viewable in the browser, end to end: the bundled action uploads through the real @actions/artifact client
// to the results-service fake + Azurite; the gallery page's artifact, downloaded back alone, is opened in
// headless Chromium with the network cut and must show every image decoded. Set ATLAS_GALLERY_SCREENSHOT to
// a path (e.g. docs/gallery.png) to save the screenshot the README shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DefaultArtifactClient } from '@actions/artifact';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startResultsService, type ResultsService } from '../support/results-service.js';
import { startRestFake, type RestFake } from '../support/rest-fake.js';
import { applyEnv, artifactEnv } from '../support/github-env.js';
import { runAction, type ActionRun } from '../support/action-env.js';
import { tempDir } from '../support/run-cli.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { readFile } from 'node:fs/promises';

let emu: Emulator;
let azurite: Azurite;
let results: ResultsService;
let rest: RestFake;
const cleanup: string[] = [];

beforeAll(async () => {
  // 768 px images, so the page's thumbnails are real 512 px re-encodes, not the originals.
  emu = await startEmulator({ timeScale: 1000, apiKey: 'sk-e2e-secret-key', imageSize: 768 });
  azurite = await startAzurite();
  results = await startResultsService(azurite);
  rest = await startRestFake();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([emu?.close(), results?.close(), rest?.close()]);
  await azurite?.stop();
  await Promise.all(cleanup.map((d) => rm(d, { recursive: true, force: true })));
});

async function work(): Promise<string> {
  const dir = await tempDir();
  cleanup.push(dir);
  await copyFile(new URL('../../examples/atlas-media.yml', import.meta.url), join(dir, 'atlas-media.yml'));
  return dir;
}

const baseInputs = () => ({
  config: 'atlas-media.yml',
  'api-key': 'sk-e2e-secret-key',
  'base-url': emu.url,
  'output-dir': 'out',
  'poll-interval': '0.001',
  'max-poll-interval': '0.02',
  'github-token': 'ghs_faketoken',
});
const env = () => ({ ...artifactEnv(results), GITHUB_API_URL: rest.url, GITHUB_SERVER_URL: 'https://github.com' });
const idOf = (url: string) => Number(/\/artifacts\/(\d+)$/.exec(url)![1]);

describe('the results, viewable in the browser', () => {
  let run: ActionRun;
  let m: Manifest;

  it('uploads the gallery page and every image and video unzipped, and links them from the summary and the comment', async () => {
    const event = { name: 'pull_request', payload: { number: 9, pull_request: { number: 9 } } };
    run = await runAction({ inputs: baseInputs(), env: env(), event, cwd: await work() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    m = JSON.parse(await readFile(run.outputs['manifest']!, 'utf8')) as Manifest;
    const media = m.results.flatMap((r) => r.outputs.map((o) => o.path!));
    expect(media.length).toBe(9); // the example: 2 hero banners, 1 still, 2 videos, 2 colourways, 2 rooftops

    const listed = results.artifacts();
    const page = listed.find((a) => a.name === 'atlas-media-gallery.html')!;
    expect(page.mimeType).toBe('text/html');
    for (const p of media) {
      const name = `atlas-media-${p.replace(/\.[^.]+$/, '').replace(/\//g, '-')}${/\.[^.]+$/.exec(p)![0]}`;
      const a = listed.find((x) => x.name === name);
      expect(a, name).toBeDefined();
      expect(a!.mimeType).toMatch(/^(image\/png|video\/mp4)$/);
    }
    // The zip with every file is still there, beside them.
    expect(listed.find((a) => a.name === 'atlas-media')?.mimeType).toBe('application/zip');

    const pageUrl = `https://github.com/acme/shop/actions/runs/4242/artifacts/${page.id}`;
    expect(run.outputs['gallery-url']).toBe(pageUrl);
    expect(run.summary).toContain(`href="${pageUrl}"`);
    for (const p of media) {
      const a = listed.find((x) => x.name.endsWith(p.replace(/\//g, '-')))!;
      expect(run.summary, p).toContain(`/actions/runs/4242/artifacts/${a.id}"`);
    }
    expect(run.stdout).toMatch(new RegExp(`^::notice title=Atlas media::.*\\$.* · gallery: ${pageUrl}$`, 'm'));
    const [comment] = rest.comments('acme', 'shop', 9);
    expect(comment!.body).toContain(`href="${pageUrl}"`);

    // files: every file written, one per line.
    const files = run.outputs['files']!.split('\n');
    for (const p of media) expect(files).toContain(join(run.outputs['output-dir']!, p));
    expect(files).toContain(join(run.outputs['output-dir']!, 'manifest.json'));
  }, 180_000);

  it('opens the page artifact alone, offline, with every image decoded', async (ctx) => {
    if (!chromiumAvailable()) return ctx.skip();
    const pageId = idOf(run.outputs['gallery-url']!);
    const back = await tempDir();
    cleanup.push(back);
    const restore = applyEnv(artifactEnv(results));
    try {
      await new DefaultArtifactClient().downloadArtifact(pageId, { path: back });
    } finally {
      restore();
    }
    expect(await readdir(back)).toEqual(['atlas-media-gallery.html']);
    const file = join(back, 'atlas-media-gallery.html');
    const html = await readFile(file, 'utf8');
    // Nothing but its own artifacts' pages (links, never loaded) and data: images.
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((x) => x[1]!);
    for (const u of urls)
      expect(u, u).toMatch(
        /^(data:image\/(jpeg|png);base64,|https:\/\/github\.com\/acme\/shop\/actions\/runs\/4242\/artifacts\/\d+$)/,
      );
    expect(html).not.toContain('sk-e2e-secret-key');

    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 1240 } });
      const requested: string[] = [];
      const fileUrl = pathToFileURL(file).href;
      await context.route('**/*', (route) =>
        route.request().url() === fileUrl ? route.continue() : (requested.push(route.request().url()), route.abort()),
      );
      const page = await context.newPage();
      await page.goto(fileUrl);
      await page.waitForLoadState('load');
      // Typed structurally: the project's tsconfig has no DOM lib.
      type Img = { naturalWidth: number; naturalHeight: number; complete: boolean };
      const imgs = await page.$$eval('img', (els) =>
        (els as unknown as Img[]).map((i) => ({ w: i.naturalWidth, h: i.naturalHeight, done: i.complete })),
      );
      const images = m.results.flatMap((r) => r.outputs.filter((o) => o.content_type === 'image/png'));
      expect(imgs).toHaveLength(images.length);
      for (const i of imgs) {
        expect(i.done).toBe(true);
        expect(i.w).toBeGreaterThan(0);
        expect(Math.max(i.w, i.h)).toBeLessThanOrEqual(512);
      }
      expect(requested).toEqual([]);
      // What makes two variations differ, the chain source and the prediction id are on the page.
      const text = await page.innerText('body');
      expect(text).toContain('Hero banner#1');
      expect(text).toMatch(/seed\s+7/);
      expect(text).toMatch(/seed\s+8/);
      expect(text).toMatch(/resolution\s+1080p/);
      for (const r of m.results) expect(text).toContain(r.prediction_id!);
      const shot = process.env['ATLAS_GALLERY_SCREENSHOT'];
      if (shot) await writeFile(resolve(shot), await page.screenshot({ fullPage: false }));
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('with no upload, says where the files are and links no artifact', async () => {
    const r = await runAction({ inputs: { ...baseInputs(), 'artifact-name': '' }, env: env(), cwd: await work() });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.summary).not.toContain('in the artifact');
    expect(r.summary).not.toContain('/artifacts/');
    expect(r.outputs['gallery-url']).toBeUndefined();
    expect(r.stdout).toMatch(/^::notice title=Atlas media::.*spent on 8 jobs/m);
  }, 180_000);
});
