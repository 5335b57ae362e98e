// Identical twins: two jobs with the same model, prompt and parameters under different names. Both
// are jobs the user asked for: one prediction is made, both end well with the same bytes under
// their own names, the cost is counted once, and the plan says so before anything is paid.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertInvariants, jobFile } from '../faults/invariants.js';
import { emulators, workspace } from '../faults/harness.js';

const emulator = emulators();
const TWINS = jobFile([
  { name: 'hero', prompt: 'a red bicycle' },
  { name: 'hero-copy', prompt: 'a red bicycle' },
  { name: 'other', prompt: 'a blue kite' },
]);

describe('identical twins', () => {
  it('both succeed from one prediction: same id and bytes, cost counted once; a re-run reuses both', async () => {
    const emu = await emulator();
    const ws = await workspace(emu, TWINS);
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(emu.stats().createdByPrompt).toEqual({ 'a red bicycle': 1, 'a blue kite': 1 });
    const [hero, copy] = manifest.results;
    expect(hero).toMatchObject({ status: 'success', cost: 0.04 });
    expect(copy).toMatchObject({
      status: 'success',
      cost: 0,
      cost_note: 'cost 0, shared with hero',
      prediction_id: hero!.prediction_id,
    });
    expect(copy!.outputs[0]!.path).toBe('images/hero-copy.png');
    const a = await readFile(join(ws.out, hero!.outputs[0]!.path!));
    const b = await readFile(join(ws.out, copy!.outputs[0]!.path!));
    expect(b.equals(a)).toBe(true);
    expect(manifest.total_cost).toBe(0.08);

    const again = await ws.run();
    const second = await assertInvariants(emu, again, { exitCode: 0 });
    expect(second.manifest.results.map((r) => r.status)).toEqual(['cached', 'cached', 'cached']);
    expect(emu.stats().predictionsCreated).toBe(2);
  });

  it('when the one generation fails, the twin says so (skipped, same prediction id) and nothing is paid twice', async () => {
    const emu = await emulator({ failWhen: { match: 'bicycle', reason: 'content policy' } });
    const ws = await workspace(emu, TWINS);
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 1 });
    const [hero, copy] = manifest.results;
    expect(hero).toMatchObject({ status: 'failed', error_kind: 'generation' });
    expect(copy).toMatchObject({
      status: 'skipped',
      error_kind: 'dependency',
      cost: 0,
      prediction_id: hero!.prediction_id,
    });
    expect(copy!.error).toMatch(/same request as hero, generated once; hero ended failed: content policy/);
    expect(emu.stats().createdByPrompt['a red bicycle']).toBe(1);
  });

  it('the plan says the twin is generated once and counts it once', async () => {
    const emu = await emulator();
    const ws = await workspace(emu, TWINS);
    const run = await ws.run(['--dry-run']);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/hero-copy .*\$0\.00 \(same request as hero: generated once\)/);
    expect(run.output).toContain('Estimated total: $0.08 for 3 jobs');
    expect(emu.stats().submitsReceived).toBe(0);
  });
});
