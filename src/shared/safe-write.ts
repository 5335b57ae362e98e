// Writing a file into the output directory without ever following a link planted there: the
// output directory may come from a repository (a committed `out/manifest.json -> ../victim`) or a
// restored cache. The content goes to a fresh temp file created exclusively (O_CREAT|O_EXCL, which
// refuses any existing name, a symlink included) in the same directory, and is renamed over the
// final name: rename replaces a symlink itself, never its target. A reader never sees half a file.
import { randomBytes } from 'node:crypto';
import { lstat, open, readlink, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** Writes `dir/name` atomically; `content` is the text, or a function that writes it to the open file. */
export async function replaceFile(
  dir: string,
  name: string,
  content: string | Uint8Array | ((fh: FileHandle) => Promise<void>),
): Promise<string> {
  if (basename(name) !== name || name === '.' || name === '..') throw new Error(`not a plain file name: ${name}`);
  const final = join(dir, name);
  const tmp = join(dir, `${name}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    if (typeof content === 'function') await content(fh);
    else await fh.writeFile(content);
    await fh.close();
    await rename(tmp, final);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  return final;
}

/** What writeChunks gathers before each write: few writes, and never the whole text at once. */
const CHUNK_CHARS = 256 * 1024;

/** Writes a text given in pieces (a page card by card) to an open file, a few hundred KB at a time. */
export async function writeChunks(fh: FileHandle, chunks: Iterable<string>): Promise<void> {
  let pending: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    pending.push(chunk);
    size += chunk.length;
    if (size >= CHUNK_CHARS) {
      await fh.write(pending.join(''));
      pending = [];
      size = 0;
    }
  }
  if (pending.length) await fh.write(pending.join(''));
}

/**
 * Entries of `dir` among `names` that exist as symbolic links:
 * the run writes through these names (images/, videos/, the journal), so a link planted there by a
 * repository or a cache would send its writes elsewhere. Returned as `name -> target` for the error.
 */
export async function plantedLinks(dir: string, names: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    const st = await lstat(join(dir, name)).catch(() => undefined);
    if (st?.isSymbolicLink()) {
      const target = await readlink(join(dir, name)).catch(() => '?');
      found.push(`${name} -> ${target}`);
    }
  }
  return found;
}
