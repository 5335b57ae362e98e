// The environment the real @actions/artifact client reads, pointed at the local results-service fake.
// @actions/artifact 6 reads these at call time (not at import), but apply them before importing anyway.

export type EnvPatch = Record<string, string | undefined>;

/** Env for DefaultArtifactClient: token + results URL; GITHUB_SERVER_URL unset so the client does not see GHES. */
export function artifactEnv(service: { url: string; runtimeToken: string }): EnvPatch {
  return {
    ACTIONS_RUNTIME_TOKEN: service.runtimeToken,
    ACTIONS_RESULTS_URL: service.url,
    GITHUB_SERVER_URL: undefined,
    // Would cap retentionDays and hide what the caller passed.
    GITHUB_RETENTION_DAYS: undefined,
    ACTIONS_ARTIFACT_UPLOAD_CONCURRENCY: undefined,
    ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS: undefined,
  };
}

/** Apply `patch` to process.env (undefined deletes); returns a function that restores the previous values. */
export function applyEnv(patch: EnvPatch): () => void {
  const saved: EnvPatch = {};
  for (const [k, v] of Object.entries(patch)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Run fn with `patch` applied, restoring the environment afterwards even if fn throws. */
export async function withEnv<T>(patch: EnvPatch, fn: () => Promise<T> | T): Promise<T> {
  const restore = applyEnv(patch);
  try {
    return await fn();
  } finally {
    restore();
  }
}
