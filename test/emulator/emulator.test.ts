// The emulator over real HTTP: every test starts its own server on port 0 and closes it.
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { FormData, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from './dialects.js';
import { floorMakespan } from './latency.js';
import { loadSampleMp4 } from './media.js';
import { startEmulator, type Dialect, type Emulator, type EmulatorOptions } from './server.js';

const UA = 'emulator-test/1.0';
const FLUX = 'black-forest-labs/flux-2-pro/text-to-image';
const SEEDANCE = 'bytedance/seedance-v1.5-pro/text-to-video';

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function start(opts: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator(opts);
  open.push(e);
  return e;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

async function call(
  url: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; key?: string | null; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'user-agent': UA, ...init.headers };
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? 'test-key'}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await request(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.body.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

const submit = (e: Emulator, body: Record<string, unknown>, type = 'Image') =>
  call(`${e.url}/model/generate${type}`, { body });
const poll = (e: Emulator, id: string) => call(`${e.url}/model/prediction/${id}`);

/** Where each dialect puts the id. */
function idOf(reply: any): string {
  const d = reply.data ?? reply;
  return d.id ?? d.request_id ?? d.prediction_id ?? d.predictionId ?? reply.id;
}

const DONE = new Set(['completed', 'succeeded', 'success', 'failed', 'error']);

async function pollUntilDone(e: Emulator, id: string): Promise<Reply> {
  for (let i = 0; i < 2000; i++) {
    const r = await poll(e, id);
    const d = r.json?.data ?? r.json;
    if (r.status === 200 && DONE.has(d?.status)) return r;
    await new Promise((res) => setTimeout(res, 5));
  }
  throw new Error(`prediction ${id} never finished`);
}

async function download(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers: { 'user-agent': UA, ...headers } });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, bytes };
}

/** Width and height from IHDR, and the inflated pixel data size: proves the PNG decodes. */
function decodePng(png: Buffer): { width: number; height: number; rawBytes: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  return { width, height, rawBytes: inflateSync(Buffer.concat(idat)).length };
}

/** Top-level MP4 boxes as [type, size] from a buffer that holds at least the headers. */
function topBoxes(head: Buffer, total: number): Array<[string, number]> {
  const boxes: Array<[string, number]> = [];
  let off = 0;
  while (off < total && off + 8 <= head.length) {
    let size = head.readUInt32BE(off);
    if (size === 1) size = Number(head.readBigUInt64BE(off + 8));
    boxes.push([head.toString('latin1', off + 4, off + 8), size]);
    off += size;
  }
  return boxes;
}

describe('happy path', () => {
  it('submits, polls to completed and serves real PNGs with no extension', async () => {
    const e = await start({ imageSize: 48 });
    const sub = await submit(e, { model: FLUX, prompt: 'a red fox', num_images: 2 });
    expect(sub.status).toBe(200);
    expect(sub.json.code).toBe(200);
    expect(['starting', 'processing', 'queued']).toContain(sub.json.data.status);
    const done = await pollUntilDone(e, sub.json.data.id);
    const data = done.json.data;
    expect(data.status).toBe('completed');
    expect(data.outputs).toHaveLength(2);
    expect(data.metrics.predict_time).toBeGreaterThan(0);
    expect(typeof data.created_at).toBe('string');
    expect(typeof data.completed_at).toBe('string');
    const files = await Promise.all((data.outputs as string[]).map((u) => download(u)));
    for (const [i, f] of files.entries()) {
      expect(new URL(data.outputs[i]).pathname).toMatch(/^\/files\/[0-9a-f]+\/\d+$/);
      expect(f.status).toBe(200);
      expect(f.headers['content-type']).toBe('application/octet-stream');
      expect(Number(f.headers['content-length'])).toBe(f.bytes.length);
      expect(decodePng(f.bytes)).toEqual({ width: 48, height: 48, rawBytes: (48 * 3 + 1) * 48 });
    }
    expect(files[0]!.bytes.equals(files[1]!.bytes)).toBe(false);
    const s = e.stats();
    expect(s.predictionsCreated).toBe(1);
    expect(s.createdByPrompt).toEqual({ 'a red fox': 1 });
    expect(s.downloads).toBe(2);
    expect(s.userAgents).toEqual([UA]);
    expect(s.referers).toBe(0);
    const rec = s.predictions[0]!;
    expect(rec.state).toBe('completed');
    expect(rec.firstSeenDoneAtMs).toBeGreaterThanOrEqual(rec.completesAtMs);
    expect(rec.outputs).toEqual(data.outputs);
  });

  it('serves a video as the committed MP4 (....ftyp)', async () => {
    const e = await start();
    const sub = await submit(e, { model: SEEDANCE, prompt: 'waves', duration: 5 }, 'Video');
    const done = await pollUntilDone(e, sub.json.data.id);
    expect(done.json.data.outputs).toHaveLength(1);
    const f = await download(done.json.data.outputs[0]);
    expect(f.bytes.toString('latin1', 4, 8)).toBe('ftyp');
    expect(f.bytes.equals(loadSampleMp4())).toBe(true);
  });

  it('enable_sync_mode waits and answers with outputs', async () => {
    const e = await start();
    const sub = await submit(e, { model: FLUX, prompt: 'sync', enable_sync_mode: true });
    expect(sub.json.data.status).toBe('completed');
    expect(sub.json.data.outputs).toHaveLength(1);
    expect(e.stats().predictions[0]!.firstSeenDoneAtMs).toBeDefined();
  });

  it('reports failures in the body with HTTP 200', async () => {
    const e = await start({ failureRate: 1 });
    const sub = await submit(e, { model: FLUX, prompt: 'doomed' });
    const done = await pollUntilDone(e, sub.json.data.id);
    expect(done.status).toBe(200);
    expect(done.json.data.status).toBe('failed');
    expect(typeof done.json.data.error).toBe('string');
    expect(e.stats().predictions[0]!.state).toBe('failed');
  });

  it('answers 404 during the not-found grace, then the prediction', async () => {
    const e = await start({ notFoundGraceSeconds: 600, timeScale: 1000 }); // 600 ms real
    const sub = await submit(e, { model: FLUX, prompt: 'grace' });
    expect((await poll(e, sub.json.data.id)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 700));
    expect((await poll(e, sub.json.data.id)).status).toBe(200);
  });

  it('ids are unique per instance: another emulator does not know them', async () => {
    const a = await start();
    const b = await start();
    const ida = (await submit(a, { model: FLUX, prompt: 'same' })).json.data.id;
    const idb = (await submit(b, { model: FLUX, prompt: 'same' })).json.data.id;
    expect(ida).not.toBe(idb);
    expect((await poll(b, ida)).status).toBe(404);
  });

  it('GET /model/result/:id is the same as /model/prediction/:id', async () => {
    const e = await start();
    const sub = await submit(e, { model: FLUX, prompt: 'alias' });
    const r = await call(`${e.url}/model/result/${sub.json.data.id}`);
    expect(r.status).toBe(200);
    expect(r.json.data.id).toBe(sub.json.data.id);
  });
});

describe('requests the API refuses', () => {
  it('401 without the key, and counts it', async () => {
    const e = await start();
    const r = await call(`${e.url}/model/generateImage`, { body: { model: FLUX, prompt: 'x' }, key: 'wrong' });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ code: 401, msg: 'invalid api key' });
    expect(e.stats().authFailures).toBe(1);
    expect(e.stats().predictionsCreated).toBe(0);
  });

  it('422 for the nested {input} body and for image-to-video with no image', async () => {
    const e = await start();
    expect((await submit(e, { model: FLUX, input: { prompt: 'x' } })).status).toBe(422);
    const i2v = 'bytedance/seedance-v1.5-pro/image-to-video';
    expect((await submit(e, { model: i2v, prompt: 'x' }, 'Video')).status).toBe(422);
    expect((await submit(e, { model: i2v, prompt: 'x', image: './local.png' }, 'Video')).status).toBe(422);
    expect((await submit(e, { model: i2v, prompt: 'x', image: 'https://example.com/a.png' }, 'Video')).status).toBe(
      200,
    );
  });

  it('refuses downloads that carry a Referer (hotlink protection)', async () => {
    const e = await start();
    const sub = await submit(e, { model: FLUX, prompt: 'ref', enable_sync_mode: true });
    const f = await download(sub.json.data.outputs[0], { referer: 'https://github.com/' });
    expect(f.status).toBe(403);
    expect(e.stats().referers).toBe(1);
  });

  it('expires output URLs after outputTtlSeconds', async () => {
    const e = await start({ outputTtlSeconds: 500 }); // 500 ms real
    const sub = await submit(e, { model: FLUX, prompt: 'ttl', enable_sync_mode: true });
    expect((await download(sub.json.data.outputs[0])).status).toBe(200);
    await new Promise((r) => setTimeout(r, 600));
    const late = await download(sub.json.data.outputs[0]);
    expect(late.status).toBe(403);
    expect(late.bytes.toString()).toMatch(/expired/);
  });

  it('rejects a tampered signature', async () => {
    const e = await start();
    const sub = await submit(e, { model: FLUX, prompt: 'sig', enable_sync_mode: true });
    const url = new URL(sub.json.data.outputs[0]);
    url.searchParams.set('sig', '0'.repeat(32));
    expect((await download(url.href)).status).toBe(403);
  });
});

describe('dialects', () => {
  const expectedStatus: Partial<Record<Dialect, string>> = { succeeded: 'succeeded', 'success-word': 'success' };

  it.each(DIALECTS.map((d) => [d]))('%s answers in its shape', async (dialect) => {
    const e = await start({ dialect, imageSize: 16 });
    const sub = await submit(e, { model: FLUX, prompt: `dialect ${dialect}` });
    expect(sub.status).toBe(200);
    const j = sub.json;
    // Where the envelope and the id are.
    if (dialect === 'bare') expect(j.code).toBeUndefined();
    else expect(j.code).toBe(dialect === 'string-code' ? '200' : 200);
    const idKey = ['request_id', 'prediction_id', 'predictionId'].includes(dialect) ? dialect : 'id';
    if (dialect === 'top-id') {
      expect(typeof j.id).toBe('string');
      expect(j.data.id).toBeUndefined();
    } else {
      expect(typeof (j.data ?? j)[idKey]).toBe('string');
    }
    if (dialect === 'missing-status') expect((j.data ?? j).status).toBeUndefined();
    const done = await pollUntilDone(e, idOf(j));
    const d = done.json.data ?? done.json;
    expect(d.status).toBe(expectedStatus[dialect] ?? 'completed');
    // What the outputs look like.
    let first: string;
    if (dialect === 'output-singular') {
      expect(typeof d.output).toBe('string');
      expect(d.outputs).toBeUndefined();
      first = d.output;
    } else if (dialect === 'output-objects') {
      const item = d.outputs[0];
      first = item.url ?? item.download_url ?? item.uri;
      expect(Object.keys(item)).toHaveLength(1);
    } else {
      expect(Array.isArray(d.outputs)).toBe(true);
      first = d.outputs[0];
    }
    const bytes =
      dialect === 'data-uri'
        ? Buffer.from(first.replace(/^data:image\/png;base64,/, ''), 'base64')
        : (await download(first)).bytes;
    expect(decodePng(bytes).width).toBe(16);
  });

  it("'rotate' mixes dialects, the same way in every run", async () => {
    const shapes = async () => {
      const e = await start({ dialect: 'rotate' });
      const out: string[] = [];
      for (let i = 0; i < 24; i++) {
        const r = await submit(e, { model: FLUX, prompt: `rotate ${i}` });
        out.push(
          JSON.stringify([typeof r.json.code, Object.keys(r.json).sort(), Object.keys(r.json.data ?? {}).sort()]),
        );
      }
      return out;
    };
    const a = await shapes();
    expect(new Set(a).size).toBeGreaterThanOrEqual(4);
    expect(await shapes()).toEqual(a);
  });
});

describe('faults', () => {
  it('a rule with times: 2 fires twice, then the next submit goes through', async () => {
    const e = await start({ faults: [{ op: 'submit', kind: 'status', status: 503, retryAfter: 2, times: 2 }] });
    const a = await submit(e, { model: FLUX, prompt: 'f' });
    const b = await submit(e, { model: FLUX, prompt: 'f' });
    const c = await submit(e, { model: FLUX, prompt: 'f' });
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.headers['retry-after']).toBe('2');
    expect(a.json).toEqual({ code: 503, msg: 'service unavailable' });
    const s = e.stats();
    expect(s.faultsFired).toEqual([
      { op: 'submit', kind: 'status', status: 503 },
      { op: 'submit', kind: 'status', status: 503 },
    ]);
    expect(s.submitsReceived).toBe(3);
    expect(s.predictionsCreated).toBe(1);
  });

  it('rules apply in order, each counting the requests that reach it; skip and match work', async () => {
    const e = await start({
      faults: [
        { op: 'submit', kind: 'status', status: 429, match: 'busy', times: Infinity },
        { op: 'submit', kind: 'status', status: 502 },
        { op: 'submit', kind: 'body-code', status: 402, message: 'insufficient balance', skip: 1 },
      ],
    });
    const statuses: Array<[number, unknown]> = [];
    for (const prompt of ['busy 1', 'a', 'b', 'c', 'busy 2', 'd']) {
      const r = await submit(e, { model: FLUX, prompt });
      statuses.push([r.status, r.json.code]);
    }
    expect(statuses).toEqual([
      [429, 429],
      [502, 502],
      [200, 200], // reaches rule 3, which skips its first
      [200, 402],
      [429, 429],
      [200, 200],
    ]);
    expect(e.stats().rateLimited).toBe(2);
    expect(e.stats().createdByPrompt).toEqual({ b: 1, d: 1 });
  });

  it('a 5xx with created: true leaves a prediction behind (unknown fate)', async () => {
    const e = await start({ faults: [{ op: 'submit', kind: 'status', status: 500, created: true }] });
    expect((await submit(e, { model: FLUX, prompt: 'ghost' })).status).toBe(500);
    expect(e.stats().createdByPrompt).toEqual({ ghost: 1 });
  });

  it('reset-before-body creates nothing; reset-after-receive creates by default', async () => {
    const e = await start({ faults: [{ op: 'submit', kind: 'reset-before-body' }] });
    await expect(submit(e, { model: FLUX, prompt: 'early' })).rejects.toThrow();
    expect(e.stats().predictionsCreated).toBe(0);
    e.setOptions({ faults: [{ op: 'submit', kind: 'reset-after-receive' }] });
    await expect(submit(e, { model: FLUX, prompt: 'late' })).rejects.toThrow();
    expect(e.stats().createdByPrompt).toEqual({ late: 1 });
    expect(e.stats().submitsReceived).toBe(1);
  });

  it('malformed JSON and body codes come with HTTP 200', async () => {
    const e = await start({
      faults: [
        { op: 'poll', kind: 'malformed-json' },
        { op: 'models', kind: 'body-code', status: 500, message: 'upstream' },
      ],
    });
    const sub = await submit(e, { model: FLUX, prompt: 'm' });
    const p = await poll(e, sub.json.data.id);
    expect(p.status).toBe(200);
    expect(p.json).toBeUndefined();
    expect(p.text).toBe('{"code":200,"data":{');
    const m = await call(`${e.url}/models`, { key: null });
    expect(m.json).toEqual({ code: 500, msg: 'upstream' });
  });

  it('truncate sends fewer bytes than Content-Length', async () => {
    const e = await start({ faults: [{ op: 'download', kind: 'truncate', bytes: 100 }] });
    const sub = await submit(e, { model: FLUX, prompt: 'cut', enable_sync_mode: true });
    const res = await request(sub.json.data.outputs[0], { headers: { 'user-agent': UA } });
    const length = Number(res.headers['content-length']);
    let got = 0;
    await expect(
      (async () => {
        for await (const c of res.body) got += (c as Buffer).length;
      })(),
    ).rejects.toThrow();
    expect(length).toBeGreaterThan(100);
    expect(got).toBe(100);
    // The fault fired once: the next download is whole.
    expect(decodePng((await download(sub.json.data.outputs[0])).bytes).width).toBe(64);
  });

  it('slow throttles the body', async () => {
    const e = await start({ faults: [{ op: 'download', kind: 'slow', bytes: 4000 }] });
    const sub = await submit(e, { model: FLUX, prompt: 'slow', enable_sync_mode: true });
    const t = performance.now();
    const f = await download(sub.json.data.outputs[0]);
    const elapsed = performance.now() - t;
    expect(f.bytes.length).toBeGreaterThan(1000);
    expect(elapsed).toBeGreaterThanOrEqual((f.bytes.length / 4000) * 1000 * 0.7);
    expect(decodePng(f.bytes).width).toBe(64);
  });

  it('close() does not hang on a hung request or keep-alive sockets', async () => {
    const e = await startEmulator({ faults: [{ op: 'submit', kind: 'hang' }] });
    const pending = submit(e, { model: FLUX, prompt: 'hang' });
    const outcome = pending.then(
      () => 'answered',
      () => 'reset',
    );
    while (e.stats().predictionsCreated === 0) await new Promise((r) => setTimeout(r, 5));
    expect(e.stats().createdByPrompt).toEqual({ hang: 1 });
    const t = performance.now();
    await e.close();
    expect(performance.now() - t).toBeLessThan(1000);
    expect(await outcome).toBe('reset');
  });

  it('setOptions resets fault counters', async () => {
    const rule = { op: 'submit' as const, kind: 'status' as const, status: 500 };
    const e = await start({ faults: [rule] });
    expect((await submit(e, { model: FLUX, prompt: 'x' })).status).toBe(500);
    expect((await submit(e, { model: FLUX, prompt: 'x' })).status).toBe(200);
    e.setOptions({ faults: [rule] });
    expect((await submit(e, { model: FLUX, prompt: 'x' })).status).toBe(500);
  });
});

describe('account concurrency', () => {
  it('answers 429 (not created) beyond accountConcurrency, with Retry-After', async () => {
    const e = await start({ accountConcurrency: 2, accountRetryAfter: 7, timeScale: 1 });
    expect((await submit(e, { model: FLUX, prompt: 'one' })).status).toBe(200);
    expect((await submit(e, { model: FLUX, prompt: 'two' })).status).toBe(200);
    const third = await submit(e, { model: FLUX, prompt: 'three' });
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe('7');
    const s = e.stats();
    expect(s.rateLimited).toBe(1);
    expect(s.maxRunning).toBe(2);
    expect(s.createdByPrompt.three).toBeUndefined();
  });
});

describe('latency', () => {
  const jobs = [
    [FLUX, { prompt: 'a' }],
    [FLUX, { prompt: 'b', num_images: 2 }],
    ['google/imagen4-ultra/text-to-image', { prompt: 'a' }],
    [SEEDANCE, { prompt: 'c', duration: 10 }],
    ['openai/sora-v2/text-to-video', { prompt: 'c' }],
  ] as const;

  it('is deterministic for a seed, and differs by model and by seed', async () => {
    const a = await start({ seed: 7 });
    const b = await start({ seed: 7 });
    const c = await start({ seed: 8 });
    const la = jobs.map(([m, body]) => a.latencySeconds(m, { ...body }));
    expect(jobs.map(([m, body]) => b.latencySeconds(m, { ...body }))).toEqual(la);
    expect(jobs.map(([m, body]) => c.latencySeconds(m, { ...body }))).not.toEqual(la);
    expect(la[0]).not.toBe(la[2]);
    // Key order and transport flags do not change the job.
    expect(a.latencySeconds(FLUX, { num_images: 2, prompt: 'b', enable_sync_mode: true })).toBe(la[1]);
  });

  it('follows the model profile and video duration (jitter 0)', async () => {
    const e = await start({ jitter: 0, models: { 'acme/custom/text-to-image': { type: 'image', typicalSeconds: 3 } } });
    expect(e.latencySeconds(FLUX, { prompt: 'x' })).toBeCloseTo(4);
    expect(e.latencySeconds('google/imagen4-ultra/text-to-image', { prompt: 'x' })).toBeCloseTo(7);
    expect(e.latencySeconds(SEEDANCE, { prompt: 'x' })).toBeCloseTo(45);
    expect(e.latencySeconds(SEEDANCE, { prompt: 'x', duration: 10 })).toBeCloseTo(90);
    expect(e.latencySeconds('acme/custom/text-to-image', { prompt: 'x' })).toBeCloseTo(3);
    // Unknown ids: the type comes from the id.
    expect(e.latencySeconds('nobody/thing/text-to-video', { prompt: 'x' })).toBeGreaterThan(
      e.latencySeconds('nobody/thing', { prompt: 'x' }),
    );
  });

  it('does not depend on arrival order', async () => {
    const run = async (order: number[]) => {
      const e = await start({ timeScale: 1e6 });
      for (const i of order) await submit(e, { model: FLUX, prompt: `job ${i}` });
      return Object.fromEntries(e.stats().predictions.map((p) => [p.prompt, p.latencyMs]));
    };
    expect(await run([0, 1, 2, 3])).toEqual(await run([3, 1, 0, 2]));
  });

  it('floorMakespan is greedy list scheduling in file order', () => {
    // 2 slots: 3→A(0-3), 3→B(0-3), 2→A(3-5), 2→B(3-5), 2→A(5-7).
    expect(floorMakespan([3, 3, 2, 2, 2], 2)).toBe(7);
    // 2 slots: 4→A(0-4), 2→B(0-2), 3→B(2-5), 1→A(4-5).
    expect(floorMakespan([4, 2, 3, 1], 2)).toBe(5);
    expect(floorMakespan([4, 2, 3, 1], 1)).toBe(10);
    expect(floorMakespan([4, 2, 3, 1], 10)).toBe(4);
    expect(floorMakespan([], 3)).toBe(0);
  });
});

describe('big videos', () => {
  it('streams a 50 MB video with an exact Content-Length and a valid MP4 layout', async () => {
    const size = 50_000_000;
    const e = await start({ videoBytes: size });
    const sub = await submit(e, { model: SEEDANCE, prompt: 'big', enable_sync_mode: true }, 'Video');
    const res = await request(sub.json.data.outputs[0], { headers: { 'user-agent': UA } });
    expect(Number(res.headers['content-length'])).toBe(size);
    const head: Buffer[] = [];
    let headBytes = 0;
    let total = 0;
    for await (const chunk of res.body) {
      const c = chunk as Buffer;
      total += c.length;
      if (headBytes < 65536) {
        head.push(c);
        headBytes += c.length;
      }
    }
    expect(total).toBe(size);
    const boxes = topBoxes(Buffer.concat(head), size);
    expect(boxes.map(([t]) => t)).toEqual(['ftyp', 'moov', 'free', 'mdat', 'free']);
    expect(boxes.reduce((n, [, s]) => n + s, 0)).toBe(size);
  });

  it.skipIf(!hasFfprobe())('the padded file still decodes (ffprobe, when installed)', async () => {
    const e = await start({ videoBytes: 3_000_000 });
    const sub = await submit(e, { model: SEEDANCE, prompt: 'probe', enable_sync_mode: true }, 'Video');
    const f = await download(sub.json.data.outputs[0]);
    const dir = mkdtempSync(join(tmpdir(), 'emu-'));
    try {
      writeFileSync(join(dir, 'v'), f.bytes);
      const out = execFileSync('ffprobe', [
        '-v',
        'error',
        '-count_frames',
        '-show_entries',
        'stream=codec_name,nb_read_frames',
        '-of',
        'json',
        join(dir, 'v'),
      ]);
      const stream = JSON.parse(out.toString()).streams[0];
      expect(stream.codec_name).toBe('h264');
      expect(Number(stream.nb_read_frames)).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('uploads and the model list', () => {
  it('stores an upload and serves it back at data.download_url', async () => {
    const e = await start();
    const png = (await submit(e, { model: FLUX, prompt: 'up', enable_sync_mode: true })).json.data.outputs[0];
    const bytes = (await download(png)).bytes;
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'frame.png');
    const res = await request(`${e.url}/model/uploadMedia`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'user-agent': UA },
      body: form,
    });
    const j = (await res.body.json()) as any;
    expect(j.code).toBe(200);
    expect(j.data).toMatchObject({ type: 'image/png', filename: 'frame.png', size: bytes.length });
    expect((await download(j.data.download_url)).bytes.equals(bytes)).toBe(true);
    expect(e.stats().uploads).toBe(1);
  });

  it("puts the upload URL at top-level `url` in the 'bare' dialect", async () => {
    const e = await start({ dialect: 'bare' });
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('GIF89a....')]), 'x.gif');
    const res = await request(`${e.url}/model/uploadMedia`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key' },
      body: form,
    });
    const j = (await res.body.json()) as any;
    expect(j.code).toBeUndefined();
    expect(j.type).toBe('image/gif');
    expect((await download(j.url)).bytes.toString()).toBe('GIF89a....');
  });

  it('lists models without auth, prices as strings, with a schema document', async () => {
    const e = await start({
      models: {
        'acme/cheap/text-to-image': { type: 'image', typicalSeconds: 2, price: { unit: 'image', price: 0.01 } },
      },
    });
    const r = await call(`${e.url}/models`, { key: null });
    expect(r.status).toBe(200);
    expect(r.json.code).toBe('200');
    const flux = r.json.data.find((m: any) => m.model === FLUX);
    expect(flux).toMatchObject({ type: 'Image', price: { actual: { base_price: '0.04' } } });
    expect(r.json.data.find((m: any) => m.model === 'acme/cheap/text-to-image').price.actual.base_price).toBe('0.01');
    expect(r.json.data.find((m: any) => m.model === SEEDANCE).type).toBe('Video');
    const schema = await call(flux.schema, { key: null });
    expect(schema.json.components.schemas.Input.properties.prompt.type).toBe('string');
    expect(e.stats().modelLists).toBe(1);
  });
});

function hasFfprobe(): boolean {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
