// The Actions cache wrapper: key derivation, and save → restore round trips through the real
// @actions/cache 6 client against the cache-service fake + Azurite (real tar, real blobs).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startCacheService, type CacheService } from '../support/cache-service.js';
import { applyEnv } from '../support/github-env.js';
import { tempDir } from '../support/run-cli.js';
import { memoryLog } from '../../src/shared/log.js';
import { JOURNAL_FILE } from '../../src/journal/journal.js';
import {
  CACHE_KEY_PREFIX,
  cacheKeys,
  cachePathFor,
  carryOutputs,
  mergeJournalText,
  planHash,
  restoreOutputs,
  saveOutputs,
} from '../../src/github/cache.js';

const ctx = (ids: string[], runId = '100', runAttempt = 1) => ({
  configPath: '.github/atlas-media.yml',
  jobIdentities: ids,
  runId,
  runAttempt,
});
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('cache keys', () => {
  it('are stable, order-independent and change when any identity changes', () => {
    const a = cacheKeys(ctx(['id-a', 'id-b', 'id-c']));
    expect(cacheKeys(ctx(['id-a', 'id-b', 'id-c']))).toEqual(a);
    expect(cacheKeys(ctx(['id-c', 'id-a', 'id-b']))).toEqual(a);
    expect(a.primary).toMatch(/^atlas-media-v1-[0-9a-f]{16}-100-1$/);
    expect(a.primary).toBe(`${CACHE_KEY_PREFIX}${planHash(['id-b', 'id-c', 'id-a'])}-100-1`);
    for (const changed of [
      ['id-a', 'id-b', 'id-X'],
      ['id-a', 'id-b'],
      ['id-a', 'id-b', 'id-c', 'id-d'],
    ]) {
      expect(cacheKeys(ctx(changed)).primary).not.toBe(a.primary);
    }
  });

  it('are unique per attempt and restore from this run, then this plan, then any run', () => {
    const k1 = cacheKeys(ctx(['x'], '7', 1));
    const k2 = cacheKeys(ctx(['x'], '7', 2));
    expect(k2.primary).not.toBe(k1.primary);
    const h = planHash(['x']);
    expect(k2.restore).toEqual([`atlas-media-v1-${h}-7-`, `atlas-media-v1-${h}-`, 'atlas-media-v1-']);
    // Every restore key is a prefix of the earlier attempt's primary key, most specific first.
    for (const r of k2.restore) expect(k1.primary.startsWith(r)).toBe(true);
    // A shard's key is its own; @actions/cache's limits (≤ 512 characters, no commas) hold.
    const s = cacheKeys({ ...ctx(['x'], '7', 1), shard: { index: 2, total: 4 } });
    expect(s.primary).toBe(`${k1.primary}-shard2of4`);
    for (const k of [s.primary, ...s.restore]) {
      expect(k.length).toBeLessThanOrEqual(512);
      expect(k).not.toContain(',');
    }
  });

  it('cache only an output directory inside the workspace, by its relative path', () => {
    expect(cachePathFor('/w/out/media', '/w')).toEqual({ path: 'out/media' });
    expect(cachePathFor('/elsewhere/out', '/w').path).toBeUndefined();
    expect(cachePathFor('/w', '/w').path).toBeUndefined();
    expect(cachePathFor('/w/out[1]', '/w').why).toMatch(/glob/);
  });

  it('merge journals by time and drop duplicates and torn lines', () => {
    const line = (at: string, event: string) => JSON.stringify({ at, identity: 'i', name: 'n', event });
    const cached =
      [line('2025-01-01T00:00:01Z', 'submitting'), line('2025-01-01T00:00:03Z', 'downloaded')].join('\n') + '\n';
    const local = [
      line('2025-01-01T00:00:01Z', 'submitting'),
      line('2025-01-01T00:00:02Z', 'submitted'),
      '{"torn',
    ].join('\n');
    const merged = mergeJournalText(cached, local)
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: string }).event);
    expect(merged).toEqual(['submitting', 'submitted', 'downloaded']);
  });
});

describe('save and restore through the real @actions/cache client', () => {
  let azurite: Azurite;
  let svc: CacheService;
  let restoreEnv: () => void;
  const startDir = process.cwd();

  beforeAll(async () => {
    azurite = await startAzurite();
    svc = await startCacheService(azurite);
    restoreEnv = applyEnv({
      ...svc.env(),
      RUNNER_TEMP: await tempDir('atlas-runner-temp-'),
      GITHUB_WORKSPACE: undefined,
    });
  }, 60_000);
  afterAll(async () => {
    restoreEnv?.();
    await svc?.close();
    await azurite?.stop();
  });
  beforeEach(() => svc.clear());
  afterEach(() => process.chdir(startDir));

  /** A fresh workspace, as on a new runner; the process works in it as the action does. */
  async function workspace(): Promise<string> {
    const w = await tempDir('atlas-ws-');
    process.chdir(w);
    return w;
  }

  async function fill(out: string): Promise<Record<string, string>> {
    await mkdir(join(out, 'images'), { recursive: true });
    await mkdir(join(out, 'videos'), { recursive: true });
    const files: Record<string, Buffer> = {
      'images/hero.png': randomBytes(300_000),
      'videos/spin.mp4': randomBytes(1_200_000),
      [JOURNAL_FILE]: Buffer.from(
        JSON.stringify({ at: '2025-01-01T00:00:00Z', identity: 'i1', name: 'hero', event: 'downloaded' }) + '\n',
      ),
    };
    for (const [p, b] of Object.entries(files)) await writeFile(join(out, p), b);
    return Object.fromEntries(Object.entries(files).map(([p, b]) => [p, sha(b)]));
  }

  async function hashes(out: string): Promise<Record<string, string>> {
    const res: Record<string, string> = {};
    for (const e of await readdir(out, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const p = join(e.parentPath, e.name);
      res[p.slice(out.length + 1)] = sha(await readFile(p));
    }
    return res;
  }

  it('round-trips the output directory byte for byte into a fresh workspace, matched by the run prefix', async () => {
    const log = memoryLog();
    const w1 = await workspace();
    const sent = await fill(join(w1, 'out'));
    const k1 = cacheKeys(ctx(['i1', 'i2'], '55', 1));
    await saveOutputs(join(w1, 'out'), k1.primary, log);
    expect(svc.entries().map((e) => e.key)).toEqual([k1.primary]);

    const w2 = await workspace();
    const k2 = cacheKeys(ctx(['i1', 'i2'], '55', 2));
    const r = await restoreOutputs(join(w2, 'out'), k2, log);
    expect(r.hit).toBe(k1.primary);
    expect(await hashes(join(w2, 'out'))).toEqual(sent);
    // The staging directory is gone; only the output directory was created.
    expect(await readdir(w2)).toEqual(['out']);
    const get = svc.calls().find((c) => c.method === 'GetCacheEntryDownloadURL')!;
    expect(get.body).toMatchObject({ key: k2.primary, restore_keys: k2.restore });
    expect(log.lines.join('\n')).not.toMatch(/warning/);
  });

  it('prefers this plan over a newer entry of another plan, and falls back to any run', async () => {
    const log = memoryLog();
    const w1 = await workspace();
    await fill(join(w1, 'out'));
    const mine = cacheKeys(ctx(['i1'], '1', 1));
    await saveOutputs(join(w1, 'out'), mine.primary, log);
    await writeFile(join(w1, 'out', 'other.txt'), 'other plan');
    const other = cacheKeys(ctx(['zz'], '2', 1));
    await saveOutputs(join(w1, 'out'), other.primary, log);

    await workspace();
    const next = cacheKeys(ctx(['i1'], '3', 1));
    expect((await restoreOutputs(join(process.cwd(), 'out'), next, log)).hit).toBe(mine.primary);

    await workspace();
    const unrelated = cacheKeys(ctx(['new-job'], '4', 1));
    expect((await restoreOutputs(join(process.cwd(), 'out'), unrelated, log)).hit).toBe(other.primary);
  });

  it('never overwrites local state: missing files come in, local files stay, journals merge', async () => {
    const log = memoryLog();
    const w1 = await workspace();
    await fill(join(w1, 'out'));
    const k = cacheKeys(ctx(['i1'], '9', 1));
    await saveOutputs(join(w1, 'out'), k.primary, log);

    const w2 = await workspace();
    const out = join(w2, 'out');
    await mkdir(join(out, 'images'), { recursive: true });
    await writeFile(join(out, 'images', 'hero.png'), 'local, newer');
    const localLine =
      JSON.stringify({
        at: '2025-02-01T00:00:00Z',
        identity: 'i2',
        name: 'other',
        event: 'submitted',
        prediction_id: 'p2',
      }) + '\n';
    await writeFile(join(out, JOURNAL_FILE), localLine);
    expect((await restoreOutputs(out, cacheKeys(ctx(['i1'], '9', 2)), log)).hit).toBe(k.primary);
    expect(await readFile(join(out, 'images', 'hero.png'), 'utf8')).toBe('local, newer');
    expect((await readFile(join(out, 'videos', 'spin.mp4'))).length).toBe(1_200_000);
    const journal = (await readFile(join(out, JOURNAL_FILE), 'utf8')).trim().split('\n');
    expect(journal.map((l) => (JSON.parse(l) as { identity: string }).identity)).toEqual(['i1', 'i2']);
  });

  it('saves nothing when a restored run recorded nothing new', async () => {
    const log = memoryLog();
    const w1 = await workspace();
    await fill(join(w1, 'out'));
    await saveOutputs(join(w1, 'out'), cacheKeys(ctx(['i1'], '20', 1)).primary, log);

    await workspace();
    const plan = { configPath: 'jobs.yml', outputDir: join(process.cwd(), 'out'), jobs: [{ identity: 'i1' }] };
    const settings = { cache: true, dryRun: false, force: false };
    const env = { ...process.env, GITHUB_RUN_ID: '21', GITHUB_RUN_ATTEMPT: '1' };
    const carried = await carryOutputs(plan, settings, env, log);
    expect(carried?.hit).toBe(cacheKeys(ctx(['i1'], '20', 1)).primary);
    await carried!.save();
    expect(svc.entries()).toHaveLength(1);
    expect(log.lines.join('\n')).toMatch(/nothing new was generated/);

    // Something paid for since the restore: saved under this attempt's key (once, however often asked).
    const carried2 = await carryOutputs(plan, settings, env, log);
    await writeFile(
      join(plan.outputDir, JOURNAL_FILE),
      JSON.stringify({ at: new Date().toISOString(), identity: 'i1', name: 'hero', event: 'submitted' }) + '\n',
      { flag: 'a' },
    );
    await Promise.all([carried2!.save(), carried2!.save()]);
    expect(svc.entries().map((e) => e.key)).toEqual([
      cacheKeys(ctx(['i1'], '20', 1)).primary,
      cacheKeys(ctx(['i1'], '21', 1)).primary,
    ]);

    // Off, dry run, or no service: nothing is done at all.
    expect(await carryOutputs(plan, { ...settings, cache: false }, env, log)).toBeUndefined();
    expect(await carryOutputs(plan, { ...settings, dryRun: true }, env, log)).toBeUndefined();
    const noToken = { ...env, ACTIONS_RUNTIME_TOKEN: undefined };
    expect(await carryOutputs(plan, settings, noToken, log)).toBeUndefined();
  });

  it('turns service failures into warnings, never into a failed run', async () => {
    const log = memoryLog();
    const w = await workspace();
    await fill(join(w, 'out'));
    const k = cacheKeys(ctx(['i1'], '30', 1));
    svc.failNext('CreateCacheEntry', 409);
    await expect(saveOutputs(join(w, 'out'), k.primary, log)).resolves.toBeUndefined();
    expect(svc.entries()).toHaveLength(0);
    svc.failNext('GetCacheEntryDownloadURL', 403);
    await expect(restoreOutputs(join(w, 'elsewhere'), k, log)).resolves.toMatchObject({ hit: undefined });
    expect(log.lines.filter((l) => l.startsWith('warning:')).length).toBeGreaterThanOrEqual(1);
    // Outside the workspace: refused with a warning, nothing sent.
    const before = svc.calls().length;
    await saveOutputs('/tmp/definitely-not-in-the-workspace', k.primary, log);
    expect(svc.calls().length).toBe(before);
    expect(log.lines.at(-1)).toMatch(/outside the workspace/);
  });
});
