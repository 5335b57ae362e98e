// Fault class: a reply that is not JSON (HTTP 200, `{"code":200,"data":{`).
// On submit the client cannot know whether a prediction was made: unknown, never resent. On poll: read again.
import { describe, expect, it } from 'vitest';
import { assertInvariants, jobFile } from './invariants.js';
import { emulators, workspace } from './harness.js';

const emulator = emulators();
const pair = jobFile([
  { name: 'garbled', prompt: 'garbled reply' },
  { name: 'clean', prompt: 'clean reply' },
]);

describe('malformed JSON', () => {
  it.each([true, false])('on submit (prediction created: %s): unknown, not resent', async (created) => {
    const emu = await emulator({ faults: [{ op: 'submit', kind: 'malformed-json', match: 'garbled', created }] });
    const ws = await workspace(emu, pair);
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 1 });
    expect(manifest.results.map((r) => r.status)).toEqual(['unknown', 'success']);
    expect(manifest.results[0]!.error).toMatch(/not JSON/);
    expect(emu.stats().createdByPrompt['garbled reply']).toBe(created ? 1 : undefined);
    expect(emu.stats().submitsReceived).toBe(2);
  });

  it('on polls: read again until it parses, then the job finishes', async () => {
    const emu = await emulator({ faults: [{ op: 'poll', kind: 'malformed-json', times: 3 }] });
    const ws = await workspace(emu, pair);
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.successful).toBe(2);
    expect(emu.stats().faultsFired).toHaveLength(3);
  });
});
