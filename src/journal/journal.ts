// The journal: every paid call is written down before it is made and after it returns, and
// flushed to disk, so a cancelled or re-run job resumes its predictions instead of paying again.
// It is an append-only JSON-lines file in the output directory; the latest line per job identity
// wins. Lines are group-committed: concurrent writers share one fsync.
import { constants } from 'node:fs';
import { lstat, open, readFile, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { redactDeep } from '../shared/redact.js';

export const JOURNAL_FILE = '.atlas-journal.jsonl';

export type JournalEvent =
  | 'submitting' // about to send a billable submit: if nothing follows, its fate is unknown
  | 'submitted' // Atlas answered with a prediction id
  | 'unknown' // the submit's fate is unknown (sent, no answer)
  | 'refused' // Atlas refused the submit: nothing was created
  | 'completed' // the prediction finished with these outputs
  | 'failed' // the prediction finished failed
  | 'downloaded'; // every output is on disk with these hashes

export interface JournalFile {
  url: string | null;
  path: string;
  sha256: string;
  bytes: number;
  content_type: string;
}

export interface JournalEntry {
  at: string;
  identity: string;
  name: string;
  event: JournalEvent;
  prediction_id?: string;
  outputs?: string[];
  files?: JournalFile[];
  error?: string;
}

export interface Journal {
  /**
   * The latest entry for a job identity from earlier runs. This run's entries are written, not kept:
   * a job reads its entry once, before it records anything, so keeping them would only hold every
   * job's entry in memory until the run ends.
   */
  latest(identity: string): JournalEntry | undefined;
  /** Append and flush: resolves once the line is on disk. */
  record(entry: Omit<JournalEntry, 'at'>): Promise<void>;
  close(): Promise<void>;
  readonly path: string;
}

/** Makes `e` the latest entry of its job; a later entry keeps the prediction id and outputs of the ones before it. */
function fold(latest: Map<string, JournalEntry>, e: JournalEntry): void {
  const prev = latest.get(e.identity);
  latest.set(e.identity, {
    ...e,
    prediction_id: e.prediction_id ?? prev?.prediction_id,
    outputs: e.outputs ?? prev?.outputs,
  });
}

/** A relative path that stays inside the directory it is relative to. */
function insideDir(p: unknown): boolean {
  return (
    typeof p === 'string' && p !== '' && !isAbsolute(p) && !/^[a-zA-Z]:/.test(p) && !p.split(/[\\/]/).includes('..')
  );
}

export async function readJournal(path: string): Promise<Map<string, JournalEntry>> {
  const latest = new Map<string, JournalEntry>();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return latest;
    throw e;
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (typeof e.identity !== 'string' || typeof e.event !== 'string') continue;
      // A journal may come from a repository or a cache: a file entry naming a path outside the
      // output directory is not ours, and the line is ignored (the job is then made or downloaded again).
      if (e.files !== undefined && !(Array.isArray(e.files) && e.files.every((f) => insideDir(f?.path)))) continue;
      fold(latest, e);
    } catch {
      // A torn last line from a killed run: everything before it still counts.
    }
  }
  return latest;
}

/**
 * Refuses a journal that is not a plain file: a symlink planted in the output directory (say
 * `.atlas-journal.jsonl -> ~/.bashrc`) would otherwise be read and appended to.
 */
async function checkPlainFile(path: string): Promise<void> {
  const st = await lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (st && !st.isFile())
    throw new Error(
      `${path} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}: the journal is never written through one; remove it and run again (nothing was submitted)`,
    );
}

/** Append-only, never following a symlink (O_NOFOLLOW where the platform has it, and checked before). */
const APPEND_NOFOLLOW = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

export interface JournalOptions {
  /**
   * Redacted from every entry written, whole (prompt-bearing errors, output URLs that echo the key):
   * the journal travels in the artifact and the Actions cache. The entries kept in memory for this
   * run are the originals.
   */
  secrets?: readonly string[];
}

export async function openJournal(path: string, opts: JournalOptions = {}): Promise<Journal> {
  const secrets = opts.secrets ?? [];
  await mkdir(dirname(path), { recursive: true });
  await checkPlainFile(path);
  const latest = await readJournal(path);
  const fh: FileHandle = await open(path, APPEND_NOFOLLOW, 0o644);
  let pending: string[] = [];
  let waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  let flushing: Promise<void> | undefined;

  async function flush(): Promise<void> {
    while (pending.length > 0) {
      const lines = pending;
      const done = waiters;
      pending = [];
      waiters = [];
      try {
        await fh.write(lines.join(''));
        await fh.datasync();
        done.forEach((w) => w.resolve());
      } catch (e) {
        done.forEach((w) => w.reject(e));
      }
    }
    flushing = undefined;
  }

  return {
    path,
    latest: (identity) => latest.get(identity),
    record(entry) {
      // The identity is a hash: never redacted, so a re-run still finds its entry.
      const { identity, ...rest } = entry;
      pending.push(JSON.stringify({ at: new Date().toISOString(), identity, ...redactDeep(rest, secrets) }) + '\n');
      const p = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      flushing ??= flush();
      return p;
    },
    async close() {
      await flushing;
      await fh.close();
    },
  };
}
