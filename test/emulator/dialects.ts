// Reply shapes. Atlas's official clients disagree about where the id, the status word and the
// outputs live (see docs/atlas-api.md); each dialect is one of those variants, kept
// consistent for the whole life of a prediction so a client cannot get away with guessing per reply.

export type Dialect =
  | 'envelope'
  | 'bare'
  | 'request_id'
  | 'prediction_id'
  | 'predictionId'
  | 'top-id'
  | 'string-code'
  | 'succeeded'
  | 'success-word'
  | 'output-singular'
  | 'output-objects'
  | 'data-uri'
  | 'missing-status';

export const DIALECTS: readonly Dialect[] = [
  'envelope',
  'bare',
  'request_id',
  'prediction_id',
  'predictionId',
  'top-id',
  'string-code',
  'succeeded',
  'success-word',
  'output-singular',
  'output-objects',
  'data-uri',
  'missing-status',
];

export interface PredictionView {
  id: string;
  model: string;
  phase: 'running' | 'completed' | 'failed';
  /** Picks among the in-progress status words (the poll count), so a client sees them change. */
  tick: number;
  /** Stable per prediction: picks the object key in 'output-objects'. */
  variant: number;
  outputs: string[];
  error?: string;
  predictTime?: number;
  createdAt: string;
  completedAt?: string;
  getUrl: string;
}

function runningWords(d: Dialect): string[] | undefined {
  if (d === 'missing-status') return undefined; // "missing" means keep polling
  if (d === 'succeeded') return ['created', 'pending', 'running'];
  if (d === 'success-word') return ['pending', 'running', 'processing'];
  return ['starting', 'processing', 'queued'];
}

export function statusWord(d: Dialect, phase: PredictionView['phase'], tick: number): string | undefined {
  if (phase === 'completed') return d === 'succeeded' ? 'succeeded' : d === 'success-word' ? 'success' : 'completed';
  // 'error' is in the contract's failure list too; the Replicate-style dialect uses it.
  if (phase === 'failed') return d === 'succeeded' ? 'error' : 'failed';
  const words = runningWords(d);
  return words?.[tick % words.length];
}

const OBJECT_KEYS = ['url', 'download_url', 'uri'] as const;

function shapeOutputs(d: Dialect, view: PredictionView): Record<string, unknown> {
  if (view.phase !== 'completed') return { outputs: null };
  if (d === 'output-singular') return { output: view.outputs.length === 1 ? view.outputs[0] : view.outputs };
  if (d === 'output-objects') {
    return { outputs: view.outputs.map((u, i) => ({ [OBJECT_KEYS[(view.variant + i) % OBJECT_KEYS.length]!]: u })) };
  }
  return { outputs: view.outputs };
}

function idKey(d: Dialect): string | undefined {
  if (d === 'request_id' || d === 'prediction_id' || d === 'predictionId') return d;
  if (d === 'top-id') return undefined;
  return 'id';
}

/** The whole JSON body for a submit or poll reply about one prediction. */
export function predictionBody(d: Dialect, view: PredictionView): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const key = idKey(d);
  if (key) data[key] = view.id;
  data.model = view.model;
  const status = statusWord(d, view.phase, view.tick);
  if (status !== undefined) data.status = status;
  Object.assign(data, shapeOutputs(d, view));
  data.urls = { get: view.getUrl };
  data.error = view.phase === 'failed' ? (view.error ?? 'failed') : null;
  data.created_at = view.createdAt;
  data.completed_at = view.phase === 'running' ? null : (view.completedAt ?? null);
  if (view.phase !== 'running') data.metrics = { predict_time: view.predictTime ?? 0 };
  if (view.phase === 'completed') data.has_nsfw_contents = view.outputs.map(() => false);
  if (d === 'bare') return data;
  if (d === 'string-code') return { code: '200', message: '', data };
  if (d === 'top-id') return { code: 200, message: '', id: view.id, data };
  return { code: 200, message: '', data };
}

/** Upload reply: `data.download_url` as the clients use it; 'bare' gives the docs page's top-level `url`. */
export function uploadBody(
  d: Dialect,
  file: { url: string; type: string; filename: string; size: number },
): Record<string, unknown> {
  if (d === 'bare') return { url: file.url, type: file.type, filename: file.filename, size: file.size };
  const data = { type: file.type, download_url: file.url, filename: file.filename, size: file.size };
  return { code: d === 'string-code' ? '200' : 200, message: '', data };
}

export function errorBody(code: number, msg: string): Record<string, unknown> {
  return { code, msg };
}
