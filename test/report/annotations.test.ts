import { describe, expect, it } from 'vitest';
import { jobResult, manifest } from '../support/manifest-fixture.js';
import type { JobResult } from '../../src/manifest/schema.js';
import type { Log, Where } from '../../src/shared/log.js';
import { memoryLog } from '../../src/shared/log.js';
import { annotateFailures } from '../../src/report/annotations.js';

function recorder(): Log & { errors: Array<{ message: string; where?: Where }>; warnings: string[] } {
  const errors: Array<{ message: string; where?: Where }> = [];
  const warnings: string[] = [];
  return {
    errors,
    warnings,
    debug: () => {},
    info: () => {},
    warning: (m) => warnings.push(m),
    error: (message, where) => errors.push({ message, where }),
    group: (_t, fn) => fn(),
  };
}

function failures(n: number): JobResult[] {
  return Array.from({ length: n }, (_, i) =>
    jobResult({
      name: `Broken ${i}`,
      status: 'failed',
      error: `reason ${i}`,
      error_kind: 'bad-request',
      cost: 0,
      outputs: [],
    }),
  );
}

describe('annotateFailures', () => {
  it('annotates each failed job at its line in the job file', () => {
    const log = recorder();
    const lines: Record<string, number> = { 'Banner <Broken>': 42 };
    annotateFailures(manifest(), log, { configPath: 'jobs/media.yml', lineOf: (n) => lines[n] });
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]!.where).toEqual({
      title: 'Atlas job failed: Banner <Broken>',
      file: 'jobs/media.yml',
      line: 42,
    });
    expect(log.errors[0]!.message).toContain('content policy violation');
    expect(log.errors[0]!.message).toContain('Banner <Broken>');
  });

  it('uses the manifest config when no path is given, and no line when unknown', () => {
    const log = recorder();
    annotateFailures(manifest(), log, {});
    expect(log.errors[0]!.where).toEqual({
      title: 'Atlas job failed: Banner <Broken>',
      file: '.github/atlas-media.yml',
    });
  });

  it('says nothing when nothing failed', () => {
    const log = recorder();
    annotateFailures(manifest(manifest().results.filter((r) => r.status === 'success')), log, {});
    expect(log.errors).toHaveLength(0);
  });

  it('annotates unknown jobs with their prediction id', () => {
    const log = recorder();
    annotateFailures(
      manifest([jobResult({ name: 'Lost', status: 'unknown', prediction_id: 'pred-77', error: 'poll timed out' })]),
      log,
      {},
    );
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]!.where?.title).toBe('Atlas job outcome unknown: Lost');
    expect(log.errors[0]!.message).toContain('pred-77');
    expect(log.errors[0]!.message).toContain('pay twice');
  });

  it('stops at 10 annotations, the last one counting the rest', () => {
    const log = recorder();
    annotateFailures(manifest(failures(25)), log, { configPath: 'a.yml', lineOf: () => 3 });
    expect(log.errors.length).toBeLessThanOrEqual(10 + 1);
    expect(log.errors).toHaveLength(10);
    expect(log.errors.slice(0, 9).map((e) => e.where?.title)).toEqual(
      Array.from({ length: 9 }, (_, i) => `Atlas job failed: Broken ${i}`),
    );
    expect(log.errors[9]!.message).toBe('and 16 more failed jobs: see the job summary');
    expect(log.errors[9]!.where?.file).toBe('a.yml');
  });

  it('annotates exactly max failures without a summary line', () => {
    const log = memoryLog();
    annotateFailures(manifest(failures(10)), log, {});
    expect(log.lines.filter((l) => l.startsWith('error: '))).toHaveLength(10);
    expect(log.lines.join('\n')).not.toContain('more failed jobs');
  });

  it('honours max', () => {
    const log = recorder();
    annotateFailures(manifest(failures(5)), log, { max: 3 });
    expect(log.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('reason 0'),
      expect.stringContaining('reason 1'),
      'and 3 more failed jobs: see the job summary',
    ]);
  });

  it('keeps signed URLs and data: URIs out of the messages, and survives a throwing lineOf', () => {
    const log = recorder();
    const m = manifest([
      jobResult({
        name: 'x',
        status: 'failed',
        error:
          'GET https://b.example.test/a.png?X-Amz-Signature=secretsig failed\nsecond line data:image/png;base64,AAAAsecret',
      }),
    ]);
    annotateFailures(m, log, {
      lineOf: () => {
        throw new Error('boom');
      },
    });
    expect(log.errors[0]!.message).not.toContain('secretsig');
    expect(log.errors[0]!.message).not.toContain('AAAAsecret');
    expect(log.errors[0]!.message).not.toContain('\n');
    expect(log.errors[0]!.where?.line).toBeUndefined();
  });
});
