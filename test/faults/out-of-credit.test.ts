// Fault class: the account runs out of credit mid-batch. Submits stop at once; what is in flight
// finishes and is downloaded; the rest is skipped; the run fails; a re-run after topping up pays only
// for what was never made.
import { describe, expect, it } from 'vitest';
import { assertInvariants, jobFile, VID } from './invariants.js';
import { emulators, workspace } from './harness.js';

const emulator = emulators();
const six = jobFile(
  [1, 2, 3, 4, 5, 6].map((i) => ({ name: `clip ${i}`, prompt: `clip ${i}`, model: VID, extra: ['duration: 5'] })),
  ['max_workers: 4'],
);

describe('out of credit mid-batch', () => {
  it.each([
    { status: 402, message: 'payment required' },
    { status: 400, message: 'Insufficient balance, please top up' },
  ])(
    'HTTP $status "$message" after 3 submits: the 3 in flight finish, no further submit, the rest skipped, exit 1; a re-run pays only for the rest',
    async ({ status, message }) => {
      const emu = await emulator({
        faults: [{ op: 'submit', kind: 'status', status, message, skip: 3, times: Infinity }],
      });
      const ws = await workspace(emu, six);
      const run = await ws.run();
      const { manifest } = await assertInvariants(emu, run, { exitCode: 1 });
      const by = (s: string) => manifest.results.filter((r) => r.status === s);
      expect(by('success')).toHaveLength(3);
      expect(by('failed')).toHaveLength(1);
      expect(by('failed')[0]!.error_kind).toBe('credit');
      expect(by('skipped')).toHaveLength(2);
      for (const r of by('skipped')) expect(r.error).toMatch(/credit/);
      expect(manifest.run.stopped).toMatch(/credit/);
      expect(emu.stats().submitsReceived).toBe(4);
      expect(emu.stats().maxRunning).toBeGreaterThanOrEqual(2);

      // Topped up: the same output dir, no faults.
      emu.setOptions({ faults: [] });
      const again = await ws.run();
      const second = await assertInvariants(emu, again, { exitCode: 0 });
      expect(second.manifest.cached).toBe(3);
      expect(second.manifest.successful).toBe(6);
      expect(Object.values(emu.stats().createdByPrompt)).toEqual([1, 1, 1, 1, 1, 1]);
    },
  );
});
