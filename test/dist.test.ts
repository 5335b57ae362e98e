// What ships in dist/: notices for every package bundled into any chunk, source maps that lead a stack
// trace back to src/, and the CLI as a user runs it (bin/atlas-media.js in a child process).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bundledPackages, packageDirOf } from '../scripts/package.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/atlas-media.js', import.meta.url));
const run = promisify(execFile);

/** The CLI in a child process: exit code, stdout, stderr. */
async function atlasMedia(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env: { PATH: process.env['PATH'] } });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('dist/', () => {
  it('licenses.txt names every package bundled into any chunk, and nothing else', () => {
    const notices = readFileSync(new URL('../dist/licenses.txt', import.meta.url), 'utf8');
    const listed = new Set([...notices.matchAll(/^((?:@[^/\s]+\/)?[^@\s]+)@(\S+)$/gm)].map((m) => `${m[1]}@${m[2]}`));
    const bundled = new Set(bundledPackages().map((p) => `${p.name}@${p.version}`));
    expect([...listed].sort()).toEqual([...bundled].sort());
    const names = new Set(bundledPackages().map((p) => p.name));
    for (const name of ['@actions/core', '@actions/artifact', '@actions/github', 'yaml', 'zod', 'undici', 'minimatch'])
      expect(names, name).toContain(name);
  });

  it('finds the innermost package of a bundled module', () => {
    expect(packageDirOf('.././node_modules/yaml/dist/index.js')).toBe('.././node_modules/yaml');
    expect(packageDirOf('../node_modules/@actions/cache/node_modules/@azure/storage-blob/dist/x.js')).toBe(
      '../node_modules/@actions/cache/node_modules/@azure/storage-blob',
    );
    expect(packageDirOf('.././src/cli.ts')).toBeUndefined();
  });

  it("the CLI bundle's source map leads a bundle line back to its src/ line (bin/ turns maps on before loading it)", async () => {
    // A line of src/cli.ts, found in the bundle, must map back to that file and line.
    const needle = 'unexpected argument';
    const srcLine = readFileSync(new URL('../src/cli.ts', import.meta.url), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(needle));
    const bundle = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
    const lines = readFileSync(bundle, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes(needle));
    const column = lines[line]!.indexOf(needle);
    expect(srcLine).toBeGreaterThan(0);
    expect(line).toBeGreaterThan(0);
    const probe = `
      process.argv = [process.argv[0], 'atlas-media', '--version'];
      await import(${JSON.stringify(BIN)});
      const { findSourceMap } = await import('node:module');
      const map = findSourceMap(${JSON.stringify(bundle)});
      console.log(JSON.stringify(map ? map.findEntry(${line}, ${column}) : null));`;
    const r = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT });
    const entry = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { originalSource: string; originalLine: number };
    expect(entry.originalSource).toMatch(/\/src\/cli\.ts$/);
    expect(entry.originalLine).toBe(srcLine);
  });

  it('the action loads through a loader that turns source maps on first', () => {
    const loader = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8');
    expect(loader.indexOf('process.setSourceMapsEnabled(true)')).toBeGreaterThanOrEqual(0);
    expect(loader.indexOf('setSourceMapsEnabled')).toBeLessThan(loader.indexOf("import('./action/index.js')"));
    expect(readFileSync(new URL('../dist/action/index.js.map', import.meta.url), 'utf8')).toContain('src/main.ts');
  });
});

describe('bin/atlas-media.js, as a user runs it', () => {
  it('-h prints the usage on stdout, exit 0', async () => {
    const r = await atlasMedia(['-h']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage:');
    expect(r.stderr).toBe('');
  });

  it('a bad --jobs filter is exit 2 with one line and no stack trace', async () => {
    const r = await atlasMedia([
      'plan',
      '--config',
      'examples/pipeline_config.yaml',
      '--check-models',
      'false',
      '--jobs',
      'no-such-job',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^atlas-media: job filter: "no-such-job" matches no job/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
