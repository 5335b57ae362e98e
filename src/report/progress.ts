// One line that says where a run is, for the CLI's live line and the action's periodic log line.
import { formatUsd } from '../cost/prices.js';
import type { Progress } from '../engine/run.js';

export function formatProgress(p: Progress, elapsedMs: number): string {
  const parts = [
    `${p.done}/${p.total} done`,
    `${p.running} running`,
    `${p.queued} queued`,
    ...(p.failed ? [`${p.failed} failed`] : []),
    `${formatUsd(p.spent)} spent`,
    `${formatDuration(elapsedMs)} elapsed`,
  ];
  if (p.done > 0 && p.done < p.total) {
    // Throughput so far is the honest ETA for a batch: it already includes polling and downloads.
    const eta = (elapsedMs / p.done) * (p.total - p.done);
    parts.push(`ETA ${formatDuration(eta)}`);
  }
  return parts.join(' · ');
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
