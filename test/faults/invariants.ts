// The invariants every fault-injection test asserts on what a user sees after a run (issue 4):
// 1. no job was submitted twice once the emulator received it;
// 2. every prediction the emulator created is accounted for: a completed one is on disk with the
//    bytes the emulator served (sha256 recomputed from the file), or listed in manifest.json with its
//    prediction id, its output URL when it had one, and a reason; every prediction id is in the journal;
// 3. manifest.json, report.md and index.html exist and parse;
// 4. the exit code follows fail-on.
import { expect } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '../emulator/server.js';
import { loadSampleMp4, makePng, videoChunks } from '../emulator/media.js';
import type { JobResult, Manifest } from '../../src/manifest/schema.js';
import type { JournalEntry } from '../../src/journal/journal.js';

export interface InvariantOptions {
  /** The exit code fail-on implies for this run. */
  exitCode: number;
  /** The test opted in to retry-unknown-submits: a job may have been created more than once. */
  allowResubmit?: boolean;
  /** The emulator's imageSize / videoBytes, when the test changed them. */
  imageSize?: number;
  videoBytes?: number;
}

export interface RunLike {
  code: number | null;
  outputDir: string;
}

export interface Checked {
  manifest: Manifest;
  journal: JournalEntry[];
  report: string;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let sample: Buffer | undefined;
/** The sha256 of what the emulator serves at this URL, or undefined when the URL is not one of its files. */
function servedSha(emu: Emulator, url: string | null, type: string, opts: InvariantOptions): string | undefined {
  if (url === null || !url.startsWith(`${emu.origin}/files/`)) return undefined;
  const m = /\/files\/([^/]+)\/(\d+)\?/.exec(url);
  if (!m) return undefined;
  if (type === 'image') return sha256(makePng(`${decodeURIComponent(m[1]!)}/${m[2]}`, opts.imageSize ?? 64));
  sample ??= loadSampleMp4();
  const h = createHash('sha256');
  for (const c of videoChunks(sample, opts.videoBytes)) h.update(c);
  return h.digest('hex');
}

async function readJournalLines(dir: string): Promise<JournalEntry[]> {
  let text: string;
  try {
    text = await readFile(join(dir, '.atlas-journal.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JournalEntry);
}

/** Asserts the four invariants on a finished run; returns what it read for further checks. */
export async function assertInvariants(emu: Emulator, run: RunLike, opts: InvariantOptions): Promise<Checked> {
  const stats = emu.stats();

  // (1) Never paid twice.
  if (!opts.allowResubmit) {
    const twice = Object.entries(stats.createdByPrompt).filter(([, n]) => n > 1);
    expect(twice, 'jobs the emulator created more than once').toEqual([]);
  }

  // (3) The receipts exist and parse.
  const manifest = JSON.parse(await readFile(join(run.outputDir, 'manifest.json'), 'utf8')) as Manifest;
  const report = await readFile(join(run.outputDir, 'report.md'), 'utf8');
  expect(report).toMatch(/^# /);
  expect(report).toContain(`## Jobs (${manifest.results.length})`);
  const gallery = await readFile(join(run.outputDir, 'index.html'), 'utf8');
  expect(gallery).toMatch(/<\/html>\s*$/);
  expect(manifest.results).toHaveLength(manifest.total_jobs);
  expect(manifest.successful + manifest.failed + manifest.unknown + manifest.skipped).toBe(manifest.total_jobs);
  const journal = await readJournalLines(run.outputDir);
  const journalIds = new Set(journal.map((e) => e.prediction_id).filter(Boolean));

  // (2a) Everything the manifest calls done is on disk, byte for byte what the emulator served.
  for (const r of manifest.results) {
    if (r.status !== 'success' && r.status !== 'cached') continue;
    expect(r.outputs.length, `${r.name}: outputs`).toBeGreaterThan(0);
    for (const o of r.outputs) {
      expect(o.path, `${r.name}: a succeeded output without a file`).toBeTruthy();
      const file = join(run.outputDir, o.path!);
      const bytes = await readFile(file);
      expect(sha256(bytes), `${r.name}: ${o.path} hash`).toBe(o.sha256);
      expect((await stat(file)).size).toBe(o.bytes);
      const served = servedSha(emu, o.url, r.type, opts);
      if (served !== undefined)
        expect(sha256(bytes), `${r.name}: ${o.path} differs from what the emulator served`).toBe(served);
    }
  }

  // (2b) Every prediction the emulator created is accounted for.
  const byId = new Map<string, JobResult>();
  for (const r of manifest.results) if (r.prediction_id) byId.set(r.prediction_id, r);
  for (const p of stats.predictions) {
    const r = byId.get(p.id);
    if (!r) {
      // The client never learned the id (submit fate unknown): the job must say so, with a reason.
      const prompt = (x: JobResult) => String(x.params['prompt'] ?? '');
      const unknown = manifest.results.find(
        (x) => x.status === 'unknown' && (prompt(x) === p.prompt || prompt(x).includes('***')),
      );
      // Opted in to retry-unknown-submits: the first, orphaned prediction is the accepted price of the resend.
      if (!unknown && opts.allowResubmit && manifest.results.some((x) => prompt(x) === p.prompt)) continue;
      expect(
        unknown,
        `prediction ${p.id} ("${p.prompt}", ${p.state}) is in neither the manifest nor an unknown job`,
      ).toBeTruthy();
      expect(unknown!.error).toBeTruthy();
      continue;
    }
    // Whatever happened, the id is in the journal so a re-run resumes instead of paying again.
    expect(journalIds.has(p.id), `prediction ${p.id} (${r.name}) missing from the journal`).toBe(true);
    if (r.status === 'success' || r.status === 'cached') {
      expect(p.state, `${r.name}: success for a prediction the emulator did not complete`).toBe('completed');
      continue;
    }
    // Not on disk: the manifest keeps the prediction id (matched above) and says why.
    expect(r.error, `${r.name}: ${r.status} without a reason`).toBeTruthy();
    expect(r.error_kind).toBeTruthy();
    for (const o of r.outputs) {
      if (o.path === null) {
        expect(o.url, `${r.name}: an output not downloaded lost its URL`).toBeTruthy();
        expect(o.error).toBeTruthy();
      }
    }
    if (p.state === 'completed' && r.error_kind === 'download') {
      // Its output URLs are all kept.
      expect(r.outputs.map((o) => o.url)).toEqual(p.outputs);
    }
  }

  // (4) The exit code follows fail-on.
  expect(run.code, 'exit code').toBe(opts.exitCode);
  return { manifest, journal, report };
}

// ---- shared by the fault tests ---------------------------------------------------------------

export const IMG = 'black-forest-labs/flux-2-pro/text-to-image';
export const VID = 'bytedance/seedance-v1.5-pro/text-to-video';

export interface JobSpec {
  name: string;
  prompt: string;
  model?: string;
  /** Extra YAML lines for the job, e.g. 'duration: 5' or 'timeout: 0.3'. */
  extra?: string[];
}

/** A job file as YAML text. */
export function jobFile(jobs: JobSpec[], top: string[] = []): string {
  const lines = [...top, 'jobs:'];
  for (const j of jobs) {
    lines.push(
      `  - name: ${JSON.stringify(j.name)}`,
      `    model: ${j.model ?? IMG}`,
      `    prompt: ${JSON.stringify(j.prompt)}`,
    );
    for (const e of j.extra ?? []) lines.push(`    ${e}`);
  }
  return lines.join('\n') + '\n';
}
