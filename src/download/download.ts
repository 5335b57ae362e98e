// Download one prediction output (a signed object-store URL or a data: URI) to disk.
//
// The body streams through a sha256/byte counter into a temp file beside the destination and is
// renamed into place only when complete, so a partial file never carries the final name. Memory
// stays flat whatever the size: stream.pipeline moves one chunk at a time with backpressure.
//
// Output URLs are signed and short-lived. We send a User-Agent (Cloudflare refuses requests without
// one) and nothing else that identifies us: no Referer (hotlink protection), no Authorization (the
// API key must never reach an object store). Error messages never carry the URL's query string,
// which holds the signature.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import { request, type Dispatcher } from 'undici';
import { classify, notMedia, SNIFF_BYTES } from './magic.js';
import { refuseRedirect, refuseUrlHost, type EgressPolicy } from './egress.js';
import { parseRetryAfter, withRetries, type RetryPolicy } from '../shared/retry.js';
import { startDeadline } from '../shared/deadline.js';

export interface DownloadOptions {
  userAgent: string;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  /** Attempts in all, first included (default 5). Redirect hops do not count. */
  maxAttempts?: number;
  /** Backoff base in ms (default 500). */
  baseMs?: number;
  /** Backoff ceiling in ms (default 20000). */
  capMs?: number;
  /** Per attempt: how long to wait for the response headers, and for each body chunk (idle timeout). */
  timeoutMs?: number;
  /** The whole download, retries included (default DEFAULT_DOWNLOAD_DEADLINE_MS); the job's signal may end it sooner. */
  deadlineMs?: number;
  /** The largest body accepted, in bytes (default DEFAULT_MAX_DOWNLOAD_BYTES); a larger one is refused unwritten. */
  maxBytes?: number;
  /** Decides every address a hop connects to and every redirect (src/download/egress.ts); default: anything goes. */
  egress?: EgressPolicy;
  random?: () => number;
}

/**
 * One download, retries included, never outlives this (README "Inputs", `max-download-mb`): the job's
 * `timeout` usually ends it first; this bounds a job without one, or a host that drips bytes.
 */
export const DEFAULT_DOWNLOAD_DEADLINE_MS = 30 * 60_000;
/** The default `max-download-mb`: generous for a 4K video, small enough that a runaway body cannot fill the disk. */
export const DEFAULT_MAX_DOWNLOAD_MB = 2048;
export const DEFAULT_MAX_DOWNLOAD_BYTES = DEFAULT_MAX_DOWNLOAD_MB * 1024 * 1024;

export interface Downloaded {
  /** Absolute final path: destStem + '.' + ext. */
  path: string;
  bytes: number;
  /** Hex sha256 of the bytes written. */
  sha256: string;
  /** From the magic bytes, else the Content-Type header (or the data: URI's media type). */
  contentType: string;
  ext: string;
}

export type DownloadErrorKind =
  | 'expired'
  | 'not-found'
  | 'http'
  | 'truncated'
  | 'network'
  | 'aborted'
  | 'disk'
  /** Larger than max-download-mb. */
  | 'too-large'
  /** The download's own deadline passed. */
  | 'deadline'
  /** The body is not media (markup, JSON, text): the job fails bad-output. */
  | 'not-media'
  /** A redirect or address the egress policy refuses (downgrade, private address). */
  | 'refused';

export class DownloadError extends Error {
  override name = 'DownloadError';
  readonly kind: DownloadErrorKind;
  readonly status?: number;
  /** The server's Retry-After, in ms, when it sent one. */
  readonly retryAfterMs?: number;
  /** Attempts made before giving up (set on the error downloadOutput finally throws). */
  attempts?: number;

  constructor(
    kind: DownloadErrorKind,
    message: string,
    extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.kind = kind;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
  }
}

const MAX_REDIRECTS = 5;
/** A 404 is retried (a CDN may lag behind the store) but only this many attempts in all. */
const NOT_FOUND_ATTEMPTS = 3;
/** Retry-After is honoured up to this much (or capMs if larger): a signed URL may expire meanwhile. */
const RETRY_AFTER_MAX_MS = 60_000;

/** Errors that come from the local file system: the disk is full, read-only, or the path is unusable. */
const DISK_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EFBIG',
  'EROFS',
  'EACCES',
  'EPERM',
  'EISDIR',
  'ENOTDIR',
  'ENAMETOOLONG',
  'ELOOP',
  'EIO',
  'EEXIST',
]);
/** undici's "the peer closed the connection before the body ended" errors. */
const SHORT_BODY_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH']);

/**
 * Map any failure to a DownloadError. `phase` says whether the response body had started:
 * a connection closed mid-body means a truncated file, before it a network failure.
 * Exported for tests (a full disk cannot be simulated everywhere).
 */
export function toDownloadError(
  err: unknown,
  where: string,
  signal?: AbortSignal,
  phase: 'request' | 'body' = 'request',
): DownloadError {
  if (err instanceof DownloadError) return err;
  const e = err as { name?: string; code?: string; message?: string } | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const detail = e?.message ?? String(err);
  if (code === 'EGRESS_REFUSED') return new DownloadError('refused', `download of ${where}: ${detail}`, { cause: err });
  if (signal?.aborted || e?.name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED') {
    return new DownloadError('aborted', `download of ${where} aborted`, { cause: err });
  }
  if (code !== undefined && DISK_CODES.has(code)) {
    const what = code === 'ENOSPC' || code === 'EDQUOT' ? 'disk full' : 'cannot write the file';
    return new DownloadError('disk', `download of ${where}: ${what} (${code}): ${detail}`, { cause: err });
  }
  if (phase === 'body' && code !== undefined && SHORT_BODY_CODES.has(code)) {
    return new DownloadError('truncated', `download of ${where}: connection closed before the body ended (${detail})`, {
      cause: err,
    });
  }
  return new DownloadError('network', `download of ${where} failed: ${code ? `${code}: ` : ''}${detail}`, {
    cause: err,
  });
}

/** A URL fit for logs: no query string (it carries the signature), no credentials. */
export function redactUrl(source: string): string {
  if (source.startsWith('data:')) {
    const comma = source.indexOf(',');
    return `${comma < 0 ? source.slice(0, 40) : source.slice(0, Math.min(comma, 60))},…`;
  }
  try {
    const u = new URL(source);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '<invalid URL>';
  }
}

function retryable(e: DownloadError): boolean {
  switch (e.kind) {
    case 'truncated':
    case 'network':
    case 'not-found':
      return true;
    case 'http':
      return e.status !== undefined && (e.status === 408 || e.status === 429 || e.status >= 500);
    default:
      return false;
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function statusError(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  where: string,
): DownloadError {
  if (status === 403 || status === 410) {
    return new DownloadError(
      'expired',
      `download of ${where}: HTTP ${status} (the signed URL has expired or is refused)`,
      { status },
    );
  }
  if (status === 404) return new DownloadError('not-found', `download of ${where}: HTTP 404 not found`, { status });
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  return new DownloadError(
    'http',
    `download of ${where}: HTTP ${status}`,
    retryAfterMs === undefined ? { status } : { status, retryAfterMs },
  );
}

function checkProtocol(u: URL, where: string): void {
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new DownloadError('http', `download of ${where}: unsupported URL scheme ${u.protocol}`);
  }
}

/** The egress policy's verdict on a URL about to be requested (an IP literal never reaches the lookup). */
function checkHost(u: URL, where: string, egress: EgressPolicy | undefined): void {
  const why = egress && refuseUrlHost(u, egress);
  if (why) throw new DownloadError('refused', `download of ${where}: refused: ${why}`);
}

/** GET, following up to MAX_REDIRECTS redirects. Resolves with a 2xx response; anything else throws. */
async function get(start: URL, opts: DownloadOptions): Promise<{ res: Dispatcher.ResponseData; url: URL }> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const where = redactUrl(url.href);
    checkHost(url, where, opts.egress);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'GET',
        headers: { 'user-agent': opts.userAgent, accept: '*/*', 'accept-encoding': 'identity' },
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.timeoutMs !== undefined ? { headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs } : {}),
      });
    } catch (err) {
      throw toDownloadError(err, where, opts.signal, 'request');
    }
    const { statusCode, headers } = res;
    if (statusCode >= 200 && statusCode < 300) return { res, url };
    // Anything else: drain a little of the body so the connection can be reused, then decide.
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    const location = header(headers, 'location');
    if ([301, 302, 303, 307, 308].includes(statusCode) && location) {
      if (hop >= MAX_REDIRECTS) {
        throw new DownloadError('http', `download of ${where}: more than ${MAX_REDIRECTS} redirects`, {
          status: statusCode,
        });
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new DownloadError('http', `download of ${where}: bad redirect location`, { status: statusCode });
      }
      const refused = refuseRedirect(url, next);
      if (refused) {
        throw new DownloadError('refused', `download of ${where}: refused ${refused} (${redactUrl(next.href)})`, {
          status: statusCode,
        });
      }
      url = next;
      continue;
    }
    throw statusError(statusCode, headers, where);
  }
}

interface Target {
  stem: string;
  where: string;
  signal?: AbortSignal;
  /** Content-Length, when the server sent one. */
  expected?: number;
  /** Fallbacks for naming when the magic bytes say nothing. */
  contentType?: string;
  url?: string;
  /** The body is an undici response that the signal already destroys on abort. */
  signalHandled?: boolean;
  maxBytes: number;
}

function tooLarge(where: string, maxBytes: number, size?: number): DownloadError {
  const mb = Math.round((maxBytes / 1024 / 1024) * 100) / 100;
  const got = size === undefined ? 'more' : `${size} bytes`;
  return new DownloadError(
    'too-large',
    `download of ${where}: refused, ${got} is over the max-download-mb cap of ${mb} MB (${maxBytes} bytes)`,
  );
}

async function removeQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch {
    // already gone, or never created
  }
}

/** Stream body into stem.<random>.part, hashing, counting and sniffing, then rename it into place. */
async function writeBody(body: Readable, t: Target): Promise<Downloaded> {
  const tmp = `${t.stem}.${randomBytes(6).toString('hex')}.part`;
  const seen: BodySeen = { hash: createHash('sha256'), head: Buffer.alloc(SNIFF_BYTES), headLen: 0, bytes: 0 };
  let fh: FileHandle | undefined;
  let out: Writable | undefined;
  let phase: 'request' | 'body' = 'request';
  try {
    fh = await open(tmp, 'wx');
    out = fh.createWriteStream();
    phase = 'body';
    await pipeline(
      body,
      measure(seen, t),
      out,
      // An HTTP body already dies with the request's signal (undici destroys it); adding a second
      // listener per download would only crowd a signal shared by many downloads.
      t.signal && !t.signalHandled ? { signal: t.signal } : {},
    );
    return await settle(tmp, seen, t);
  } catch (err) {
    await discard(body, out, fh, tmp);
    // A body that failed because the signal fired is an abort, whatever undici called it.
    throw toDownloadError(err, t.where, t.signal, phase);
  }
}

/** What writeBody learnt of the bytes that went by. */
interface BodySeen {
  hash: Hash;
  /** The first SNIFF_BYTES, for the magic bytes. */
  head: Buffer;
  headLen: number;
  bytes: number;
}

/** A pipeline step that counts (refusing past maxBytes), hashes and keeps the head of what passes. */
function measure(seen: BodySeen, t: Target) {
  return async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      seen.bytes += chunk.length;
      if (seen.bytes > t.maxBytes) throw tooLarge(t.where, t.maxBytes);
      seen.hash.update(chunk);
      if (seen.headLen < SNIFF_BYTES)
        seen.headLen += chunk.copy(seen.head, seen.headLen, 0, SNIFF_BYTES - seen.headLen);
      yield chunk;
    }
  };
}

/** Check the whole body arrived and is media, then give the .part file its name. */
async function settle(tmp: string, seen: BodySeen, t: Target): Promise<Downloaded> {
  const { bytes } = seen;
  if (t.expected !== undefined && bytes !== t.expected) {
    throw new DownloadError('truncated', `download of ${t.where}: got ${bytes} bytes of ${t.expected}`);
  }
  const head = seen.head.subarray(0, seen.headLen);
  const kind = classify(head, t.contentType, t.url);
  const unfit = notMedia(head, kind);
  if (unfit) throw new DownloadError('not-media', `download of ${t.where}: not media: ${unfit}`);
  const final = `${t.stem}.${kind.ext}`;
  await rename(tmp, final);
  return { path: final, bytes, sha256: seen.hash.digest('hex'), contentType: kind.contentType, ext: kind.ext };
}

/** After a failure: stop the body, close the file and remove the .part. */
async function discard(body: Readable, out: Writable | undefined, fh: FileHandle | undefined, tmp: string) {
  if (!body.destroyed) body.destroy();
  if (out) {
    if (!out.destroyed) out.destroy();
    if (!out.closed) await once(out, 'close').catch(() => undefined);
  } else if (fh) {
    await fh.close().catch(() => undefined);
  }
  await removeQuietly(tmp);
}

/** Percent-decode to bytes (the URL standard's percent-decode over the UTF-8 encoding). */
function percentDecode(s: string): Buffer {
  const input = Buffer.from(s, 'utf8');
  if (!input.includes(0x25)) return input;
  const out = Buffer.allocUnsafe(input.length);
  const hex = (b: number | undefined) =>
    b === undefined
      ? -1
      : b >= 0x30 && b <= 0x39
        ? b - 0x30
        : b >= 0x41 && b <= 0x46
          ? b - 0x37
          : b >= 0x61 && b <= 0x66
            ? b - 0x57
            : -1;
  let j = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    const hi = b === 0x25 ? hex(input[i + 1]) : -1;
    const lo = hi >= 0 ? hex(input[i + 2]) : -1;
    if (lo >= 0) {
      out[j++] = hi * 16 + lo;
      i += 2;
    } else {
      out[j++] = b;
    }
  }
  return out.subarray(0, j);
}

/** Decode a data: URI (base64 or percent-encoded). */
export function decodeDataUri(uri: string): { data: Buffer; mediaType?: string } {
  const comma = uri.indexOf(',');
  if (!/^data:/i.test(uri) || comma < 0) {
    throw new DownloadError('http', `malformed data: URI (${redactUrl(uri)})`);
  }
  const params = uri
    .slice(5, comma)
    .split(';')
    .map((p) => p.trim());
  const base64 = params.length > 1 && params[params.length - 1]!.toLowerCase() === 'base64';
  const mediaType = params[0] ? params[0].toLowerCase() : undefined;
  const payload = uri.slice(comma + 1);
  let data: Buffer;
  if (base64) {
    // Node's base64 decoder skips whitespace and stops at padding; percent-escapes are undone first.
    data = payload.includes('%')
      ? Buffer.from(percentDecode(payload).toString('latin1'), 'base64')
      : Buffer.from(payload, 'base64');
  } else {
    data = percentDecode(payload);
  }
  return mediaType === undefined ? { data } : { data, mediaType };
}

/**
 * Download one output to destStem + '.' + ext, the extension coming from the file's magic bytes
 * (else Content-Type, else the URL path, else `bin`). Retries 429/5xx (honouring Retry-After),
 * truncated bodies and network failures with jittered backoff; a 404 two more times at most;
 * 403/410 (expired signature), other 4xx, disk errors and aborts not at all.
 */
export async function downloadOutput(source: string, destStem: string, opts: DownloadOptions): Promise<Downloaded> {
  const where = redactUrl(source);
  const deadlineMs = opts.deadlineMs ?? DEFAULT_DOWNLOAD_DEADLINE_MS;
  const deadline = startDeadline(deadlineMs, opts.signal);
  try {
    return await downloadWithin(source, path.resolve(destStem), where, { ...opts, signal: deadline.signal });
  } catch (err) {
    // The download's own deadline, not the job's: say which limit ended it.
    if (!deadline.expired() || opts.signal?.aborted || !(err instanceof DownloadError) || err.kind !== 'aborted')
      throw err;
    const e = new DownloadError('deadline', `download of ${where} did not finish within ${deadlineMs / 1000} s`);
    if (err.attempts !== undefined) e.attempts = err.attempts;
    throw e;
  } finally {
    deadline.clear();
  }
}

async function downloadWithin(source: string, stem: string, where: string, opts: DownloadOptions): Promise<Downloaded> {
  const { signal } = opts;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  if (signal?.aborted) throw new DownloadError('aborted', `download of ${where} aborted`, { cause: signal.reason });
  try {
    await mkdir(path.dirname(stem), { recursive: true });
  } catch (err) {
    throw toDownloadError(err, where, signal);
  }
  if (/^data:/i.test(source)) return writeDataUri(source, stem, where, signal, maxBytes);
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new DownloadError('http', `not a URL: ${where}`);
  }
  checkProtocol(url, where);
  return fetchWithRetries(url, stem, where, { ...opts, maxBytes });
}

function writeDataUri(
  source: string,
  stem: string,
  where: string,
  signal: AbortSignal | undefined,
  maxBytes: number,
): Promise<Downloaded> {
  // Decoded, a data: URI is never longer than its text: refuse a huge one before decoding it.
  if (source.length > maxBytes * 4) throw tooLarge(where, maxBytes, source.length);
  const { data, mediaType } = decodeDataUri(source);
  if (data.length > maxBytes) throw tooLarge(where, maxBytes, data.length);
  return writeBody(Readable.from([data]), {
    stem,
    where,
    signal,
    expected: data.length,
    contentType: mediaType,
    maxBytes,
  });
}

/** fetchOnce until it succeeds or a failure is not worth another try (see downloadOutput). */
async function fetchWithRetries(
  url: URL,
  stem: string,
  where: string,
  opts: DownloadOptions & { maxBytes: number },
): Promise<Downloaded> {
  const { signal } = opts;
  const policy: RetryPolicy = {
    maxAttempts: opts.maxAttempts ?? 5,
    baseMs: opts.baseMs ?? 500,
    capMs: opts.capMs ?? 20_000,
    // A signed URL may expire while we wait: honour Retry-After up to a minute (or capMs if larger).
    retryAfterCapMs: Math.max(opts.capMs ?? 20_000, RETRY_AFTER_MAX_MS),
    ...(opts.random ? { random: opts.random } : {}),
  };
  let notFound = 0;
  const outcome = await withRetries<Downloaded, DownloadError>(
    async () => {
      try {
        return { value: await fetchOnce(url, stem, where, opts) };
      } catch (err) {
        const failure = toDownloadError(err, where, signal);
        if (failure.kind === 'not-found') notFound++;
        const retry = retryable(failure) && notFound < NOT_FOUND_ATTEMPTS;
        return {
          error: failure,
          retry,
          ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
        };
      }
    },
    policy,
    signal,
  );
  if (outcome.ok) return outcome.value;
  const e = outcome.aborted
    ? new DownloadError('aborted', `download of ${where} aborted`, { cause: signal?.reason })
    : outcome.error;
  e.attempts = outcome.attempts;
  throw e;
}

/** One GET (redirects followed) streamed to disk. */
async function fetchOnce(
  url: URL,
  stem: string,
  where: string,
  opts: DownloadOptions & { maxBytes: number },
): Promise<Downloaded> {
  const { res, url: finalUrl } = await get(url, opts);
  const lengthHeader = header(res.headers, 'content-length');
  const expected = lengthHeader !== undefined && /^\d+$/.test(lengthHeader.trim()) ? Number(lengthHeader) : undefined;
  if (expected !== undefined && expected > opts.maxBytes) {
    // Destroying an unread undici body emits an abort error: nobody waits on it.
    res.body.on('error', () => undefined).destroy();
    throw tooLarge(where, opts.maxBytes, expected);
  }
  return writeBody(res.body, {
    maxBytes: opts.maxBytes,
    stem,
    where,
    signal: opts.signal,
    expected,
    contentType: header(res.headers, 'content-type'),
    url: finalUrl.href,
    signalHandled: true,
  });
}
