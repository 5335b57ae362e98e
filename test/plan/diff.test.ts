import { describe, expect, it } from 'vitest';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  changedFiles,
  costToPay,
  diffPlan,
  differingFields,
  withChanges,
  type DiffJob,
  type EarlierRun,
} from '../../src/plan/diff.js';
import { keepPreviousFiles, readEarlierRun } from '../../src/plan/earlier.js';
import { jobResult, manifest } from '../support/manifest-fixture.js';
import { tempDir } from '../support/run-cli.js';

const MODEL = 'black-forest-labs/flux-2-pro/text-to-image';
const job = (
  name: string,
  prompt: string,
  extra: Record<string, unknown> = {},
  identity = `id-${name}-${prompt}`,
): DiffJob => ({
  name,
  identity,
  model: MODEL,
  body: { model: MODEL, prompt, ...extra },
  estimate: { cost: 0.04 },
});
const earlierOf = (jobs: DiffJob[], status: 'success' | 'failed' = 'success'): EarlierRun => ({
  generated_at: '2026-11-20T10:00:00.000Z',
  results: jobs.map((j) =>
    jobResult({ name: j.name, identity: j.identity, params: j.body, status, local_path: `images/${j.name}.png` }),
  ),
});

describe('diffPlan', () => {
  const base = [job('hero', 'a bottle'), job('banner', 'a shelf'), job('old', 'a crate')];

  it('marks each job new, changed or unchanged, and the earlier jobs gone from the file removed', () => {
    const now = [job('hero', 'a bottle on marble'), job('banner', 'a shelf'), job('fresh', 'a box')];
    const d = diffPlan(now, new Set(now.map((j) => j.name)), earlierOf(base));
    expect(d.jobs.map((c) => [c.name, c.kind, c.fields])).toEqual([
      ['hero', 'changed', ['prompt']],
      ['banner', 'unchanged', []],
      ['fresh', 'new', []],
    ]);
    expect(d.removed).toEqual([{ name: 'old', model: MODEL, type: 'image', local_path: 'images/old.png' }]);
    expect(d.comparedWith.generated_at).toBe('2026-11-20T10:00:00.000Z');
  });

  it('names the parameters that differ, model and prompt first, and "inputs" when only a chained input did', () => {
    expect(
      differingFields({ model: 'b', prompt: 'x', seed: 2, width: 5 }, { model: 'a', prompt: 'x', seed: 1, width: 5 }),
    ).toEqual(['model', 'seed']);
    const d = diffPlan([job('hero', 'a bottle', {}, 'other-identity')], new Set(['hero']), earlierOf([base[0]!]));
    expect(d.jobs[0]).toMatchObject({ kind: 'changed', fields: ['inputs'] });
  });

  it('a job this run leaves out (jobs filter, another shard) is not removed while the file still has it', () => {
    const d = diffPlan([base[0]!], new Set(['hero', 'banner', 'old']), earlierOf(base));
    expect(d.removed).toEqual([]);
    expect(d.jobs.map((c) => c.kind)).toEqual(['unchanged']);
  });

  it('costToPay: unchanged jobs that succeeded before are free, unchanged ones that failed are paid again', () => {
    const now = [job('hero', 'new prompt'), job('banner', 'a shelf'), job('old', 'a crate')];
    const ok = diffPlan(now, new Set(['hero', 'banner', 'old']), earlierOf(base));
    expect(costToPay(now, ok)).toEqual({ toPay: 0.04, reused: 0.08 });
    const failed = diffPlan(now, new Set(['hero', 'banner', 'old']), earlierOf(base, 'failed'));
    expect(costToPay(now, failed)).toEqual({ toPay: 0.12, reused: 0 });
    expect(costToPay(now, undefined)).toEqual({ toPay: 0.12, reused: 0 });
  });

  it("withChanges records each result's change and the removed jobs; changedFiles lists new and changed files", () => {
    const now = [job('hero', 'a bottle on marble'), job('banner', 'a shelf'), job('fresh', 'a box')];
    const d = diffPlan(now, new Set(now.map((j) => j.name)), earlierOf(base));
    const m = manifest(
      now.map((j) =>
        jobResult({
          name: j.name,
          outputs: [
            { url: null, path: `images/${j.name}.png`, bytes: 1, sha256: null, content_type: 'image/png', error: null },
          ],
        }),
      ),
    );
    const out = withChanges(m, d, new Map([['hero', ['previous/images/hero.png']]]));
    expect(out.results.map((r) => [r.name, r.change, r.changed_fields, r.previous_paths])).toEqual([
      ['hero', 'changed', ['prompt'], ['previous/images/hero.png']],
      ['banner', 'unchanged', undefined, undefined],
      ['fresh', 'new', undefined, undefined],
    ]);
    expect(out.removed?.map((r) => r.name)).toEqual(['old']);
    expect(changedFiles(out)).toEqual(['images/hero.png', 'images/fresh.png']);
    expect(changedFiles(m)).toEqual([]);
  });
});

describe('diffPlan across pushes of one pull request', () => {
  const base = [job('hero', 'a bottle'), job('banner', 'a shelf'), job('old', 'a crate')];
  const all = (js: DiffJob[]) => new Set(js.map((j) => j.name));

  it('a second push keeps comparing with the base run, not with the first push', () => {
    const push1 = [job('hero', 'a bottle on marble'), job('banner', 'a shelf'), job('fresh', 'a box')];
    const d1 = diffPlan(push1, all(push1), earlierOf(base), 'pr-7');
    expect(d1.comparedWith).toEqual({ generated_at: '2026-11-20T10:00:00.000Z', review: 'pr-7' });
    // The first push's manifest, as withChanges writes it.
    const m1 = withChanges(
      manifest(push1.map((j) => jobResult({ name: j.name, identity: j.identity, params: j.body, local_path: null }))),
      d1,
      new Map([['hero', ['previous/images/hero.png']]]),
    );
    const earlier2: EarlierRun = { ...m1, generated_at: '2026-11-21T10:00:00.000Z' };
    // Push 2: fresh edited again, banner edited now, hero as in push 1; 'extra' added then (push 3) dropped.
    const push2 = [job('hero', 'a bottle on marble'), job('banner', 'a tall shelf'), job('fresh', 'two boxes')];
    const d2 = diffPlan(push2, all(push2), earlier2, 'pr-7');
    expect(d2.comparedWith.generated_at).toBe('2026-11-20T10:00:00.000Z');
    expect(d2.jobs.map((c) => [c.name, c.kind, c.fields])).toEqual([
      ['hero', 'changed', ['prompt']],
      ['banner', 'changed', ['prompt']],
      ['fresh', 'new', []],
    ]);
    expect(d2.removed.map((r) => r.name)).toEqual(['old']);
    // hero is the same generation as in push 1: free; banner and fresh are paid.
    expect(costToPay(push2, d2)).toEqual({ toPay: 0.08, reused: 0.04 });
    // Another pull request (or a push to main) compares with the run it restored, plainly.
    expect(diffPlan(push2, all(push2), earlier2, 'pr-8').comparedWith.generated_at).toBe('2026-11-21T10:00:00.000Z');
    expect(diffPlan(push2, all(push2), earlier2).jobs.map((c) => c.kind)).toEqual(['unchanged', 'changed', 'changed']);
  });

  it('a job the review added and then dropped is not "removed"', () => {
    const push1 = [...base, job('extra', 'x')];
    const d1 = diffPlan(push1, all(push1), earlierOf(base), 'pr-7');
    const m1 = withChanges(
      manifest(push1.map((j) => jobResult({ name: j.name, identity: j.identity, params: j.body }))),
      d1,
    );
    const d2 = diffPlan(base, all(base), { ...m1 }, 'pr-7');
    expect(d2.removed).toEqual([]);
    expect(d2.jobs.every((c) => c.kind === 'unchanged')).toBe(true);
  });
});

describe('readEarlierRun and keepPreviousFiles', () => {
  it('reads the manifest the output directory holds, ignores one of another job file or a broken one', async () => {
    const dir = await tempDir('atlas-diff-');
    try {
      expect(await readEarlierRun(dir, 'jobs.yml')).toBeUndefined();
      const m = { ...manifest([jobResult({ name: 'hero' })]), config: 'jobs.yml' };
      await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
      expect((await readEarlierRun(dir, 'jobs.yml'))?.results.map((r) => r.name)).toEqual(['hero']);
      expect(await readEarlierRun(dir, 'other.yml')).toBeUndefined();
      await writeFile(join(dir, 'manifest.json'), '{"results": [');
      expect(await readEarlierRun(dir, 'jobs.yml')).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('copies the earlier files of changed jobs to previous/, never through a symlink or out of the directory', async () => {
    const dir = await tempDir('atlas-diff-');
    const outside = await tempDir('atlas-diff-outside-');
    try {
      await mkdir(join(dir, 'images'), { recursive: true });
      await writeFile(join(dir, 'images/hero.png'), 'HERO-BEFORE');
      await writeFile(join(outside, 'secret.txt'), 'SECRET');
      await symlink(join(outside, 'secret.txt'), join(dir, 'images/link.png'));
      const file = (path: string) => ({
        url: null,
        path,
        bytes: 5,
        sha256: null,
        content_type: 'image/png',
        error: null,
      });
      const earlier: EarlierRun = {
        generated_at: 'x',
        results: [
          jobResult({ name: 'hero', identity: 'a', outputs: [file('images/hero.png')] }),
          jobResult({ name: 'evil', identity: 'b', outputs: [file('images/link.png'), file('../../etc/passwd')] }),
        ],
      };
      const d = diffPlan(
        [job('hero', 'new', {}, 'a2'), job('evil', 'new', {}, 'b2')],
        new Set(['hero', 'evil']),
        earlier,
      );
      const kept = await keepPreviousFiles(dir, d);
      expect([...kept]).toEqual([['hero', ['previous/images/hero.png']]]);
      expect(await readFile(join(dir, 'previous/images/hero.png'), 'utf8')).toBe('HERO-BEFORE');
      // A later run where nothing is changed any more: previous/ is emptied, not left to grow.
      await writeFile(join(dir, 'previous/images/stale.png'), 'STALE');
      expect([...(await keepPreviousFiles(dir, diffPlan([], new Set(), earlier)))]).toEqual([]);
      await expect(readFile(join(dir, 'previous/images/hero.png'))).rejects.toThrow();
      await expect(readFile(join(dir, 'previous/images/stale.png'))).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});
