// manifest.json is written streamed, result by result; it must be byte-identical to the plain form.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { writeManifest } from '../src/manifest/build.js';
import { manifest } from './support/manifest-fixture.js';
import { tempDir } from './support/run-cli.js';

describe('writeManifest', () => {
  it('writes exactly what JSON.stringify(manifest, null, 2) would, and nothing half-written', async () => {
    const dir = await tempDir();
    // Results are written in batches: a run of a few hundred jobs spans several.
    const one = manifest().results[0]!;
    const many = Array.from({ length: 401 }, (_, i) => ({ ...one, name: `job-${i}` }));
    for (const m of [manifest(), manifest([]), manifest(many)]) {
      const path = await writeManifest(dir, m);
      expect(await readFile(path, 'utf8')).toBe(JSON.stringify(m, null, 2) + '\n');
    }
  });
});
