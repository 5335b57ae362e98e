// When to poll a prediction. Atlas has no push and no ETA, so the poller predicts: it learns
// each model's latency within the run (log-normal: median and spread of the jobs seen so far,
// scaled by video length), polls around the expected completion at fixed quantiles, and backs
// off geometrically when a job runs late. Before a model has finished once, it borrows the
// run-wide speed of other models, and before anything has finished it backs off from the floor.
import type { PlannedJob } from '../jobfile/job.js';

export interface PollBounds {
  floorMs: number;
  ceilingMs: number;
}

/** Quantiles of the latency distribution at which to poll: ~2.6 polls per prediction on average. */
export const POLL_QUANTILES = [0.3, 0.55, 0.75, 0.9, 0.97] as const;
const Z = (p: number) => normalQuantile(p);
const PRIOR_SECONDS = { image: 5, video: 60 } as const;
const PRIOR_SIGMA = 0.35;
const MIN_SIGMA = 0.05;

interface ModelStats { n: number; sumLog: number; sumLog2: number }

export interface LatencyModel {
  /** Record a finished job's latency (ms from submit to completion). */
  observe(job: PlannedJob, latencyMs: number): void;
  /** Absolute poll times (ms after submit) planned for a job, the first few; later ones back off. */
  schedule(job: PlannedJob): number[];
  /** Delay until the next poll, given how long the job has run and its polls so far. */
  nextDelay(job: PlannedJob, elapsedMs: number, lastDelayMs: number): number;
  /** What the model expects, for ETAs: median ms, or undefined before any data. */
  expectedMs(job: PlannedJob): number | undefined;
}

/** Jobs of one model differ mostly by how much they make: seconds of video, number of images. */
export function sizeFactor(job: PlannedJob): number {
  if (job.type === 'video') {
    const d = Number(job.body['duration']);
    return Number.isFinite(d) && d > 0 ? d / 5 : 1;
  }
  return 1;
}

export function createLatencyModel(bounds: PollBounds): LatencyModel {
  const byModel = new Map<string, ModelStats>();
  // Run-wide ratio of observed to prior latency, in log space: the "speed" of this account/server.
  const global: ModelStats = { n: 0, sumLog: 0, sumLog2: 0 };

  function add(s: ModelStats, x: number) { s.n++; s.sumLog += x; s.sumLog2 += x * x; }

  function distribution(job: PlannedJob): { mu: number; sigma: number } | undefined {
    const scale = Math.log(sizeFactor(job));
    const s = byModel.get(job.model);
    if (s && s.n > 0) {
      const mean = s.sumLog / s.n;
      const variance = s.n > 1 ? Math.max(0, (s.sumLog2 - s.n * mean * mean) / (s.n - 1)) : 0;
      // Few samples: lean on the prior spread so one lucky job does not make the poller overconfident.
      const w = s.n / (s.n + 3);
      const sigma = Math.max(MIN_SIGMA, Math.sqrt(w * variance + (1 - w) * PRIOR_SIGMA * PRIOR_SIGMA));
      return { mu: mean + scale, sigma };
    }
    if (global.n > 0) {
      const ratio = global.sumLog / global.n;
      return { mu: Math.log(PRIOR_SECONDS[job.type] * 1000) + ratio + scale, sigma: 0.6 };
    }
    return undefined;
  }

  function clamp(ms: number) { return Math.min(bounds.ceilingMs, Math.max(bounds.floorMs, ms)); }

  return {
    observe(job, latencyMs) {
      if (!(latencyMs > 0)) return;
      const x = Math.log(latencyMs) - Math.log(sizeFactor(job));
      let s = byModel.get(job.model);
      if (!s) byModel.set(job.model, (s = { n: 0, sumLog: 0, sumLog2: 0 }));
      add(s, x);
      add(global, x - Math.log(PRIOR_SECONDS[job.type] * 1000));
    },
    schedule(job) {
      const d = distribution(job);
      if (!d) return [];
      const times = POLL_QUANTILES.map((p) => Math.exp(d.mu + d.sigma * Z(p)));
      // Never closer together than the floor, never further apart than the ceiling.
      const out: number[] = [];
      let prev = 0;
      for (const t of times) {
        const at = prev + clamp(t - prev);
        out.push(at);
        prev = at;
      }
      return out;
    },
    nextDelay(job, elapsedMs, lastDelayMs) {
      const planned = this.schedule(job).find((t) => t > elapsedMs + 1);
      if (planned !== undefined) return clamp(planned - elapsedMs);
      // Late or unknown: back off geometrically from the floor, like a classic poller.
      return clamp(lastDelayMs > 0 ? lastDelayMs * 1.5 : bounds.floorMs);
    },
    expectedMs(job) {
      const d = distribution(job);
      return d ? Math.exp(d.mu) : undefined;
    },
  };
}

/** Inverse of the standard normal CDF (Acklam's rational approximation; |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
