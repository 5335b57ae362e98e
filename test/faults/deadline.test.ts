// Fault class: a prediction that never finishes. The job's own `timeout` abandons it as failed
// 'timeout' with its prediction id kept, so a re-run resumes it instead of paying again.
import { describe, expect, it } from 'vitest';
import { assertInvariants, jobFile } from './invariants.js';
import { emulators, workspace } from './harness.js';

const emulator = emulators();
const NEVER = 'acme/never-ending/text-to-video';

describe('a prediction that never finishes', () => {
  it('fails "timeout" at the job deadline with its prediction id kept; a re-run polls the same prediction, no second submit', async () => {
    const emu = await emulator({ models: { [NEVER]: { type: 'video', typicalSeconds: 1e9 } } });
    const ws = await workspace(
      emu,
      jobFile([
        { name: 'stuck', prompt: 'never ends', model: NEVER, extra: ['duration: 5', 'timeout: 0.4'] },
        { name: 'quick', prompt: 'quick one' },
      ]),
    );
    const t0 = Date.now();
    const run = await ws.run();
    expect(Date.now() - t0).toBeLessThan(10_000);
    const { manifest, journal } = await assertInvariants(emu, run, { exitCode: 1 });
    const [stuck, quick] = manifest.results;
    expect(quick!.status).toBe('success');
    expect(stuck).toMatchObject({ status: 'failed', error_kind: 'timeout' });
    const id = emu.stats().predictions.find((p) => p.prompt === 'never ends')!.id;
    expect(stuck!.prediction_id).toBe(id);
    expect(stuck!.error).toContain(id);
    expect(journal.some((e) => e.event === 'submitted' && e.prediction_id === id)).toBe(true);

    const again = await ws.run();
    const second = await assertInvariants(emu, again, { exitCode: 1 });
    expect(second.manifest.results.map((r) => r.status)).toEqual(['failed', 'cached']);
    expect(second.manifest.results[0]!.prediction_id).toBe(id);
    expect(emu.stats().createdByPrompt).toEqual({ 'never ends': 1, 'quick one': 1 });
  });
});
