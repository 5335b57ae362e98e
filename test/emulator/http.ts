// Small node:http helpers for the emulator: reading bodies, writing bodies with the download
// faults ('truncate', 'slow') applied, and the little multipart parsing uploadMedia needs.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLarge extends Error {}

/** The whole request body; rejects if the client goes away or sends more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge(`body over ${limit} bytes`));
        req.destroy();
        return;
      }
      parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('client went away'));
    });
  });
}

/** Resolves after `ms`, or at once when `signal` aborts (close() must never wait on a timer). */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, Math.max(0, ms));
    signal.addEventListener('abort', done, { once: true });
  });
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export interface Shaping {
  /** Send only this many body bytes, then destroy the socket (headers still promise the full length). */
  truncateAt?: number;
  /** Throttle the body to this many bytes per second. */
  bytesPerSecond?: number;
}

/**
 * Writes chunks with backpressure, so a 500 MB body streams in constant memory, and stops quietly
 * when the client disconnects or the emulator closes.
 */
export async function writeBody(
  res: ServerResponse,
  chunks: Iterable<Buffer>,
  shaping: Shaping,
  signal: AbortSignal,
): Promise<void> {
  // `destroyed` covers a client that left before we started (e.g. during a sync-mode wait).
  let closed = res.destroyed;
  res.once('close', () => (closed = true));
  let sent = 0;
  const { truncateAt, bytesPerSecond } = shaping;
  // Slow mode writes tenth-of-a-second slices so the rate is smooth rather than bursty.
  const slice = bytesPerSecond ? Math.max(1, Math.floor(bytesPerSecond / 10)) : Infinity;
  for (const chunk of chunks) {
    for (let off = 0; off < chunk.length; off += slice) {
      if (closed || signal.aborted) return;
      let piece = chunk.subarray(off, Math.min(chunk.length, off + slice));
      if (truncateAt !== undefined && sent + piece.length >= truncateAt) {
        piece = piece.subarray(0, Math.max(0, truncateAt - sent));
        // Destroy only once the bytes reached the socket, so the client really gets `truncateAt` bytes.
        res.write(piece, () => res.destroy());
        return;
      }
      sent += piece.length;
      if (!res.write(piece)) await drainOrClose(res);
      if (bytesPerSecond) await delay((piece.length / bytesPerSecond) * 1000, signal);
    }
  }
  if (truncateAt !== undefined && !closed) {
    // Truncation point at or beyond the body: cut right after it anyway so the fault still shows.
    res.write(Buffer.alloc(0), () => res.destroy());
    return;
  }
  if (!closed) res.end();
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Parses multipart/form-data; returns [] when the boundary is missing or the body is not multipart. */
export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  const boundary = m?.[1] ?? m?.[2]?.trim();
  if (!boundary || !/^multipart\/form-data/i.test(contentType ?? '')) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    let start = pos + delimiter.length;
    if (body.toString('latin1', start, start + 2) === '--') break; // closing delimiter
    start += 2; // CRLF after the delimiter
    const end = body.indexOf(next, start);
    if (end < 0) break;
    const part = body.subarray(start, end);
    const headEnd = part.indexOf('\r\n\r\n');
    if (headEnd >= 0) {
      const head = part.toString('utf8', 0, headEnd);
      const disposition = /content-disposition:([^\r\n]*)/i.exec(head)?.[1] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      if (name !== undefined) {
        parts.push({
          name,
          filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
          contentType: /content-type:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim(),
          data: part.subarray(headEnd + 4),
        });
      }
    }
    pos = end + 2;
  }
  return parts;
}
