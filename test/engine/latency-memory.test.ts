// Latencies remembered across runs: written, restored, used as a prior, overridden, never trusted.
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLatencyModel, type LatencyModel } from '../../src/engine/latency.js';
import { LATENCY_MEMORY_FILE, loadLatencyMemory, saveLatencyMemory } from '../../src/engine/latency-memory.js';
import type { PlannedJob } from '../../src/jobfile/job.js';

const job = (model: string, type: 'image' | 'video' = 'image', duration?: number): PlannedJob =>
  ({ model, type, body: duration ? { duration } : {} }) as unknown as PlannedJob;

const BOUNDS = { floorMs: 100, ceilingMs: 30_000 };

/** Where the first poll of a job lands, and how many polls find a job that takes `latency`. */
function firstPoll(m: LatencyModel, j: PlannedJob): number {
  return m.nextDelay(j, 0, 0);
}
function pollsUntil(m: LatencyModel, j: PlannedJob, latency: number): number {
  let t = 0;
  let last = 0;
  let polls = 0;
  while (t < latency) {
    last = m.nextDelay(j, t, last);
    t += last;
    polls++;
  }
  return polls;
}

function warnings() {
  const seen: string[] = [];
  return { seen, log: { warning: (m: string) => seen.push(m) } };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atlas-latmem-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A model that has seen `n` jobs of flux around 4 s and of veo around 40 s per 5 s of video. */
function learned(n = 30): LatencyModel {
  const m = createLatencyModel(BOUNDS);
  for (let i = 0; i < n; i++) {
    m.observe(job('flux'), 4000 * (0.9 + (0.2 * i) / n));
    m.observe(job('veo', 'video', 10), 80_000 * (0.9 + (0.2 * i) / n));
  }
  return m;
}

describe('latency memory', () => {
  it('is written to the output directory and restored as a prior', async () => {
    await saveLatencyMemory(dir, learned());
    const text = await readFile(join(dir, LATENCY_MEMORY_FILE), 'utf8');
    expect(text.length).toBeLessThan(4096);
    const file = JSON.parse(text) as { version: number; models: Record<string, { type: string }> };
    expect(file.version).toBe(1);
    expect(Object.keys(file.models).sort()).toEqual(['flux', 'veo']);
    expect(file.models['veo']!.type).toBe('video');

    const { seen, log } = warnings();
    const prior = await loadLatencyMemory(dir, log);
    expect(seen).toEqual([]);
    expect(prior?.weight).toBeGreaterThan(7);
    const m = createLatencyModel(BOUNDS, { prior });
    // Remembered per 5 s of video: a 10 s clip is expected at about 80 s, a 5 s one at 40 s.
    expect(m.expectedMs(job('flux'))).toBeGreaterThan(3700);
    expect(m.expectedMs(job('flux'))).toBeLessThan(4300);
    expect(m.expectedMs(job('veo', 'video', 5))).toBeGreaterThan(37_000);
    expect(m.expectedMs(job('veo', 'video', 5))).toBeLessThan(43_000);
  });

  it('puts the first poll of a known model near its remembered latency, not at the cold default', async () => {
    await saveLatencyMemory(dir, learned());
    const warm = createLatencyModel(BOUNDS, { prior: await loadLatencyMemory(dir) });
    const cold = createLatencyModel(BOUNDS);
    const first = firstPoll(warm, job('flux'));
    expect(first).toBeGreaterThan(3000);
    expect(first).toBeLessThanOrEqual(4400);
    expect(Math.abs(firstPoll(cold, job('flux')) - 4000)).toBeGreaterThan(Math.abs(first - 4000));
    expect(pollsUntil(warm, job('flux'), 4100)).toBeLessThan(pollsUntil(cold, job('flux'), 4100));
  });

  it("is overridden by the run's own observations", async () => {
    await saveLatencyMemory(dir, learned());
    const m = createLatencyModel(BOUNDS, { prior: await loadLatencyMemory(dir) });
    // The model got three times slower since: the run's jobs outweigh the memory within a few dozen.
    for (let i = 0; i < 40; i++) m.observe(job('flux'), 12_000 * (0.95 + (0.1 * i) / 40));
    expect(m.expectedMs(job('flux'))).toBeGreaterThan(10_000);
    expect(firstPoll(m, job('flux'))).toBeGreaterThan(8000);
  });

  it('weighs old memory less', async () => {
    await saveLatencyMemory(dir, learned(), new Date('2026-01-01T00:00:00Z'));
    const fresh = await loadLatencyMemory(dir, undefined, new Date('2026-01-01T00:00:00Z'));
    const old = await loadLatencyMemory(dir, undefined, new Date('2026-03-01T00:00:00Z'));
    expect(old!.weight).toBeLessThan(fresh!.weight / 4);
  });

  it('keeps remembered models this run did not use', async () => {
    await saveLatencyMemory(dir, learned());
    const m = createLatencyModel(BOUNDS, { prior: await loadLatencyMemory(dir) });
    m.observe(job('imagen'), 7000);
    await saveLatencyMemory(dir, m);
    const again = await loadLatencyMemory(dir);
    expect(Object.keys(again!.models).sort()).toEqual(['flux', 'imagen', 'veo']);
  });

  it('is ignored with a warning when corrupt, hostile or oversized, and absent means silent', async () => {
    const path = join(dir, LATENCY_MEMORY_FILE);
    {
      const { seen, log } = warnings();
      expect(await loadLatencyMemory(dir, log)).toBeUndefined();
      expect(seen).toEqual([]);
    }
    const good = { version: 1, saved_at: '2026-01-01T00:00:00.000Z' };
    const shape = { type: 'image', points: [8.3], width: 0.1, n: 3 };
    const bad: Array<[string, string]> = [
      ['not JSON', '{"version":1,'],
      ['another version', JSON.stringify({ ...good, version: 2, models: {} })],
      ['a negative width', JSON.stringify({ ...good, models: { m: { ...shape, width: -1 } } })],
      ['an absurd latency', JSON.stringify({ ...good, models: { m: { ...shape, points: [1e9] } } })],
      ['an unknown field', JSON.stringify({ ...good, models: { m: { ...shape, exec: 'x' } } })],
      [
        'a prototype key',
        `{"version":1,"saved_at":"${good.saved_at}","models":{"m":${JSON.stringify(shape)}},"__proto__":{}}`,
      ],
      ['too large', JSON.stringify({ ...good, models: {}, pad: 'x'.repeat(300 * 1024) })],
    ];
    for (const [what, text] of bad) {
      await writeFile(path, text);
      const { seen, log } = warnings();
      expect(await loadLatencyMemory(dir, log), what).toBeUndefined();
      expect(seen, what).toHaveLength(1);
      expect(seen[0]).toContain(LATENCY_MEMORY_FILE);
    }
    // A symlink (e.g. to a secret elsewhere) is not followed.
    await rm(path);
    await writeFile(join(dir, 'elsewhere.json'), JSON.stringify({ ...good, models: { m: shape } }));
    await symlink(join(dir, 'elsewhere.json'), path);
    const { seen, log } = warnings();
    expect(await loadLatencyMemory(dir, log)).toBeUndefined();
    expect(seen).toHaveLength(1);
  });

  it('a hostile model name cannot reach the prototype', async () => {
    const path = join(dir, LATENCY_MEMORY_FILE);
    const shape = { type: 'image', points: [8.3], width: 0.1, n: 3 };
    await writeFile(
      path,
      JSON.stringify({ version: 1, saved_at: '2026-01-01T00:00:00.000Z', models: { constructor: shape } }),
    );
    const prior = await loadLatencyMemory(dir);
    const m = createLatencyModel(BOUNDS, { prior });
    expect(m.expectedMs(job('toString'))).toBeUndefined();
    expect(m.expectedMs(job('constructor'))).toBeGreaterThan(3000);
  });
});
