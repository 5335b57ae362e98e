// A hostile host and a hostile job file: prediction ids, error texts, job names and models carrying
// newlines and runner commands. The bundled action runs as the runner runs it; no line of its stdout
// starts a runner command but the ones it issues itself, and the key is in no file it writes even
// when Atlas echoes it in every output URL.
import { afterEach, describe, expect, it } from 'vitest';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAction } from '../support/action-env.js';
import { tempDir } from '../support/run-cli.js';
import { assertInvariants, jobFile } from '../faults/invariants.js';
import { emulators } from '../faults/harness.js';

const emulator = emulators();
const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const KEY = 'sk-atlas-HOSTILE-9d2b7c41';
const EVIL =
  '\n::error::INJECTED\n::add-mask::INJECTED\n::stop-commands::INJECTED\r\n##[error]INJECTED\u2028::warning::INJECTED\u0085::notice::INJECTED';
const OURS = new Set(['add-mask', 'group', 'endgroup', 'debug', 'error', 'warning', 'notice']);

/** Every line the runner would take as a command, with its name. */
function commands(stdout: string): Array<{ name: string; line: string }> {
  return stdout
    .split(/\r?\n|\r/)
    .map((line) => ({ line, m: /^\s*(?:::([a-z-]+)[ :]|##\[([a-z-]+)\])/i.exec(line) }))
    .filter((x) => x.m)
    .map((x) => ({ name: (x.m![1] ?? x.m![2])!.toLowerCase(), line: x.line }));
}

async function allFiles(dir: string): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out.push({ path: p, text: (await readFile(p)).toString('latin1') });
  }
  return out;
}

describe('nothing from outside issues a runner command', () => {
  it('hostile ids, error texts, job names and prompts: only the commands the action issues, and the key (echoed in output URLs) in no file', async () => {
    const emu = await emulator({
      apiKey: KEY,
      idSuffix: EVIL,
      failWhen: { match: 'doomed', reason: `refused${EVIL}` },
      outputQuery: `key=${KEY}`,
    });
    const cwd = await tempDir('atlas-sec-log-');
    made.push(cwd);
    await writeFile(
      join(cwd, 'jobs.yml'),
      jobFile([
        { name: `hero${EVIL}`, prompt: 'a glass bottle' },
        { name: 'doomed', prompt: 'a doomed job' },
        // (A model id with a newline is refused by the job file's validation, at its line.)
        { name: 'mug', prompt: `a mug${EVIL}` },
      ]),
    );
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
    const { manifest, journal } = await assertInvariants(emu, { code: run.code, outputDir: out }, { exitCode: 1 });
    expect(manifest.results.map((r) => r.status)).toEqual(['success', 'failed', 'success']);
    // The hostile text really reached the action: it is in the manifest (as data, not as a command).
    expect(manifest.results[0]!.prediction_id).toContain('::stop-commands::INJECTED');
    expect(journal.length).toBeGreaterThan(0);

    const cmds = commands(run.stdout);
    expect(cmds.filter((c) => !OURS.has(c.name))).toEqual([]);
    for (const c of cmds)
      expect(c.line, 'a command line starting with hostile text').not.toMatch(
        /^\s*(::[a-z-]+::|##\[[a-z-]+\])INJECTED/i,
      );
    expect(cmds.filter((c) => c.name === 'add-mask').map((c) => c.line)).toEqual([`::add-mask::${KEY}`]);
    expect(run.stdout).toContain('› ::error::INJECTED');

    // Atlas echoed the key in every output URL: redacted in every file of the output directory.
    expect(emu.stats().predictions.some((p) => p.outputs.some((u) => u.includes(KEY)))).toBe(true);
    const files = await allFiles(out);
    expect(files.map((f) => f.path.split('/').pop())).toEqual(
      expect.arrayContaining(['manifest.json', 'report.md', 'index.html', '.atlas-journal.jsonl']),
    );
    for (const f of files) expect(f.text.includes(KEY), `the key is in ${f.path}`).toBe(false);
    for (const [name, text] of [
      ['summary', run.summary],
      ['stderr', run.stderr],
      ['outputs', JSON.stringify(run.outputs)],
    ] as const)
      expect(text.includes(KEY), `the key is in ${name}`).toBe(false);
  });

  it('dry run: a job name closing the plan block stays inside it, escaped', async () => {
    const cwd = await tempDir('atlas-sec-dry-');
    made.push(cwd);
    const name = 'x </code></pre>\n\n# PWNED ``` <img src=x onerror=alert(1)>';
    await writeFile(join(cwd, 'jobs.yml'), jobFile([{ name, prompt: '```\n</pre>' }]));
    const run = await runAction({
      inputs: { config: 'jobs.yml', 'dry-run': 'true', 'artifact-name': '', cache: 'false' },
      cwd,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.summary.match(/<\/code><\/pre>/g)).toHaveLength(1);
    expect(run.summary).toContain('x &lt;/code&gt;&lt;/pre&gt;');
    expect(run.summary).not.toContain('<img');
    // The heading-looking line is text inside the one <pre> block, not Markdown.
    const block = /<pre><code>([\s\S]*?)<\/code><\/pre>/.exec(run.summary)![1]!;
    expect(block).toContain('# PWNED ``` &lt;img');
  });
});
