// SVG is a document that can run script. Downloads refuse it (hostile-downloads.test.ts); an SVG that
// reaches a manifest anyway (an older run, a hand-edited manifest) is shown only as <img>, where
// script never runs, and never linked, framed or embedded, in the local and the standalone gallery.
import { describe, expect, it } from 'vitest';
import { renderGallery } from '../../src/report/gallery.js';
import { jobResult, manifest } from '../support/manifest-fixture.js';

const svgOutput = {
  url: 'https://cdn.example.test/out/x.svg?sig=1',
  path: 'images/logo.svg',
  bytes: 120,
  sha256: 'b'.repeat(64),
  content_type: 'image/svg+xml',
  error: null,
};

function svgTags(html: string): string[] {
  return [...html.matchAll(/<(a|iframe|object|embed|img)\b[^>]*logo\.svg[^>]*>/g)].map((m) => m[1]!);
}

describe('an SVG in the manifest', () => {
  it('the local gallery shows it as <img> only, never as a link, frame or object', () => {
    const html = renderGallery(
      manifest([jobResult({ name: 'logo', local_path: 'images/logo.svg', outputs: [svgOutput] })]),
    );
    expect(svgTags(html)).toEqual(['img']);
  });

  it('the standalone gallery neither links it to its artifact', () => {
    const html = renderGallery(
      manifest([jobResult({ name: 'logo', local_path: 'images/logo.svg', outputs: [svgOutput] })]),
      {
        standalone: {
          thumbs: new Map(),
          links: new Map([['images/logo.svg', 'https://github.example/artifacts/logo.svg']]),
        },
      },
    );
    expect(html).not.toContain('https://github.example/artifacts/logo.svg');
    expect(svgTags(html)).toEqual([]);
  });
});
