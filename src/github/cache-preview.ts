// A dry run restores the Actions cache without ever saving it: the earlier run's manifest is what
// the plan is compared with (for a pull request, the base branch's latest entry).
import type { Log } from '../shared/log.js';
import { cacheServiceAvailable, restoreOutputs, runCacheKeys } from './cache.js';

export async function restoreForComparison(
  plan: { configPath: string; outputDir: string; jobs: ReadonlyArray<{ identity: string }> },
  settings: { cache: boolean; shard?: { index: number; total: number } },
  env: NodeJS.ProcessEnv,
  log: Log,
): Promise<void> {
  if (!settings.cache || !cacheServiceAvailable(env)) return;
  const keys = runCacheKeys(plan, settings, env);
  await restoreOutputs(plan.outputDir, keys, log);
}
