// Webhooks: one JSON POST per finished job and one for the batch, GitHub-webhook style.
// Signed with HMAC-SHA256 over the exact body bytes when a secret is set, retried with backoff
// on 429/5xx/network trouble, and never able to fail the run: every problem is a warning.
// The URL is a secret (it often carries a token): it is never printed, and the Atlas API key
// is never known here, so it cannot be sent.
import { createHmac, randomUUID } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import type { JobResult, Manifest } from '../manifest/schema.js';
import type { Log } from '../shared/log.js';
import { parseRetryAfter, withRetries, type Attempt, type RetryPolicy } from '../shared/retry.js';
import { createTaskQueue } from '../shared/task-queue.js';
import { secretRedactor } from '../shared/redact.js';

export const SIGNATURE_HEADER = 'x-atlas-signature-256';
export const EVENT_HEADER = 'x-atlas-event';
export const DELIVERY_HEADER = 'x-atlas-delivery';

export interface RunInfo {
  repository?: string;
  run_id?: string;
  run_attempt?: number;
  /** Link to the workflow run, when known. */
  url?: string;
}

export interface WebhookOptions {
  url: string;
  secret?: string;
  userAgent: string;
  log: Log;
  dispatcher?: Dispatcher;
  /** Attempts per message (default 4). */
  maxAttempts?: number;
  /** Aborts every delivery and wait at once. */
  signal?: AbortSignal;
  /** Where the run happened, copied into every message. */
  run?: RunInfo;
  /** Per-job messages in flight at once (default 4). */
  concurrency?: number;
  /** Per-request headers and body timeout (default 10 s). */
  timeoutMs?: number;
  /** First backoff step (default 500 ms) and its cap (default 8 s); a Retry-After is honoured up to the cap. */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** After this many consecutive messages that could not be delivered, per-job messages stop (default 3). */
  giveUpAfter?: number;
}

export interface WebhookNotifier {
  /** Queue the job's message; never throws, never waits. */
  jobFinished(result: JobResult): void;
  /** Wait for the job messages, then send the batch message. Never throws. */
  batchFinished(manifest: Manifest): Promise<void>;
  /** Wait for every queued job message. Never throws. */
  flush(): Promise<void>;
}

export interface JobMessage {
  event: 'job.finished';
  sent_at: string;
  job: {
    name: string;
    model: string;
    type: string;
    status: string;
    cost: number;
    prediction_id: string | null;
    outputs: { url: string | null; path: string | null; sha256: string | null }[];
    error: string | null;
    error_kind: string | null;
  };
  run: RunInfo;
}

export interface BatchMessage {
  event: 'batch.finished';
  sent_at: string;
  totals: {
    jobs: number;
    successful: number;
    failed: number;
    unknown: number;
    skipped: number;
    cached: number;
    cost: number;
    estimated_cost: number;
  };
  stopped: string | null;
  started_at: string;
  finished_at: string;
  wall_seconds: number;
  jobs: { name: string; status: string }[];
  run: RunInfo;
}

export function jobMessage(r: JobResult, run: RunInfo = {}, now = new Date()): JobMessage {
  return {
    event: 'job.finished',
    sent_at: now.toISOString(),
    job: {
      name: r.name,
      model: r.model,
      type: r.type,
      status: r.status,
      cost: r.cost,
      prediction_id: r.prediction_id,
      outputs: r.outputs.map((o) => ({ url: o.url, path: o.path, sha256: o.sha256 })),
      error: r.error,
      error_kind: r.error_kind,
    },
    run,
  };
}

export function batchMessage(m: Manifest, run: RunInfo = {}, now = new Date()): BatchMessage {
  return {
    event: 'batch.finished',
    sent_at: now.toISOString(),
    totals: {
      jobs: m.total_jobs,
      successful: m.successful,
      failed: m.failed,
      unknown: m.unknown,
      skipped: m.skipped,
      cached: m.cached,
      cost: m.total_cost,
      estimated_cost: m.estimated_total_cost,
    },
    stopped: m.run.stopped,
    started_at: m.run.started_at,
    finished_at: m.run.finished_at,
    wall_seconds: m.run.wall_seconds,
    jobs: m.results.map((r) => ({ name: r.name, status: r.status })),
    run,
  };
}

/** `sha256=<hex>` of the body under the secret, as a receiver recomputes it. */
export function signBody(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A function that removes every recognisable piece of the URL from a text. */
export function urlRedactor(url: string): (text: string) => string {
  const pieces = new Set<string>([url]);
  try {
    const u = new URL(url);
    pieces.add(u.href);
    pieces.add(u.origin);
    pieces.add(u.host);
    pieces.add(u.hostname);
    if (u.pathname.length > 1) pieces.add(u.pathname);
    if (u.search.length > 1) pieces.add(u.search.slice(1));
    if (u.username) pieces.add(u.username);
    if (u.password) pieces.add(u.password);
    for (const seg of u.pathname.split('/')) if (seg.length >= 8) pieces.add(seg);
  } catch {
    // Not a URL: the whole string is all we can hide.
  }
  // Longest first, so a piece inside a longer one does not leave the rest behind.
  const sorted = [...pieces].filter((p) => p.length > 0).sort((a, b) => b.length - a.length);
  return (text) => sorted.reduce((acc, p) => acc.split(p).join('<webhook>'), text);
}

/** Why one delivery attempt failed, as the log says it. */
type Failure = string;

/** Everything one delivery needs, settled once per notifier. */
interface Sender {
  opts: WebhookOptions;
  policy: RetryPolicy;
  timeoutMs: number;
  maxAttempts: number;
  say: (s: string) => string;
}

export function createWebhookNotifier(opts: WebhookOptions): WebhookNotifier {
  const { log } = opts;
  const giveUpAfter = Math.max(1, opts.giveUpAfter ?? 3);
  const run = opts.run ?? {};
  const sender = senderFor(opts);
  const { say } = sender;
  const queue = createTaskQueue(opts.concurrency ?? 4);
  let consecutiveFailures = 0;
  let disabled = false;

  const deliver = async (event: string, label: string, message: unknown): Promise<boolean> => {
    const ok = await deliverMessage(sender, event, label, message);
    consecutiveFailures = ok ? 0 : consecutiveFailures + 1;
    return ok;
  };

  const sendJob = async (result: JobResult, message: JobMessage) => {
    if (disabled) return;
    const ok = await deliver('job.finished', `for job "${result.name}"`, message);
    if (!ok && !disabled && consecutiveFailures >= giveUpAfter) {
      disabled = true;
      queue.clear();
      log.warning(
        `webhook: ${consecutiveFailures} messages in a row could not be delivered; no more job messages are sent this run (the batch message is still tried).`,
      );
    }
  };

  return {
    jobFinished(result) {
      try {
        if (disabled) return;
        const message = jobMessage(result, run);
        queue.push(() => sendJob(result, message));
      } catch (e) {
        log.warning(say(`webhook: could not queue the message for job "${result.name}": ${describe(e)}`));
      }
    },
    async batchFinished(manifest) {
      try {
        await queue.idle();
        await deliver('batch.finished', 'for the batch', batchMessage(manifest, run));
      } catch (e) {
        log.warning(say(`webhook: the batch message failed: ${describe(e)}`));
      }
    },
    flush: () => queue.idle(),
  };
}

function senderFor(opts: WebhookOptions): Sender {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
  const capMs = opts.retryCapMs ?? 8_000;
  const redact = urlRedactor(opts.url);
  const clean = secretRedactor([opts.secret]);
  return {
    opts,
    maxAttempts,
    timeoutMs: opts.timeoutMs ?? 10_000,
    // A webhook is not worth a long wait: Retry-After is honoured up to the backoff cap.
    policy: { maxAttempts, baseMs: opts.retryBaseMs ?? 500, capMs, retryAfterCapMs: capMs },
    say: (s) => redact(clean(s)),
  };
}

/** Deliver one message with retries; true when the receiver took it. A failure is a warning, never a throw. */
async function deliverMessage(s: Sender, event: string, label: string, message: unknown): Promise<boolean> {
  const { opts } = s;
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const delivery = randomUUID();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': opts.userAgent,
    [EVENT_HEADER]: event,
    [DELIVERY_HEADER]: delivery,
  };
  if (opts.secret) headers[SIGNATURE_HEADER] = signBody(opts.secret, body);
  const outcome = await withRetries<true, Failure>(
    async (n) => {
      const a = await postOnce(s, body, { ...headers, 'x-atlas-attempt': String(n) });
      if (!('value' in a) && a.retry)
        opts.log.debug(s.say(`webhook ${label}: attempt ${n} of ${s.maxAttempts} failed (${a.error})`));
      return a;
    },
    s.policy,
    opts.signal,
  );
  if (outcome.ok) return true;
  const last = outcome.aborted ? 'cancelled' : outcome.error;
  opts.log.warning(s.say(`webhook ${label} (delivery ${delivery}) was not delivered: ${last}. The run goes on.`));
  return false;
}

/** One POST: delivered, or why not and whether another try may help. */
async function postOnce(s: Sender, body: Buffer, headers: Record<string, string>): Promise<Attempt<true, Failure>> {
  const { opts } = s;
  try {
    const res = await request(opts.url, {
      method: 'POST',
      headers,
      body,
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      signal: opts.signal ?? null,
      headersTimeout: s.timeoutMs,
      bodyTimeout: s.timeoutMs,
    });
    await res.body.dump().catch(() => undefined);
    const status = res.statusCode;
    if (status >= 200 && status < 300) return { value: true };
    const retry = status === 429 || status === 408 || status >= 500;
    const ra = parseRetryAfter(res.headers['retry-after']);
    return { error: `HTTP ${status}`, retry, ...(ra !== undefined ? { retryAfterMs: ra } : {}) };
  } catch (e) {
    if (opts.signal?.aborted) return { error: 'cancelled', retry: false };
    return { error: describe(e), retry: true };
  }
}

/** A transport error's code and message, e.g. "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9". */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur instanceof Error && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${code}: ${cur.message}` : cur.message);
    cur = cur.cause;
  }
  const errs = (e as { errors?: unknown }).errors;
  if (Array.isArray(errs) && errs[0] instanceof Error) parts.push(errs[0].message);
  return [...new Set(parts.filter(Boolean))].join(' / ') || e.name;
}

/** The engine's job-finished hook followed by the notifier's; a throwing hook does not keep the message from being sent. */
export function withWebhook<J>(
  hook: ((job: J, result: JobResult) => void) | undefined,
  notifier: Pick<WebhookNotifier, 'jobFinished'> | undefined,
): ((job: J, result: JobResult) => void) | undefined {
  if (!notifier) return hook;
  return (job, result) => {
    try {
      hook?.(job, result);
    } finally {
      notifier.jobFinished(result);
    }
  };
}

/** Where the run happens, from the Actions environment (empty outside Actions). Read by main/cli, never deeper. */
export function runInfoFromEnv(env: Record<string, string | undefined>): RunInfo {
  const info: RunInfo = {};
  const repository = env['GITHUB_REPOSITORY'];
  const runId = env['GITHUB_RUN_ID'];
  if (repository) info.repository = repository;
  if (runId) info.run_id = runId;
  const attempt = Number(env['GITHUB_RUN_ATTEMPT']);
  if (Number.isInteger(attempt) && attempt > 0) info.run_attempt = attempt;
  if (repository && runId)
    info.url = `${env['GITHUB_SERVER_URL'] || 'https://github.com'}/${repository}/actions/runs/${runId}`;
  return info;
}
