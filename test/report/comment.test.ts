import { describe, expect, it } from 'vitest';
import { jobResult, manifest } from '../support/manifest-fixture.js';
import type { JobResult } from '../../src/manifest/schema.js';
import { COMMENT_MAX_CHARS, commentMarker, renderComment } from '../../src/report/comment.js';

function huge(n: number) {
  const results: JobResult[] = [];
  for (let i = 0; i < n; i++) {
    const failed = i % 4 === 0;
    results.push(
      jobResult({
        name: `Job ${i} ${'é'.repeat(i % 30)} 🎨`,
        status: failed ? 'failed' : 'success',
        error: failed ? `upstream error ${i}: ${'lorem ipsum '.repeat(40)}` : null,
        outputs: [
          {
            url: `https://cdn.example.test/public/${i}.png`,
            path: `images/${i}.png`,
            bytes: 1,
            sha256: null,
            content_type: 'image/png',
            error: null,
          },
        ],
      }),
    );
  }
  return manifest(results);
}

describe('commentMarker', () => {
  it('is a hidden HTML comment naming the tag', () => {
    expect(commentMarker('docs')).toBe('<!-- atlas-media-action:tag=docs -->');
  });

  it('cannot be closed early by the tag, and one tag never matches another', () => {
    const evil = commentMarker('x --> <img src=x>');
    expect(evil.startsWith('<!-- ')).toBe(true);
    expect(evil.indexOf('-->')).toBe(evil.length - 3);
    expect(commentMarker('a')).not.toBe(commentMarker('ab'));
    expect(commentMarker('ab').includes(commentMarker('a'))).toBe(false);
    expect(commentMarker('')).toBe(commentMarker('default'));
  });
});

describe('renderComment', () => {
  it('starts with the marker and carries the headline, costs, failures and jobs', () => {
    const body = renderComment(manifest(), { tag: 'media' });
    expect(body.startsWith(commentMarker('media') + '\n')).toBe(true);
    expect(body).toContain('2 succeeded, 1 failed');
    expect(body).toContain('| Model | Jobs | Price | Estimated | Actual | Source |');
    expect(body).toContain('**Failed jobs (1)**');
    expect(body).toContain('Banner &lt;Broken&gt;');
    expect(body).not.toContain('<Broken>');
    expect(body).toContain('<details><summary>Jobs (3)</summary>');
    // The fixture's outputs are signed: no URL of theirs appears.
    expect(body).not.toContain('sig=');
    expect(body).not.toContain('more jobs');
  });

  it('stays within 65,536 characters on a huge manifest, marker included', () => {
    const m = huge(20_000);
    const body = renderComment(m, { tag: 'big', runUrl: 'https://github.com/o/r/actions/runs/9' });
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(body.length).toBeGreaterThan(COMMENT_MAX_CHARS * 0.8);
    expect([...body].length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(body.startsWith(commentMarker('big'))).toBe(true);
    expect(body).toContain('**Failed jobs (5000)**');
    expect(body).toMatch(
      /… and \d+ more failed jobs: see the job summary of the <a href="https:\/\/github.com\/o\/r\/actions\/runs\/9">workflow run<\/a>/,
    );
    expect(body).toMatch(/… and \d+ more jobs: /);
    // The <details> around the job table is closed.
    expect(body.split('<details>').length).toBe(body.split('</details>').length);
  });

  it('honours a smaller maxChars and never drops the marker', () => {
    const m = huge(500);
    for (const max of [300, 2_000, 10_000]) {
      const body = renderComment(m, { tag: 't', maxChars: max });
      expect(body.length).toBeLessThanOrEqual(max);
      expect(body.startsWith(commentMarker('t'))).toBe(true);
    }
  });

  it("caps maxChars at GitHub's limit", () => {
    const body = renderComment(huge(20_000), { tag: 't', maxChars: 1_000_000 });
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
  });
});
