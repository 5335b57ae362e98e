// The report step's merge of shard manifests.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeManifests, type ShardPart } from '../../src/report/merge.js';
import { Manifest } from '../../src/manifest/schema.js';
import { jobResult, manifest } from '../support/manifest-fixture.js';
import { renderSummary } from '../../src/report/summary.js';
import { renderComment } from '../../src/report/comment.js';
import { shouldFail } from '../../src/pipeline.js';

const IMG = 'black-forest-labs/flux-2-pro/text-to-image';
const VID = 'google/veo3.1/text-to-video';

function shardManifest(
  jobs: Array<{ name: string; at: number; video?: boolean; status?: 'success' | 'failed' }>,
  run: { start: string; end: string; concurrency: number },
): Manifest {
  const m = manifest(
    jobs.map((j) =>
      jobResult({
        name: j.name,
        file_index: j.at,
        model: j.video ? VID : IMG,
        type: j.video ? 'video' : 'image',
        status: j.status ?? 'success',
        cost: j.status === 'failed' ? 0 : j.video ? 0.15 : 0.04,
        estimated_cost: j.video ? 0.15 : 0.04,
      }),
    ),
  );
  return {
    ...m,
    run: { started_at: run.start, finished_at: run.end, wall_seconds: 0, concurrency: run.concurrency, stopped: null },
  };
}

describe('mergeManifests', () => {
  const s1 = shardManifest(
    [
      { name: 'a', at: 0 },
      { name: 'd', at: 3, video: true },
    ],
    { start: '2026-01-01T10:00:00.000Z', end: '2026-01-01T10:01:00.000Z', concurrency: 4 },
  );
  const s2 = shardManifest(
    [
      { name: 'b', at: 1 },
      { name: 'e', at: 4, status: 'failed' },
    ],
    { start: '2026-01-01T10:00:05.000Z', end: '2026-01-01T10:02:00.000Z', concurrency: 3 },
  );
  const s3 = shardManifest([{ name: 'c', at: 2, video: true }], {
    start: '2026-01-01T09:59:59.000Z',
    end: '2026-01-01T10:00:30.000Z',
    concurrency: 2,
  });

  it("lists every job once in the file's order, with totals, counts and cost by model recomputed", () => {
    const m = mergeManifests([
      { shard: '2/3', manifest: s2 },
      { shard: '1/3', manifest: s1 },
      { shard: '3/3', manifest: s3 },
    ]);
    expect(Manifest.parse(m)).toEqual(m);
    expect(m.results.map((r) => r.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(m.total_jobs).toBe(5);
    expect(m.successful).toBe(4);
    expect(m.failed).toBe(1);
    expect(m.total_cost).toBeCloseTo(0.04 * 2 + 0.15 * 2);
    expect(m.estimated_total_cost).toBeCloseTo(
      s1.estimated_total_cost + s2.estimated_total_cost + s3.estimated_total_cost,
    );
    expect(m.cost_by_model[IMG]).toMatchObject({ jobs: 3 });
    expect(m.cost_by_model[IMG]!.cost).toBeCloseTo(0.08);
    expect(m.cost_by_model[VID]).toMatchObject({ jobs: 2 });
    expect(m.cost_by_model[VID]!.cost).toBeCloseTo(0.3);
    expect(m.run).toEqual({
      started_at: '2026-01-01T09:59:59.000Z',
      finished_at: '2026-01-01T10:02:00.000Z',
      wall_seconds: 121,
      concurrency: 9,
      stopped: null,
    });
    expect(m.shards).toEqual([
      { shard: '1/3', status: 'merged', jobs: 2, cost: s1.total_cost, reason: null },
      { shard: '2/3', status: 'merged', jobs: 2, cost: s2.total_cost, reason: null },
      { shard: '3/3', status: 'merged', jobs: 1, cost: s3.total_cost, reason: null },
    ]);
    expect(m.generated_at).toBe(
      [s1, s2, s3]
        .map((x) => x.generated_at)
        .sort()
        .at(-1),
    );
  });

  it('names a missing shard in the manifest, run.stopped, the summary and the comment, and fail-on any fails', () => {
    const m = mergeManifests([
      { shard: '1/3', manifest: s1 },
      { shard: '2/3', missing: true, reason: 'no artifact atlas-media-2-of-3 in this run' },
      { shard: '3/3', manifest: s3 },
    ]);
    expect(m.results.map((r) => r.name)).toEqual(['a', 'c', 'd']);
    expect(m.shards?.find((s) => s.shard === '2/3')).toEqual({
      shard: '2/3',
      status: 'missing',
      jobs: 0,
      cost: 0,
      reason: 'no artifact atlas-media-2-of-3 in this run',
    });
    expect(m.run.stopped).toMatch(/shard 2\/3 .*missing/);
    expect(renderSummary(m)).toMatch(/shard 2&#47;3|shard 2\/3/);
    expect(renderComment(m, { tag: 't' })).toMatch(/shard 2&#47;3|shard 2\/3/);
    expect(shouldFail(m, 'any')).toBe(true);
    expect(shouldFail(m, 'never')).toBe(false);
  });

  it('keeps what the shards were compared with and the jobs removed since, once each', () => {
    const compared_with = { generated_at: '2025-12-31T10:00:00.000Z', review: 'pr-7' };
    const gone = { name: 'old hero', model: IMG, type: 'image' as const, local_path: 'images/old_hero.png' };
    const gone2 = { name: 'old clip', model: VID, type: 'video' as const, local_path: null };
    const m = mergeManifests([
      { shard: '1/2', manifest: { ...s1, compared_with, removed: [gone, gone2] } },
      { shard: '2/2', manifest: { ...s2, compared_with, removed: [gone, gone2] } },
    ]);
    expect(Manifest.parse(m).compared_with).toEqual(compared_with);
    expect(m.removed).toEqual([gone, gone2]);
    expect(renderComment(m, { tag: 'media' })).toContain('old hero');
    // Nothing compared: no comparison keys at all, as a single run writes.
    const plain = mergeManifests([{ shard: '1/1', manifest: s1 }]);
    expect('compared_with' in plain || 'removed' in plain).toBe(false);
  });

  it("carries each shard's early stop, and survives every shard missing", () => {
    const stopped = { ...s3, run: { ...s3.run, stopped: 'budget' } };
    expect(
      mergeManifests([
        { shard: '1/2', manifest: s1 },
        { shard: '2/2', manifest: stopped },
      ]).run.stopped,
    ).toBe('shard 2/2: budget');
    const none = mergeManifests([
      { shard: '1/2', missing: true },
      { shard: '2/2', missing: true },
    ]);
    expect(none.total_jobs).toBe(0);
    expect(none.run.stopped).toMatch(/shards 1\/2, 2\/2 missing/);
    expect(Manifest.parse(none)).toEqual(none);
  });

  it('keeps one result per job when two shards report it (the one that got furthest), and puts results without file_index last', () => {
    const failed = shardManifest([{ name: 'a', at: 0, status: 'failed' }], {
      start: s1.run.started_at,
      end: s1.run.finished_at,
      concurrency: 1,
    });
    const legacy = {
      ...s3,
      results: s3.results.map((r) => {
        const { file_index: _, ...rest } = r;
        return rest;
      }),
    };
    const m = mergeManifests([
      { shard: '1/3', manifest: failed },
      { shard: '2/3', manifest: s1 },
      { shard: '3/3', manifest: legacy },
    ]);
    expect(m.results.map((r) => `${r.name}:${r.status}`)).toEqual(['a:success', 'd:success', 'c:success']);
  });

  it("for any split of a file into shards, given in any order, gives back every job once in the file's order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.infiniteStream(fc.nat()),
        (assign, n, rnd) => {
          const parts: ShardPart[] = Array.from({ length: n }, (_, s) => ({
            shard: `${s + 1}/${n}`,
            manifest: shardManifest(
              assign.flatMap((a, at) => (a % n === s ? [{ name: `job ${at}`, at }] : [])),
              { start: s1.run.started_at, end: s1.run.finished_at, concurrency: 1 },
            ),
          }));
          const it = rnd[Symbol.iterator]();
          const shuffled = parts
            .map((p) => ({ p, k: it.next().value as number }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.p);
          const m = mergeManifests(shuffled);
          expect(m.results.map((r) => r.name)).toEqual(assign.map((_, at) => `job ${at}`));
          expect(m.total_jobs).toBe(assign.length);
        },
      ),
    );
  });
});
