import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadError, downloadOutput, toDownloadError } from '../../src/download/download.js';
import { startServer, type TestServer } from './server.js';

const errno = (code: string, syscall = 'write') =>
  Object.assign(new Error(`${code}: failed, ${syscall}`), { code, syscall });

// A full disk cannot be produced portably (it needs a small file system), so the mapping is tested
// directly here; the real thing runs below only where a tmpfs can be mounted (root on Linux).
describe('toDownloadError', () => {
  it.each(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'ENOTDIR', 'EISDIR'])('maps %s to disk', (code) => {
    expect(toDownloadError(errno(code), 'x', undefined, 'body').kind).toBe('disk');
  });

  it('says "disk full" for ENOSPC and EDQUOT', () => {
    expect(toDownloadError(errno('ENOSPC'), 'x').message).toMatch(/disk full/);
    expect(toDownloadError(errno('EDQUOT'), 'x').message).toMatch(/disk full/);
  });

  it('maps a reset to network, a closed socket mid-body to truncated, before the body to network', () => {
    expect(toDownloadError(errno('ECONNRESET', 'read'), 'x', undefined, 'body').kind).toBe('network');
    const closed = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    expect(toDownloadError(closed, 'x', undefined, 'body').kind).toBe('truncated');
    expect(toDownloadError(closed, 'x', undefined, 'request').kind).toBe('network');
    expect(
      toDownloadError(Object.assign(new Error('t'), { code: 'UND_ERR_BODY_TIMEOUT' }), 'x', undefined, 'body').kind,
    ).toBe('network');
  });

  it('maps anything that happens once the signal has fired to aborted', () => {
    expect(toDownloadError(errno('ECONNRESET'), 'x', AbortSignal.abort()).kind).toBe('aborted');
    expect(toDownloadError(new DOMException('gone', 'AbortError'), 'x').kind).toBe('aborted');
  });

  it('passes a DownloadError through', () => {
    const e = new DownloadError('expired', 'x', { status: 403 });
    expect(toDownloadError(e, 'y')).toBe(e);
  });
});

describe('local write failures', () => {
  let server: TestServer;
  let root: string;
  const body = Buffer.alloc(4 * 1024 * 1024, 7);

  beforeAll(async () => {
    server = await startServer();
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    });
    root = await mkdtemp(path.join(os.tmpdir(), 'atlas-dl-disk-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('reports disk, without retrying, when the destination directory cannot be made', async () => {
    await writeFile(path.join(root, 'a-file'), 'x');
    const err = await downloadOutput(`${server.origin}/x`, path.join(root, 'a-file', 'sub', 'out'), {
      userAgent: 't',
      baseMs: 1,
      capMs: 2,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).kind).toBe('disk');
    expect(server.requests).toHaveLength(0);
  });

  it('reports disk on a really full file system and leaves no temp file (root on Linux only)', async (ctx) => {
    const mnt = path.join(root, 'tiny');
    await rm(mnt, { recursive: true, force: true });
    await mkdir(mnt);
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return ctx.skip();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      return ctx.skip();
    }
    try {
      server.requests.length = 0;
      const err = await downloadOutput(`${server.origin}/big`, path.join(mnt, 'out'), {
        userAgent: 't',
        baseMs: 1,
        capMs: 2,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DownloadError);
      expect((err as DownloadError).kind).toBe('disk');
      expect((err as DownloadError).message).toMatch(/ENOSPC/);
      expect(server.requests).toHaveLength(1);
      expect(await readdir(mnt)).toEqual([]);
    } finally {
      execFileSync('umount', [mnt], { stdio: 'ignore' });
    }
  });
});
