// Fault class: HTTP 200 whose body `code` is not 200. The body code is the API answering: it is
// classified like the HTTP status it names.
import { describe, expect, it } from 'vitest';
import { assertInvariants, jobFile } from './invariants.js';
import { emulators, workspace } from './harness.js';

const emulator = emulators();

describe('a body code other than 200 with HTTP 200', () => {
  it('402 on a submit: out of credit, submits stop, the rest is skipped, exit 1', async () => {
    const emu = await emulator({
      faults: [{ op: 'submit', kind: 'body-code', status: 402, message: 'insufficient balance', skip: 1 }],
    });
    const ws = await workspace(
      emu,
      jobFile(
        [1, 2, 3, 4].map((i) => ({ name: `j${i}`, prompt: `credit ${i}` })),
        ['max_workers: 1'],
      ),
    );
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 1 });
    expect(manifest.results.map((r) => r.status)).toEqual(['success', 'failed', 'skipped', 'skipped']);
    expect(manifest.results[1]).toMatchObject({ error_kind: 'credit' });
    expect(manifest.run.stopped).toMatch(/credit/);
    expect(emu.stats().submitsReceived).toBe(2);
  });

  it('422 on a submit: that job fails bad-request (not resent), the others run; fail-on never exits 0', async () => {
    const emu = await emulator({
      faults: [{ op: 'submit', kind: 'body-code', status: 422, message: 'size not supported', match: 'odd size' }],
    });
    const ws = await workspace(
      emu,
      jobFile([
        { name: 'odd', prompt: 'odd size' },
        { name: 'even', prompt: 'even size' },
      ]),
    );
    const run = await ws.run(['--fail-on', 'never']);
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]).toMatchObject({ status: 'failed', error_kind: 'bad-request' });
    expect(manifest.results[0]!.error).toMatch(/size not supported/);
    expect(manifest.results[1]!.status).toBe('success');
    expect(emu.stats().submitsReceived).toBe(2);
    expect(manifest.run.stopped).toBeNull();
  });

  it('429 in the body on a submit: resent like HTTP 429, created once', async () => {
    const emu = await emulator({ faults: [{ op: 'submit', kind: 'body-code', status: 429, times: 2 }] });
    const ws = await workspace(emu, jobFile([{ name: 'a', prompt: 'body 429' }]));
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]).toMatchObject({ status: 'success', attempts: { submits: 3 } });
  });

  it('500 in the body on polls: polled again until done', async () => {
    const emu = await emulator({ faults: [{ op: 'poll', kind: 'body-code', status: 500, times: 2 }] });
    const ws = await workspace(emu, jobFile([{ name: 'a', prompt: 'body 500 poll' }]));
    const run = await ws.run();
    const { manifest } = await assertInvariants(emu, run, { exitCode: 0 });
    expect(manifest.results[0]!.status).toBe('success');
  });
});
