// The whole run gets its own temp directory (TMPDIR, which os.tmpdir() reads), and fails if a test
// leaves anything in it: every test removes what it creates (test/support/temp.ts does it for you).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env['TMPDIR'];
  const dir = mkdtempSync(join(tmpdir(), 'atlas-vitest-'));
  process.env['TMPDIR'] = dir;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      // A thrown error here is only logged by vitest: set the exit code so the run fails.
      process.exitCode = 1;
      console.error(
        `the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp directory (${left.slice(0, 10).join(', ')}${left.length > 10 ? ', …' : ''}): make each test remove what it creates (test/support/temp.ts)`,
      );
    }
  };
}
