// Webhooks against a real receiver on 127.0.0.1: what arrives, how it is signed, what happens
// when the receiver is slow, failing or gone. The receiver checks signatures like a user's server would.
import { afterEach, describe, expect, it } from 'vitest';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  createWebhookNotifier,
  urlRedactor,
  withWebhook,
  type BatchMessage,
  type JobMessage,
} from '../../src/notify/webhook.js';
import { memoryLog } from '../../src/shared/log.js';
import { jobResult, manifest } from '../support/manifest-fixture.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { FAST_POLL, runCli, tempDir, writeJobFile } from '../support/run-cli.js';

interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  json: JobMessage | BatchMessage;
  at: number;
}

interface Receiver {
  url: string;
  port: number;
  got: Received[];
  maxInFlight: number;
  close(): Promise<void>;
}

const servers: Server[] = [];
let emu: Emulator | undefined;
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await emu?.close();
  emu = undefined;
});

/** `reply(n, body)` decides the n-th (0-based) request's answer: a status, or 'hang'. */
async function receiver(
  reply: (n: number, r: Received) => number | 'hang' | Promise<number> = () => 200,
  path = '/hooks/T0K3N-very-secret?key=qwerty123',
): Promise<Receiver> {
  const got: Received[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const r: Received = {
        headers: req.headers,
        raw,
        json: JSON.parse(raw.toString('utf8')) as JobMessage,
        at: Date.now(),
      };
      const n = got.push(r) - 1;
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      void Promise.resolve(reply(n, r)).then((status) => {
        if (status === 'hang') return;
        inFlight--;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
      });
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    got,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A port nobody listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** The receiver's check, as a user's server does it: HMAC over the raw bytes, constant-time compare. */
function verified(secret: string, r: Received): boolean {
  const sent = String(r.headers['x-atlas-signature-256'] ?? '');
  const want = `sha256=${createHmac('sha256', secret).update(r.raw).digest('hex')}`;
  return sent.length === want.length && timingSafeEqual(Buffer.from(sent), Buffer.from(want));
}

const FAST = { retryBaseMs: 5, retryCapMs: 20, timeoutMs: 2_000 };

describe('webhook notifier', () => {
  it('posts one signed message per job and one for the batch, the batch last', async () => {
    const rx = await receiver();
    const log = memoryLog();
    const secret = 'whsec_0123456789';
    const n = createWebhookNotifier({
      url: rx.url,
      secret,
      userAgent: 'atlas-media-action/test',
      log,
      run: { repository: 'o/r', run_id: '42' },
      ...FAST,
    });
    const results = [
      jobResult({ name: 'a' }),
      jobResult({ name: 'b', status: 'failed', error: 'boom', error_kind: 'generation', outputs: [], cost: 0 }),
      jobResult({ name: 'c' }),
    ];
    for (const r of results) n.jobFinished(r);
    await n.batchFinished(manifest(results));

    expect(rx.got).toHaveLength(4);
    const jobs = rx.got.slice(0, 3).map((r) => r.json as JobMessage);
    expect(jobs.map((j) => j.event)).toEqual(['job.finished', 'job.finished', 'job.finished']);
    expect(jobs.map((j) => j.job.name).sort()).toEqual(['a', 'b', 'c']);
    const a = jobs.find((j) => j.job.name === 'a')!;
    expect(a.job).toEqual({
      name: 'a',
      model: 'black-forest-labs/flux-2-pro/text-to-image',
      type: 'image',
      status: 'success',
      cost: 0.04,
      prediction_id: 'pred-1',
      outputs: [
        { url: 'https://cdn.example.test/out/hero-1?sig=abc', path: 'images/product-hero.png', sha256: 'a'.repeat(64) },
      ],
      error: null,
      error_kind: null,
    });
    expect(a.run).toEqual({ repository: 'o/r', run_id: '42' });
    const b = jobs.find((j) => j.job.name === 'b')!;
    expect(b.job).toMatchObject({ status: 'failed', error: 'boom', outputs: [] });

    const batch = rx.got[3]!.json as BatchMessage;
    expect(batch.event).toBe('batch.finished');
    expect(batch.totals).toMatchObject({ jobs: 3, successful: 2, failed: 1, cost: 0.08 });
    expect(batch.jobs).toEqual([
      { name: 'a', status: 'success' },
      { name: 'b', status: 'failed' },
      { name: 'c', status: 'success' },
    ]);

    for (const r of rx.got) {
      expect(verified(secret, r)).toBe(true);
      expect(verified('wrong-secret', r)).toBe(false);
      expect(r.headers['x-atlas-event']).toBe(r.json.event);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['user-agent']).toBe('atlas-media-action/test');
      expect(r.headers['authorization']).toBeUndefined();
    }
    expect(new Set(rx.got.map((r) => r.headers['x-atlas-delivery'])).size).toBe(4);
    expect(log.lines.filter((l) => l.startsWith('warning'))).toEqual([]);
  });

  it('sends no signature header without a secret', async () => {
    const rx = await receiver();
    const n = createWebhookNotifier({ url: rx.url, userAgent: 'ua', log: memoryLog(), ...FAST });
    n.jobFinished(jobResult());
    await n.flush();
    expect(rx.got).toHaveLength(1);
    expect(rx.got[0]!.headers['x-atlas-signature-256']).toBeUndefined();
  });

  it('retries after a 503 and a 429, then succeeds: same delivery id and body, no warning', async () => {
    const rx = await receiver((i) => (i === 0 ? 503 : i === 1 ? 429 : 200));
    const log = memoryLog();
    const n = createWebhookNotifier({ url: rx.url, secret: 's', userAgent: 'ua', log, ...FAST });
    n.jobFinished(jobResult());
    await n.flush();
    expect(rx.got).toHaveLength(3);
    expect(new Set(rx.got.map((r) => r.headers['x-atlas-delivery'])).size).toBe(1);
    expect(rx.got.map((r) => r.headers['x-atlas-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(rx.got.map((r) => r.raw.toString())).size).toBe(1);
    expect(rx.got.every((r) => verified('s', r))).toBe(true);
    expect(log.lines.filter((l) => l.startsWith('warning'))).toEqual([]);
  });

  it('gives up after maxAttempts on 5xx, and at once on other 4xx, with a warning that hides the URL', async () => {
    const rx = await receiver((_, r) => ((r.json as JobMessage).job?.name === 'gone' ? 410 : 500));
    const log = memoryLog();
    const n = createWebhookNotifier({ url: rx.url, userAgent: 'ua', log, maxAttempts: 3, ...FAST });
    n.jobFinished(jobResult({ name: 'busy' }));
    n.jobFinished(jobResult({ name: 'gone' }));
    await n.flush();
    const names = rx.got.map((r) => (r.json as JobMessage).job.name);
    expect(names.filter((x) => x === 'busy')).toHaveLength(3);
    expect(names.filter((x) => x === 'gone')).toHaveLength(1);
    const warnings = log.lines.filter((l) => l.startsWith('warning'));
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/HTTP 500/);
    expect(warnings.join('\n')).toMatch(/HTTP 410/);
    for (const l of log.lines) expect(l).not.toContain('T0K3N');
  });

  it('a receiver that is down never throws, and no log line carries the URL or any piece of it', async () => {
    const port = await deadPort();
    const url = `http://127.0.0.1:${port}/hooks/T0K3N-very-secret?key=qwerty123`;
    const log = memoryLog();
    const n = createWebhookNotifier({ url, secret: 'whsec_abc', userAgent: 'ua', log, ...FAST });
    n.jobFinished(jobResult({ name: 'a' }));
    n.jobFinished(jobResult({ name: 'b' }));
    await expect(n.batchFinished(manifest([jobResult()]))).resolves.toBeUndefined();
    const all = log.lines.join('\n');
    expect(all).toMatch(/warning: webhook/);
    expect(all).toMatch(/ECONNREFUSED/);
    for (const piece of [url, `127.0.0.1:${port}`, 'T0K3N', 'qwerty123', 'whsec_abc', '/hooks/'])
      expect(all).not.toContain(piece);
  });

  it('stops sending job messages after repeated failures, still tries the batch', async () => {
    const rx = await receiver(() => 503);
    const log = memoryLog();
    const n = createWebhookNotifier({
      url: rx.url,
      userAgent: 'ua',
      log,
      maxAttempts: 2,
      concurrency: 1,
      giveUpAfter: 2,
      ...FAST,
    });
    for (let i = 0; i < 10; i++) n.jobFinished(jobResult({ name: `j${i}` }));
    await n.batchFinished(manifest([jobResult()]));
    const jobPosts = rx.got.filter((r) => r.json.event === 'job.finished');
    expect(jobPosts).toHaveLength(4); // two messages × two attempts, then it gives up
    expect(rx.got.filter((r) => r.json.event === 'batch.finished')).toHaveLength(2);
    expect(log.lines.join('\n')).toMatch(/no more job messages are sent/);
  });

  it('bounds a hanging receiver by its timeout', async () => {
    const rx = await receiver(() => 'hang');
    const log = memoryLog();
    const n = createWebhookNotifier({
      url: rx.url,
      userAgent: 'ua',
      log,
      maxAttempts: 2,
      retryBaseMs: 5,
      retryCapMs: 10,
      timeoutMs: 150,
    });
    const t0 = Date.now();
    n.jobFinished(jobResult());
    await n.flush();
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(rx.got).toHaveLength(2);
    expect(log.lines.join('\n')).toMatch(/not delivered/);
  });

  it('keeps at most `concurrency` job messages in flight, and flush waits for all of them', async () => {
    const rx = await receiver(() => new Promise((r) => setTimeout(() => r(200), 30)));
    const n = createWebhookNotifier({ url: rx.url, userAgent: 'ua', log: memoryLog(), concurrency: 2, ...FAST });
    for (let i = 0; i < 6; i++) n.jobFinished(jobResult({ name: `j${i}` }));
    await n.flush();
    expect(rx.got).toHaveLength(6);
    expect(rx.maxInFlight).toBe(2);
  });

  it('withWebhook runs the existing hook and still notifies when that hook throws', () => {
    const seen: string[] = [];
    const hook = withWebhook<unknown>(
      () => {
        seen.push('hook');
        throw new Error('x');
      },
      { jobFinished: (r) => void seen.push(`webhook:${r.name}`) },
    )!;
    expect(() => hook({}, jobResult())).toThrow('x');
    expect(seen).toEqual(['hook', 'webhook:Product Hero']);
  });

  it('urlRedactor hides the URL, its host and its tokens', () => {
    const red = urlRedactor('https://user:pw@hooks.example.com/services/T000/B000/XXXXXXXXXXXX?token=abc');
    const s = red(
      'connect to hooks.example.com failed for https://user:pw@hooks.example.com/services/T000/B000/XXXXXXXXXXXX?token=abc (XXXXXXXXXXXX)',
    );
    expect(s).not.toMatch(/hooks\.example|XXXXXXXXXXXX|token=abc/);
  });
});

describe('webhooks through the CLI, against the emulator', () => {
  const IMG = 'black-forest-labs/flux-2-pro/text-to-image';

  it('one signed message per job and one for the batch; the API key is never sent', async () => {
    emu = await startEmulator({ timeScale: 1000 });
    const rx = await receiver();
    const dir = await tempDir();
    const config = await writeJobFile(
      dir,
      `jobs:\n  - name: one\n    model: ${IMG}\n    prompt: first\n  - name: two\n    model: ${IMG}\n    prompt: second\n`,
    );
    const run = await runCli(
      ['run', '--config', config, '--webhook-url', rx.url, '--webhook-secret', 'whsec_cli', ...FAST_POLL],
      {
        baseUrl: emu.url,
        outputDir: join(dir, 'out'),
        env: { GITHUB_REPOSITORY: 'acme/site', GITHUB_RUN_ID: '777' },
      },
    );
    expect(run.code, run.output).toBe(0);
    expect(rx.got.map((r) => r.json.event)).toEqual(['job.finished', 'job.finished', 'batch.finished']);
    const m = await run.manifest();
    for (const r of rx.got) {
      expect(verified('whsec_cli', r)).toBe(true);
      expect(JSON.stringify(r.headers) + r.raw.toString()).not.toContain('test-key');
      expect(r.json.run).toMatchObject({ repository: 'acme/site', run_id: '777' });
    }
    const jobs = rx.got.slice(0, 2).map((r) => (r.json as JobMessage).job);
    for (const j of jobs) {
      const res = m.results.find((x) => x.name === j.name)!;
      expect(j.prediction_id).toBe(res.prediction_id);
      expect(j.outputs).toEqual(res.outputs.map((o) => ({ url: o.url, path: o.path, sha256: o.sha256 })));
    }
    expect((rx.got[2]!.json as BatchMessage).totals).toMatchObject({
      jobs: 2,
      successful: 2,
      failed: 0,
      cost: m.total_cost,
    });
    expect(run.output).not.toContain(rx.url);
  });

  it('a receiver that is down does not fail the run, and the CLI output never shows the URL', async () => {
    emu = await startEmulator({ timeScale: 1000 });
    const port = await deadPort();
    const url = `http://127.0.0.1:${port}/hooks/T0K3N-very-secret`;
    const dir = await tempDir();
    const config = await writeJobFile(dir, `jobs:\n  - name: one\n    model: ${IMG}\n    prompt: first\n`);
    const run = await runCli(['run', '--config', config, '--webhook-url', url, ...FAST_POLL], {
      baseUrl: emu.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/warning: webhook/);
    expect(run.output).not.toContain('T0K3N');
    expect(run.output).not.toContain(`127.0.0.1:${port}`);
    expect((await run.manifest()).successful).toBe(1);
  }, 60_000);
});
