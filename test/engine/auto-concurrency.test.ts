// `concurrency: auto` against an account limit the emulator enforces with 429s: every job still
// succeeds, none is paid twice, the limit is found, and 429s stay few.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { FAST_POLL, runCli, tempDir, writeJobFile } from '../support/run-cli.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const jobs = (n: number) =>
  'jobs:\n' +
  Array.from(
    { length: n },
    (_, i) => `  - name: job ${i}\n    model: black-forest-labs/flux-2-pro/text-to-image\n    prompt: product ${i}\n`,
  ).join('');

describe('concurrency: auto', () => {
  it('discovers an account limit of 4 from 429s without failing or repeating a job', async () => {
    // Nothing completes before the first 429: the limit is reached however slowly jobs are submitted.
    emu = await startEmulator({ timeScale: 200, accountConcurrency: 4, holdUntilRateLimited: 1 });
    const dir = await tempDir();
    const config = await writeJobFile(dir, jobs(60));
    const run = await runCli(
      ['run', '--config', config, '--concurrency', 'auto', '--max-concurrency', '16', ...FAST_POLL],
      { baseUrl: emu.url, outputDir: join(dir, 'out') },
    );
    expect(run.code, run.output).toBe(0);
    const m = await run.manifest();
    expect(m.successful).toBe(60);
    const s = emu.stats();
    expect(s.maxRunning).toBeLessThanOrEqual(4);
    expect(Object.values(s.createdByPrompt).every((n) => n === 1)).toBe(true);
    // Slow start overshoots once, then each probe costs at most one: fewer 429s than jobs. (How few
    // at a realistic scale is the benchmark's business: `npm run bench auto`.)
    expect(s.rateLimited).toBeLessThan(60);
    expect(run.output).toMatch(/429/);
  });

  it('honours Retry-After and queues rate-limited jobs again at a fixed concurrency', async () => {
    // Held until the limit answers 429: under load, predictions could otherwise finish before
    // the third submit arrives, and no 429 would ever be sent.
    emu = await startEmulator({
      timeScale: 1000,
      accountConcurrency: 2,
      accountRetryAfter: 0,
      holdUntilRateLimited: 1,
    });
    const dir = await tempDir();
    const config = await writeJobFile(dir, jobs(12));
    const run = await runCli(['run', '--config', config, '--concurrency', '5', ...FAST_POLL], {
      baseUrl: emu.url,
      outputDir: join(dir, 'out'),
    });
    expect(run.code, run.output).toBe(0);
    expect((await run.manifest()).successful).toBe(12);
    expect(emu.stats().rateLimited).toBeGreaterThan(0);
    expect(Object.values(emu.stats().createdByPrompt).every((n) => n === 1)).toBe(true);
  });
});
