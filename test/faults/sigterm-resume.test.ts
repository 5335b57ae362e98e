// Fault class: the workflow is cancelled (SIGTERM) mid-batch, then re-run with the same output dir.
// The real bundled action (node dist/index.js) is run as the runner runs it, with slow videos
// (emulator time scale 50: a 5 s seedance clip takes about a second) so jobs are in flight.
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAction } from '../support/action-env.js';
import { assertInvariants, jobFile, VID } from './invariants.js';
import { emulators } from './harness.js';

const emulator = emulators();

const jobs = jobFile(
  [
    { name: 'still', prompt: 'a still first' },
    ...[1, 2, 3, 4, 5].map((i) => ({
      name: `clip ${i}`,
      prompt: `slow clip ${i}`,
      model: VID,
      extra: ['duration: 5'],
    })),
  ],
  ['max_workers: 3'],
);

async function work(): Promise<string> {
  const dir = await makeTempDir('atlas-sigterm-');
  await writeFile(join(dir, 'jobs.yml'), jobs);
  return dir;
}

const inputs = (baseUrl: string, grace: string) => ({
  config: 'jobs.yml',
  'api-key': 'test-key',
  'base-url': baseUrl,
  'output-dir': 'out',
  'poll-interval': '0.01',
  'max-poll-interval': '0.05',
  'grace-period': grace,
  'artifact-name': '',
  comment: 'never',
  // The resume under test is the journal in the output dir, not the Actions cache (no cache service here).
  cache: 'false',
});
// The first job's log group is printed when it settles: the videos are in flight by then.
const firstGroup = (stdout: string) => stdout.includes('::group::');

describe('SIGTERM mid-batch, then resume', () => {
  it('grace 0: exits non-zero with every in-flight prediction id in the manifest and journal; the re-run submits nothing twice and finishes every job', async () => {
    const emu = await emulator({ timeScale: 50 });
    const cwd = await work();
    const out = join(cwd, 'out');
    const first = await runAction({ inputs: inputs(emu.url, '0'), cwd, kill: { signal: 'SIGTERM', when: firstGroup } });
    expect(first.code, first.stdout + first.stderr).not.toBe(0);
    const { manifest, journal } = await assertInvariants(emu, { code: first.code, outputDir: out }, { exitCode: 1 });
    const cancelled = manifest.results.filter((r) => r.error_kind === 'cancelled');
    const inFlight = cancelled.filter((r) => r.status === 'failed');
    expect(
      inFlight.length,
      JSON.stringify(manifest.results.map((r) => [r.name, r.status, r.error_kind])),
    ).toBeGreaterThan(0);
    for (const r of inFlight) {
      expect(r.prediction_id).toBeTruthy();
      expect(journal.some((e) => e.prediction_id === r.prediction_id)).toBe(true);
    }
    // Every prediction Atlas made is named in the manifest (assertInvariants checked the journal too).
    const ids = new Set(manifest.results.map((r) => r.prediction_id));
    for (const p of emu.stats().predictions) expect(ids.has(p.id)).toBe(true);
    expect(manifest.results.filter((r) => r.status === 'skipped').length).toBeGreaterThan(0);
    expect(first.summary).toContain('clip');

    const second = await runAction({ inputs: inputs(emu.url, '0'), cwd });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const resumed = await assertInvariants(emu, { code: second.code, outputDir: out }, { exitCode: 0 });
    expect(resumed.manifest.results.every((r) => r.status === 'success' || r.status === 'cached')).toBe(true);
    for (const r of inFlight)
      expect(resumed.manifest.results.find((x) => x.name === r.name)!.prediction_id).toBe(r.prediction_id);
    expect(Object.values(emu.stats().createdByPrompt)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(second.stdout).toMatch(/resuming prediction/);
  });

  it('grace 5 s: what is in flight finishes and is downloaded, nothing new is submitted after the signal', async () => {
    const emu = await emulator({ timeScale: 50 });
    const cwd = await work();
    let atSignal = -1;
    const when = (stdout: string) => {
      if (!firstGroup(stdout)) return false;
      atSignal = emu.stats().submitsReceived;
      return true;
    };
    const first = await runAction({ inputs: inputs(emu.url, '5'), cwd, kill: { signal: 'SIGTERM', when } });
    const { manifest } = await assertInvariants(
      emu,
      { code: first.code, outputDir: join(cwd, 'out') },
      { exitCode: 1 },
    );
    const submitted = manifest.results.filter((r) => r.status !== 'skipped');
    // Every job that was submitted ended with its files on disk: the grace period covered it.
    for (const r of submitted) expect(r.status, r.name).toBe('success');
    expect(manifest.skipped).toBeGreaterThan(0);
    expect(emu.stats().predictionsCreated).toBe(submitted.length);
    // At most the one submit a freed slot may already have had on the wire when the signal landed.
    expect(atSignal).toBeGreaterThan(0);
    expect(emu.stats().submitsReceived).toBeLessThanOrEqual(atSignal + 1);
  });
});
