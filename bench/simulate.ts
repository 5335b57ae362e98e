// Pollers replayed on the latencies the emulator actually used, so one bench run yields
// three comparable figures: the floor (every completion seen at once), the tutorial's
// fixed-backoff poller, and an informed poller that knew each model's latency distribution.
// All in simulated seconds; jobs start in file order at a fixed concurrency.

/** Poll times (seconds after submit) a poller would use for one job. */
export type PollPlan = (job: { model: string; typical: number }) => Iterable<number>;

export interface SimResult {
  makespan: number;
  pollsPerPrediction: number;
  delays: number[];
}

/** Greedy list scheduling: each job takes the first free slot; its slot frees when the poller notices completion. */
export function simulate(
  jobs: Array<{ model: string; latency: number; typical: number }>,
  concurrency: number,
  plan: PollPlan | null,
): SimResult {
  const free: number[] = Array.from({ length: Math.max(1, concurrency) }, () => 0);
  let polls = 0;
  let makespan = 0;
  const delays: number[] = [];
  for (const job of jobs) {
    // Earliest free slot.
    let k = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[k]!) k = i;
    const start = free[k]!;
    let seen = job.latency;
    if (plan) {
      for (const t of plan(job)) {
        polls++;
        if (t >= job.latency) {
          seen = t;
          break;
        }
      }
    }
    delays.push(seen - job.latency);
    free[k] = start + seen;
    makespan = Math.max(makespan, start + seen);
  }
  return { makespan, pollsPerPrediction: plan ? polls / jobs.length : 0, delays };
}

/** The tutorial's script: first poll after 5 s, then ×1.5 up to 30 s between polls. */
export const tutorialPlan: PollPlan = function* () {
  let t = 0;
  let wait = 5;
  for (;;) {
    t += wait;
    yield t;
    wait = Math.min(30, wait * 1.5);
  }
};

/**
 * A poller that knows each job's typical latency (its model's, scaled by video length) and the spread
 * from the start, and polls on the same optimal inspection schedule as ours with the same poll cost,
 * then backs off by 1.5× when a job runs late. What ours would do with perfect knowledge of the models.
 */
export function informedPlan(
  sigma: number,
  kappa: number,
  schedule: (sigma: number, kappa: number) => number[],
): PollPlan {
  return function* (job) {
    const times = schedule(sigma, kappa / job.typical).map((t) => t * job.typical);
    let last = 0;
    let wait = kappa;
    for (const t of times) {
      yield t;
      wait = Math.max(kappa, t - last);
      last = t;
    }
    for (;;) {
      wait *= 1.5;
      last += wait;
      yield last;
    }
  };
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}
