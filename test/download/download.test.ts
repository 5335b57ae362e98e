import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, downloadOutput, type DownloadOptions } from '../../src/download/download.js';
import { startServer, type TestServer } from './server.js';

const UA = 'atlas-media-action-test/1.0';
const sha = (buf: Uint8Array) => createHash('sha256').update(buf).digest('hex');
const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const png = (size = 4096) => Buffer.concat([PNG_SIG, randomBytes(size - PNG_SIG.length)]);

let server: TestServer;
let agent: Agent;
let root: string;
let dir: string;
let caseNo = 0;

beforeAll(async () => {
  server = await startServer();
  agent = new Agent({ keepAliveTimeout: 1000 });
  root = await mkdtemp(path.join(os.tmpdir(), 'atlas-dl-'));
});
afterAll(async () => {
  await agent.close();
  await server.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  dir = path.join(root, `case-${++caseNo}`, 'nested'); // downloadOutput must create it
});

/** Fast retries unless a test says otherwise. */
const opts = (more: Partial<DownloadOptions> = {}): DownloadOptions => ({
  userAgent: UA,
  dispatcher: agent,
  baseMs: 1,
  capMs: 5,
  ...more,
});

const files = async () => {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
};

async function failure(p: Promise<unknown>): Promise<DownloadError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DownloadError);
    return err as DownloadError;
  }
  throw new Error('expected the download to fail');
}

/** Send body in full, with Content-Length. */
const send = (res: ServerResponse, body: Buffer, type = 'application/octet-stream') => {
  res.writeHead(200, { 'content-type': type, 'content-length': body.length });
  res.end(body);
};

/** Send the headers and half of body, then close the socket cleanly (FIN). */
const truncate = (res: ServerResponse, body: Buffer) => {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  res.write(body.subarray(0, body.length >> 1), () => res.socket?.end());
};

describe('downloadOutput over HTTP', () => {
  it('names an extensionless octet-stream PNG by its magic bytes, with the right hash', async () => {
    const body = png(10_000);
    server.handle((_req, res) => send(res, body));
    const stem = path.join(dir, 'out-0');
    const got = await downloadOutput(`${server.origin}/o/9f3a?X-Amz-Signature=abc&X-Amz-Expires=3600`, stem, opts());
    expect(got).toEqual({
      path: `${stem}.png`,
      bytes: body.length,
      sha256: sha(body),
      contentType: 'image/png',
      ext: 'png',
    });
    expect(sha(await readFile(got.path))).toBe(sha(body));
    expect(await files()).toEqual(['out-0.png']);
  });

  it.each([
    ['jpg', 'image/jpeg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(500)])],
    ['webp', 'image/webp', Buffer.concat([Buffer.from('RIFF\x00\x10\x00\x00WEBPVP8 ', 'latin1'), randomBytes(500)])],
    ['gif', 'image/gif', Buffer.concat([Buffer.from('GIF89a'), randomBytes(500)])],
    ['mp4', 'video/mp4', Buffer.concat([Buffer.from('\x00\x00\x00\x20ftypisom', 'latin1'), randomBytes(500)])],
    [
      'webm',
      'video/webm',
      Buffer.concat([
        Buffer.from([0x1a, 0x45, 0xdf, 0xa3]),
        Buffer.from('\x42\x82\x84webm', 'latin1'),
        randomBytes(500),
      ]),
    ],
  ])('sniffs a served %s despite a wrong Content-Type', async (ext, contentType, body) => {
    server.handle((_req, res) => send(res, body, 'text/html'));
    const got = await downloadOutput(`${server.origin}/file.png`, path.join(dir, 'x'), opts());
    expect(got.ext).toBe(ext);
    expect(got.contentType).toBe(contentType);
    expect(got.sha256).toBe(sha(body));
  });

  it('falls back to Content-Type, then the URL path, then bin', async () => {
    const text = Buffer.from('v 0 0 0\nv 1 0 0\nf 1 2 1\n');
    server.handle((req, res) =>
      send(res, text, req.url?.startsWith('/typed') ? 'model/obj' : 'application/octet-stream'),
    );
    expect((await downloadOutput(`${server.origin}/typed`, path.join(dir, 'a'), opts())).ext).toBe('obj');
    const byUrl = await downloadOutput(`${server.origin}/mesh.obj?sig=1`, path.join(dir, 'b'), opts());
    expect(byUrl).toMatchObject({ ext: 'obj', contentType: 'application/octet-stream' });
    // Text named as nothing is not media (magic.ts notMedia): refused, no file; unknown binary is `bin`.
    await expect(downloadOutput(`${server.origin}/blob?sig=1`, path.join(dir, 'c'), opts())).rejects.toMatchObject({
      kind: 'not-media',
    });
    server.handle((_req, res) => send(res, Buffer.from([0, 1, 2, 3, 0xfe]), 'application/octet-stream'));
    expect((await downloadOutput(`${server.origin}/blob?sig=1`, path.join(dir, 'c'), opts())).ext).toBe('bin');
    expect(await files()).toEqual(['a.obj', 'b.obj', 'c.bin']);
  });

  it('replaces an older file of the same name', async () => {
    const body = png(2000);
    server.handle((_req, res) => send(res, body));
    await downloadOutput(`${server.origin}/a`, path.join(dir, 'same'), opts());
    await writeFile(path.join(dir, 'same.png'), 'stale');
    const got = await downloadOutput(`${server.origin}/a`, path.join(dir, 'same'), opts());
    expect(sha(await readFile(got.path))).toBe(sha(body));
    expect(await files()).toEqual(['same.png']);
  });

  it('sends the User-Agent and no Referer or Authorization', async () => {
    server.handle((_req, res) => send(res, png(100)));
    await downloadOutput(`${server.origin}/h`, path.join(dir, 'h'), opts());
    const [seen] = server.requests;
    expect(seen?.headers['user-agent']).toBe(UA);
    expect(seen?.headers).not.toHaveProperty('referer');
    expect(seen?.headers).not.toHaveProperty('authorization');
    expect(seen?.headers).not.toHaveProperty('cookie');
  });

  it('retries a truncated body and succeeds once the server sends it all', async () => {
    const body = png(200_000);
    server.handle((_req, res, n) => (n < 3 ? truncate(res, body) : send(res, body)));
    const got = await downloadOutput(`${server.origin}/t`, path.join(dir, 't'), opts());
    expect(got.sha256).toBe(sha(body));
    expect(server.requests).toHaveLength(3);
    expect(await files()).toEqual(['t.png']);
  });

  it('fails with truncated and leaves no file when every body is short', async () => {
    const body = png(200_000);
    server.handle((_req, res) => truncate(res, body));
    const err = await failure(downloadOutput(`${server.origin}/t`, path.join(dir, 't'), opts({ maxAttempts: 3 })));
    expect(err.kind).toBe('truncated');
    expect(err.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
    expect(await files()).toEqual([]);
  });

  it('treats a chunked body cut short as truncated', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }); // no Content-Length: chunked
      res.write(png(5000), () => res.socket?.end());
    });
    const err = await failure(downloadOutput(`${server.origin}/c`, path.join(dir, 'c'), opts({ maxAttempts: 2 })));
    expect(err.kind).toBe('truncated');
    expect(await files()).toEqual([]);
  });

  it('retries a connection reset mid-body, or reports network when it persists', async () => {
    const body = png(100_000);
    const reset = (res: ServerResponse) => {
      res.writeHead(200, { 'content-length': body.length });
      // RST (not FIN). Resetting inside the write callback itself degrades to a clean close.
      res.write(body.subarray(0, 30_000), () => setTimeout(() => res.socket?.resetAndDestroy(), 10));
    };
    server.handle((_req, res, n) => (n === 1 ? reset(res) : send(res, body)));
    expect((await downloadOutput(`${server.origin}/r`, path.join(dir, 'r'), opts())).sha256).toBe(sha(body));
    expect(server.requests).toHaveLength(2);

    server.handle((_req, res) => reset(res));
    const err = await failure(downloadOutput(`${server.origin}/r`, path.join(dir, 'r2'), opts({ maxAttempts: 2 })));
    expect(err.kind).toBe('network');
    expect(server.requests).toHaveLength(2);
    expect(await files()).toEqual(['r.png']);
  });

  it('honours Retry-After: 0 on a 503 instead of the (here huge) backoff', async () => {
    const body = png(1000);
    server.handle((_req, res, n) => {
      if (n === 1) res.writeHead(503, { 'retry-after': '0' }).end('busy');
      else send(res, body);
    });
    const started = Date.now();
    const got = await downloadOutput(
      `${server.origin}/s`,
      path.join(dir, 's'),
      opts({ baseMs: 60_000, capMs: 60_000 }),
    );
    expect(got.sha256).toBe(sha(body));
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('retries 429 and 5xx with backoff, then reports http with the status', async () => {
    server.handle((_req, res, n) => res.writeHead(n % 2 ? 429 : 502).end());
    const err = await failure(downloadOutput(`${server.origin}/s`, path.join(dir, 's'), opts({ maxAttempts: 4 })));
    expect(err).toMatchObject({ kind: 'http', status: 502, attempts: 4 });
    expect(server.requests).toHaveLength(4);
  });

  it.each([403, 410])('maps %i to expired without retrying', async (status) => {
    server.handle((_req, res) =>
      res.writeHead(status, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>'),
    );
    const err = await failure(downloadOutput(`${server.origin}/e?X-Amz-Signature=SECRET`, path.join(dir, 'e'), opts()));
    expect(err).toMatchObject({ kind: 'expired', status });
    expect(err.message).not.toContain('SECRET'); // the signature stays out of logs
    expect(server.requests).toHaveLength(1);
    expect(await files()).toEqual([]);
  });

  it('retries a 404 twice (a CDN may lag), then reports not-found', async () => {
    server.handle((_req, res) => res.writeHead(404).end());
    const err = await failure(downloadOutput(`${server.origin}/n`, path.join(dir, 'n'), opts({ maxAttempts: 10 })));
    expect(err).toMatchObject({ kind: 'not-found', status: 404 });
    expect(server.requests).toHaveLength(3);

    const body = png(500);
    server.handle((_req, res, n) => (n === 1 ? res.writeHead(404).end() : send(res, body)));
    expect((await downloadOutput(`${server.origin}/n`, path.join(dir, 'n'), opts())).sha256).toBe(sha(body));
  });

  it('does not retry other 4xx', async () => {
    server.handle((_req, res) => res.writeHead(400).end('bad'));
    const err = await failure(downloadOutput(`${server.origin}/b`, path.join(dir, 'b'), opts()));
    expect(err).toMatchObject({ kind: 'http', status: 400 });
    expect(server.requests).toHaveLength(1);
  });

  it('follows redirects, keeping the User-Agent and sending no Referer', async () => {
    const body = png(3000);
    server.handle((req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: `${server.origin}/hop?sig=1` }).end();
      else if (req.url === '/hop?sig=1') res.writeHead(307, { location: 'final/object' }).end();
      else if (req.url === '/final/object') send(res, body);
      else res.writeHead(404).end();
    });
    const got = await downloadOutput(`${server.origin}/start`, path.join(dir, 'r'), opts());
    expect(got.sha256).toBe(sha(body));
    expect(server.requests.map((r) => r.url)).toEqual(['/start', '/hop?sig=1', '/final/object']);
    for (const r of server.requests) {
      expect(r.headers['user-agent']).toBe(UA);
      expect(r.headers).not.toHaveProperty('referer');
    }
  });

  it('gives up after 5 redirects', async () => {
    server.handle((req, res) => res.writeHead(301, { location: `/loop${req.url}` }).end());
    const err = await failure(downloadOutput(`${server.origin}/x`, path.join(dir, 'x'), opts()));
    expect(err.kind).toBe('http');
    expect(err.message).toMatch(/redirects/);
    expect(server.requests).toHaveLength(6);
  });

  it('retries a body that goes idle past timeoutMs', async () => {
    const body = png(50_000);
    server.handle((_req, res, n) => {
      if (n > 1) return send(res, body);
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 1000)); // then nothing
    });
    const got = await downloadOutput(`${server.origin}/i`, path.join(dir, 'i'), opts({ timeoutMs: 300 }));
    expect(got.sha256).toBe(sha(body));
    expect(server.requests).toHaveLength(2);
  });

  it('reports network when nothing listens', async () => {
    const closed = await startServer();
    await closed.close();
    const err = await failure(downloadOutput(`${closed.origin}/x`, path.join(dir, 'x'), opts({ maxAttempts: 2 })));
    expect(err.kind).toBe('network');
    expect(err.attempts).toBe(2);
  });

  it('refuses schemes other than http(s) and data', async () => {
    const err = await failure(downloadOutput('file:///etc/passwd', path.join(dir, 'f'), opts()));
    expect(err.kind).toBe('http');
  });
});

describe('aborting', () => {
  it('aborts mid-body promptly and leaves no temp file', async () => {
    const ac = new AbortController();
    let sentFirst!: () => void;
    const firstChunk = new Promise<void>((resolve) => (sentFirst = resolve));
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-length': 10_000_000 });
      res.write(png(200_000), () => sentFirst()); // then stall
    });
    const p = downloadOutput(`${server.origin}/slow`, path.join(dir, 'slow'), opts({ signal: ac.signal }));
    await firstChunk;
    await new Promise((r) => setTimeout(r, 50));
    expect((await files()).filter((f) => f.endsWith('.part'))).toHaveLength(1);
    const t0 = Date.now();
    ac.abort();
    const err = await failure(p);
    expect(err.kind).toBe('aborted');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await files()).toEqual([]);
  });

  it('aborts during the wait between attempts', async () => {
    const ac = new AbortController();
    server.handle((_req, res) => {
      res.writeHead(503).end();
      setTimeout(() => ac.abort(), 50);
    });
    const t0 = Date.now();
    const err = await failure(
      downloadOutput(
        `${server.origin}/w`,
        path.join(dir, 'w'),
        opts({ signal: ac.signal, baseMs: 60_000, capMs: 60_000 }),
      ),
    );
    expect(err.kind).toBe('aborted');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(server.requests).toHaveLength(1);
  });

  it('does nothing when already aborted', async () => {
    server.handle((_req, res) => send(res, png(100)));
    const err = await failure(
      downloadOutput(`${server.origin}/a`, path.join(dir, 'a'), opts({ signal: AbortSignal.abort() })),
    );
    expect(err.kind).toBe('aborted');
    expect(server.requests).toHaveLength(0);
  });
});

describe('data: URIs', () => {
  it('decodes base64 and names the file by its magic', async () => {
    const body = png(3000);
    const got = await downloadOutput(
      `data:application/octet-stream;base64,${body.toString('base64')}`,
      path.join(dir, 'd'),
      opts(),
    );
    expect(got).toMatchObject({ ext: 'png', contentType: 'image/png', bytes: body.length, sha256: sha(body) });
    expect(sha(await readFile(got.path))).toBe(sha(body));
    expect(await files()).toEqual(['d.png']);
  });

  it('decodes percent-encoding, binary bytes included', async () => {
    const obj = 'v 0 0 0\nv 1 0 0\nf 1 2 1 # 100%\n';
    const got = await downloadOutput(`data:model/obj,${encodeURIComponent(obj)}`, path.join(dir, 's'), opts());
    expect(got).toMatchObject({ ext: 'obj', contentType: 'model/obj', sha256: sha(Buffer.from(obj)) });
    expect(await readFile(got.path, 'utf8')).toBe(obj);

    const bin = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x25, 0x80, 0x41]);
    const pct = [...bin].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('');
    const jpg = await downloadOutput(`data:,${pct}`, path.join(dir, 'j'), opts());
    expect(jpg).toMatchObject({ ext: 'jpg', bytes: bin.length, sha256: sha(bin) });
  });

  it('rejects a data: URI without a comma', async () => {
    const err = await failure(downloadOutput('data:image/png;base64', path.join(dir, 'bad'), opts()));
    expect(err.kind).toBe('http');
    expect(await files()).toEqual([]);
  });
});

describe('a large body', () => {
  it('streams 200 MB to disk with the right hash', async () => {
    const MiB = 1024 * 1024;
    const total = 200 * MiB;
    const served = createHash('sha256');
    server.handle(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': total });
      const chunk = Buffer.alloc(MiB);
      for (let i = 0; i < total / MiB; i++) {
        chunk.fill(i & 0xff);
        chunk.writeUInt32BE(i, 0);
        if (i === 0) Buffer.from('\x00\x00\x00\x20ftypmp42', 'latin1').copy(chunk);
        served.update(chunk);
        if (!res.write(Buffer.from(chunk))) await once(res, 'drain');
      }
      res.end();
    });
    // Memory is left to the benchmark: the server shares this process, and RSS under a test
    // runner is too noisy to assert on.
    const got = await downloadOutput(`${server.origin}/big`, path.join(dir, 'big'), opts());
    expect(got).toMatchObject({ ext: 'mp4', bytes: total, sha256: served.digest('hex') });
    await rm(got.path);
  }, 120_000);
});

describe('limits (max-download-mb, the download deadline)', () => {
  it('a body announced over maxBytes is refused before a byte is written; one that grows past it mid-stream too', async () => {
    const body = png(4096);
    server.handle((req, res) => {
      if (req.url === '/announced') return send(res, body);
      // No Content-Length: only counting the bytes can stop it.
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(body);
    });
    const announced = await failure(
      downloadOutput(`${server.origin}/announced`, path.join(dir, 'a'), opts({ maxBytes: 1000 })),
    );
    expect(announced.kind).toBe('too-large');
    expect(announced.message).toMatch(/4096 bytes is over the max-download-mb cap/);
    const streamed = await failure(
      downloadOutput(`${server.origin}/chunked`, path.join(dir, 'b'), opts({ maxBytes: 1000 })),
    );
    expect(streamed.kind).toBe('too-large');
    expect(server.requests).toHaveLength(2); // not retried
    expect(await files()).toEqual([]);
  });

  it('a data: URI over maxBytes is refused, unwritten', async () => {
    const uri = `data:image/png;base64,${png(4096).toString('base64')}`;
    const e = await failure(downloadOutput(uri, path.join(dir, 'd'), opts({ maxBytes: 1000 })));
    expect(e.kind).toBe('too-large');
    expect(await files()).toEqual([]);
  });

  it('a host that sends a byte and then nothing ends at the download deadline, not the idle timeout', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(PNG_SIG.subarray(0, 1));
    });
    const e = await failure(downloadOutput(`${server.origin}/drip`, path.join(dir, 'x'), opts({ deadlineMs: 300 })));
    expect(e.kind).toBe('deadline');
    expect(e.message).toMatch(/did not finish within 0\.3 s/);
    expect(await files()).toEqual([]);
  });
});
