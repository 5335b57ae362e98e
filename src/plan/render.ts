import { formatUsd, roundUsd } from '../cost/prices.js';
import type { Plan } from './types.js';
import { twinNote, twinsOf } from './twins.js';

/** A plain-text table of the plan and its estimate, for dry runs and refusals. */
export function renderPlan(plan: Plan): string {
  const twins = twinsOf(plan.jobs);
  const estimate = (j: Plan['jobs'][number]): string => {
    const twin = twins.get(j.index);
    if (twin) return `${formatUsd(0)} (${twinNote(twin)})`;
    return formatUsd(j.estimate.cost) + (j.estimate.note ? ` (${j.estimate.note})` : '');
  };
  const rows = plan.jobs.map((j) => [
    j.name,
    j.type,
    j.model,
    `${j.estimate.units} ${j.estimate.unit}${j.estimate.units === 1 ? '' : 's'}`,
    estimate(j),
  ]);
  const header = ['job', 'type', 'model', 'units', 'estimate'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const byModel = new Map<string, { jobs: number; cost: number }>();
  for (const j of plan.jobs) {
    const m = byModel.get(j.model) ?? { jobs: 0, cost: 0 };
    m.jobs++;
    m.cost = roundUsd(m.cost + (twins.has(j.index) ? 0 : j.estimate.cost));
    byModel.set(j.model, m);
  }
  return [
    line(header),
    ...rows.map(line),
    '',
    ...[...byModel].map(([model, m]) => `${model}: ${m.jobs} job${m.jobs === 1 ? '' : 's'}, ${formatUsd(m.cost)}`),
    `Estimated total: ${formatUsd(plan.estimatedCost)} for ${plan.jobs.length} job${plan.jobs.length === 1 ? '' : 's'} at concurrency ${plan.concurrency}; output in ${plan.outputDir}`,
  ].join('\n');
}
