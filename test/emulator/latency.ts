// The emulator's latency model and the matching lower bound for a whole run.
// Everything here is a pure function of its arguments, so the same job file gets the same
// simulated latencies in every run and the benchmark can compute its floor without a server.
import { createHash } from 'node:crypto';

export interface ModelProfile {
  type: 'image' | 'video';
  typicalSeconds: number;
  price?: { unit: 'image' | 'second'; price: number };
}

/** Typical times from Atlas's docs (image 2–10 s, video 30 s – 3 min) and the article's prices. */
export const BUILTIN_MODELS: Readonly<Record<string, ModelProfile>> = {
  'black-forest-labs/flux-2-pro/text-to-image': {
    type: 'image',
    typicalSeconds: 4,
    price: { unit: 'image', price: 0.04 },
  },
  'google/imagen4-ultra/text-to-image': { type: 'image', typicalSeconds: 7, price: { unit: 'image', price: 0.06 } },
  'bytedance/seedance-v1.5-pro/text-to-video': {
    type: 'video',
    typicalSeconds: 45,
    price: { unit: 'second', price: 0.022 },
  },
  'bytedance/seedance-v1.5-pro/image-to-video': {
    type: 'video',
    typicalSeconds: 50,
    price: { unit: 'second', price: 0.022 },
  },
  'google/veo3.1/text-to-video': { type: 'video', typicalSeconds: 70, price: { unit: 'second', price: 0.03 } },
  'openai/sora-v2/text-to-video': { type: 'video', typicalSeconds: 90, price: { unit: 'second', price: 0.15 } },
};

/** Defaults for ids the emulator has never heard of: the real API accepts many more models than we list. */
const UNKNOWN_IMAGE: ModelProfile = { type: 'image', typicalSeconds: 5 };
const UNKNOWN_VIDEO: ModelProfile = { type: 'video', typicalSeconds: 60 };

export function profileFor(model: string, models: Readonly<Record<string, ModelProfile>>): ModelProfile {
  // `…-to-video`, `…/video-…` and the like: the id is the only hint an unknown model gives.
  return models[model] ?? (/video/i.test(model) ? UNKNOWN_VIDEO : UNKNOWN_IMAGE);
}

/** Body keys that change how the reply travels, not what is generated; they must not move the latency. */
const TRANSPORT_KEYS = new Set(['enable_sync_mode', 'enable_base64_output']);

/** JSON with sorted keys, so {a,b} and {b,a} are the same job. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The identity of a job for every seeded decision: model + the full body minus transport flags. */
export function jobKey(model: string, body: Record<string, unknown>): string {
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!TRANSPORT_KEYS.has(k)) kept[k] = v;
  kept.model = model;
  return canonicalJson(kept);
}

/** Uniform numbers in (0, 1) from a hash of the parts: a PRNG keyed by content, not by call order. */
export function seededUniforms(parts: ReadonlyArray<string | number>, count: number): number[] {
  const out: number[] = [];
  for (let block = 0; out.length < count; block++) {
    const digest = createHash('sha256')
      .update(`${block}\u0000${parts.join('\u0000')}`)
      .digest();
    for (let i = 0; i + 4 <= digest.length && out.length < count; i += 4) {
      // +0.5 keeps it strictly inside (0, 1) so log() below never sees 0.
      out.push((digest.readUInt32BE(i) + 0.5) / 2 ** 32);
    }
  }
  return out;
}

/** A standard normal draw (Box–Muller) from the hash of the parts. */
export function seededNormal(parts: ReadonlyArray<string | number>): number {
  const [u1, u2] = seededUniforms(parts, 2) as [number, number];
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Video latency grows with the clip: typical times are quoted for 5 s. */
function durationFactor(profile: ModelProfile, body: Record<string, unknown>): number {
  if (profile.type !== 'video') return 1;
  const d = Number(body.duration);
  return Number.isFinite(d) && d > 0 ? d / 5 : 1;
}

/**
 * How jobs of one model vary around its typical time. A number is the σ of a log-normal factor
 * (the original world); a band is what the issue-13 bench measures: uniform ±`halfWidth`, and one job
 * in `1/tailRate` waits in a queue `tailMin`–`tailMax` times longer.
 */
export type Jitter = number | { halfWidth: number; tailRate: number; tailMin: number; tailMax: number };

/** The issue-13 world: ±20 % uniform, 1 job in 20 queued 1.5–3× longer. */
export const BAND_JITTER: Jitter = { halfWidth: 0.2, tailRate: 0.05, tailMin: 1.5, tailMax: 3 };

/** The factor a job's latency is multiplied by, keyed by (seed, job). */
export function jitterFactor(seed: number, key: string, jitter: Jitter): number {
  if (typeof jitter === 'number') return Math.exp(seededNormal([seed, 'latency', key]) * jitter);
  const [u, q, v] = seededUniforms([seed, 'band', key], 3) as [number, number, number];
  const band = 1 + jitter.halfWidth * (2 * u - 1);
  return q < jitter.tailRate ? band * (jitter.tailMin + (jitter.tailMax - jitter.tailMin) * v) : band;
}

/** Simulated seconds a job takes: typical × duration/5 × the jitter factor, keyed by (seed, job). */
export function latencySeconds(
  seed: number,
  model: string,
  body: Record<string, unknown>,
  models: Readonly<Record<string, ModelProfile>>,
  jitter: Jitter,
): number {
  const profile = profileFor(model, models);
  return profile.typicalSeconds * durationFactor(profile, body) * jitterFactor(seed, jobKey(model, body), jitter);
}

/** Simulated seconds → real milliseconds. */
export function simToRealMs(seconds: number, timeScale: number): number {
  return (seconds * 1000) / timeScale;
}

/**
 * The best makespan any client can reach at `concurrency` if it submits in file order and sees each
 * completion the instant it happens: greedy list scheduling, each job starts on the slot that frees
 * first. Units are whatever the latencies are in.
 */
export function floorMakespan(latenciesInFileOrder: number[], concurrency: number): number {
  const slots = new Array<number>(Math.max(1, Math.floor(concurrency) || 1)).fill(0);
  let makespan = 0;
  for (const latency of latenciesInFileOrder) {
    let best = 0;
    for (let i = 1; i < slots.length; i++) if (slots[i]! < slots[best]!) best = i;
    const end = slots[best]! + latency;
    slots[best] = end;
    if (end > makespan) makespan = end;
  }
  return makespan;
}
