// The Atlas Cloud HTTP client: undici `request` (not fetch), explicit User-Agent, no Referer,
// retries by class with jittered backoff, and a submit that is never resent once the server
// may have created (and billed) a prediction.
import { Blob } from 'node:buffer';
import { Agent, FormData, request, type Dispatcher } from 'undici';
import { backoffMs, sleep } from '../shared/abort.js';
import { containsSecret, secretRedactor } from '../shared/redact.js';
import { AtlasError, classifyHttp } from './errors.js';
import {
  errorMessage,
  parseModels,
  parsePrediction,
  parseRetryAfter,
  parseSubmitReply,
  parseUploadReply,
} from './responses.js';
import type { AtlasClient, ClientEvents, ModelInfo, Prediction, SubmitResult } from './types.js';
import type { MediaType } from '../jobfile/schema.js';

export interface AtlasClientOptions {
  /** Base URL including the version prefix, e.g. https://api.atlascloud.ai/api/v1 */
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  /** Defaults to one shared keep-alive Agent sized for 64 concurrent jobs. */
  dispatcher?: Dispatcher;
  events?: ClientEvents;
  /** Time to wait for response headers, and between body chunks. Default 60 s. */
  requestTimeoutMs?: number;
  /** maxAttempts counts every send (default 5); backoff grows from baseMs (500) up to capMs (30 s). */
  retry?: { maxAttempts?: number; baseMs?: number; capMs?: number };
  /** Resend a submit whose fate is unknown (500/502/504, reset after sending): may pay twice. Default false. */
  retryUnknown?: boolean;
  /** The longest Retry-After honoured; longer ones are cut to this. Default 60 s. */
  retryAfterCapMs?: number;
  random?: () => number;
}

type Op = 'submit' | 'poll' | 'upload' | 'models';

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

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

type Exchange =
  | { ok: true; reply: Reply }
  /** preSend: the request never reached the server (safe to resend a submit). */
  | { ok: false; error: AtlasError; preSend: boolean; retryable: boolean };

type Outcome<T> = { value: T } | { error: AtlasError; retry: boolean };

interface ErrorLike {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Every error code and syscall in an error, its causes and (AggregateError) its members. */
function errorFacts(e: unknown): { codes: string[]; syscalls: string[]; messages: string[] } {
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

export function createAtlasClient(opts: AtlasClientOptions): AtlasClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const dispatcher = opts.dispatcher ?? defaultAgent();
  const timeout = opts.requestTimeoutMs ?? 60_000;
  const maxAttempts = Math.max(1, opts.retry?.maxAttempts ?? 5);
  const baseMs = opts.retry?.baseMs ?? 500;
  const capMs = opts.retry?.capMs ?? 30_000;
  const retryAfterCap = opts.retryAfterCapMs ?? 60_000;
  const random = opts.random ?? Math.random;
  const events = opts.events ?? {};

  // ---- secrets -------------------------------------------------------------------------
  const scrub = secretRedactor([opts.apiKey]);
  const hasSecret = (s: string): boolean => containsSecret(s, [opts.apiKey]);
  /** Every error leaving the client passes here: no message, stack or cause may carry the key. */
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

  const aborted = (op: string, signal: AbortSignal | undefined, when = ''): AtlasError =>
    new AtlasError('aborted', `${op}: aborted${when}`, {
      op,
      ...(signal?.reason !== undefined ? { cause: signal.reason } : {}),
    });

  const checkAbort = (op: string, signal?: AbortSignal) => {
    if (signal?.aborted) throw aborted(op, signal);
  };

  // ---- one HTTP exchange ---------------------------------------------------------------
  async function exchange(
    op: Op,
    label: string,
    method: 'GET' | 'POST',
    path: string,
    body: { json?: unknown; form?: () => FormData; auth: boolean },
    signal: AbortSignal | undefined,
  ): Promise<Exchange> {
    checkAbort(label, signal);
    const headers: Record<string, string> = { 'user-agent': opts.userAgent, accept: 'application/json' };
    if (body.auth) headers['authorization'] = `Bearer ${opts.apiKey}`;
    let payload: string | FormData | undefined;
    if (body.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body.form) {
      payload = body.form();
    }
    events.onRequest?.(op);
    const transportFailure = (e: unknown, phase: 'send' | 'body'): Exchange => {
      if (signal?.aborted) {
        // An abort mid-submit does not unsend it: say so, the caller may need to settle it.
        const note =
          op === 'submit' ? ' (the request may already have reached the server and created a prediction)' : '';
        throw aborted(label, signal, `${phase === 'body' ? ' while reading the reply' : ''}${note}`);
      }
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
      return {
        ok: false,
        preSend,
        retryable: !fatal,
        error: new AtlasError('network', `${label}: connection failed ${where} (${code}): ${what}`, {
          op: label,
          cause: e,
        }),
      };
    };
    let res: Dispatcher.ResponseData;
    try {
      res = await request(`${base}${path}`, {
        method,
        headers,
        body: payload ?? null,
        dispatcher,
        signal: signal ?? null,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (e) {
      return transportFailure(e, 'send');
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (e) {
      return transportFailure(e, 'body');
    }
    return { ok: true, reply: { status: res.statusCode, headers: res.headers, text } };
  }

  const retryAfterOf = (headers: Reply['headers']): number | undefined => parseRetryAfter(headers['retry-after']);

  /** The error an HTTP error status means. */
  function httpError(label: string, r: Reply): AtlasError {
    const msg = errorMessage(r.text);
    let kind = classifyHttp(r.status, msg);
    if (kind !== 'auth' && bodyCodeOf(r.text) === 402) kind = 'credit';
    const retryAfterMs = retryAfterOf(r.headers);
    return new AtlasError(kind, `${label}: HTTP ${r.status}${msg === '' ? '' : `: ${msg}`}`, {
      op: label,
      status: r.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  const rateLimited = (op: Op, retryAfterMs: number | undefined) =>
    events.onRateLimited?.({ ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), op });

  // ---- the retry loop --------------------------------------------------------------------
  async function run<T>(
    label: string,
    signal: AbortSignal | undefined,
    attempt: (n: number) => Promise<Outcome<T>>,
  ): Promise<T> {
    try {
      for (let n = 1; ; n++) {
        checkAbort(label, signal);
        const o = await attempt(n);
        if ('value' in o) return o.value;
        if (!o.retry || n >= maxAttempts) {
          if (o.retry && n > 1) o.error.message += ` (gave up after ${n} attempts)`;
          throw o.error;
        }
        const wait =
          o.error.retryAfterMs !== undefined
            ? Math.min(o.error.retryAfterMs, retryAfterCap)
            : backoffMs(n - 1, baseMs, capMs, random);
        try {
          await sleep(wait, signal);
        } catch {
          throw aborted(label, signal, ' while waiting to retry');
        }
      }
    } catch (e) {
      throw clean(e, label);
    }
  }

  /** Free, idempotent calls (poll, upload, models): retry 429, 5xx, connection trouble and unreadable replies. */
  function interpret<T>(op: Op, label: string, x: Exchange, parse: (json: unknown) => T): Outcome<T> {
    if (!x.ok) return { error: x.error, retry: x.retryable };
    const r = x.reply;
    if (r.status >= 200 && r.status < 300) {
      let json: unknown;
      try {
        json = JSON.parse(r.text);
      } catch {
        return {
          error: new AtlasError(
            'protocol',
            `${label}: HTTP ${r.status} with a reply that is not JSON: ${errorMessage(r.text) || 'empty body'}`,
            { op: label, status: r.status },
          ),
          retry: true,
        };
      }
      try {
        return { value: parse(json) };
      } catch (e) {
        if (!(e instanceof AtlasError)) throw e;
        if (e.kind === 'rate-limited') rateLimited(op, undefined);
        return { error: e, retry: e.kind === 'rate-limited' || e.kind === 'server' || e.kind === 'protocol' };
      }
    }
    const err = httpError(label, r);
    if (r.status === 429) rateLimited(op, err.retryAfterMs);
    return { error: err, retry: r.status === 429 || (r.status >= 500 && err.kind === 'server') };
  }

  // ---- the API ---------------------------------------------------------------------------
  async function submit(
    type: MediaType,
    body: Record<string, unknown>,
    signal?: AbortSignal,
    callOpts?: { retryUnknown?: boolean; retryRateLimited?: boolean },
  ): Promise<SubmitResult> {
    const retryUnknown = callOpts?.retryUnknown ?? opts.retryUnknown ?? false;
    // The engine may take 429s on submit itself (to shrink its window and requeue the job).
    const retryRateLimited = callOpts?.retryRateLimited ?? true;
    const path = `/model/generate${type.charAt(0).toUpperCase()}${type.slice(1)}`;
    const label = 'submit';
    const unknownFate = (reason: string, status?: number, retryAfterMs?: number): Outcome<SubmitResult> => ({
      error: new AtlasError('unknown-fate', `submit: the prediction may or may not have been created (${reason})`, {
        op: label,
        ...(status !== undefined ? { status } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      }),
      retry: retryUnknown,
    });

    return run(label, signal, async (n) => {
      const x = await exchange('submit', label, 'POST', path, { json: body, auth: true }, signal);
      if (!x.ok) {
        // Refused / DNS / connect timeout: nothing reached the server, resending is free.
        if (x.preSend) return { error: x.error, retry: x.retryable };
        // Reset, socket error or timeout after the body went out: the server may have it.
        return unknownFate(x.error.message.replace(/^submit: /, ''));
      }
      const r = x.reply;
      if (r.status >= 200 && r.status < 300) {
        let json: unknown;
        try {
          json = JSON.parse(r.text);
        } catch {
          return unknownFate(
            `HTTP ${r.status} with a reply that is not JSON: ${errorMessage(r.text) || 'empty body'}`,
            r.status,
          );
        }
        try {
          return { value: { ...parseSubmitReply(json), attempts: n } };
        } catch (e) {
          if (!(e instanceof AtlasError)) throw e;
          // HTTP 200 without a readable id: the server accepted something we cannot track.
          if (e.kind === 'protocol') return unknownFate(e.message.replace(/^submit: /, ''), r.status);
          // A body code other than 200 is the API answering deliberately: it refused and created
          // nothing, so the error keeps its class. Only a body 429 is resent (as HTTP 429 is); a body
          // 5xx is 'server' and not resent — a gateway wrapping an upstream failure could still have
          // created the prediction, and a deliberate refusal gains nothing from an instant resend.
          if (e.kind === 'rate-limited') {
            rateLimited('submit', undefined);
            return { error: e, retry: retryRateLimited };
          }
          return { error: e, retry: false };
        }
      }
      const err = httpError(label, r);
      // 429 and 503 are refusals: the server did not take the job.
      if (r.status === 429) {
        rateLimited('submit', err.retryAfterMs);
        return { error: err, retry: retryRateLimited };
      }
      if (r.status === 503) return { error: err, retry: true };
      // Any other 5xx (500/502/504, Cloudflare 52x): it may have created the prediction before failing.
      if (r.status >= 500 && err.kind === 'server')
        return unknownFate(err.message.replace(/^submit: /, ''), r.status, err.retryAfterMs);
      // 4xx (or an out-of-credit 5xx): refused by class, nothing created.
      return { error: err, retry: false };
    });
  }

  async function poll(id: string, signal?: AbortSignal): Promise<Prediction> {
    const label = `poll ${id}`;
    return run(label, signal, async () =>
      interpret(
        'poll',
        label,
        await exchange('poll', label, 'GET', `/model/prediction/${encodeURIComponent(id)}`, { auth: true }, signal),
        (j) => parsePrediction(j, id),
      ),
    );
  }

  async function uploadMedia(
    file: { name: string; data: Uint8Array; contentType?: string },
    signal?: AbortSignal,
  ): Promise<string> {
    const label = `upload ${file.name}`;
    const form = () => {
      const f = new FormData();
      f.append('file', new Blob([file.data], { type: file.contentType ?? 'application/octet-stream' }), file.name);
      return f;
    };
    return run(label, signal, async () =>
      interpret(
        'upload',
        label,
        await exchange('upload', label, 'POST', '/model/uploadMedia', { form, auth: true }, signal),
        parseUploadReply,
      ),
    );
  }

  async function listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const label = 'models';
    return run(label, signal, async () =>
      interpret(
        'models',
        label,
        await exchange('models', label, 'GET', '/models', { auth: false }, signal),
        parseModels,
      ),
    );
  }

  return { submit, poll, uploadMedia, listModels };
}

/** The numeric body `code` of an error reply, when it is JSON and has one. */
function bodyCodeOf(text: string): number | undefined {
  try {
    const j = JSON.parse(text) as unknown;
    if (typeof j !== 'object' || j === null) return undefined;
    const c = (j as { code?: unknown }).code;
    const n = typeof c === 'number' ? c : typeof c === 'string' && /^\d+$/.test(c.trim()) ? Number(c) : NaN;
    return Number.isSafeInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}
