// In-memory stand-ins for the engine's phase tests: an AtlasClient whose replies a test scripts,
// a journal held in a Map, a download that writes nothing, and a RunContext built from them.
// No HTTP: the phases are tested alone here; the emulator tests cover the real client.
import { setMaxListeners } from 'node:events';
import type { AtlasClient, Prediction, SubmitResult } from '../../src/atlas/types.js';
import { AtlasError } from '../../src/atlas/errors.js';
import type { PlannedJob } from '../../src/jobfile/job.js';
import type { Journal, JournalEntry } from '../../src/journal/journal.js';
import { memoryLog } from '../../src/shared/log.js';
import { createSlots } from '../../src/engine/slots.js';
import { fixedConcurrency } from '../../src/engine/concurrency.js';
import { createLatencyModel } from '../../src/engine/latency.js';
import {
  blankResult,
  createRunState,
  type DownloadFn,
  type EngineOptions,
  type RunContext,
  type SlotHandle,
} from '../../src/engine/state.js';

export function plannedJob(over: Partial<PlannedJob> = {}): PlannedJob {
  const name = over.name ?? 'hero';
  return {
    index: 0,
    name,
    fileStem: name,
    type: 'image',
    model: 'acme/image',
    prompt: 'a cat',
    body: { model: 'acme/image', prompt: 'a cat' },
    timeoutMs: 60_000,
    identity: `id-${name}`,
    estimate: { unit: 'image', units: 1, unitPrice: 0.04, cost: 0.04, source: 'table' },
    ...over,
  } as PlannedJob;
}

export function prediction(id: string, state: Prediction['state'], outputs: string[] = []): Prediction {
  return { id, state, rawStatus: state, outputs };
}

type Step<T> = T | Error | ((signal?: AbortSignal) => Promise<T>);

/** A client that answers from scripted queues (the last step repeats) and counts its calls. */
export function fakeClient(script: { submit?: Step<SubmitResult>[]; poll?: Step<Prediction>[] }) {
  const calls = { submit: 0, poll: 0 };
  const take = async <T>(steps: Step<T>[] | undefined, n: number, signal?: AbortSignal): Promise<T> => {
    const s = steps?.[Math.min(n, (steps?.length ?? 1) - 1)];
    if (s === undefined) throw new Error('not scripted');
    if (s instanceof Error) throw s;
    if (typeof s === 'function') return (s as (signal?: AbortSignal) => Promise<T>)(signal);
    return s;
  };
  const client: AtlasClient = {
    submit: (_type, _body, signal) => take(script.submit, calls.submit++, signal),
    poll: (_id, signal) => take(script.poll, calls.poll++, signal),
    uploadMedia: async () => 'https://uploads.example/file',
    listModels: async () => [],
  };
  return { client, calls };
}

/** A poll that never answers until its signal aborts (a reply that never ends). */
export function hangingPoll(signal?: AbortSignal): Promise<Prediction> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(new AtlasError('aborted', 'poll: aborted', { op: 'poll' })), {
      once: true,
    });
  });
}

export function rateLimited(retryAfterMs?: number): AtlasError {
  return new AtlasError('rate-limited', 'submit: HTTP 429', {
    op: 'submit',
    status: 429,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

export function memoryJournal(prior: Omit<JournalEntry, 'at'>[] = []): Journal & { entries: JournalEntry[] } {
  const entries: JournalEntry[] = [];
  const latest = new Map<string, JournalEntry>();
  const add = (e: Omit<JournalEntry, 'at'>) => {
    const full = { ...e, at: new Date().toISOString() };
    const prev = latest.get(e.identity);
    latest.set(e.identity, { ...full, prediction_id: e.prediction_id ?? prev?.prediction_id });
    return full;
  };
  for (const e of prior) add(e);
  return {
    entries,
    path: ':memory:',
    latest: (identity) => latest.get(identity),
    record: async (e) => {
      entries.push(add(e));
    },
    close: async () => undefined,
  };
}

/** A download that writes nothing and reports a PNG, or fails for the sources given. */
export function fakeDownload(failing: Set<string> = new Set()): DownloadFn & { sources: string[] } {
  const sources: string[] = [];
  const fn = async (source: string, destStem: string, signal: AbortSignal) => {
    sources.push(source);
    if (signal.aborted) throw new Error('download aborted');
    if (failing.has(source)) throw new Error(`download of ${source}: HTTP 404 not found`);
    return { path: `${destStem}.png`, bytes: 3, sha256: 'abc', contentType: 'image/png', ext: 'png' };
  };
  return Object.assign(fn, { sources });
}

export interface TestContext {
  ctx: RunContext;
  hard: AbortController;
  submitting: AbortController;
  slot: SlotHandle & { released: number };
}

export function testContext(
  client: AtlasClient,
  extra: { journal?: Journal; download?: DownloadFn; opts?: Partial<EngineOptions>; jobs?: PlannedJob[] } = {},
): TestContext {
  const opts: EngineOptions = {
    outputDir: '/nonexistent-output-dir',
    concurrency: 2,
    maxConcurrency: 2,
    downloadConcurrency: 2,
    poll: { floorMs: 1, ceilingMs: 5 },
    notFoundGraceMs: 0,
    retryUnknownSubmits: false,
    graceMs: 0,
    ...extra.opts,
  };
  const slots = createSlots(2);
  const hard = new AbortController();
  const submitting = new AbortController();
  setMaxListeners(0, hard.signal, submitting.signal);
  const state = createRunState(extra.jobs?.length ?? 1);
  const { log } = { log: memoryLog() };
  const ctx: RunContext = {
    opts,
    client,
    download: extra.download ?? fakeDownload(),
    log,
    journal: extra.journal,
    latency: createLatencyModel(opts.poll),
    prepareBody: undefined,
    uploadFile: async () => 'https://uploads.example/file',
    slots,
    control: fixedConcurrency(slots, 2),
    downloads: createSlots(2),
    submitting: submitting.signal,
    hard: hard.signal,
    haltSubmits: (s) => {
      state.stop ??= s;
      submitting.abort(new Error(s.reason));
    },
    byName: new Map((extra.jobs ?? []).map((j) => [j.name, j])),
    twinOf: new Map(),
    state,
  };
  const slot = {
    released: 0,
    release() {
      slot.released++;
    },
    reacquire: async () => undefined,
  };
  return { ctx, hard, submitting, slot };
}

export const freshResult = (job: PlannedJob) => blankResult(job, new Date().toISOString());
