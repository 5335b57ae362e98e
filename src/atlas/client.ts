// The Atlas Cloud API endpoints over the transport (transport.ts): each endpoint says which
// replies are worth another try, and a submit is never resent once the server may have created
// (and billed) a prediction. Retrying is the shared policy (../shared/retry.ts).
import { Blob } from 'node:buffer';
import { FormData, type Dispatcher } from 'undici';
import { withRetries, parseRetryAfter, type Attempt, type RetryPolicy } from '../shared/retry.js';
import { AtlasError, classifyHttp } from './errors.js';
import { errorMessage, parseModels, parsePrediction, parseSubmitReply, parseUploadReply } from './responses.js';
import { createTransport, type Exchange, type Op, type Reply, type Transport } from './transport.js';
import type { AtlasClient, ClientEvents, ModelInfo, Prediction, SubmitResult } from './types.js';
import type { MediaType } from '../jobfile/schema.js';

export { defaultAgent, MAX_REPLY_BYTES } from './transport.js';

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
  /** Whole-request limit, headers and body together. Default 120 s (uploads: 10 min). */
  requestDeadlineMs?: number;
  /** Reply size cap in bytes. Default MAX_REPLY_BYTES (8 MiB). */
  maxReplyBytes?: number;
  /** maxAttempts counts every send (default 5); backoff grows from baseMs (500) up to capMs (30 s). */
  retry?: { maxAttempts?: number; baseMs?: number; capMs?: number };
  /** Resend a submit whose fate is unknown (500/502/504, reset after sending): may pay twice. Default false. */
  retryUnknown?: boolean;
  /** The longest Retry-After honoured; longer ones are cut to this. Default 60 s. */
  retryAfterCapMs?: number;
  random?: () => number;
}

type Outcome<T> = Attempt<T, AtlasError>;

const UPLOAD_DEADLINE_MS = 600_000;

export function createAtlasClient(opts: AtlasClientOptions): AtlasClient {
  const events = opts.events ?? {};
  const c: Endpoints = {
    transport: createTransport({
      baseUrl: opts.baseUrl,
      apiKey: opts.apiKey,
      userAgent: opts.userAgent,
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      events,
      idleTimeoutMs: opts.requestTimeoutMs ?? 60_000,
      deadlineMs: opts.requestDeadlineMs ?? 120_000,
      ...(opts.maxReplyBytes !== undefined ? { maxReplyBytes: opts.maxReplyBytes } : {}),
    }),
    policy: {
      maxAttempts: opts.retry?.maxAttempts ?? 5,
      baseMs: opts.retry?.baseMs ?? 500,
      capMs: opts.retry?.capMs ?? 30_000,
      retryAfterCapMs: opts.retryAfterCapMs ?? 60_000,
      ...(opts.random ? { random: opts.random } : {}),
    },
    retryUnknown: opts.retryUnknown ?? false,
    rateLimited: (op, retryAfterMs) =>
      events.onRateLimited?.({ ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), op }),
  };
  return {
    submit: (type, body, signal, callOpts) => submit(c, type, body, signal, callOpts),
    poll: (id: string, signal?: AbortSignal): Promise<Prediction> => {
      const path = `/model/prediction/${encodeURIComponent(id)}`;
      return call(c, 'poll', `poll ${id}`, signal, { method: 'GET', path, auth: true }, (j) => parsePrediction(j, id));
    },
    uploadMedia: (file, signal) => uploadMedia(c, file, signal),
    listModels: (signal?: AbortSignal): Promise<ModelInfo[]> =>
      call(c, 'models', 'models', signal, { method: 'GET', path: '/models', auth: false }, parseModels),
  };
}

/** What every endpoint shares. */
interface Endpoints {
  transport: Transport;
  policy: RetryPolicy;
  /** The client-wide default for resending a submit of unknown fate. */
  retryUnknown: boolean;
  rateLimited(op: Op, retryAfterMs: number | undefined): void;
}

/** A free, idempotent call (poll, upload, models) under the retry policy. */
function call<T>(
  c: Endpoints,
  op: Op,
  label: string,
  signal: AbortSignal | undefined,
  spec: SpecFor,
  parse: (j: unknown) => T,
): Promise<T> {
  return run(c.transport, c.policy, label, signal, async () =>
    interpret(label, await c.transport.exchange({ op, label, ...spec }, signal), parse, (ra) => c.rateLimited(op, ra)),
  );
}

function submit(
  c: Endpoints,
  type: MediaType,
  body: Record<string, unknown>,
  signal?: AbortSignal,
  callOpts?: { retryUnknown?: boolean; retryRateLimited?: boolean },
): Promise<SubmitResult> {
  const path = `/model/generate${type.charAt(0).toUpperCase()}${type.slice(1)}`;
  const rules: SubmitRules = {
    retryUnknown: callOpts?.retryUnknown ?? c.retryUnknown,
    // The engine may take 429s on submit itself (to shrink its window and requeue the job).
    retryRateLimited: callOpts?.retryRateLimited ?? true,
    onRateLimited: (ra) => c.rateLimited('submit', ra),
  };
  return run(c.transport, c.policy, 'submit', signal, async (n) => {
    const spec = { op: 'submit', label: 'submit', method: 'POST', path, json: body, auth: true } as const;
    return submitOutcome(await c.transport.exchange(spec, signal), n, rules);
  });
}

function uploadMedia(
  c: Endpoints,
  file: { name: string; data: Uint8Array; contentType?: string },
  signal?: AbortSignal,
): Promise<string> {
  const form = () => {
    const f = new FormData();
    f.append('file', new Blob([file.data], { type: file.contentType ?? 'application/octet-stream' }), file.name);
    return f;
  };
  const spec: SpecFor = {
    method: 'POST',
    path: '/model/uploadMedia',
    form,
    auth: true,
    deadlineMs: UPLOAD_DEADLINE_MS,
  };
  return call(c, 'upload', `upload ${file.name}`, signal, spec, parseUploadReply);
}

type SpecFor = Omit<Parameters<Transport['exchange']>[0], 'op' | 'label'>;

/** The shared retry policy around one endpoint; every error leaving it is cleaned of the key. */
async function run<T>(
  transport: Transport,
  policy: RetryPolicy,
  label: string,
  signal: AbortSignal | undefined,
  attempt: (n: number) => Promise<Outcome<T>>,
): Promise<T> {
  try {
    const o = await withRetries(
      async (n) => {
        if (signal?.aborted) throw transport.aborted(label, signal);
        const a = await attempt(n);
        return 'value' in a || a.error.retryAfterMs === undefined ? a : { ...a, retryAfterMs: a.error.retryAfterMs };
      },
      policy,
      signal,
    );
    if (o.ok) return o.value;
    if (o.aborted) throw transport.aborted(label, signal, ' while waiting to retry');
    if (o.retried && o.attempts > 1) o.error.message += ` (gave up after ${o.attempts} attempts)`;
    throw o.error;
  } catch (e) {
    throw transport.clean(e, label);
  }
}

/** The error an HTTP error status means. */
function httpError(label: string, r: Reply): AtlasError {
  const msg = errorMessage(r.text);
  let kind = classifyHttp(r.status, msg);
  if (kind !== 'auth' && bodyCodeOf(r.text) === 402) kind = 'credit';
  const retryAfterMs = parseRetryAfter(r.headers['retry-after']);
  return new AtlasError(kind, `${label}: HTTP ${r.status}${msg === '' ? '' : `: ${msg}`}`, {
    op: label,
    status: r.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

function notJson(r: Reply): string {
  return `HTTP ${r.status} with a reply that is not JSON: ${errorMessage(r.text) || 'empty body'}`;
}

/** Free, idempotent calls (poll, upload, models): retry 429, 5xx, connection trouble and unreadable replies. */
function interpret<T>(
  label: string,
  x: Exchange,
  parse: (json: unknown) => T,
  onRateLimited: (retryAfterMs: number | undefined) => void,
): Outcome<T> {
  if (!x.ok) return { error: x.error, retry: x.retryable };
  const r = x.reply;
  if (r.status >= 200 && r.status < 300) {
    let json: unknown;
    try {
      json = JSON.parse(r.text);
    } catch {
      const error = new AtlasError('protocol', `${label}: ${notJson(r)}`, { op: label, status: r.status });
      return { error, retry: true };
    }
    try {
      return { value: parse(json) };
    } catch (e) {
      if (!(e instanceof AtlasError)) throw e;
      if (e.kind === 'rate-limited') onRateLimited(undefined);
      return { error: e, retry: e.kind === 'rate-limited' || e.kind === 'server' || e.kind === 'protocol' };
    }
  }
  const err = httpError(label, r);
  if (r.status === 429) onRateLimited(err.retryAfterMs);
  return { error: err, retry: r.status === 429 || (r.status >= 500 && err.kind === 'server') };
}

interface SubmitRules {
  retryUnknown: boolean;
  retryRateLimited: boolean;
  onRateLimited: (retryAfterMs: number | undefined) => void;
}

/** What one submit exchange means: billable, so resent only where the server cannot have created a prediction. */
function submitOutcome(x: Exchange, n: number, rules: SubmitRules): Outcome<SubmitResult> {
  if (!x.ok) {
    // Refused / DNS / connect timeout: nothing reached the server, resending is free.
    if (x.preSend) return { error: x.error, retry: x.retryable };
    // Reset, socket error, timeout or an oversized reply after the body went out: the server may have it.
    return unknownFate(rules, x.error.message.replace(/^submit: /, ''));
  }
  const r = x.reply;
  if (r.status >= 200 && r.status < 300) return acceptedSubmitOutcome(r, n, rules);
  return refusedSubmitOutcome(r, rules);
}

function unknownFate(
  rules: SubmitRules,
  reason: string,
  status?: number,
  retryAfterMs?: number,
): Outcome<SubmitResult> {
  return {
    error: new AtlasError('unknown-fate', `submit: the prediction may or may not have been created (${reason})`, {
      op: 'submit',
      ...(status !== undefined ? { status } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    }),
    retry: rules.retryUnknown,
  };
}

/** A 2xx submit reply: the prediction's id, or why it cannot be tracked or was refused by body code. */
function acceptedSubmitOutcome(r: Reply, n: number, rules: SubmitRules): Outcome<SubmitResult> {
  let json: unknown;
  try {
    json = JSON.parse(r.text);
  } catch {
    return unknownFate(rules, notJson(r), r.status);
  }
  try {
    return { value: { ...parseSubmitReply(json), attempts: n } };
  } catch (e) {
    if (!(e instanceof AtlasError)) throw e;
    // HTTP 200 without a readable id: the server accepted something we cannot track.
    if (e.kind === 'protocol') return unknownFate(rules, e.message.replace(/^submit: /, ''), r.status);
    // A body code other than 200 is the API answering deliberately: it refused and created
    // nothing, so the error keeps its class. Only a body 429 is resent (as HTTP 429 is); a body
    // 5xx is 'server' and not resent — a gateway wrapping an upstream failure could still have
    // created the prediction, and a deliberate refusal gains nothing from an instant resend.
    if (e.kind === 'rate-limited') {
      rules.onRateLimited(undefined);
      return { error: e, retry: rules.retryRateLimited };
    }
    return { error: e, retry: false };
  }
}

/** A non-2xx submit reply: a refusal (nothing created) or, for most 5xx, an unknown fate. */
function refusedSubmitOutcome(r: Reply, rules: SubmitRules): Outcome<SubmitResult> {
  const err = httpError('submit', r);
  // 429 and 503 are refusals: the server did not take the job.
  if (r.status === 429) {
    rules.onRateLimited(err.retryAfterMs);
    return { error: err, retry: rules.retryRateLimited };
  }
  if (r.status === 503) return { error: err, retry: true };
  // Any other 5xx (500/502/504, Cloudflare 52x): it may have created the prediction before failing.
  if (r.status >= 500 && err.kind === 'server')
    return unknownFate(rules, err.message.replace(/^submit: /, ''), r.status, err.retryAfterMs);
  // 4xx (or an out-of-credit 5xx): refused by class, nothing created.
  return { error: err, retry: false };
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
