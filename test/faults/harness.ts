// Starts one emulator per test (closed after it) and runs a job file through the CLI in-process.
import { afterEach } from 'vitest';
import { join } from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/server.js';
import { FAST_POLL, runCli, tempDir, writeJobFile, type CliRun } from '../support/run-cli.js';

export function emulators(): (opts?: EmulatorOptions) => Promise<Emulator> {
  const open: Emulator[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((e) => e.close()));
  });
  return async (opts = {}) => {
    const e = await startEmulator({ timeScale: 1000, ...opts });
    open.push(e);
    return e;
  };
}

export interface Workspace {
  dir: string;
  config: string;
  out: string;
  run(args?: string[], opts?: { apiKey?: string; outputDir?: string }): Promise<CliRun>;
}

/** A temp dir with the job file in it; run() runs it against the emulator, same output dir every time. */
export async function workspace(emu: Emulator, yamlText: string): Promise<Workspace> {
  const dir = await tempDir('atlas-fault-');
  const config = await writeJobFile(dir, yamlText);
  const out = join(dir, 'out');
  return {
    dir,
    config,
    out,
    run: (args = [], opts = {}) =>
      runCli(['run', '--config', config, ...FAST_POLL, ...args], {
        baseUrl: emu.url,
        outputDir: opts.outputDir ?? out,
        ...(opts.apiKey !== undefined ? { apiKey: opts.apiKey } : {}),
      }),
  };
}
