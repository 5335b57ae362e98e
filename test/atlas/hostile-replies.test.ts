// The Atlas client against a hostile host on loopback (issue 12): a reply that never ends, a 200 MB
// reply, a reply that drips. Each request ends with a clear error, and memory does not grow with
// the body: replies are read as a stream and dropped at the cap (MAX_REPLY_BYTES).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createAtlasClient, MAX_REPLY_BYTES } from '../../src/atlas/client.js';
import type { AtlasError } from '../../src/atlas/errors.js';
import { runJobs } from '../../src/engine/run.js';
import { memoryLog } from '../../src/shared/log.js';
import { plannedJob } from '../engine/fakes.js';

const open: { server: Server; agent: Agent }[] = [];
afterEach(async () => {
  for (const { server, agent } of open.splice(0)) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await agent.close();
  }
});

const CHUNK = Buffer.alloc(64 * 1024, 0x7b); // '{' over and over: never valid JSON

/** Write chunks until the client hangs up, with backpressure, so the server holds no more than one chunk. */
function flood(res: ServerResponse, total = Infinity): void {
  let sent = 0;
  const more = () => {
    while (sent < total && !res.destroyed) {
      sent += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', more);
    }
    if (!res.destroyed) res.end();
  };
  res.on('error', () => undefined);
  more();
}

async function hostile(
  poll: (res: ServerResponse) => void,
): Promise<{ url: string; agent: Agent; polls: () => number }> {
  let polls = 0;
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v1/model/generate')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":200,"data":{"id":"pred-1"}}');
      return;
    }
    polls++;
    res.setHeader('content-type', 'application/json');
    poll(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const agent = new Agent();
  open.push({ server, agent });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, agent, polls: () => polls };
}

function client(url: string, agent: Agent, extra: { requestDeadlineMs?: number } = {}) {
  return createAtlasClient({
    baseUrl: url,
    apiKey: 'k-hostile-1234',
    userAgent: 'test',
    dispatcher: agent,
    retry: { maxAttempts: 1 },
    ...extra,
  });
}

describe('replies from a hostile host', () => {
  it('an endless reply is dropped at the cap with a clear error; memory stays bounded', async () => {
    const h = await hostile((res) => flood(res));
    const before = process.memoryUsage().rss;
    const err = (await client(h.url, h.agent)
      .poll('pred-1')
      .catch((e: unknown) => e)) as AtlasError;
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain(`larger than ${MAX_REPLY_BYTES} bytes`);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('a 200 MB reply (declared, and chunked without a length) ends at the cap, not after 200 MB', async () => {
    const total = 200 * 1024 * 1024;
    for (const declared of [true, false]) {
      const h = await hostile((res) => {
        if (declared) res.setHeader('content-length', total);
        flood(res, total);
      });
      const before = process.memoryUsage().rss;
      const err = (await client(h.url, h.agent)
        .poll('pred-1')
        .catch((e: unknown) => e)) as AtlasError;
      expect(err.message).toContain('larger than');
      expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
    }
  });

  it('a reply that drips a byte at a time ends at the request deadline', async () => {
    const h = await hostile((res) => {
      const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(' ')), 50);
      res.on('close', () => clearInterval(t));
    });
    const t0 = Date.now();
    const err = (await client(h.url, h.agent, { requestDeadlineMs: 500 })
      .poll('pred-1')
      .catch((e: unknown) => e)) as AtlasError;
    expect(err.kind).toBe('network');
    expect(err.message).toContain('no complete reply within');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('a job whose poll reply never ends fails as timeout at its deadline (timeout: 2), prediction id kept', async () => {
    // The reply drips forever, so neither the cap nor the idle timeout can end it: only the job's deadline.
    const h = await hostile((res) => {
      const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(' ')), 20);
      res.on('close', () => clearInterval(t));
    });
    const job = plannedJob({ timeoutMs: 2_000 });
    const t0 = Date.now();
    const out = await runJobs(
      [job],
      {
        client: createAtlasClient({ baseUrl: h.url, apiKey: 'k', userAgent: 'test', dispatcher: h.agent }),
        download: () => Promise.reject(new Error('no download expected')),
        log: memoryLog(),
      },
      {
        outputDir: '/nonexistent',
        concurrency: 1,
        maxConcurrency: 1,
        downloadConcurrency: 1,
        poll: { floorMs: 10, ceilingMs: 50 },
        notFoundGraceMs: 0,
        retryUnknownSubmits: false,
        graceMs: 0,
      },
    );
    expect(out.results[0]).toMatchObject({ status: 'failed', error_kind: 'timeout', prediction_id: 'pred-1' });
    expect(out.results[0]!.error).toContain('pred-1');
    expect(h.polls()).toBeGreaterThanOrEqual(1);
    expect(Date.now() - t0).toBeLessThan(6_000);
  });
});
