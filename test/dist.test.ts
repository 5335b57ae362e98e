// What ships in dist/: notices for every package bundled into any chunk, source maps that lead a stack
// trace back to src/, and the CLI as a user runs it (bin/atlas-media.js in a child process).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bundledPackages, latin1Source, packageDirOf, shiftColumns } from '../scripts/package.js';

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

  it('every chunk is Latin-1 text, so V8 holds its source one byte per character', () => {
    const dist = fileURLToPath(new URL('../dist', import.meta.url));
    const chunks = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(2);
    for (const f of chunks) expect(/[\u0100-\uffff]/.exec(readFileSync(`${dist}/${f}`, 'utf8')), f).toBeNull();
  });

  it('escapes what is above Latin-1 without changing what the code does', () => {
    const code = [
      '// a comment \u2014 with arrows \u2192 \ud83d\ude00',
      'const \u0153 = \'x\u2014y\', s = "a\\\u2014b\ud83d\ude00";',
      'const re = /[\u2014\ud83d\ude00]+/u, re2 = /\u2014\\\u2192/;',
      'const t = `t \u2014 ${\u0153} \u2192`, raw = String.raw`raw \u2014`;',
      "module.exports = { \u0153, s, r1: re.test('\ud83d\ude00'), r2: re2.test('\u2014\u2192'), t, raw, o: { \u00df: 1 } };",
    ].join('\n'); // the escapes here are the characters themselves at run time
    const run = (text: string) => {
      const m = { exports: {} };
      new Function('module', text)(m);
      return m.exports;
    };
    const out = latin1Source(code);
    expect(run(out.code)).toEqual(run(code));
    // Only the tagged template, whose raw text its tag reads, keeps its dash.
    expect([...out.code.matchAll(/[\u0100-\uffff]/g)].map((m) => m[0])).toEqual(['\u2014']);
    expect(out.edits[0]).toEqual({ line: 0, column: 13, extra: 5 });
  });

  it('moves the columns a source map gives after an escape on the same line', () => {
    // Line 0: segments at columns 0, 10 and 20; an escape at column 5 grew the line by 5.
    expect(shiftColumns('AAAA,UAAA,UAAA;AACA', [{ line: 0, column: 5, extra: 5 }])).toBe('AAAA,eAAA,UAAA;AACA');
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
