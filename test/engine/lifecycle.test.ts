// The per-job phases of the engine, each alone, over a fake in-memory client, journal and
// download (test/engine/fakes.ts): no HTTP, no timing luck — a hanging call only ends when the
// signal the phase is meant to pass it fires.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AtlasError } from '../../src/atlas/errors.js';
import { fromJournal } from '../../src/engine/lifecycle/reuse.js';
import { submitGate, submitJob } from '../../src/engine/lifecycle/submit.js';
import { pollUntilDone } from '../../src/engine/lifecycle/poll.js';
import { settleFinished } from '../../src/engine/lifecycle/fetch-outputs.js';
import { runLifecycle } from '../../src/engine/lifecycle/job.js';
import {
  fakeClient,
  fakeDownload,
  freshResult,
  hangingPoll,
  memoryJournal,
  plannedJob,
  prediction,
  rateLimited,
  testContext,
} from './fakes.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('reuse or resume from the journal', () => {
  it('reuses outputs that are on disk with their recorded size, at no cost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'engine-reuse-'));
    dirs.push(dir);
    await mkdir(join(dir, 'images'));
    await writeFile(join(dir, 'images/hero.png'), 'png');
    const job = plannedJob();
    const file = { url: 'https://o/1', path: 'images/hero.png', sha256: 'x', bytes: 3, content_type: 'image/png' };
    const journal = memoryJournal([
      { identity: job.identity, name: job.name, event: 'downloaded', prediction_id: 'p1', files: [file] },
    ]);
    const { ctx } = testContext(fakeClient({}).client, { journal, opts: { outputDir: dir } });
    const v = await fromJournal(ctx, job, freshResult(job));
    expect(v).toMatchObject({ kind: 'settled', result: { status: 'cached', cost: 0, prediction_id: 'p1' } });
    expect(v.kind === 'settled' && v.result.local_path).toBe('images/hero.png');
  });

  it('submits again when a reused file has the wrong size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'engine-reuse-'));
    dirs.push(dir);
    await writeFile(join(dir, 'hero.png'), 'pn');
    const job = plannedJob();
    const file = { url: null, path: 'hero.png', sha256: 'x', bytes: 3, content_type: 'image/png' };
    const journal = memoryJournal([{ identity: job.identity, name: job.name, event: 'downloaded', files: [file] }]);
    const { ctx } = testContext(fakeClient({}).client, { journal, opts: { outputDir: dir } });
    expect(await fromJournal(ctx, job, freshResult(job))).toEqual({ kind: 'submit' });
  });

  it('never resends a submit whose fate is unknown', async () => {
    const job = plannedJob();
    const journal = memoryJournal([{ identity: job.identity, name: job.name, event: 'submitting' }]);
    const { ctx } = testContext(fakeClient({}).client, { journal });
    const v = await fromJournal(ctx, job, freshResult(job));
    expect(v).toMatchObject({ kind: 'settled', result: { status: 'unknown', error_kind: 'unknown-fate' } });
  });

  it('resumes a prediction paid for earlier; a refused one is submitted again', async () => {
    const job = plannedJob();
    const other = plannedJob({ name: 'other' });
    const journal = memoryJournal([
      { identity: job.identity, name: job.name, event: 'submitted', prediction_id: 'p9' },
      { identity: other.identity, name: other.name, event: 'refused', error: 'HTTP 400' },
    ]);
    const { ctx } = testContext(fakeClient({}).client, { journal });
    expect(await fromJournal(ctx, job, freshResult(job))).toEqual({ kind: 'resume', predictionId: 'p9' });
    expect(await fromJournal(ctx, other, freshResult(other))).toEqual({ kind: 'submit' });
  });
});

describe('submit', () => {
  it('gives the slot back on each 429 and queues the job again until Atlas takes it', async () => {
    const { client, calls } = fakeClient({ submit: [rateLimited(0), rateLimited(), { id: 'p1', attempts: 1 }] });
    const journal = memoryJournal();
    const t = testContext(client, { journal });
    const job = plannedJob();
    const r = freshResult(job);
    const out = await submitJob(t.ctx, job, r, t.slot);
    expect(out).toMatchObject({ kind: 'submitted', predictionId: 'p1' });
    expect(calls.submit).toBe(3);
    expect(t.slot.released).toBe(2);
    expect(t.ctx.state.rateLimited).toBe(2);
    expect(r.attempts.submits).toBe(3);
    expect(t.ctx.state.reserved).toBe(0);
    expect(journal.entries.map((e) => e.event)).toEqual(['submitting', 'submitted']);
  });

  it('out of credit fails the job and stops all submitting', async () => {
    const credit = new AtlasError('credit', 'submit: HTTP 402: insufficient balance', { op: 'submit', status: 402 });
    const journal = memoryJournal();
    const t = testContext(fakeClient({ submit: [credit] }).client, { journal });
    const job = plannedJob();
    const out = await submitJob(t.ctx, job, freshResult(job), t.slot);
    expect(out).toMatchObject({ kind: 'settled', result: { status: 'failed', error_kind: 'credit' } });
    expect(t.ctx.state.stop?.kind).toBe('credit');
    expect(t.submitting.signal.aborted).toBe(true);
    expect(journal.entries.map((e) => e.event)).toEqual(['submitting', 'refused']);
    const next = plannedJob({ name: 'next' });
    expect(submitGate(t.ctx, next, freshResult(next))).toMatchObject({ status: 'skipped', error_kind: 'credit' });
  });

  it('a submit of unknown fate is journalled as unknown and not resent', async () => {
    const unknown = new AtlasError('unknown-fate', 'submit: the prediction may or may not have been created', {
      op: 'submit',
    });
    const { client, calls } = fakeClient({ submit: [unknown] });
    const journal = memoryJournal();
    const t = testContext(client, { journal });
    const job = plannedJob();
    const out = await submitJob(t.ctx, job, freshResult(job), t.slot);
    expect(out).toMatchObject({ kind: 'settled', result: { status: 'unknown', error_kind: 'unknown-fate' } });
    expect(calls.submit).toBe(1);
    expect(journal.entries.at(-1)?.event).toBe('unknown');
  });

  it('skips a job that would pass max-cost, counting what is being submitted', async () => {
    const t = testContext(fakeClient({}).client, { opts: { maxCost: 0.05 } });
    t.ctx.state.spent = 0.01;
    t.ctx.state.reserved = 0.01;
    const job = plannedJob();
    expect(submitGate(t.ctx, job, freshResult(job))).toMatchObject({ status: 'skipped', error_kind: 'budget' });
    t.ctx.state.reserved = 0;
    expect(submitGate(t.ctx, job, freshResult(job))).toBeUndefined();
  });
});

describe('poll until done', () => {
  const target = (signal: AbortSignal) => ({ predictionId: 'p1', submittedAtMs: Date.now(), resumed: false, signal });

  it('polls through transient failures until the prediction finishes', async () => {
    const flaky = new AtlasError('network', 'poll p1: connection failed', { op: 'poll p1' });
    const { client } = fakeClient({ poll: [prediction('p1', 'pending'), flaky, prediction('p1', 'completed', ['u'])] });
    const t = testContext(client);
    const job = plannedJob();
    const r = freshResult(job);
    const out = await pollUntilDone(t.ctx, job, r, target(t.hard.signal));
    expect(out).toMatchObject({ kind: 'done', finished: { state: 'completed' } });
    expect(r.attempts.polls).toBe(3);
  });

  it('fails at once on an error polling cannot fix', async () => {
    const bad = new AtlasError('auth', 'poll p1: HTTP 401', { op: 'poll p1', status: 401 });
    const t = testContext(fakeClient({ poll: [bad] }).client);
    const job = plannedJob();
    const out = await pollUntilDone(t.ctx, job, freshResult(job), target(t.hard.signal));
    expect(out).toMatchObject({ kind: 'settled', result: { status: 'failed', error_kind: 'auth' } });
  });

  it('a poll in progress ends as cancelled when the grace period after a cancel is over', async () => {
    const t = testContext(fakeClient({ poll: [hangingPoll] }).client);
    const job = plannedJob();
    const polled = pollUntilDone(t.ctx, job, freshResult(job), target(t.hard.signal));
    setImmediate(() => t.hard.abort(new Error('cancelled')));
    expect(await polled).toMatchObject({ kind: 'settled', result: { status: 'failed', error_kind: 'cancelled' } });
  });

  it("a poll whose reply never ends is cut off at the job's deadline: timeout, prediction id kept", async () => {
    const job = plannedJob({ timeoutMs: 300 });
    const journal = memoryJournal([
      { identity: job.identity, name: job.name, event: 'submitted', prediction_id: 'p7' },
    ]);
    const { client, calls } = fakeClient({ poll: [hangingPoll] });
    const t = testContext(client, { journal });
    const r = await runLifecycle(t.ctx, job, freshResult(job), t.slot);
    expect(r).toMatchObject({ status: 'failed', error_kind: 'timeout', prediction_id: 'p7' });
    expect(r.error).toContain('p7');
    expect(calls.poll).toBe(1);
  });
});

describe('outputs of a finished prediction', () => {
  it('a failed generation is journalled and reported as such', async () => {
    const journal = memoryJournal();
    const t = testContext(fakeClient({}).client, { journal });
    const job = plannedJob();
    const r = { ...freshResult(job), prediction_id: 'p1' };
    const failed = { ...prediction('p1', 'failed'), error: 'NSFW' };
    const out = await settleFinished(t.ctx, job, r, failed, t.hard.signal);
    expect(out).toMatchObject({ status: 'failed', error_kind: 'generation', error: 'NSFW', cost: 0 });
    expect(journal.entries.map((e) => [e.event, e.prediction_id])).toEqual([['failed', 'p1']]);
  });

  it('downloads every output and journals the files; a missing one fails the job but keeps what was paid', async () => {
    const download = fakeDownload(new Set(['https://o/2']));
    const journal = memoryJournal();
    const t = testContext(fakeClient({}).client, { journal, download, opts: { outputDir: '/out' } });
    const job = plannedJob();
    const ok = await settleFinished(
      t.ctx,
      job,
      { ...freshResult(job), prediction_id: 'p1' },
      prediction('p1', 'completed', ['https://o/1']),
      t.hard.signal,
    );
    expect(ok).toMatchObject({ status: 'success', local_path: 'images/hero.png', cost: 0.04 });
    expect(journal.entries.map((e) => e.event)).toEqual(['completed', 'downloaded']);

    const two = await settleFinished(
      t.ctx,
      job,
      { ...freshResult(job), prediction_id: 'p2' },
      prediction('p2', 'completed', ['https://o/1', 'https://o/2']),
      t.hard.signal,
    );
    expect(two).toMatchObject({ status: 'failed', error_kind: 'download' });
    expect(two.cost).toBeGreaterThan(0);
    expect(two.outputs.map((o) => o.path)).toEqual(['images/hero-1.png', null]);
    expect(journal.entries.at(-1)?.event).toBe('completed');
  });

  it("a download in progress is cut off at the job's deadline: timeout, not a download failure", async () => {
    const hanging = Object.assign(
      (_s: string, _d: string, signal: AbortSignal) =>
        new Promise<never>((_r, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      { sources: [] },
    );
    const t = testContext(fakeClient({}).client, { download: hanging });
    const job = plannedJob({ timeoutMs: 200 });
    const signal = AbortSignal.any([t.hard.signal, AbortSignal.timeout(200)]);
    const r = { ...freshResult(job), prediction_id: 'p3' };
    const out = await settleFinished(t.ctx, job, r, prediction('p3', 'completed', ['https://o/1']), signal);
    expect(out).toMatchObject({ status: 'failed', error_kind: 'timeout', prediction_id: 'p3' });
  });
});
