// The one error class the Atlas client throws, and the HTTP status → kind table.
import type { AtlasErrorKind } from './types.js';

export interface AtlasErrorInit {
  op: string;
  /** HTTP status, or the body `code` when the server answered HTTP 200 with an error code. */
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class AtlasError extends Error {
  override name = 'AtlasError';
  kind: AtlasErrorKind;
  status?: number;
  retryAfterMs?: number;
  /** What the client was doing: submit, poll, upload, models (possibly with an id). */
  op: string;

  constructor(kind: AtlasErrorKind, message: string, init: AtlasErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = kind;
    this.op = init.op;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }
}

export function isAtlasError(e: unknown): e is AtlasError {
  return e instanceof AtlasError;
}

const CREDIT = /insufficient|balance|credit/i;

/**
 * The kind an HTTP status (or a body `code`) and its message mean.
 * 401/403 → auth (checked first: "insufficient permissions" is an auth problem);
 * 402, or a message about balance/credit → credit — except on 429 and 503, which are
 * "try later" answers ("insufficient capacity" must not stop all submits);
 * 400/422 (and other 4xx) → bad-request; 404 → not-found; 429 → rate-limited; 5xx → server.
 * Anything else (1xx/3xx, or a non-HTTP body code) → protocol.
 */
export function classifyHttp(status: number, message: string): AtlasErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'credit';
  if (status !== 429 && status !== 503 && CREDIT.test(message)) return 'credit';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status >= 500 && status <= 599) return 'server';
  if (status >= 400 && status <= 499) return 'bad-request';
  return 'protocol';
}
