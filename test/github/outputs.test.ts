// The step's outputs through the real @actions/core writing to a GITHUB_OUTPUT file, as on a runner:
// a 2,000-job run stays far under GitHub's 1 MB limit; the full list stays in manifest.json.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jobResult, manifest } from '../support/manifest-fixture.js';
import {
  LIST_OUTPUT_MAX_BYTES,
  RESULTS_OUTPUT_MAX_BYTES,
  resultsOutput,
  setRunOutputs,
} from '../../src/github/deliver.js';
import { tempDir } from '../support/run-cli.js';

let dir: string;
let outputFile: string;
const saved = process.env['GITHUB_OUTPUT'];
beforeEach(async () => {
  dir = await tempDir();
  outputFile = join(dir, 'github_output');
  await writeFile(outputFile, '');
  process.env['GITHUB_OUTPUT'] = outputFile;
});
afterEach(async () => {
  if (saved === undefined) delete process.env['GITHUB_OUTPUT'];
  else process.env['GITHUB_OUTPUT'] = saved;
  await rm(dir, { recursive: true, force: true });
});

/** GITHUB_OUTPUT's `name<<delimiter` blocks, as the runner reads them. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

function bigManifest(jobs: number) {
  const results = Array.from({ length: jobs }, (_, i) =>
    jobResult({ name: `Product shot ${i + 1}`, prediction_id: `pred-${i + 1}` }),
  );
  return manifest(results);
}

describe('step outputs', () => {
  it("a 2,000-job run's outputs stay under 1 MB; results holds the first results, in order", async () => {
    const m = bigManifest(2000);
    expect(Buffer.byteLength(JSON.stringify(m.results))).toBeGreaterThan(1024 * 1024);
    setRunOutputs(m, join(dir, 'manifest.json'), dir, { artifacts: [{ id: 7, name: 'atlas-media', size: 1 }] });
    const text = await readFile(outputFile, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThan((1024 * 1024) / 2);
    const outputs = parseOutputs(text);
    expect(outputs['results-truncated']).toBe('true');
    expect(outputs['succeeded']).toBe('2000');
    const results = JSON.parse(outputs['results']!) as unknown[];
    expect(results.length).toBeGreaterThan(100);
    expect(results).toEqual(m.results.slice(0, results.length));
    expect(Buffer.byteLength(outputs['results']!)).toBeLessThanOrEqual(RESULTS_OUTPUT_MAX_BYTES);
  });

  it("a 20,000-job run's outputs stay under 1 MB: files and changed-files keep their first whole paths", async () => {
    const m = bigManifest(20_000);
    m.results.forEach(
      (r, i) => (r.outputs = r.outputs.map((o) => ({ ...o, path: `images/product-shot-${i + 1}.png` }))),
    );
    const paths = m.results.flatMap((r) => r.outputs.map((o) => o.path)).filter(Boolean);
    expect(paths.length).toBe(20_000);
    for (const r of m.results) r.change = 'new';
    setRunOutputs(m, join(dir, 'manifest.json'), dir, { artifacts: [{ id: 7, name: 'atlas-media', size: 1 }] });
    const text = await readFile(outputFile, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
    const outputs = parseOutputs(text);
    for (const name of ['files', 'changed-files']) {
      const lines = outputs[name]!.split('\n');
      expect(lines.length, name).toBeGreaterThan(1000);
      expect(lines.length, name).toBeLessThan(20_000);
      // Whole paths only, in the manifest's order.
      expect(
        lines.every((l) => l.endsWith('.png')),
        name,
      ).toBe(true);
      expect(Buffer.byteLength(outputs[name]!), name).toBeLessThanOrEqual(LIST_OUTPUT_MAX_BYTES);
    }
  });

  it('a small run gets every result, not truncated', async () => {
    const m = bigManifest(3);
    setRunOutputs(m, join(dir, 'manifest.json'), dir, { artifacts: [] });
    const outputs = parseOutputs(await readFile(outputFile, 'utf8'));
    expect(outputs['results-truncated']).toBe('false');
    expect(JSON.parse(outputs['results']!)).toEqual(m.results);
  });

  it('the cap holds exactly at its edge', () => {
    const r = [jobResult(), jobResult({ name: 'two' })];
    const one = Buffer.byteLength(JSON.stringify([r[0]]));
    expect(resultsOutput(r, one)).toEqual({ json: JSON.stringify([r[0]]), truncated: true });
    expect(resultsOutput(r, one - 1)).toEqual({ json: '[]', truncated: true });
    expect(resultsOutput(r, 10 * one).truncated).toBe(false);
  });
});
