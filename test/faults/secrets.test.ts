// Hostile input: a prompt that carries the API key, and an Atlas that echoes the key in its error
// messages (submit, poll and download). The key is sent to Atlas where the job says so, and appears
// in nothing the run writes or prints: stdout/stderr (but the ::add-mask:: line the runner consumes),
// the step summary, the step outputs, manifest.json, report.md, index.html, the journal, any file
// in the output dir. A prompt carrying it is written with `***` in its place.
//
// The action runs as the runner runs it (the bundled dist/index.js); the CLI runs in-process.
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp.js';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAction } from '../support/action-env.js';
import { assertInvariants, jobFile } from './invariants.js';
import { emulators, workspace } from './harness.js';

const emulator = emulators();
const KEY = 'sk-atlas-LEAKCHECK-7f3a9c2e51';

const faults = [
  {
    op: 'submit' as const,
    kind: 'status' as const,
    status: 422,
    message: `invalid parameter for key ${KEY}`,
    match: 'broken',
  },
  { op: 'poll' as const, kind: 'status' as const, status: 500, message: `upstream rejected Bearer ${KEY}`, times: 2 },
  { op: 'download' as const, kind: 'status' as const, status: 503, message: `storage denied ${KEY}` },
];
const jobs = jobFile([
  { name: 'leaky', prompt: `a neon sign that reads ${KEY}` },
  { name: 'broken', prompt: 'broken job' },
  { name: 'plain', prompt: 'a plain mug' },
]);

/** Every file under dir, as text (binary files too: the key would show up in latin1 as well). */
async function allFiles(dir: string): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out.push({ path: p, text: (await readFile(p)).toString('latin1') });
  }
  return out;
}

describe('the API key is never echoed', () => {
  it('the action: a prompt carrying the key and errors echoing it leave no trace in any output', async () => {
    const emu = await emulator({ apiKey: KEY, faults });
    const cwd = await makeTempDir('atlas-secrets-');
    await writeFile(join(cwd, 'jobs.yml'), jobs);
    const run = await runAction({
      inputs: {
        config: 'jobs.yml',
        'api-key': KEY,
        'base-url': emu.url,
        'output-dir': 'out',
        'poll-interval': '0.001',
        'max-poll-interval': '0.02',
        'artifact-name': '',
        comment: 'never',
        cache: 'false',
      },
      cwd,
    });
    const out = join(cwd, 'out');
    const { manifest } = await assertInvariants(emu, { code: run.code, outputDir: out }, { exitCode: 1 });
    expect(manifest.results.map((r) => r.status)).toEqual(['success', 'failed', 'success']);
    // The faults really echoed it, and Atlas got the prompt as written.
    expect(
      emu
        .stats()
        .faultsFired.map((f) => f.op)
        .sort(),
    ).toEqual(['download', 'poll', 'poll', 'submit']);
    expect(emu.stats().createdByPrompt[`a neon sign that reads ${KEY}`]).toBe(1);
    expect(manifest.results[0]!.params['prompt']).toBe('a neon sign that reads ***');
    expect(manifest.results[1]!.error).toMatch(/invalid parameter for key \*\*\*/);

    // The runner learns the key from ::add-mask:: and consumes that line; everything else is shown.
    expect(run.stdout).toContain(`::add-mask::${KEY}`);
    const shown = run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    const texts: Array<[string, string]> = [
      ['stdout', shown],
      ['stderr', run.stderr],
      ['step summary', run.summary],
      ['step outputs', JSON.stringify(run.outputs)],
      ...(await allFiles(out)).map((f) => [f.path, f.text] as [string, string]),
    ];
    expect(texts.map(([name]) => name.split('/').pop())).toEqual(
      expect.arrayContaining(['manifest.json', 'report.md', 'index.html', '.atlas-journal.jsonl']),
    );
    expect(run.summary.length).toBeGreaterThan(0);
    for (const [name, text] of texts) expect(text.includes(KEY), `the key is in ${name}`).toBe(false);
  });

  it('the CLI: same job file, nothing it prints or writes carries the key', async () => {
    const emu = await emulator({ apiKey: KEY, faults });
    const ws = await workspace(emu, jobs);
    const run = await ws.run(['--verbose'], { apiKey: KEY });
    await assertInvariants(emu, run, { exitCode: 1 });
    expect(run.output).toContain('broken');
    expect(run.output.includes(KEY), 'the key is in the CLI output').toBe(false);
    for (const f of await allFiles(ws.out)) expect(f.text.includes(KEY), `the key is in ${f.path}`).toBe(false);
  });
});
