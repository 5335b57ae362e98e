// One HTTP exchange with the Atlas API: undici `request` (not fetch), an explicit User-Agent, no
// Referer. It bounds what a host can make us do (a deadline for headers and body together, a size
// cap on every reply, read as a stream so memory stays bounded) and reports what happened as facts
// the endpoints decide on: the status and headers, or a failure that says whether the request may
// have reached the server. No message it produces carries the API key.
import { Agent, type Dispatcher, type FormData, request } from 'undici';
import { AtlasError } from './errors.js';
import type { ClientEvents } from './types.js';
import { containsSecret, secretRedactor } from '../shared/redact.js';
import { startDeadline, type Deadline } from '../shared/deadline.js';

/** The largest API reply read: every documented reply is a few KB; anything past this is hostile or broken. */
export const MAX_REPLY_BYTES = 8 * 1024 * 1024;

export type Op = 'submit' | 'poll' | 'upload' | 'models';

/** Connection failures that happen before a byte of the request reaches the server. */
const PRE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** Failures before sending that retrying cannot fix. */
const PRE_SEND_FATAL = new Set(['UND_ERR_INVALID_ARG', 'ERR_INVALID_URL', 'UND_ERR_DESTROYED', 'UND_ERR_CLOSED']);

let sharedAgent: Agent | undefined;

/** One keep-alive Agent for the process: 64 jobs' polls plus uploads fit in 96 connections per origin. */
export function defaultAgent(): Agent {
  sharedAgent ??= new Agent({ connections: 96, connectTimeout: 15_000, keepAliveTimeout: 4_000 });
  return sharedAgent;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export type Exchange =
  | { ok: true; reply: Reply }
  /** preSend: the request never reached the server (safe to resend a submit). */
  | { ok: false; error: AtlasError; preSend: boolean; retryable: boolean };

export interface RequestSpec {
  op: Op;
  /** What the error messages call it: "submit", "poll <id>", … */
  label: string;
  method: 'GET' | 'POST';
  path: string;
  json?: unknown;
  form?: () => FormData;
  auth: boolean;
  /** This request's whole-request limit, when it differs from the transport's (uploads). */
  deadlineMs?: number;
}

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  dispatcher?: Dispatcher;
  events?: ClientEvents;
  /** Idle limit: time to wait for the response headers, and between body chunks. */
  idleTimeoutMs: number;
  /** Whole-request limit: headers and body together. */
  deadlineMs: number;
  /** Reply size cap in bytes (default MAX_REPLY_BYTES). */
  maxReplyBytes?: number;
}

export interface Transport {
  exchange(spec: RequestSpec, signal: AbortSignal | undefined): Promise<Exchange>;
  /** Every error leaving the client passes here: no message, stack or cause may carry the key. */
  clean(e: unknown, op: string): AtlasError;
  aborted(op: string, signal: AbortSignal | undefined, when?: string): AtlasError;
}

export function createTransport(opts: TransportOptions): Transport {
  const scrub = secretRedactor([opts.apiKey]);
  const hasSecret = (s: string) => containsSecret(s, [opts.apiKey]);
  const clean = (e: unknown, op: string): AtlasError => {
    const err =
      e instanceof AtlasError
        ? e
        : new AtlasError('protocol', `${op}: unexpected failure: ${e instanceof Error ? e.message : 'unknown error'}`, {
            op,
          });
    err.message = scrub(err.message);
    if (err.stack !== undefined) err.stack = scrub(err.stack);
    if (err.cause !== undefined && errorFacts(err.cause).messages.some(hasSecret)) err.cause = undefined;
    return err;
  };
  const resolved = {
    ...opts,
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    dispatcher: opts.dispatcher ?? defaultAgent(),
  };
  return { exchange: (spec, signal) => exchange(resolved, spec, signal), clean, aborted };
}

function aborted(op: string, signal: AbortSignal | undefined, when = ''): AtlasError {
  return new AtlasError('aborted', `${op}: aborted${when}`, {
    op,
    ...(signal?.reason !== undefined ? { cause: signal.reason } : {}),
  });
}

/** One request and its whole reply, within the deadline and the size cap; a caller's abort throws. */
async function exchange(
  opts: TransportOptions & { dispatcher: Dispatcher },
  spec: RequestSpec,
  signal: AbortSignal | undefined,
): Promise<Exchange> {
  if (signal?.aborted) throw aborted(spec.label, signal);
  const limitMs = spec.deadlineMs ?? opts.deadlineMs;
  const deadline = startDeadline(limitMs, signal);
  try {
    return await exchangeWithin(opts, spec, signal, deadline, limitMs);
  } finally {
    deadline.clear();
  }
}

async function exchangeWithin(
  opts: TransportOptions & { dispatcher: Dispatcher },
  spec: RequestSpec,
  signal: AbortSignal | undefined,
  deadline: Deadline,
  limitMs: number,
): Promise<Exchange> {
  opts.events?.onRequest?.(spec.op);
  const fail = (e: unknown, phase: 'send' | 'body'): Exchange => {
    if (signal?.aborted) {
      // An abort mid-submit does not unsend it: say so, the caller may need to settle it.
      const note =
        spec.op === 'submit' ? ' (the request may already have reached the server and created a prediction)' : '';
      throw aborted(spec.label, signal, `${phase === 'body' ? ' while reading the reply' : ''}${note}`);
    }
    if (deadline.expired()) return overDeadline(spec.label, limitMs, phase);
    return transportFailure(spec.label, e, phase);
  };
  let res: Dispatcher.ResponseData;
  try {
    res = await request(`${opts.baseUrl}${spec.path}`, {
      method: spec.method,
      headers: headersFor(spec, opts),
      body: spec.json !== undefined ? JSON.stringify(spec.json) : spec.form ? spec.form() : null,
      dispatcher: opts.dispatcher,
      signal: deadline.signal,
      headersTimeout: opts.idleTimeoutMs,
      bodyTimeout: opts.idleTimeoutMs,
    });
  } catch (e) {
    return fail(e, 'send');
  }
  try {
    const text = await readCapped(res, opts.maxReplyBytes ?? MAX_REPLY_BYTES, spec.label);
    return { ok: true, reply: { status: res.statusCode, headers: res.headers, text } };
  } catch (e) {
    if (e instanceof AtlasError && e.kind === 'protocol')
      return { ok: false, preSend: false, retryable: true, error: e };
    return fail(e, 'body');
  }
}

function headersFor(spec: RequestSpec, opts: TransportOptions): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': opts.userAgent, accept: 'application/json' };
  if (spec.auth) headers['authorization'] = `Bearer ${opts.apiKey}`;
  if (spec.json !== undefined) headers['content-type'] = 'application/json';
  return headers;
}

/**
 * The reply body as text, read chunk by chunk and dropped (connection destroyed) the moment it
 * passes `cap` bytes, so a 200 MB or endless reply costs at most `cap` of memory.
 */
export async function readCapped(res: Dispatcher.ResponseData, cap: number, label: string): Promise<string> {
  const tooLarge = () => {
    res.body.destroy();
    return new AtlasError('protocol', `${label}: HTTP ${res.statusCode} reply larger than ${cap} bytes; not read`, {
      op: label,
      status: res.statusCode,
    });
  };
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > cap) throw tooLarge();
    chunks.push(chunk);
  }
  const all = Buffer.concat(chunks, size);
  // A UTF-8 byte order mark is not part of the JSON.
  const start = all.length >= 3 && all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf ? 3 : 0;
  return all.toString('utf8', start);
}

function overDeadline(label: string, deadlineMs: number, phase: 'send' | 'body'): Exchange {
  const where = phase === 'body' ? 'while reading the reply' : 'waiting for the reply';
  const error = new AtlasError(
    'network',
    `${label}: no complete reply within ${Math.round(deadlineMs / 1000)} s (${where})`,
    {
      op: label,
    },
  );
  return { ok: false, preSend: false, retryable: true, error };
}

function transportFailure(label: string, e: unknown, phase: 'send' | 'body'): Exchange {
  const f = errorFacts(e);
  const code = f.codes.find((c) => c !== 'ERR_ASSERTION') ?? 'unknown';
  const preSend =
    phase === 'send' &&
    (f.codes.some((c) => PRE_SEND_CODES.has(c) || PRE_SEND_FATAL.has(c)) ||
      // Node raises `syscall: 'connect'` only while the TCP connect is pending: undici writes
      // nothing before the socket connects, so even a reset seen there is pre-send.
      f.syscalls.includes('connect') ||
      f.syscalls.includes('getaddrinfo'));
  const fatal = f.codes.some((c) => PRE_SEND_FATAL.has(c));
  const what = f.messages[0] ?? 'connection failed';
  const where = phase === 'body' ? 'while reading the reply' : preSend ? 'before sending' : 'after sending';
  const error = new AtlasError('network', `${label}: connection failed ${where} (${code}): ${what}`, {
    op: label,
    cause: e,
  });
  return { ok: false, preSend, retryable: !fatal, error };
}

interface ErrorLike {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Every error code and syscall in an error, its causes and (AggregateError) its members. */
export function errorFacts(e: unknown): { codes: string[]; syscalls: string[]; messages: string[] } {
  const codes: string[] = [];
  const syscalls: string[] = [];
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const walk = (x: unknown, depth: number) => {
    if (typeof x !== 'object' || x === null || seen.has(x) || depth > 5) return;
    seen.add(x);
    const o = x as ErrorLike;
    if (typeof o.code === 'string') codes.push(o.code);
    if (typeof o.syscall === 'string') syscalls.push(o.syscall);
    if (typeof o.message === 'string' && o.message !== '') messages.push(o.message);
    walk(o.cause, depth + 1);
    if (Array.isArray(o.errors)) for (const m of o.errors) walk(m, depth + 1);
  };
  walk(e, 0);
  return { codes, syscalls, messages };
}
