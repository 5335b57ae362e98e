// GET /models, read at most once per run: live prices and the model id check share this one reply.
// The list is public (no key), so dry runs read it too. A failure is an answer, not an exception:
// the callers warn and go on without it.
import { Agent } from 'undici';
import type { ModelInfo } from './types.js';
import { createAtlasClient } from './client.js';

export type ModelList = { ok: true; models: ModelInfo[] } | { ok: false; error: string };

export interface ModelListOptions {
  baseUrl: string;
  userAgent: string;
  signal?: AbortSignal;
  /** For tests: a client to use instead of a new one. */
  client?: { listModels(signal?: AbortSignal): Promise<ModelInfo[]> };
}

/** Reads GET /models. Throws only when `signal` aborted; any other failure comes back as `{ ok: false }`. */
export async function readModelList(opts: ModelListOptions): Promise<ModelList> {
  const dispatcher = opts.client ? undefined : new Agent({ connections: 2, keepAliveTimeout: 1_000 });
  const client =
    opts.client ??
    createAtlasClient({
      baseUrl: opts.baseUrl,
      apiKey: '',
      userAgent: opts.userAgent,
      ...(dispatcher ? { dispatcher } : {}),
      // A model list is worth a short wait, not a long one: the plan goes on without it.
      requestTimeoutMs: 20_000,
      retry: { maxAttempts: 3, baseMs: 250, capMs: 2_000 },
    });
  try {
    return { ok: true, models: await client.listModels(opts.signal) };
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  } finally {
    await dispatcher?.close().catch(() => undefined);
  }
}
