import { describe, expect, it } from 'vitest';
import { jobResult, manifest } from '../support/manifest-fixture.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { renderComment } from '../../src/report/comment.js';
import { renderSummary } from '../../src/report/summary.js';
import { changesSection } from '../../src/report/changes.js';
import { renderGallery } from '../../src/report/gallery.js';
import { renderDryRunComment, renderDryRunSummary } from '../../src/report/dry-run.js';
import { diffPlan, type DiffJob } from '../../src/plan/diff.js';

const out = (name: string) => [
  {
    url: `https://cdn.example.test/public/${name}.png`,
    path: `images/${name}.png`,
    bytes: 10,
    sha256: null,
    content_type: 'image/png',
    error: null,
  },
];

function compared(): Manifest {
  const m = manifest([
    jobResult({
      name: 'hero',
      change: 'changed',
      changed_fields: ['prompt'],
      outputs: out('hero'),
      previous_paths: ['previous/images/hero.png'],
    }),
    jobResult({ name: 'fresh', change: 'new', outputs: out('fresh') }),
    jobResult({
      name: 'banner',
      change: 'unchanged',
      status: 'cached',
      cost: 0,
      estimated_cost: 0.04,
      outputs: out('banner'),
    }),
    jobResult({
      name: 'shelf',
      change: 'unchanged',
      status: 'cached',
      cost: 0,
      estimated_cost: 0.06,
      outputs: out('shelf'),
    }),
  ]);
  return {
    ...m,
    compared_with: { generated_at: '2026-11-20T10:00:00.000Z' },
    removed: [{ name: 'old-crate', model: 'm', type: 'image', local_path: 'images/old-crate.png' }],
  };
}

describe('what changed, in the PR comment and the summary', () => {
  it('the comment leads with the changed and new jobs and their images, the removed ones, then one line for the unchanged', () => {
    const body = renderComment(compared(), { tag: 't' });
    const at = (s: string) => body.indexOf(s);
    expect(body).toContain('What changed: 1 new, 1 changed, 1 removed, 2 unchanged');
    expect(body).toMatch(/✏️ \*\*changed\*\* \*\*hero\*\* <sub>\(prompt\)<\/sub>/);
    expect(body).toMatch(/🆕 \*\*new\*\* \*\*fresh\*\*/);
    expect(body).toContain('<img src="https://cdn.example.test/public/fresh.png"');
    expect(body).toContain('🗑️ **removed** (1): **old-crate**');
    expect(body).toContain('♻️ 2 unchanged jobs: 2 reused for free (saved $0.10)');
    // Before the cost table and the job list.
    expect(at('What changed')).toBeGreaterThan(0);
    expect(at('What changed')).toBeLessThan(at('| Model |'));
    expect(at('old-crate')).toBeLessThan(at('| Model |'));
  });

  it('the file link hook wins over the output URL', () => {
    const body = renderComment(compared(), {
      tag: 't',
      fileLink: (r) => `https://github.com/acme/shop/actions/runs/1/artifacts/${r.name.length}`,
    });
    expect(body).toContain('href="https://github.com/acme/shop/actions/runs/1/artifacts/5"');
  });

  it('nothing about changes without an earlier run; the summary leads with the section when given', () => {
    const plain = manifest([jobResult({ name: 'hero' })]);
    expect(renderComment(plain, { tag: 't' })).not.toContain('What changed');
    expect(changesSection(plain, { where: 'x' })).toBeUndefined();
    const m = compared();
    const summary = renderSummary(m, { leading: changesSection(m, { where: 'x' })! });
    expect(summary.indexOf('What changed')).toBeLessThan(summary.indexOf('### Cost by model'));
    expect(summary).toContain('**old-crate**');
  });

  it('a run where nothing changed says so in one section', () => {
    const m = {
      ...manifest([jobResult({ name: 'a', change: 'unchanged', status: 'cached' })]),
      compared_with: { generated_at: 'x' },
    };
    const body = renderComment(m, { tag: 't' });
    expect(body).toContain('What changed: 0 new, 0 changed, 0 removed, 1 unchanged');
    expect(body).toContain('1 unchanged job: 1 reused for free');
  });

  it('the gallery groups by change kind, shows the earlier image of a changed job and lists the removed', () => {
    const html = renderGallery(compared());
    const at = (s: string) => html.indexOf(s);
    expect(at('>New (1)<')).toBeGreaterThan(0);
    expect(at('>Changed (1)<')).toBeGreaterThan(at('>New (1)<'));
    expect(at('>Unchanged (2)<')).toBeGreaterThan(at('>Changed (1)<'));
    expect(html).toContain('src="previous/images/hero.png"');
    expect(html).toContain('>Removed (1)<');
    expect(renderGallery(manifest([jobResult()]))).not.toContain('grouphead');
  });
});

describe('the dry-run report', () => {
  const MODEL = 'black-forest-labs/flux-2-pro/text-to-image';
  const job = (name: string, prompt: string): DiffJob & { model: string } => ({
    name,
    identity: `${name}:${prompt}`,
    model: MODEL,
    body: { model: MODEL, prompt },
    estimate: { cost: 0.04 },
  });

  it('says why, gives the estimate and the plan, and what changed when an earlier run is at hand', () => {
    const jobs = [job('hero', 'new'), job('banner', 'same')];
    const diff = diffPlan(jobs, new Set(['hero', 'banner']), {
      generated_at: '2026-11-20T10:00:00.000Z',
      results: [
        jobResult({ name: 'hero', identity: 'hero:old', params: { model: MODEL, prompt: 'old' } }),
        jobResult({ name: 'banner', identity: 'banner:same' }),
        jobResult({ name: 'gone', identity: 'g' }),
      ],
    });
    const report = {
      reason: 'no API key',
      jobs,
      estimatedCost: 0.08,
      planText: 'job  type\nhero  image',
      diff,
      toPay: 0.04,
      reused: 0.04,
    };
    const s = renderDryRunSummary(report);
    expect(s).toContain('dry run, 2 jobs, estimated $0.08');
    expect(s).toContain('Nothing was generated: no API key');
    expect(s).toContain('✏️ **changed** **hero** <sub>(prompt)</sub>');
    expect(s).toContain('🗑️ **removed** (1): **gone**');
    expect(s).toContain('1 unchanged job: reused from the earlier run (saves $0.04)');
    expect(s).toContain('would pay about $0.04');
    expect(s).toContain('hero  image');
    const c = renderDryRunComment(report, 'docs');
    expect(c.startsWith('<!-- atlas-media-action:tag=docs -->\n')).toBe(true);
    expect(c).toContain('What changed: 0 new, 1 changed, 1 removed, 1 unchanged');
    const without = renderDryRunSummary({ ...report, diff: undefined });
    expect(without).not.toContain('What changed');
    expect(without).toContain('estimated $0.08');
  });

  it('stays within the limit for a huge plan', () => {
    const planText = 'x'.repeat(200_000);
    const report = { reason: 'dry-run', jobs: [], estimatedCost: 0, planText, toPay: 0, reused: 0 };
    expect(renderDryRunComment(report, 't', 5000).length).toBeLessThanOrEqual(5000);
    expect(Buffer.byteLength(renderDryRunSummary(report, 5000))).toBeLessThanOrEqual(5000);
  });
});
