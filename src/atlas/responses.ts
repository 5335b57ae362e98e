// Pure readers for every reply dialect in docs/atlas-api.md. They never throw anything
// but an AtlasError: kind 'protocol' for a reply they cannot read, or the kind a body `code`
// other than 200 says (credit, auth, not-found, …).
import { AtlasError, classifyHttp } from './errors.js';
import type { ModelInfo, Prediction, PredictionState } from './types.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** A readable name for a value's shape, never its content (which may be huge or hostile). */
function shape(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

const SNIPPET = 200;

function snippet(text: string): string {
  let t = text.trim();
  if (/^<(!doctype|html|head|body|\?xml)/i.test(t)) t = t.replace(/<[^>]*>/g, ' ');
  t = t.replace(/\s+/g, ' ').trim();
  return t.length > SNIPPET ? `${t.slice(0, SNIPPET)}…` : t;
}

function messageOf(v: unknown): string | undefined {
  if (!isObj(v)) return str(v);
  const err = v['error'];
  return (
    str(v['msg']) ??
    str(v['message']) ??
    (isObj(err) ? (str(err['message']) ?? str(err['msg'])) : undefined) ??
    str(err) ??
    str(v['detail'])
  );
}

/** The message of an error reply: msg / message / error.message / error; a trimmed snippet of a non-JSON body. */
export function errorMessage(body: unknown): string {
  if (typeof body !== 'string') {
    const found = messageOf(body);
    return found === undefined ? '' : snippet(found);
  }
  const t = body.trim();
  if (t === '') return '';
  if (t.startsWith('{') || t.startsWith('"')) {
    try {
      const found = messageOf(JSON.parse(t) as unknown);
      if (found !== undefined) return snippet(found);
    } catch {
      // not JSON: fall through to the snippet
    }
  }
  return snippet(t);
}

export { parseRetryAfter } from '../shared/retry.js';

/** The body `code`, when present: a number, or a string such as "200". */
function bodyCode(json: Obj): { present: boolean; ok: boolean; num?: number; text: string } {
  const code = json['code'];
  if (code === undefined || code === null) return { present: false, ok: true, text: '' };
  if (typeof code === 'number') return { present: true, ok: code === 200, num: code, text: String(code) };
  if (typeof code === 'string') {
    const t = code.trim();
    const n = /^\d+$/.test(t) ? Number(t) : undefined;
    // An empty or "0" string code is the conventional "no error" of some gateways; only 200 is documented.
    return { present: true, ok: n === 200, ...(n !== undefined ? { num: n } : {}), text: t.slice(0, 40) };
  }
  return { present: true, ok: false, text: shape(code) };
}

/**
 * Throw when the envelope's `code` is other than 200, as the class the code says.
 * A body code is a deliberate answer from the API, not a transport accident.
 */
export function checkBodyCode(json: unknown, op: string): void {
  if (!isObj(json)) return;
  const c = bodyCode(json);
  if (c.ok) return;
  const msg = errorMessage(json);
  const num = c.num !== undefined && Number.isSafeInteger(c.num) ? c.num : undefined;
  let kind = num !== undefined ? classifyHttp(num, msg) : classifyHttp(0, `${c.text} ${msg}`);
  if (num === undefined && kind === 'protocol') kind = 'bad-request'; // e.g. code "INVALID_MODEL": refused, nothing created
  const what = msg === '' ? 'no message' : msg;
  throw new AtlasError(kind, `${op}: the API answered code ${c.text}: ${what}`, {
    op,
    ...(num !== undefined ? { status: num } : {}),
  });
}

/** The object holding the payload: `data` of the `{code, data}` envelope, or the reply itself (bare dialect). */
function payload(json: Obj): Obj {
  const d = json['data'];
  return isObj(d) ? d : json;
}

function idOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return str(v);
}

const ID_KEYS = ['id', 'request_id', 'prediction_id', 'predictionId'] as const;

function findId(json: Obj): string | undefined {
  const d = json['data'];
  for (const holder of isObj(d) ? [d, json] : [json]) {
    for (const k of ID_KEYS) {
      const id = idOf(holder[k]);
      if (id !== undefined) return id;
    }
  }
  return undefined;
}

const COMPLETED = new Set(['completed', 'succeeded', 'success']);
const FAILED = new Set(['failed', 'error', 'canceled', 'cancelled']);
const PENDING = new Set(['created', 'pending', 'starting', 'queued', 'processing', 'running']);

function outputItem(v: unknown): string | undefined {
  if (typeof v === 'string') return str(v);
  if (isObj(v)) return str(v['url']) ?? str(v['download_url']) ?? str(v['uri']);
  return undefined;
}

/**
 * The most outputs one prediction may have. The contract's models return a handful (num_images and
 * max_images go up to 15); a reply listing more is broken or hostile, and the job fails on it rather
 * than writing thousands of files, a huge gallery and step outputs (README "Reliability").
 */
export const MAX_OUTPUTS_PER_PREDICTION = 32;

/** The outputs a reply lists (at most MAX_OUTPUTS_PER_PREDICTION kept), and how many it listed. */
function outputsOf(d: Obj): { outputs: string[]; listed: number } {
  const raw = d['outputs'] ?? d['output'];
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  const outputs: string[] = [];
  let listed = 0;
  for (const item of list) {
    const url = outputItem(item);
    if (url === undefined) continue;
    listed++;
    if (outputs.length < MAX_OUTPUTS_PER_PREDICTION) outputs.push(url);
  }
  return { outputs, listed };
}

function failureReason(d: Obj): string | undefined {
  const e = d['error'];
  const m = isObj(e) ? messageOf(e) : str(e);
  return m === undefined ? undefined : snippet(m);
}

function seconds(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Normalise a poll reply (any dialect) to a Prediction. `id` is used when the reply carries none. */
export function parsePrediction(json: unknown, id: string): Prediction {
  const op = `poll ${id}`;
  if (!isObj(json)) throw new AtlasError('protocol', `${op}: the reply is ${shape(json)}, not a JSON object`, { op });
  checkBodyCode(json, op);
  const d = payload(json);
  const rawStatus = typeof d['status'] === 'string' ? d['status'].trim() : '';
  const word = rawStatus.toLowerCase();
  const { outputs, listed } = outputsOf(d);
  const reason = failureReason(d);

  let state: PredictionState;
  if (COMPLETED.has(word)) state = 'completed';
  else if (FAILED.has(word)) state = 'failed';
  else if (PENDING.has(word)) state = 'pending';
  // Missing or unknown status word: the table says keep polling, but a reply that already
  // carries outputs (or a failure reason) has nothing more to wait for.
  else if (outputs.length > 0) state = 'completed';
  else if (reason !== undefined) state = 'failed';
  else state = 'pending';

  const p: Prediction = { id: findId(json) ?? id, state, rawStatus, outputs };
  if (listed > outputs.length) p.listedOutputs = listed;
  if (state === 'failed') {
    p.error =
      reason ??
      `the prediction ${rawStatus === '' ? 'failed' : `ended with status "${snippet(rawStatus)}"`} and gave no reason`;
  } else if (state === 'completed' && outputs.length === 0) {
    p.state = 'failed';
    p.error = `the prediction is ${snippet(rawStatus) || 'complete'} but returned no outputs`;
  }
  const metrics = d['metrics'];
  const predictTime = isObj(metrics) ? seconds(metrics['predict_time']) : undefined;
  if (predictTime !== undefined) p.predictTime = predictTime;
  const createdAt = str(d['created_at']);
  if (createdAt !== undefined) p.createdAt = createdAt;
  const completedAt = str(d['completed_at']);
  if (completedAt !== undefined) p.completedAt = completedAt;
  return p;
}

/** Read a submit reply: the prediction id, and the prediction itself when a sync-mode reply already finished it. */
export function parseSubmitReply(json: unknown): { id: string; prediction?: Prediction } {
  const op = 'submit';
  if (!isObj(json)) throw new AtlasError('protocol', `${op}: the reply is ${shape(json)}, not a JSON object`, { op });
  checkBodyCode(json, op);
  const id = findId(json);
  if (id === undefined) throw new AtlasError('protocol', `${op}: the reply carries no prediction id`, { op });
  const d = payload(json);
  const hasOutputs = outputsOf(d).listed > 0;
  const word = typeof d['status'] === 'string' ? d['status'].trim().toLowerCase() : '';
  if (!hasOutputs && !COMPLETED.has(word) && !FAILED.has(word)) return { id };
  return { id, prediction: parsePrediction(json, id) };
}

/** The URL of an uploaded file: data.download_url, top-level url, or data.url. */
export function parseUploadReply(json: unknown): string {
  const op = 'upload';
  if (!isObj(json)) throw new AtlasError('protocol', `${op}: the reply is ${shape(json)}, not a JSON object`, { op });
  checkBodyCode(json, op);
  const d = json['data'];
  const url =
    (isObj(d) ? str(d['download_url']) : undefined) ?? str(json['url']) ?? (isObj(d) ? str(d['url']) : undefined);
  if (url === undefined) throw new AtlasError('protocol', `${op}: the reply carries no download_url or url`, { op });
  return url;
}

/** The model list: `code` 200 or "200"; prices are strings. Entries without a model id are skipped. */
export function parseModels(json: unknown): ModelInfo[] {
  const op = 'models';
  if (!isObj(json) && !Array.isArray(json))
    throw new AtlasError('protocol', `${op}: the reply is ${shape(json)}, not a JSON object`, { op });
  if (isObj(json)) checkBodyCode(json, op);
  const list = Array.isArray(json) ? json : json['data'];
  if (!Array.isArray(list)) throw new AtlasError('protocol', `${op}: the reply carries no model list`, { op });
  const models: ModelInfo[] = [];
  for (const item of list) {
    if (!isObj(item)) continue;
    const model = str(item['model']) ?? str(item['id']);
    if (model === undefined) continue;
    const info: ModelInfo = { model, type: str(item['type']) ?? '' };
    const displayName = str(item['displayName']);
    if (displayName !== undefined) info.displayName = displayName;
    const price = item['price'];
    const actual = isObj(price) ? price['actual'] : undefined;
    const base = isObj(actual) ? seconds(actual['base_price']) : undefined;
    if (base !== undefined) info.basePrice = base;
    models.push(info);
  }
  return models;
}
