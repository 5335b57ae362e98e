// Where the summary, the comment, report.md and the standalone gallery page point: each file's own
// artifact and the gallery page when they were uploaded, nothing of an artifact when nothing was.
import { describe, expect, it } from 'vitest';
import { jobResult, manifest } from '../support/manifest-fixture.js';
import { renderReportFile, renderSummary } from '../../src/report/summary.js';
import { renderComment } from '../../src/report/comment.js';
import { renderGallery } from '../../src/report/gallery.js';

const ART = 'https://github.com/acme/shop/actions/runs/7/artifacts/';
const m = manifest();
const paths = m.results.flatMap((r) => r.outputs.flatMap((o) => (o.path ? [o.path] : [])));
const fileUrls = new Map(paths.map((p, i) => [p, `${ART}${100 + i}`]));
const links = {
  artifactUrl: `${ART}1`,
  runUrl: 'https://github.com/acme/shop/actions/runs/7',
  galleryUrl: `${ART}2`,
  fileUrls,
};

describe('links to artifacts', () => {
  it("the summary and the comment link the gallery page and each file's own artifact", () => {
    const doc = renderSummary(m, links);
    expect(doc).toContain(`href="${ART}2">gallery page`);
    paths.forEach((_, i) => expect(doc).toContain(`href="${ART}${100 + i}"`));
    const c = renderComment(m, { tag: 't', ...links });
    expect(c).toContain(`href="${ART}2">gallery page`);
  });

  it('with no upload: no artifact link and no "in the artifact"', () => {
    const none = { runUrl: links.runUrl, noUpload: true };
    for (const doc of [renderSummary(m, none), renderComment(m, { tag: 't', ...none }), renderReportFile(m, none)]) {
      expect(doc).not.toContain('/artifacts/');
      expect(doc).not.toContain('in the artifact');
    }
  });

  it('report.md shows the images by their relative paths', () => {
    const doc = renderReportFile(m);
    const images = m.results.flatMap((r) =>
      r.outputs.filter((o) => o.content_type?.startsWith('image/') && r.status === 'success'),
    );
    expect(images.length).toBeGreaterThan(0);
    for (const o of images) expect(doc).toContain(`<img src="${o.path}"`);
  });
});

describe('the standalone gallery page', () => {
  const chained = jobResult({
    name: 'Hero motion',
    type: 'video',
    prediction_id: 'pred-chain-123',
    params: { prompt: 'rotate', image: { from: 'Hero banner#1' }, seed: 9, duration: 5, resolution: '1080p' },
    outputs: [
      { url: null, path: 'videos/hero-motion.mp4', bytes: 9, sha256: null, content_type: 'video/mp4', error: null },
    ],
  });
  const pic = jobResult({
    name: 'Still',
    outputs: [
      { url: null, path: 'images/still.webp', bytes: 9, sha256: null, content_type: 'image/webp', error: null },
    ],
  });
  const html = renderGallery(manifest([chained, pic]), {
    standalone: {
      thumbs: new Map([['images/still.webp', 'no webp decoder']]),
      links: new Map([['videos/hero-motion.mp4', `${ART}5`]]),
      allFilesUrl: `${ART}1`,
    },
  });

  it('shows the parameters, the chain source and the prediction id', () => {
    expect(html).toMatch(/<dt>seed<\/dt><dd><code>9<\/code>/);
    expect(html).toMatch(/<dt>resolution<\/dt><dd><code>1080p<\/code>/);
    expect(html).toMatch(/<dt>From<\/dt><dd><code>Hero banner#1<\/code>/);
    expect(html).toContain('pred-chain-123');
    expect(html).toContain('Parameters sent');
  });

  it('links files to their own artifact, falls back to a link for what it cannot show, and has no relative path', () => {
    expect(html).toContain(`href="${ART}5"`);
    expect(html).toContain('no preview: no webp decoder');
    const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((x) => x[1]!);
    for (const u of urls) expect(u).toMatch(/^https:\/\/github\.com\//);
  });
});
