// An Atlas Cloud emulator: a real node:http server on 127.0.0.1 speaking docs/atlas-api.md,
// with deterministic latency, reply dialects and scripted faults. Used by tests, the demo and the
// benchmark. Every startEmulator() call owns all of its state; nothing is shared between instances.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DIALECTS, errorBody, predictionBody, uploadBody, type Dialect, type PredictionView } from './dialects.js';
import { BodyTooLarge, delay, parseMultipart, readBody, writeBody, type Shaping } from './http.js';
import {
  BUILTIN_MODELS,
  jobKey,
  latencySeconds,
  profileFor,
  seededUniforms,
  simToRealMs,
  type Jitter,
  type ModelProfile,
} from './latency.js';
import { loadSampleMp4, makePng, sniffType, videoChunks, videoSize } from './media.js';

export type { Dialect } from './dialects.js';
export type { ModelProfile } from './latency.js';
export { floorMakespan } from './latency.js';

export interface FaultRule {
  op: 'submit' | 'poll' | 'download' | 'upload' | 'models';
  kind:
    | 'status'
    | 'reset-before-body'
    | 'reset-after-receive'
    | 'malformed-json'
    | 'body-code'
    | 'truncate'
    | 'slow'
    | 'hang';
  /** For 'status' (429, 500, 502, 503, 504, 402, 401, 403, 404, 410, 422) and 'body-code' (HTTP 200, body code = status). */
  status?: number;
  /** Retry-After header value (sent whenever set). */
  retryAfter?: number | string;
  /** Error message in the body (e.g. 'insufficient balance'). */
  message?: string;
  /**
   * Submit only: whether the prediction is created anyway. Default true for 'reset-after-receive'
   * and 'hang' (the server got the whole request), false for everything else.
   */
  created?: boolean;
  /** How many matching requests it hits (default 1; Infinity = always). */
  times?: number;
  /** Let this many matching requests through first (default 0). */
  skip?: number;
  /** Only requests for jobs whose prompt contains this substring (submit/poll/download). */
  match?: string;
  /** 'truncate': body bytes sent before the socket is destroyed; 'slow': bytes per second. */
  bytes?: number;
}

export interface EmulatorOptions {
  seed?: number;
  timeScale?: number;
  apiKey?: string | null;
  models?: Record<string, ModelProfile>;
  /** σ of a log-normal factor (default 0.15), or a uniform band with a queue tail (see latency.ts). */
  jitter?: Jitter;
  failureRate?: number;
  dialect?: Dialect | 'rotate';
  notFoundGraceSeconds?: number;
  accountConcurrency?: number;
  accountRetryAfter?: number;
  /**
   * Keep every prediction running until the account limit has answered this many 429s: a test that
   * asserts the limit was hit then does not depend on submits outpacing completions under load.
   */
  holdUntilRateLimited?: number;
  outputTtlSeconds?: number;
  imageSize?: number;
  videoBytes?: number;
  faults?: FaultRule[];
  /** Port to listen on (127.0.0.1); default 0 = any free port. Only read by startEmulator. */
  port?: number;
  /** Answer 403 (an HTML page, as Cloudflare does) to API requests without a User-Agent. Default false. */
  requireUserAgent?: boolean;
  /** A hostile host: appended to every prediction id (e.g. newlines and runner commands). */
  idSuffix?: string;
  /** Predictions whose prompt contains `match` fail with `reason` as their error text. */
  failWhen?: { match: string; reason: string };
  /** Appended to every output URL's query string (e.g. `key=<the API key>`, a host that echoes it). */
  outputQuery?: string;
  /**
   * A hostile host: every completed prediction lists this many outputs. Those past the model's own
   * count are short URLs that answer 404 (so 100,000 of them fit under the client's reply cap).
   */
  outputsPerPrediction?: number;
  /** A hostile storage host: every output file answers 200 with this body instead of the media. */
  outputBody?: { contentType: string; body: string };
}

export interface PredictionRecord {
  id: string;
  model: string;
  prompt: string;
  body: Record<string, unknown>;
  submittedAtMs: number;
  latencyMs: number;
  completesAtMs: number;
  state: 'running' | 'completed' | 'failed';
  firstSeenDoneAtMs?: number;
  polls: number;
  outputs: string[];
}

export interface EmulatorStats {
  submitsReceived: number;
  predictionsCreated: number;
  createdByPrompt: Record<string, number>;
  polls: number;
  downloads: number;
  uploads: number;
  modelLists: number;
  rateLimited: number;
  maxRunning: number;
  userAgents: string[];
  /** Requests that carried no User-Agent at all. */
  noUserAgent: number;
  referers: number;
  authFailures: number;
  predictions: PredictionRecord[];
  faultsFired: Array<{ op: string; kind: string; status?: number }>;
}

export interface Emulator {
  url: string;
  origin: string;
  stats(): EmulatorStats;
  setOptions(patch: Partial<EmulatorOptions>): void;
  latencySeconds(model: string, body: Record<string, unknown>): number;
  close(): Promise<void>;
}

type Op = FaultRule['op'];

interface Settings {
  seed: number;
  timeScale: number;
  apiKey: string | null;
  models: Record<string, ModelProfile>;
  jitter: Jitter;
  failureRate: number;
  dialect: Dialect | 'rotate';
  notFoundGraceSeconds: number;
  accountConcurrency?: number;
  accountRetryAfter?: number;
  holdUntilRateLimited?: number;
  outputTtlSeconds?: number;
  imageSize: number;
  videoBytes?: number;
  faults: FaultRule[];
  requireUserAgent: boolean;
  idSuffix: string;
  failWhen?: { match: string; reason: string };
  outputQuery: string;
  outputsPerPrediction?: number;
  outputBody?: { contentType: string; body: string };
}

function settingsFrom(o: EmulatorOptions): Settings {
  return {
    seed: o.seed ?? 1,
    timeScale: o.timeScale ?? 1000,
    apiKey: o.apiKey === undefined ? 'test-key' : o.apiKey,
    models: { ...BUILTIN_MODELS, ...o.models },
    jitter: o.jitter ?? 0.15,
    failureRate: o.failureRate ?? 0,
    dialect: o.dialect ?? 'envelope',
    notFoundGraceSeconds: o.notFoundGraceSeconds ?? 0,
    accountConcurrency: o.accountConcurrency,
    accountRetryAfter: o.accountRetryAfter,
    holdUntilRateLimited: o.holdUntilRateLimited,
    outputTtlSeconds: o.outputTtlSeconds,
    imageSize: o.imageSize ?? 64,
    videoBytes: o.videoBytes,
    faults: o.faults ?? [],
    requireUserAgent: o.requireUserAgent ?? false,
    idSuffix: o.idSuffix ?? '',
    failWhen: o.failWhen,
    outputQuery: o.outputQuery ?? '',
    outputsPerPrediction: o.outputsPerPrediction,
    outputBody: o.outputBody,
  };
}

interface Prediction {
  id: string;
  model: string;
  type: 'image' | 'video';
  prompt: string;
  body: Record<string, unknown>;
  submittedAtMs: number;
  latencySeconds: number;
  latencyMs: number;
  completesAtMs: number;
  failed: boolean;
  error?: string;
  dialect: Dialect;
  variant: number;
  /** What the replies list as outputs: signed URLs, or data: URIs in the 'data-uri' dialect. */
  outputs: string[];
  polls: number;
  firstSeenDoneAtMs?: number;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  401: 'invalid api key',
  402: 'insufficient balance',
  403: 'forbidden',
  404: 'not found',
  410: 'gone',
  422: 'invalid parameters',
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

const FAILURE_REASONS = [
  'content moderation: the prompt was flagged',
  'upstream model error: CUDA out of memory',
  'generation timed out upstream',
];

const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const MAX_JSON_BYTES = 4 * 1024 * 1024;

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  let raw: EmulatorOptions = { ...opts };
  let cfg = settingsFrom(raw);
  let faultCounts = cfg.faults.map(() => 0);
  const sample = loadSampleMp4();
  const stop = new AbortController();
  const sockets = new Set<Socket>();
  const predictions = new Map<string, Prediction>();
  const uploads = new Map<string, { data: Buffer; type: string; filename: string }>();
  /** How often each job (jobKey) was created: the attempt number keys its failure fate. */
  const attempts = new Map<string, number>();
  // Ids are unique per instance, not seeded: a journal id from an earlier emulator must answer 404
  // here rather than silently naming another job. Behaviour stays seeded (keyed by job, not id).
  const instance = randomUUID();
  let predictionSeq = 0;
  let uploadSeq = 0;
  const t0 = performance.now();
  const wallStart = Date.now();
  const now = () => performance.now() - t0;
  // Timestamps are real wall clock (they match the client's logs); predict_time is simulated seconds.
  const wallIso = (ms: number) => new Date(wallStart + ms).toISOString();

  const stats = {
    submitsReceived: 0,
    predictionsCreated: 0,
    createdByPrompt: {} as Record<string, number>,
    polls: 0,
    downloads: 0,
    uploads: 0,
    modelLists: 0,
    rateLimited: 0,
    maxRunning: 0,
    userAgents: new Set<string>(),
    noUserAgent: 0,
    referers: 0,
    authFailures: 0,
    faultsFired: [] as Array<{ op: string; kind: string; status?: number }>,
  };

  const server = createServer();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  server.listen(opts.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = `${origin}/api/v1`;

  // ---- faults ---------------------------------------------------------------------------------

  /**
   * Rules are checked in order and the first that fires takes the request. A rule counts only the
   * matching requests that reach it, so [{503, times: 2}, {reset}] means 503, 503, reset.
   */
  function pickFault(op: Op, prompt: string | undefined): FaultRule | undefined {
    for (const [i, rule] of cfg.faults.entries()) {
      if (rule.op !== op) continue;
      if (rule.match !== undefined && !(prompt ?? '').includes(rule.match)) continue;
      const seen = faultCounts[i]!;
      faultCounts[i] = seen + 1;
      const skip = rule.skip ?? 0;
      if (seen >= skip && seen < skip + (rule.times ?? 1)) {
        stats.faultsFired.push(
          rule.status === undefined ? { op, kind: rule.kind } : { op, kind: rule.kind, status: rule.status },
        );
        return rule;
      }
    }
    return undefined;
  }

  function shapingOf(fault: FaultRule | undefined): Shaping {
    if (fault?.kind === 'truncate') return { truncateAt: fault.bytes ?? 0 };
    if (fault?.kind === 'slow') return { bytesPerSecond: fault.bytes ?? 1024 };
    return {};
  }

  // ---- replies --------------------------------------------------------------------------------

  async function send(
    res: ServerResponse,
    status: number,
    headers: Record<string, string | number>,
    body: Buffer | { chunks: Iterable<Buffer>; length: number },
    shaping: Shaping,
    head = false,
  ): Promise<void> {
    if (status === 429) {
      stats.rateLimited++;
      release(now());
    }
    res.writeHead(status, { ...headers, 'content-length': body.length });
    if (head) return void res.end();
    await writeBody(res, Buffer.isBuffer(body) ? [body] : body.chunks, shaping, stop.signal);
  }

  function sendJson(
    res: ServerResponse,
    status: number,
    obj: unknown,
    shaping: Shaping = {},
    headers: Record<string, string | number> = {},
  ) {
    return send(
      res,
      status,
      { 'content-type': 'application/json; charset=utf-8', ...headers },
      Buffer.from(JSON.stringify(obj)),
      shaping,
    );
  }

  function sendError(
    res: ServerResponse,
    status: number,
    msg?: string,
    shaping: Shaping = {},
    headers: Record<string, string | number> = {},
  ) {
    return sendJson(res, status, errorBody(status, msg ?? STATUS_TEXT[status] ?? 'error'), shaping, headers);
  }

  /** Answers a fault that replaces the normal reply. False for 'truncate'/'slow', which only shape it. */
  async function answerFault(res: ServerResponse, fault: FaultRule): Promise<boolean> {
    const shaping: Shaping = {};
    switch (fault.kind) {
      case 'status': {
        const status = fault.status ?? 500;
        const headers: Record<string, string | number> =
          fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
        await sendError(res, status, fault.message, shaping, headers);
        return true;
      }
      case 'body-code':
        await sendJson(
          res,
          200,
          errorBody(fault.status ?? 500, fault.message ?? STATUS_TEXT[fault.status ?? 500] ?? 'error'),
        );
        return true;
      case 'malformed-json':
        await send(res, 200, { 'content-type': 'application/json' }, Buffer.from('{"code":200,"data":{'), shaping);
        return true;
      case 'reset-before-body':
      case 'reset-after-receive':
        res.destroy();
        return true;
      case 'hang':
        // Never answer; close() destroys the socket.
        return true;
      default:
        return false;
    }
  }

  // ---- predictions ----------------------------------------------------------------------------

  // With holdUntilRateLimited, nothing completes before the account limit has been hit that often;
  // then predictions already past their time complete at once.
  let held = (cfg.holdUntilRateLimited ?? 0) > 0;
  const release = (at: number) => {
    if (!held || stats.rateLimited < (cfg.holdUntilRateLimited ?? 0)) return;
    held = false;
    for (const p of predictions.values()) p.completesAtMs = Math.max(p.completesAtMs, at);
  };
  const isDone = (p: Prediction, at: number) => !held && at >= p.completesAtMs;
  const runningCount = (at: number) => {
    let n = 0;
    for (const p of predictions.values()) if (!isDone(p, at)) n++;
    return n;
  };

  function outputCount(type: 'image' | 'video', body: Record<string, unknown>): number {
    if (type !== 'image') return 1;
    const n = Math.floor(Number(body.num_images ?? body.max_images ?? 1));
    return Number.isFinite(n) ? Math.min(15, Math.max(1, n)) : 1;
  }

  function signature(id: string, n: number): string {
    return hex(`${cfg.seed}:file:${id}:${n}`).slice(0, 32);
  }

  function createPrediction(model: string, body: Record<string, unknown>): Prediction {
    const at = now();
    const seq = ++predictionSeq;
    const id = hex(`${instance}:prediction:${seq}`).slice(0, 32) + cfg.idSuffix;
    const key = jobKey(model, body);
    // A resubmitted job gets a fresh fate, so a retry can succeed, but run to run it is the same.
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    const [uFail, uDialect, uReason, uVariant] = seededUniforms([cfg.seed, 'fate', key, attempt], 4) as [
      number,
      number,
      number,
      number,
    ];
    const profile = profileFor(model, cfg.models);
    const latency = latencySeconds(cfg.seed, model, body, cfg.models, cfg.jitter);
    const latencyMs = simToRealMs(latency, cfg.timeScale);
    const prompt = typeof body.prompt === 'string' ? body.prompt : '';
    const forced = cfg.failWhen !== undefined && prompt.includes(cfg.failWhen.match);
    const failed = forced || uFail < cfg.failureRate;
    const dialect = cfg.dialect === 'rotate' ? DIALECTS[Math.floor(uDialect * DIALECTS.length)]! : cfg.dialect;
    const p: Prediction = {
      id,
      model,
      type: profile.type,
      prompt: typeof body.prompt === 'string' ? body.prompt : '',
      body,
      submittedAtMs: at,
      latencySeconds: latency,
      latencyMs,
      completesAtMs: at + latencyMs,
      failed,
      error: forced
        ? cfg.failWhen!.reason
        : failed
          ? FAILURE_REASONS[Math.floor(uReason * FAILURE_REASONS.length)]
          : undefined,
      dialect,
      variant: Math.floor(uVariant * 3),
      outputs: [],
      polls: 0,
    };
    if (!failed) {
      const count = outputCount(profile.type, body);
      const ttlMs =
        cfg.outputTtlSeconds === undefined ? 7 * 24 * 3600 * 1000 : simToRealMs(cfg.outputTtlSeconds, cfg.timeScale);
      const expires = Math.floor((wallStart + p.completesAtMs + ttlMs) / 1000);
      for (let n = 0; n < count; n++) {
        if (dialect === 'data-uri') {
          p.outputs.push(
            profile.type === 'image'
              ? `data:image/png;base64,${makePng(`${id}/${n}`, cfg.imageSize).toString('base64')}`
              : `data:video/mp4;base64,${sample.toString('base64')}`,
          );
        } else {
          const extra = cfg.outputQuery ? `&${cfg.outputQuery}` : '';
          p.outputs.push(
            `${origin}/files/${encodeURIComponent(id)}/${n}?sig=${signature(id, n)}&expires=${expires}${extra}`,
          );
        }
      }
      for (let n = count; n < (cfg.outputsPerPrediction ?? 0); n++) p.outputs.push(`${origin}/x/${n}`);
    }
    predictions.set(id, p);
    stats.predictionsCreated++;
    stats.createdByPrompt[p.prompt] = (stats.createdByPrompt[p.prompt] ?? 0) + 1;
    stats.maxRunning = Math.max(stats.maxRunning, runningCount(at));
    return p;
  }

  function viewOf(p: Prediction, at: number): PredictionView {
    const done = isDone(p, at);
    return {
      id: p.id,
      model: p.model,
      phase: !done ? 'running' : p.failed ? 'failed' : 'completed',
      tick: p.polls,
      variant: p.variant,
      outputs: p.outputs,
      error: p.error,
      predictTime: Math.round(p.latencySeconds * 1000) / 1000,
      createdAt: wallIso(p.submittedAtMs),
      completedAt: wallIso(p.completesAtMs),
      getUrl: `${base}/model/prediction/${p.id}`,
    };
  }

  /** The body mistakes the real API rejects: nested `input`, no model, local image paths. */
  function validateSubmit(body: unknown): string | undefined {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return 'body must be a JSON object';
    const b = body as Record<string, unknown>;
    if (typeof b.model !== 'string' || b.model === '') return 'model is required';
    if (b.input && typeof b.input === 'object' && b.prompt === undefined) {
      return 'prompt is required (send parameters flat, not under "input")';
    }
    if (/image-to-video/.test(b.model)) {
      const image = b.image ?? b.image_url ?? b.first_frame;
      if (image === undefined) return 'image is required for image-to-video';
      if (typeof image !== 'string' || !/^(https?:|data:)/.test(image)) return 'image must be an http(s) or data: URL';
    }
    return undefined;
  }

  // ---- routes ---------------------------------------------------------------------------------

  function authorized(req: IncomingMessage): boolean {
    if (cfg.apiKey === null) return true;
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    return m?.[1]?.trim() === cfg.apiKey;
  }

  async function onSubmit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Rules with `match` need the prompt, which is in the body; only then read it before deciding.
    const needPrompt = cfg.faults.some((r) => r.op === 'submit' && r.match !== undefined);
    let fault = needPrompt ? undefined : pickFault('submit', undefined);
    if (fault?.kind === 'reset-before-body') return void req.socket.destroy();
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req, MAX_JSON_BYTES);
    } catch (e) {
      if (e instanceof BodyTooLarge) res.destroy();
      return;
    }
    stats.submitsReceived++;
    let body: unknown;
    let parseError = false;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      parseError = true;
    }
    if (needPrompt) {
      const prompt = body && typeof body === 'object' ? (body as Record<string, unknown>).prompt : undefined;
      fault = pickFault('submit', typeof prompt === 'string' ? prompt : '');
      if (fault?.kind === 'reset-before-body') return void res.destroy();
    }
    const invalid = parseError ? 'invalid JSON body' : validateSubmit(body);
    const b = body as Record<string, unknown>;
    if (fault) {
      const createdDefault = fault.kind === 'reset-after-receive' || fault.kind === 'hang';
      if (!invalid && fault.kind !== 'truncate' && fault.kind !== 'slow' && (fault.created ?? createdDefault)) {
        createPrediction(b.model as string, b);
      }
      if (await answerFault(res, fault)) return;
    }
    const shaping = shapingOf(fault);
    if (invalid) return sendError(res, parseError ? 400 : 422, invalid, shaping);
    if (cfg.accountConcurrency !== undefined && runningCount(now()) >= cfg.accountConcurrency) {
      const headers: Record<string, string | number> =
        cfg.accountRetryAfter === undefined ? {} : { 'retry-after': String(cfg.accountRetryAfter) };
      return sendError(
        res,
        429,
        `too many requests: account concurrency limit (${cfg.accountConcurrency}) reached`,
        shaping,
        headers,
      );
    }
    const p = createPrediction(b.model as string, b);
    if (b.enable_sync_mode === true) {
      // Sync mode: hold the reply until the prediction is done, then answer with its outputs.
      // Timers may fire a fraction of a millisecond early against performance.now(): loop.
      while (!isDone(p, now())) {
        await delay(p.completesAtMs - now() + 1, stop.signal);
        if (stop.signal.aborted) return;
      }
      p.firstSeenDoneAtMs ??= now();
    }
    // An async submit always answers "in progress", even if a pause let a tiny latency elapse.
    const view = viewOf(p, now());
    if (b.enable_sync_mode !== true) view.phase = 'running';
    return sendJson(res, 200, predictionBody(p.dialect, view), shaping);
  }

  async function onPoll(res: ServerResponse, id: string): Promise<void> {
    stats.polls++;
    const p = predictions.get(id);
    const fault = pickFault('poll', p?.prompt);
    if (p) p.polls++;
    if (fault && (await answerFault(res, fault))) return;
    const shaping = shapingOf(fault);
    const at = now();
    if (!p) return sendError(res, 404, 'prediction not found', shaping);
    // The real API may not know a fresh id for its first seconds.
    if (at - p.submittedAtMs < simToRealMs(cfg.notFoundGraceSeconds, cfg.timeScale)) {
      return sendError(res, 404, 'prediction not found', shaping);
    }
    if (isDone(p, at)) p.firstSeenDoneAtMs ??= at;
    return sendJson(res, 200, predictionBody(p.dialect, viewOf(p, at)), shaping);
  }

  async function onDownload(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    n: number,
    sig: string | null,
  ): Promise<void> {
    stats.downloads++;
    const p = predictions.get(id);
    const fault = pickFault('download', p?.prompt);
    if (fault && (await answerFault(res, fault))) return;
    const shaping = shapingOf(fault);
    const at = now();
    const xml = (status: number, code: string, message: string) =>
      send(
        res,
        status,
        { 'content-type': 'application/xml' },
        Buffer.from(
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`,
        ),
        shaping,
      );
    // Object storage, not the API: errors are XML, as real buckets send them.
    if (req.headers.referer !== undefined) return xml(403, 'AccessDenied', 'hotlink protection: Referer not allowed');
    if (!p || !isDone(p, at) || p.failed || n >= p.outputs.length || !Number.isInteger(n))
      return xml(404, 'NoSuchKey', 'The specified key does not exist.');
    if (sig !== signature(id, n)) return xml(403, 'SignatureDoesNotMatch', 'invalid signature');
    if (cfg.outputTtlSeconds !== undefined && at > p.completesAtMs + simToRealMs(cfg.outputTtlSeconds, cfg.timeScale)) {
      return xml(403, 'AccessDenied', 'Request has expired');
    }
    // No extension and an unhelpful Content-Type: clients must sniff the magic bytes.
    const headers = { 'content-type': 'application/octet-stream' };
    const head = req.method === 'HEAD';
    if (cfg.outputBody) {
      const { contentType, body } = cfg.outputBody;
      return send(res, 200, { 'content-type': contentType }, Buffer.from(body), shaping, head);
    }
    if (p.type === 'image') return send(res, 200, headers, makePng(`${id}/${n}`, cfg.imageSize), shaping, head);
    const length = videoSize(sample, cfg.videoBytes);
    return send(res, 200, headers, { chunks: videoChunks(sample, cfg.videoBytes), length }, shaping, head);
  }

  async function onUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.uploads++;
    const fault = pickFault('upload', undefined);
    if (fault?.kind === 'reset-before-body') return void req.socket.destroy();
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_UPLOAD_BYTES);
    } catch (e) {
      if (e instanceof BodyTooLarge && !res.headersSent)
        await sendError(res, 413, `file over ${MAX_UPLOAD_BYTES} bytes`);
      return;
    }
    if (fault && (await answerFault(res, fault))) return;
    const shaping = shapingOf(fault);
    const file = parseMultipart(raw, req.headers['content-type']).find((part) => part.name === 'file');
    if (!file) return sendError(res, 400, 'multipart field "file" is required', shaping);
    const seq = ++uploadSeq;
    const uid = hex(`${instance}:upload:${seq}`).slice(0, 24);
    const type = sniffType(file.data);
    const filename = file.filename || `upload-${seq}`;
    uploads.set(uid, { data: file.data, type, filename });
    const dialect = cfg.dialect === 'rotate' ? DIALECTS[seq % DIALECTS.length]! : cfg.dialect;
    const url = `${origin}/uploads/${uid}/${encodeURIComponent(filename)}`;
    return sendJson(res, 200, uploadBody(dialect, { url, type, filename, size: file.data.length }), shaping);
  }

  async function onModels(res: ServerResponse): Promise<void> {
    stats.modelLists++;
    const fault = pickFault('models', undefined);
    if (fault && (await answerFault(res, fault))) return;
    const data = Object.entries(cfg.models).map(([model, profile]) => {
      const entry: Record<string, unknown> = {
        model,
        type: profile.type === 'video' ? 'Video' : 'Image',
        displayName: model.split('/').slice(-2).join(' '),
        schema: `${origin}/schemas/${model}.json`,
      };
      // Prices are strings and say nothing about their unit, as on the real endpoint.
      if (profile.price) {
        const price = String(profile.price.price);
        entry.price = { actual: { base_price: price, discount: '1' }, origin: { base_price: price } };
      }
      return entry;
    });
    return sendJson(res, 200, { code: '200', message: '', data }, shapingOf(fault));
  }

  /** A minimal OpenAPI document per model, where /models points (`components.schemas.Input`). */
  function schemaFor(model: string): Record<string, unknown> {
    const profile = profileFor(model, cfg.models);
    const properties: Record<string, unknown> = { prompt: { type: 'string' }, seed: { type: 'integer' } };
    const required = ['prompt'];
    if (profile.type === 'image') {
      properties.num_images = { type: 'integer', minimum: 1, maximum: 15, default: 1 };
      properties.size = { type: 'string', default: '1024*1024' };
      properties.enable_sync_mode = { type: 'boolean', default: false };
    } else {
      properties.duration = { type: 'integer', enum: [5, 10], default: 5 };
      properties.resolution = { type: 'string', enum: ['480p', '720p', '1080p'], default: '720p' };
      properties.aspect_ratio = { type: 'string', enum: ['16:9', '9:16', '1:1'], default: '16:9' };
      if (/image-to-video/.test(model)) {
        properties.image = { type: 'string', format: 'uri' };
        required.push('image');
      }
    }
    return {
      openapi: '3.0.0',
      info: { title: model, version: '1' },
      components: { schemas: { Input: { type: 'object', required, properties } } },
    };
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ua = req.headers['user-agent'];
    if (ua === undefined) stats.noUserAgent++;
    else stats.userAgents.add(ua);
    if (req.headers.referer !== undefined) stats.referers++;
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    let m: RegExpExecArray | null;

    // Outside the API: object storage and documents, no bearer key (like presigned URLs).
    if ((m = /^\/files\/([^/]+)\/(\d+)$/.exec(path)) && (method === 'GET' || method === 'HEAD')) {
      return onDownload(req, res, decodeURIComponent(m[1]!), Number(m[2]), url.searchParams.get('sig'));
    }
    if ((m = /^\/uploads\/([^/]+)(?:\/[^/]*)?$/.exec(path)) && method === 'GET') {
      const file = uploads.get(m[1]!);
      if (!file) return sendError(res, 404);
      return send(res, 200, { 'content-type': file.type }, file.data, {});
    }
    if ((m = /^\/schemas\/(.+)\.json$/.exec(path)) && method === 'GET')
      return sendJson(res, 200, schemaFor(decodeURIComponent(m[1]!)));

    if (!path.startsWith('/api/v1/')) return sendError(res, 404);
    if (cfg.requireUserAgent && ua === undefined) {
      const page = Buffer.from(
        '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body>Sorry, you have been blocked</body></html>',
      );
      return send(res, 403, { 'content-type': 'text/html' }, page, {});
    }
    const api = path.slice('/api/v1'.length);
    if (api === '/models' && method === 'GET') return onModels(res);
    if (!authorized(req)) {
      stats.authFailures++;
      return sendError(res, 401, 'invalid api key');
    }
    if (/^\/model\/generate(Image|Video|Audio)$/.test(api) && method === 'POST') return onSubmit(req, res);
    if ((m = /^\/model\/(?:prediction|result)\/([^/]+)$/.exec(api)) && method === 'GET')
      return onPoll(res, decodeURIComponent(m[1]!));
    if (api === '/model/uploadMedia' && method === 'POST') return onUpload(req, res);
    return sendError(res, 404);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((e: unknown) => {
      // An emulator bug must be loud in the test that hit it, not a silent hang.
      if (!res.headersSent) void sendError(res, 500, `emulator bug: ${e instanceof Error ? e.message : String(e)}`);
      else res.destroy();
    });
  });

  let closing: Promise<void> | undefined;
  return {
    url: base,
    origin,
    stats(): EmulatorStats {
      const at = now();
      return {
        submitsReceived: stats.submitsReceived,
        predictionsCreated: stats.predictionsCreated,
        createdByPrompt: { ...stats.createdByPrompt },
        polls: stats.polls,
        downloads: stats.downloads,
        uploads: stats.uploads,
        modelLists: stats.modelLists,
        rateLimited: stats.rateLimited,
        maxRunning: stats.maxRunning,
        userAgents: [...stats.userAgents],
        noUserAgent: stats.noUserAgent,
        referers: stats.referers,
        authFailures: stats.authFailures,
        faultsFired: stats.faultsFired.map((f) => ({ ...f })),
        predictions: [...predictions.values()].map((p) => {
          const r: PredictionRecord = {
            id: p.id,
            model: p.model,
            prompt: p.prompt,
            body: structuredClone(p.body),
            submittedAtMs: p.submittedAtMs,
            latencyMs: p.latencyMs,
            completesAtMs: p.completesAtMs,
            state: !isDone(p, at) ? 'running' : p.failed ? 'failed' : 'completed',
            polls: p.polls,
            outputs: [...p.outputs],
          };
          if (p.firstSeenDoneAtMs !== undefined) r.firstSeenDoneAtMs = p.firstSeenDoneAtMs;
          return r;
        }),
      };
    },
    setOptions(patch: Partial<EmulatorOptions>): void {
      raw = { ...raw, ...patch };
      cfg = settingsFrom(raw);
      faultCounts = cfg.faults.map(() => 0);
    },
    latencySeconds(model: string, body: Record<string, unknown>): number {
      return latencySeconds(cfg.seed, model, body, cfg.models, cfg.jitter);
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        stop.abort();
        server.close(() => resolve());
        // Keep-alive, hung and half-sent connections would hold server.close() open forever.
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
