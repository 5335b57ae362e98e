// Shard artifact names: written by each shard, read back by the report step.
import { describe, expect, it } from 'vitest';
import { parseShardArtifactName, pickShardArtifacts, shardArtifactName } from '../../src/github/shards.js';

describe('shard artifact names', () => {
  it('names shards <base>-<i>-of-<n>, 1-of-1 included, with -attempt-<k> on re-runs', () => {
    expect(shardArtifactName('atlas-media', { index: 2, total: 4 }, 1)).toBe('atlas-media-2-of-4');
    expect(shardArtifactName('atlas-media', { index: 1, total: 1 }, 1)).toBe('atlas-media-1-of-1');
    expect(shardArtifactName('atlas-media', { index: 3, total: 4 }, 2)).toBe('atlas-media-3-of-4-attempt-2');
    expect(shardArtifactName('atlas-media', undefined, 1)).toBe('atlas-media');
  });

  it('reads them back, and nothing else (per-job artifacts, other bases, impossible indexes)', () => {
    expect(parseShardArtifactName('atlas-media', 'atlas-media-2-of-4')).toEqual({ index: 2, total: 4, attempt: 1 });
    expect(parseShardArtifactName('atlas-media', 'atlas-media-3-of-4-attempt-2')).toEqual({
      index: 3,
      total: 4,
      attempt: 2,
    });
    expect(parseShardArtifactName('a.b', 'a.b-1-of-2')).toEqual({ index: 1, total: 2, attempt: 1 });
    for (const n of [
      'atlas-media',
      'atlas-media-2-of-4-hero.png',
      'other-1-of-2',
      'atlas-media-5-of-4',
      'atlas-media-0-of-4',
      'axb-1-of-2',
    ]) {
      expect(parseShardArtifactName(n.startsWith('axb') ? 'a.b' : 'atlas-media', n), n).toBeUndefined();
    }
  });

  it('picks the newest attempt of each shard and the newest shard count', () => {
    const picked = pickShardArtifacts('m', [
      { name: 'm-1-of-3', id: 1 },
      { name: 'm-2-of-3', id: 2 },
      { name: 'm-2-of-3-attempt-2', id: 5 },
      { name: 'm-1-of-2', id: 0, createdAt: new Date(0) },
      { name: 'm', id: 9 },
      { name: 'm-1-of-3-hero.png', id: 10 },
    ]);
    expect(picked.total).toBe(3);
    expect([...picked.found].map(([i, a]) => [i, a.id])).toEqual([
      [1, 1],
      [2, 5],
    ]);
    expect(picked.ignored.map((a) => a.name)).toEqual(['m-1-of-2']);
    expect(pickShardArtifacts('m', [{ name: 'm', id: 1 }]).total).toBeUndefined();
  });
});
