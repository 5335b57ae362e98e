// Temporary directories that remove themselves: every one made here is deleted, with all it holds,
// after the test file that made it has run. Import this module, never mkdtemp directly, so a test
// cannot forget; test/support/global-setup.ts fails the run if anything is left in the temp directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made = new Set<string>();

// Registered when a test file first imports this module (vitest evaluates it once per file).
afterAll(async () => {
  const dirs = [...made];
  made.clear();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true, maxRetries: 3 })));
});

/** A new empty directory under the temp directory, removed after this test file. */
export async function makeTempDir(prefix = 'atlas-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** makeTempDir for synchronous code. */
export function makeTempDirSync(prefix = 'atlas-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Remove a directory now (it would be removed after the file anyway). */
export function removeTempDirSync(dir: string): void {
  made.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}
