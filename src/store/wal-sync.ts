/**
 * Durability of commits without blocking the event loop. The database commits with
 * `synchronous = NORMAL` in WAL mode: a commit is in the write-ahead log (the page cache) when it
 * returns, so it survives the process being killed, and it survives a power cut once the log is
 * synced. `sync()` syncs the log on the thread pool (fdatasync of `FILE-wal`); callers that ask
 * while a sync runs share the next one, which starts after it (group commit), so every commit
 * made before a `sync()` call is on the disk when that call resolves.
 *
 * Invariant: a sync that resolves for a caller started after that caller's call, never before.
 */
import { open } from 'node:fs/promises';

/** fdatasync one file by path (its descriptor is opened, synced and closed). */
export type FileSync = (file: string) => Promise<void>;

/** The default FileSync: open read-only (enough for fdatasync on Linux), sync, close. */
export const fdatasyncFile: FileSync = async (file) => {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    // No log yet (nothing was ever written): nothing to sync.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
};

/** Grouped syncs of one database's write-ahead log. */
export function walSync(dbFile: string, syncFile: FileSync = fdatasyncFile): () => Promise<void> {
  const wal = `${dbFile}-wal`;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const p = syncFile(wal).finally(() => {
      if (running === p) running = undefined;
    });
    running = p;
    return p;
  };
  return () => {
    if (running === undefined) return start();
    // A sync is in flight: it may have started before the caller's commit. Share one more.
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}
