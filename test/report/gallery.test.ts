// The gallery (index.html in the output directory): unit tests on the HTML, then a real output
// directory opened from file:// in headless Chromium.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobResult, Manifest } from '../../src/manifest/schema.js';
import { escapeHtml, relativeHref, renderGallery, writeGallery } from '../../src/report/gallery.js';
import { chromiumAvailable, chromiumPath, launchChromium } from '../support/browser.js';
import { defaultResults, jobResult, manifest } from '../support/manifest-fixture.js';
import { gradientPng } from '../support/png.js';

const XSS_NAME = '<script>alert(1)</script>';
const XSS_PROMPT = `"><img src=x onerror=alert(2)> & 'quoted' \`tick\``;
const LONG_PROMPT = 'A sweeping aerial shot over a misty pine forest at dawn, '.repeat(8).trim();
const ODD_PATH = 'images/odd name #1?.png';

/** The fixture's three jobs plus every case the gallery has to handle. */
function richResults(): JobResult[] {
  return [
    ...defaultResults(),
    jobResult({
      name: XSS_NAME,
      model: `evil/"model'<b>`,
      params: { prompt: XSS_PROMPT },
      output_url: 'https://cdn.example.test/out/x',
      local_path: ODD_PATH,
      outputs: [
        {
          url: 'https://cdn.example.test/out/x',
          path: ODD_PATH,
          bytes: 900,
          sha256: null,
          content_type: 'image/png',
          error: null,
        },
      ],
    }),
    jobResult({
      name: 'Forest Flyover',
      model: 'google/veo3.1/text-to-video',
      type: 'video',
      cost: 0.24,
      estimated_cost: 0.24,
      generation_time: 95,
      params: { prompt: LONG_PROMPT, duration: 8 },
      local_path: null,
      outputs: [
        {
          url: 'https://cdn.example.test/out/forest?sig=1',
          path: null,
          bytes: null,
          sha256: null,
          content_type: null,
          error: 'HTTP 403 from the CDN after 3 attempts',
        },
      ],
      error_kind: 'download',
    }),
    jobResult({
      name: 'Mascot 3D',
      model: 'tripo/text-to-3d',
      cost: 0.1,
      estimated_cost: 0.1,
      params: { prompt: 'A friendly robot mascot' },
      local_path: 'images/mascot.glb',
      outputs: [
        {
          url: 'https://cdn.example.test/out/mascot',
          path: 'images/mascot.glb',
          bytes: 2048,
          sha256: null,
          content_type: 'model/gltf-binary',
          error: null,
        },
      ],
    }),
    jobResult({
      name: 'Night Variant',
      status: 'unknown',
      cost: 0,
      error: 'timed out after 600 s; the prediction may still finish and be charged',
      error_kind: 'unknown-fate',
      outputs: [],
      local_path: null,
      output_url: null,
    }),
    jobResult({
      name: 'Spare Banner',
      status: 'skipped',
      cost: 0,
      estimated_cost: 0.04,
      error: 'budget of $0.50 reached',
      error_kind: 'budget',
      outputs: [],
      local_path: null,
      output_url: null,
    }),
  ];
}

function attrUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href|poster|action|srcset)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
}

describe('renderGallery (HTML only)', () => {
  const m = manifest(richResults());
  const html = renderGallery(m);

  it('escapes names, prompts, model ids and errors, in text and in attributes', () => {
    expect(html).not.toContain(XSS_NAME);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>');
    expect(html).toContain(escapeHtml(XSS_NAME));
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // the alt attribute carries the prompt: its quote must not close the attribute
    expect(html).toMatch(
      /alt="&lt;script&gt;alert\(1\)&lt;\/script&gt;: &quot;&gt;&lt;img src=x onerror=alert\(2\)&gt; &amp; &#39;quoted&#39; &#96;tick&#96;"/,
    );
    expect(html).toContain('evil/&quot;model&#39;&lt;b&gt;');
    expect(html).toContain('Banner &lt;Broken&gt;');
    expect(html).not.toMatch(/<script/i);
    // no event-handler attribute in any tag (quoted values removed: the escaped prompt in alt="…" is fine)
    for (const tag of html.match(/<[a-z][^>]*>/gi) ?? [])
      expect(tag.replace(/"[^"]*"/g, '""'), tag).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it('links every file by a relative, per-segment encoded path', () => {
    expect(relativeHref('images/odd name #1?.png')).toBe('images/odd%20name%20%231%3F.png');
    expect(relativeHref('/videos//a b.mp4')).toBe('videos/a%20b.mp4');
    expect(relativeHref('images\\x:y.png')).toBe('images/x%3Ay.png');
    expect(html).toContain('<img src="images/product-hero-1.png"');
    expect(html).toContain('<img src="images/product-hero-2.png"');
    expect(html).toContain('<img src="images/odd%20name%20%231%3F.png"');
    expect(html).toMatch(/<video controls preload="metadata"[^>]* src="videos\/launch-teaser.mp4"/);
    expect(html).toContain('href="images/mascot.glb" download');
    for (const u of attrUrls(html)) {
      expect(u, u).not.toMatch(/^[a-z][a-z0-9+.-]*:/i); // no scheme: not http, not data, not javascript
      expect(u, u).not.toMatch(/^[/\\]/); // not absolute, not protocol-relative
    }
    expect(html.match(/loading="lazy"/g)).toHaveLength(3);
  });

  it('contains no external URL at all', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/["'(]\s*\/\//); // protocol-relative
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toContain('cdn.example.test');
  });

  it('shows failures, unknown and skipped jobs, and downloads that failed', () => {
    expect(html).toContain('content policy violation');
    expect(html).toContain('timed out after 600 s');
    expect(html).toContain('budget of $0.50 reached');
    expect(html).toContain('HTTP 403 from the CDN after 3 attempts');
    expect(html).toMatch(/its URL is in manifest\.json/);
    expect(html).toMatch(/class="card st-failed nooutput"/);
    expect(html).toMatch(/class="card st-unknown nooutput"/);
    expect(html).toMatch(/class="card st-skipped nooutput"/);
  });

  it('collapses long prompts and keeps short ones open', () => {
    expect(html).toMatch(/<details class="prompt"><summary>A sweeping aerial shot[^<]*…<\/summary><p>A sweeping/);
    expect(html).toContain('<p class="prompt">A bottle on marble, soft light</p>');
  });

  it('has a header with totals and a cost-by-model table', () => {
    expect(html).toContain('<title>Atlas media gallery</title>');
    expect(renderGallery(m, { title: 'Release <art>' })).toContain('<h1>Release &lt;art&gt;</h1>');
    expect(html).toContain('2026-11-23 10:01:00 UTC');
    expect(html).toMatch(/<span class="v">5<\/span><span class="l">Succeeded<\/span>/);
    expect(html).toMatch(/<span class="v">1<\/span><span class="l">Failed<\/span>/);
    expect(html).toContain(`<span class="v">$${m.total_cost.toFixed(2)}</span><span class="l">Total cost</span>`);
    for (const model of Object.keys(m.cost_by_model))
      expect(html).toContain(`<tr><td><code>${escapeHtml(model)}</code></td>`);
    expect(html).toContain('(whole job)'); // the two-output job's cost is not per image
    expect(html).toContain('1 min 35 s');
  });

  it('renders an empty run', () => {
    const empty = renderGallery(manifest([]));
    expect(empty).toContain('No jobs ran.');
    expect(empty).not.toContain('Cost by model');
  });
});

const here = fileURLToPath(new URL('.', import.meta.url));
const SCREENSHOT = join(here, '..', '.tmp', 'gallery.png');

function sampleVideo(): string {
  for (const p of [join(here, '..', 'emulator', 'assets', 'sample.mp4')]) {
    if (existsSync(p)) return p;
  }
  throw new Error('no sample.mp4 in test/emulator/assets');
}

describe('gallery in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!chromiumAvailable()) {
      throw new Error(`Chromium not found at ${chromiumPath()}: run scripts/install-test-deps.sh or set CHROMIUM_PATH`);
    }
    dir = await mkdtemp(join(tmpdir(), 'gallery-'));
    await mkdir(join(dir, 'images'), { recursive: true });
    await mkdir(join(dir, 'videos'), { recursive: true });
    await writeFile(
      join(dir, 'images', 'product-hero-1.png'),
      gradientPng(320, 240, [255, 140, 66, 255], [120, 40, 200, 255]),
    );
    await writeFile(
      join(dir, 'images', 'product-hero-2.png'),
      gradientPng(240, 320, [20, 160, 200, 255], [240, 240, 120, 255]),
    );
    await writeFile(join(dir, ODD_PATH), gradientPng(256, 144, [30, 30, 40, 255], [220, 60, 90, 255]));
    await writeFile(join(dir, 'images', 'mascot.glb'), Buffer.from('glTF\x02\x00\x00\x00', 'latin1'));
    await copyFile(sampleVideo(), join(dir, 'videos', 'launch-teaser.mp4'));
    const m: Manifest = manifest(richResults());
    for (const r of m.results)
      for (const o of r.outputs) if (o.path) expect(existsSync(join(dir, o.path)), o.path).toBe(true);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
    const index = await writeGallery(dir, m);
    expect(index).toBe(join(dir, 'index.html'));

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('decodes every image', async () => {
    // The page's DOM is typed structurally here: the project's tsconfig has no DOM lib.
    type Img = {
      getAttribute(n: string): string | null;
      naturalWidth: number;
      decode(): Promise<void>;
      scrollIntoView(): void;
    };
    const images = await page.$$eval('img', async (els) => {
      const out: { src: string; w: number; error?: string }[] = [];
      for (const img of els as unknown as Img[]) {
        img.scrollIntoView(); // lazy images load only near the viewport
        try {
          await img.decode();
          out.push({ src: img.getAttribute('src') ?? '', w: img.naturalWidth });
        } catch (e) {
          out.push({ src: img.getAttribute('src') ?? '', w: img.naturalWidth, error: String(e) });
        }
      }
      return out;
    });
    await page.evaluate('window.scrollTo(0, 0)');
    expect(images.map((i) => i.src).sort()).toEqual([
      'images/odd%20name%20%231%3F.png',
      'images/product-hero-1.png',
      'images/product-hero-2.png',
    ]);
    for (const i of images) {
      expect(i.error, i.src).toBeUndefined();
      expect(i.w, i.src).toBeGreaterThan(0);
    }
  });

  it('loads every video to at least HAVE_METADATA with a positive duration', async () => {
    await page.waitForFunction(
      "[...document.querySelectorAll('video')].every((v) => v.readyState >= 1 || v.error)",
      undefined,
      { timeout: 15_000 },
    );
    const videos = await page.$$eval('video', (vs) =>
      vs.map((v) => ({
        src: v.getAttribute('src'),
        readyState: v.readyState,
        duration: v.duration,
        width: v.videoWidth,
        error: v.error ? `${v.error.code} ${v.error.message}` : null,
      })),
    );
    expect(videos).toHaveLength(1);
    for (const v of videos) {
      expect(v.error, String(v.src)).toBeNull();
      expect(v.readyState).toBeGreaterThanOrEqual(1);
      expect(v.duration).toBeGreaterThan(0);
      expect(Number.isFinite(v.duration)).toBe(true);
      expect(v.width).toBeGreaterThan(0);
    }
  });

  it('shows errors and renders hostile strings as text', async () => {
    expect(await page.getByText('content policy violation').isVisible()).toBe(true);
    expect(await page.getByText(/HTTP 403 from the CDN/).isVisible()).toBe(true);
    expect(await page.getByText(/timed out after 600 s/).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: XSS_NAME, exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Banner <Broken>', exact: true }).isVisible()).toBe(true);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(3); // the prompt's <img onerror> stayed text
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('never leaves file://', async () => {
    expect(requests.length).toBeGreaterThanOrEqual(5); // the page, three images, the video
    for (const u of requests) expect(u, u).toMatch(/^file:\/\//);
  });

  it('takes a screenshot', async () => {
    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = await readFile(SCREENSHOT);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
