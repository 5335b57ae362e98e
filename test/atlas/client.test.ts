// The client against the project's own emulator, over real HTTP on loopback.
import net from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createAtlasClient, type AtlasClientOptions } from '../../src/atlas/client.js';
import { AtlasError } from '../../src/atlas/errors.js';
import type { AtlasClient, Prediction } from '../../src/atlas/types.js';
import { startEmulator } from '../emulator/server.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type EmulatorOptions = NonNullable<Parameters<typeof startEmulator>[0]>;

const KEY = 'test-key-5f3a9c1e7d';
const UA = 'atlas-media-action-test/1.0';
const MODEL = 'black-forest-labs/flux-2-pro/text-to-image';

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function emulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator({ apiKey: KEY, seed: 7, ...opts });
  running.push(e);
  return e;
}

interface Recorded {
  requests: string[];
  rateLimited: { retryAfterMs?: number; op: string }[];
}

function client(url: string, extra: Partial<AtlasClientOptions> = {}): AtlasClient & { rec: Recorded } {
  const rec: Recorded = { requests: [], rateLimited: [] };
  const c = createAtlasClient({
    baseUrl: url,
    apiKey: KEY,
    userAgent: UA,
    retry: { maxAttempts: 4, baseMs: 2, capMs: 20 },
    requestTimeoutMs: 5_000,
    events: { onRequest: (op) => rec.requests.push(op), onRateLimited: (i) => rec.rateLimited.push(i) },
    ...extra,
  });
  return Object.assign(c, { rec });
}

async function until(c: AtlasClient, id: string, timeoutMs = 10_000): Promise<Prediction> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const p = await c.poll(id);
    if (p.state !== 'pending') return p;
    if (Date.now() > end) throw new Error(`prediction ${id} still pending`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function caught(p: Promise<unknown>): Promise<AtlasError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AtlasError);
    return e as AtlasError;
  }
  throw new Error('expected an AtlasError');
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const DIALECTS = [
  'envelope',
  'bare',
  'request_id',
  'prediction_id',
  'predictionId',
  'top-id',
  'string-code',
  'succeeded',
  'success-word',
  'output-singular',
  'output-objects',
  'data-uri',
  'missing-status',
  'rotate',
] as const;

describe('every dialect, end to end', () => {
  for (const dialect of DIALECTS) {
    it(dialect, async () => {
      const e = await emulator({ dialect });
      const c = client(e.url);
      for (const prompt of [`${dialect} one`, `${dialect} two`]) {
        const s = await c.submit('image', { model: MODEL, prompt });
        expect(s.attempts).toBe(1);
        expect(s.id).not.toBe('');
        const p = s.prediction?.state === 'completed' ? s.prediction : await until(c, s.id);
        expect(p.state, p.error).toBe('completed');
        expect(p.outputs.length).toBeGreaterThan(0);
        if (dialect === 'data-uri') expect(p.outputs[0]).toMatch(/^data:/);
        expect(e.stats().createdByPrompt[prompt]).toBe(1);
      }
    });
  }
});

describe('retries by class', () => {
  it('429 with Retry-After on submit: waits, resends, creates once', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'status', status: 429, retryAfter: 0.05 }] });
    const c = client(e.url);
    const s = await c.submit('image', { model: MODEL, prompt: 'ra' });
    expect(s.attempts).toBe(2);
    expect(e.stats().createdByPrompt['ra']).toBe(1);
    expect(c.rec.rateLimited).toHaveLength(1);
    expect(c.rec.rateLimited[0]?.op).toBe('submit');
    expect(c.rec.rateLimited[0]?.retryAfterMs).toBeGreaterThan(0);
  });

  it('429 without Retry-After on poll: backs off and succeeds', async () => {
    const e = await emulator({ faults: [{ op: 'poll', kind: 'status', status: 429, times: 2 }] });
    const c = client(e.url);
    const s = await c.submit('image', { model: MODEL, prompt: 'p429' });
    const p = await until(c, s.id);
    expect(p.state).toBe('completed');
    expect(c.rec.rateLimited.filter((r) => r.op === 'poll')).toHaveLength(2);
    expect(c.rec.rateLimited[0]?.retryAfterMs).toBeUndefined();
  });

  it('503 on submit is resent and creates exactly once', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'status', status: 503, times: 2 }] });
    const c = client(e.url);
    const s = await c.submit('image', { model: MODEL, prompt: 'five-oh-three' });
    expect(s.attempts).toBe(3);
    expect(e.stats().createdByPrompt['five-oh-three']).toBe(1);
    expect(c.rec.requests.filter((r) => r === 'submit')).toHaveLength(3);
  });

  it('500 on submit after creating: unknown-fate, never resent', async () => {
    const e = await emulator({
      faults: [{ op: 'submit', kind: 'status', status: 500, created: true, message: 'upstream exploded' }],
    });
    const c = client(e.url);
    const err = await caught(c.submit('image', { model: MODEL, prompt: 'five-hundred' }));
    expect(err.kind).toBe('unknown-fate');
    expect(err.message).toMatch(/500/);
    expect(err.message).toMatch(/upstream exploded/);
    expect(e.stats().createdByPrompt['five-hundred']).toBe(1);
    expect(e.stats().submitsReceived).toBe(1);
  });

  it('500 on submit with retryUnknown: resent (the user opted in to paying twice)', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'status', status: 500, created: true }] });
    const c = client(e.url);
    const s = await c.submit('image', { model: MODEL, prompt: 'opt-in' }, undefined, { retryUnknown: true });
    expect(s.attempts).toBe(2);
    expect(e.stats().createdByPrompt['opt-in']).toBe(2);
  });

  for (const status of [502, 504]) {
    it(`${status} on submit: unknown-fate`, async () => {
      const e = await emulator({ faults: [{ op: 'submit', kind: 'status', status }] });
      const c = client(e.url);
      expect((await caught(c.submit('image', { model: MODEL, prompt: `s${status}` }))).kind).toBe('unknown-fate');
      expect(e.stats().submitsReceived).toBe(1);
    });
  }

  it('reset after the server received the submit: unknown-fate, created once', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'reset-after-receive', created: true }] });
    const c = client(e.url);
    const err = await caught(c.submit('image', { model: MODEL, prompt: 'rar' }));
    expect(err.kind).toBe('unknown-fate');
    expect(e.stats().createdByPrompt['rar']).toBe(1);
    expect(e.stats().submitsReceived).toBe(1);
  });

  it('malformed 200 reply to a submit: unknown-fate, created once', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'malformed-json', created: true }] });
    const c = client(e.url);
    const err = await caught(c.submit('image', { model: MODEL, prompt: 'mal' }));
    expect(err.kind).toBe('unknown-fate');
    expect(e.stats().createdByPrompt['mal']).toBe(1);
  });

  it('reset before the reply on a poll: retried', async () => {
    const e = await emulator({ faults: [{ op: 'poll', kind: 'reset-before-body', times: 2 }] });
    const c = client(e.url);
    const s = await c.submit('image', { model: MODEL, prompt: 'rbb-poll' });
    expect((await until(c, s.id)).state).toBe('completed');
    expect(e.stats().createdByPrompt['rbb-poll']).toBe(1);
  });

  it('a refused connection is retried, then fails as network', async () => {
    const port = await closedPort();
    const c = client(`http://127.0.0.1:${port}/api/v1`);
    const err = await caught(c.submit('image', { model: MODEL, prompt: 'x' }));
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(c.rec.requests).toEqual(['submit', 'submit', 'submit', 'submit']);
    expect((await caught(c.poll('abc'))).kind).toBe('network');
  });

  it('a hung poll times out and is retried', async () => {
    const e = await emulator({ faults: [{ op: 'poll', kind: 'hang' }] });
    const c = client(e.url, { requestTimeoutMs: 150 });
    const s = await c.submit('image', { model: MODEL, prompt: 'hang' });
    expect((await until(c, s.id)).state).toBe('completed');
  });

  it('a hung submit: unknown-fate, not resent', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'hang', created: true }] });
    const c = client(e.url, { requestTimeoutMs: 150 });
    const started = Date.now();
    const err = await caught(c.submit('image', { model: MODEL, prompt: 'hang-submit' }));
    expect(Date.now() - started).toBeLessThan(3_000); // undici times headers on a ~1 s-resolution clock
    expect(err.kind).toBe('unknown-fate');
    expect(err.message).toMatch(/HEADERS_TIMEOUT/);
    expect(e.stats().submitsReceived).toBe(1);
  });
});

describe('failing at once', () => {
  it('401: one request, kind auth', async () => {
    const e = await emulator();
    const c = createAtlasClient({ baseUrl: e.url, apiKey: 'wrong-key-xyz', userAgent: UA, retry: { baseMs: 1 } });
    let n = 0;
    const c2 = createAtlasClient({
      baseUrl: e.url,
      apiKey: 'wrong-key-xyz',
      userAgent: UA,
      retry: { baseMs: 1 },
      events: { onRequest: () => n++ },
    });
    expect((await caught(c.submit('image', { model: MODEL, prompt: 'a' }))).kind).toBe('auth');
    const err = await caught(c2.poll('whatever'));
    expect(err.kind).toBe('auth');
    expect(err.status).toBe(401);
    expect(n).toBe(1);
    expect(e.stats().predictionsCreated).toBe(0);
  });

  it('402 → credit', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'status', status: 402 }] });
    const c = client(e.url);
    expect((await caught(c.submit('image', { model: MODEL, prompt: 'a' }))).kind).toBe('credit');
    expect(c.rec.requests).toHaveLength(1);
  });

  it('an "insufficient balance" body code with HTTP 200 → credit, not resent', async () => {
    const e = await emulator({
      faults: [{ op: 'submit', kind: 'body-code', status: 400, message: 'Insufficient balance' }],
    });
    const c = client(e.url);
    const err = await caught(c.submit('image', { model: MODEL, prompt: 'a' }));
    expect(err.kind).toBe('credit');
    expect(c.rec.requests).toHaveLength(1);
    expect(e.stats().predictionsCreated).toBe(0);
  });

  it('a body-code 5xx on submit → server, not resent', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'body-code', status: 500, message: 'internal' }] });
    const c = client(e.url);
    expect((await caught(c.submit('image', { model: MODEL, prompt: 'a' }))).kind).toBe('server');
    expect(c.rec.requests).toHaveLength(1);
  });

  it('422 on submit → bad-request', async () => {
    const e = await emulator({
      faults: [{ op: 'submit', kind: 'status', status: 422, message: 'size must be 1024*1024' }],
    });
    const c = client(e.url);
    const err = await caught(c.submit('image', { model: MODEL, prompt: 'a' }));
    expect(err.kind).toBe('bad-request');
    expect(err.message).toMatch(/size must be/);
  });

  it('404 on poll → not-found', async () => {
    const e = await emulator({ notFoundGraceSeconds: 0 });
    const c = client(e.url);
    const err = await caught(c.poll('no-such-prediction'));
    expect(err.kind).toBe('not-found');
    expect(c.rec.requests).toHaveLength(1);
  });

  it('malformed JSON on poll: retried, and protocol when it persists', async () => {
    const e = await emulator({ faults: [{ op: 'poll', kind: 'malformed-json', times: 1 }] });
    const c = client(e.url);
    const s = await c.submit('image', { model: MODEL, prompt: 'mj' });
    expect((await until(c, s.id)).state).toBe('completed');

    e.setOptions({ faults: [{ op: 'poll', kind: 'malformed-json', times: 100 }] });
    const err = await caught(c.poll(s.id));
    expect(err.kind).toBe('protocol');
  });
});

describe('abort', () => {
  it('stops at once during a Retry-After wait', async () => {
    const e = await emulator({ faults: [{ op: 'poll', kind: 'status', status: 429, retryAfter: 30 }] });
    const c = client(e.url);
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 100);
    const err = await caught(c.poll('anything', ac.signal));
    expect(err.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(c.rec.rateLimited[0]?.retryAfterMs).toBe(30_000);
  });

  it('stops at once during a hung request', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'hang' }] });
    const c = client(e.url);
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 50);
    expect((await caught(c.submit('image', { model: MODEL, prompt: 'a' }, ac.signal))).kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an already-aborted signal sends nothing', async () => {
    const e = await emulator();
    const c = client(e.url);
    expect((await caught(c.submit('image', { model: MODEL, prompt: 'a' }, AbortSignal.abort()))).kind).toBe('aborted');
    expect(e.stats().submitsReceived).toBe(0);
  });
});

describe('hygiene', () => {
  it('never puts the key in an error message, even when the server echoes it', async () => {
    const echo = `invalid token Bearer ${KEY} (${encodeURIComponent(KEY)})`;
    const e = await emulator({
      faults: [
        { op: 'submit', kind: 'status', status: 400, message: echo },
        // Each rule counts only the requests that reach it: these fire on the 1st, 2nd and 3rd submit.
        { op: 'submit', kind: 'status', status: 500, message: echo },
        { op: 'submit', kind: 'body-code', status: 402, message: echo },
        { op: 'poll', kind: 'status', status: 500, message: echo, times: 100 },
      ],
    });
    const c = client(e.url);
    const errors = [
      await caught(c.submit('image', { model: MODEL, prompt: 'a' })),
      await caught(c.submit('image', { model: MODEL, prompt: 'b' })),
      await caught(c.submit('image', { model: MODEL, prompt: 'c' })),
      await caught(c.poll('x')),
    ];
    expect(errors.map((x) => x.kind)).toEqual(['bad-request', 'unknown-fate', 'credit', 'server']);
    for (const err of errors) {
      expect(err.message).toMatch(/invalid token/);
      expect(err.message).not.toContain(KEY);
      expect(err.stack ?? '').not.toContain(KEY);
      expect(JSON.stringify(err)).not.toContain(KEY);
    }
  });

  it('sends the User-Agent and no Referer', async () => {
    const e = await emulator();
    const c = client(e.url);
    const s = await c.submit('image', { model: MODEL, prompt: 'ua' });
    await until(c, s.id);
    await c.listModels();
    const st = e.stats();
    expect(st.userAgents.length).toBeGreaterThan(0);
    expect(new Set(st.userAgents)).toEqual(new Set([UA]));
    expect(st.referers).toBe(0);
  });
});

describe('upload and models', () => {
  it('uploads a file as multipart field `file` and returns its URL', async () => {
    const e = await emulator();
    const c = client(e.url);
    const url = await c.uploadMedia({
      name: 'in.png',
      data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
      contentType: 'image/png',
    });
    expect(url).toMatch(/^https?:\/\//);
  });

  it('retries an upload on 503', async () => {
    const e = await emulator({ faults: [{ op: 'upload', kind: 'status', status: 503 }] });
    const c = client(e.url);
    await c.uploadMedia({ name: 'in.png', data: new Uint8Array([1, 2, 3]) });
    expect(c.rec.requests).toEqual(['upload', 'upload']);
  });

  it('lists models with numeric prices, without auth', async () => {
    const e = await emulator();
    const c = createAtlasClient({ baseUrl: e.url, apiKey: 'not-the-key', userAgent: UA });
    const models = await c.listModels();
    const flux = models.find((m) => m.model === MODEL);
    expect(flux?.basePrice).toBe(0.04);
    expect(flux?.type).toMatch(/image/i);
  });

  it('retries models on 500', async () => {
    const e = await emulator({ faults: [{ op: 'models', kind: 'status', status: 500 }] });
    const c = client(e.url);
    expect((await c.listModels()).length).toBeGreaterThan(0);
    expect(c.rec.requests).toEqual(['models', 'models']);
  });
});

describe('more edges', () => {
  it('reset before the server read the submit: still unknown-fate (a client cannot tell it from a reset after), never resent', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'reset-before-body' }] });
    const c = client(e.url);
    const err = await caught(c.submit('image', { model: MODEL, prompt: 'rbb' }));
    expect(err.kind).toBe('unknown-fate');
    expect(c.rec.requests).toEqual(['submit']);
    expect(e.stats().createdByPrompt['rbb'] ?? 0).toBe(0);
  });

  it('a truncated submit reply: unknown-fate, created once', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'truncate', bytes: 10 }] });
    const c = client(e.url);
    expect((await caught(c.submit('image', { model: MODEL, prompt: 'trunc' }))).kind).toBe('unknown-fate');
    expect(e.stats().createdByPrompt['trunc']).toBe(1);
  });

  it('a truncated poll reply is retried', async () => {
    const e = await emulator({ faults: [{ op: 'poll', kind: 'truncate', bytes: 10, times: 2 }] });
    const c = client(e.url);
    const s = await c.submit('image', { model: MODEL, prompt: 'tp' });
    expect((await until(c, s.id)).state).toBe('completed');
  });

  it('429 that never ends: rate-limited after maxAttempts, each one reported', async () => {
    const e = await emulator({ faults: [{ op: 'submit', kind: 'status', status: 429, times: Infinity }] });
    const c = client(e.url);
    const err = await caught(c.submit('image', { model: MODEL, prompt: 'x' }));
    expect(err.kind).toBe('rate-limited');
    expect(err.status).toBe(429);
    expect(c.rec.requests).toHaveLength(4);
    expect(c.rec.rateLimited).toHaveLength(4);
    expect(e.stats().predictionsCreated).toBe(0);
  });

  it('a long Retry-After is cut to retryAfterCapMs', async () => {
    const e = await emulator({ faults: [{ op: 'poll', kind: 'status', status: 429, retryAfter: 3600 }] });
    const c = client(e.url, { retryAfterCapMs: 20 });
    const s = await c.submit('image', { model: MODEL, prompt: 'cap' });
    const started = Date.now();
    await c.poll(s.id);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(c.rec.rateLimited[0]?.retryAfterMs).toBe(3_600_000);
  });

  it('the account concurrency limit answers 429 and the submit gets through once a slot frees', async () => {
    // The first image is held running until the limit has refused a submit: the second submit meets
    // the limit however slowly it is sent.
    const e = await emulator({
      accountConcurrency: 1,
      accountRetryAfter: 0.02,
      timeScale: 10,
      holdUntilRateLimited: 1,
    });
    const c = client(e.url, { retry: { maxAttempts: 50, baseMs: 2, capMs: 20 } });
    const a = await c.submit('image', { model: MODEL, prompt: 'first' });
    const b = await c.submit('image', { model: MODEL, prompt: 'second' });
    expect(a.attempts).toBe(1);
    expect(b.attempts).toBeGreaterThan(1);
    expect(e.stats().createdByPrompt).toEqual({ first: 1, second: 1 });
  });

  it('sync mode: the submit reply already carries the finished prediction', async () => {
    const e = await emulator();
    const c = client(e.url);
    const s = await c.submit('image', { model: MODEL, prompt: 'sync', enable_sync_mode: true, num_images: 3 });
    // The emulator's sync wait is a setTimeout on a 1 ms clock and may wake a hair before the
    // prediction is due, answering "processing"; then the client must simply poll on.
    const p = s.prediction ?? (await until(c, s.id));
    expect(p.state).toBe('completed');
    expect(p.outputs).toHaveLength(3);
    expect(p.predictTime).toBeGreaterThan(0);
    if (s.prediction) expect(e.stats().polls).toBe(0);
  });

  it('a failed prediction comes back as failed with the reason', async () => {
    const e = await emulator({ failureRate: 1, dialect: 'succeeded' });
    const c = client(e.url);
    const s = await c.submit('image', { model: MODEL, prompt: 'doomed' });
    const p = await until(c, s.id);
    expect(p.state).toBe('failed');
    expect(p.rawStatus).toBe('error');
    expect(p.error).toBeTruthy();
  });

  it('works against a Cloudflare-like front that blocks requests without a User-Agent', async () => {
    const e = await emulator({ requireUserAgent: true });
    const c = client(e.url);
    const s = await c.submit('image', { model: MODEL, prompt: 'cf' });
    expect((await until(c, s.id)).state).toBe('completed');
    expect(e.stats().noUserAgent).toBe(0);
  });

  it('64 submits at once through the default agent: each created exactly once', async () => {
    const e = await emulator();
    const c = client(e.url);
    const prompts = Array.from({ length: 64 }, (_, i) => `many ${i}`);
    const results = await Promise.all(prompts.map((prompt) => c.submit('image', { model: MODEL, prompt })));
    expect(new Set(results.map((r) => r.id)).size).toBe(64);
    const done = await Promise.all(results.map((r) => until(c, r.id)));
    expect(done.every((p) => p.state === 'completed')).toBe(true);
    const created = e.stats().createdByPrompt;
    expect(prompts.every((p) => created[p] === 1)).toBe(true);
  });

  it('sends Authorization everywhere but /models, an explicit User-Agent and never a Referer', async () => {
    const e = await emulator();
    const seen: { path: string; headers: Record<string, string> }[] = [];
    const recorder: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (o, handler) => {
      const headers: Record<string, string> = {};
      const h = o.headers as Record<string, string> | undefined;
      for (const [k, v] of Object.entries(h ?? {})) headers[k.toLowerCase()] = String(v);
      seen.push({ path: o.path, headers });
      return dispatch(o, handler);
    };
    const agent = new Agent().compose(recorder);
    try {
      const c = client(e.url, { dispatcher: agent });
      const s = await c.submit('image', { model: MODEL, prompt: 'hdr' });
      await c.poll(s.id);
      await c.uploadMedia({ name: 'a.png', data: new Uint8Array([1]) });
      await c.listModels();
    } finally {
      await agent.close();
    }
    expect(seen.map((r) => r.path.replace(/prediction\/.*/, 'prediction/ID'))).toEqual([
      '/api/v1/model/generateImage',
      '/api/v1/model/prediction/ID',
      '/api/v1/model/uploadMedia',
      '/api/v1/models',
    ]);
    for (const r of seen) {
      expect(r.headers['user-agent']).toBe(UA);
      expect(r.headers['referer']).toBeUndefined();
      expect(r.headers['authorization']).toBe(r.path.endsWith('/models') ? undefined : `Bearer ${KEY}`);
    }
  });
});
