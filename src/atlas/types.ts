// The Atlas Cloud API as the engine sees it, whatever dialect the server speaks
// (docs/atlas-api.md lists them; responses.ts normalises them to these shapes).
import type { MediaType } from '../jobfile/schema.js';

export type PredictionState = 'pending' | 'completed' | 'failed';

export interface Prediction {
  id: string;
  state: PredictionState;
  /** The status word the server used (completed, succeeded, queued, …); empty when missing. */
  rawStatus: string;
  /** Output URLs or data: URIs, in order; at most MAX_OUTPUTS_PER_PREDICTION (responses.ts). */
  outputs: string[];
  /** How many outputs the reply listed, when more than `outputs` keeps. */
  listedOutputs?: number;
  /** Failure reason when failed (completed with no outputs counts as failed). */
  error?: string;
  /** Server-side timings when it gives them: seconds of predict time, RFC 3339 stamps. */
  predictTime?: number;
  createdAt?: string;
  completedAt?: string;
}

export type AtlasErrorKind =
  | 'auth' // 401/403: bad key
  | 'credit' // 402 or an "insufficient balance" message: stop submitting
  | 'bad-request' // 400/422: the job's parameters are wrong
  | 'not-found' // 404
  | 'rate-limited' // 429
  | 'server' // 5xx, or a body code >= 500
  | 'network' // connection refused/reset/timeout
  | 'protocol' // a reply we cannot read (malformed JSON, no id)
  | 'unknown-fate' // a submit that may or may not have created a prediction
  | 'aborted';

export interface SubmitResult {
  id: string;
  /** Present when the submit reply already carried a finished prediction (sync mode). */
  prediction?: Prediction;
  /** How many times the submit was sent (1 unless a pre-send failure was retried). */
  attempts: number;
}

export interface ModelInfo {
  model: string;
  type: string;
  displayName?: string;
  /** Base price as a number, when the list carries one. */
  basePrice?: number;
}

/** Hooks the scheduler listens on: rate limiting drives `concurrency: auto`. */
export interface ClientEvents {
  onRateLimited?(info: { retryAfterMs?: number; op: 'submit' | 'poll' | 'upload' | 'models' }): void;
  onRequest?(op: 'submit' | 'poll' | 'upload' | 'models'): void;
}

export interface AtlasClient {
  /** POST /model/generate{Image,Video}. Billable: resent only where the server cannot have created a prediction. */
  submit(
    type: MediaType,
    body: Record<string, unknown>,
    signal?: AbortSignal,
    opts?: { retryUnknown?: boolean; retryRateLimited?: boolean },
  ): Promise<SubmitResult>;
  /** GET /model/prediction/{id}, retried by class. */
  poll(id: string, signal?: AbortSignal): Promise<Prediction>;
  /** POST /model/uploadMedia; returns the URL to pass as a parameter. */
  uploadMedia(file: { name: string; data: Uint8Array; contentType?: string }, signal?: AbortSignal): Promise<string>;
  /** GET /models (no auth). */
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
}
