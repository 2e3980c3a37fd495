import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { FerryError } from '../core/errors.js';
import { newGid } from './gid.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './schema.js';
import { createSqliteStore } from './sqlite-store.js';
import type { Store } from './types.js';
import type { FileSync } from './wal-sync.js';

/** What `openStore` takes from outside (tests fake them). */
export interface OpenStoreDeps {
  /** The clock for createdAt/startedAt/finishedAt (ms epoch). Default Date.now. */
  now?: () => number;
  /** The gid generator. Default: 64 random bits. */
  newGid?: () => string;
  /** The migrations to apply (tests only). Default: ferry's own (schema.ts). */
  migrations?: readonly string[];
  /** How long to wait for a lock held by another process (ms). Default 1000. */
  lockTimeoutMs?: number;
  /** How the write-ahead log is synced (tests count the syncs). Default: fdatasync. */
  syncFile?: FileSync;
}

/** An error of opening `file` as one FerryError with a hint. */
function openError(e: unknown, file: string): FerryError {
  if (e instanceof FerryError) return e;
  const code = (e as { code?: string }).code ?? '';
  const message = (e as Error).message;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new FerryError('FILE_SYSTEM', `${file} is in use by another ferry process`, {
      cause: e,
      hint: 'stop the other ferry daemon, or give this one its own state directory',
    });
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new FerryError('FILE_SYSTEM', `${file} is not a usable SQLite database (${message})`, {
      cause: e,
      hint: 'move the file away to start with an empty queue',
    });
  }
  return new FerryError('FILE_SYSTEM', `cannot open the state database ${file}: ${message}`, {
    cause: e,
    hint: 'check that the directory exists and is writable',
  });
}

/** Sync a directory so that a name just created in it survives a power cut. */
function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Create `file`'s directory (0700) and the file itself (0600) when missing, and tighten an existing
 * file to 0600: it holds passwords and Authorization headers. An existing directory is left as it
 * is (it may be a shared one such as /tmp). New names are synced into their directories (SQLite
 * syncs the names of the logs it creates, not of the database file it is given).
 */
function prepareFile(file: string): void {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) {
    // The first directory created; every one from it down to `dir` is a new name in its parent.
    const first = fs.mkdirSync(dir, { recursive: true, mode: 0o700 }) ?? dir;
    fs.chmodSync(dir, 0o700);
    for (let d = dir; ; d = path.dirname(d)) {
      fsyncDir(path.dirname(d));
      if (d === first || path.dirname(d) === d) break;
    }
  }
  const created = !fs.existsSync(file);
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  try {
    if ((fs.fstatSync(fd).mode & 0o777) !== 0o600) fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
  if (created) fsyncDir(dir);
}

/**
 * Open (creating when missing) the daemon's state database at `file`, migrated to this ferry's
 * schema. The database is held exclusively (WAL journal, exclusive locking: a second ferry
 * process cannot open it while this one has it). Commits go to the write-ahead log without a
 * sync (`synchronous = NORMAL`); `durable()` syncs the log, without blocking, before a user
 * action is acknowledged.
 * @throws FerryError FILE_SYSTEM when it cannot be created or opened, is in use, or is not a ferry
 *   database; UNSUPPORTED when a newer ferry wrote it
 */
export function openStore(file: string, deps: OpenStoreDeps = {}): Store {
  let db: Database.Database | undefined;
  try {
    prepareFile(file);
    db = new Database(file, { timeout: deps.lockTimeoutMs ?? 1000 });
    // Exclusive before WAL: the WAL index then lives in this process only (no -shm file) and
    // the lock taken at the first access is held until close.
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new FerryError('FILE_SYSTEM', `${file}: cannot use a write-ahead log (journal mode ${String(mode)})`);
    // Commits are in the log when they return (a killed process loses none); syncing the log
    // is `Store.durable()`, off the event loop, before a change is acknowledged.
    db.pragma('synchronous = NORMAL');
    migrate(db, file, deps.migrations ?? MIGRATIONS);
    return createSqliteStore(db, file, { now: deps.now ?? Date.now, newGid: deps.newGid ?? newGid, syncFile: deps.syncFile });
  } catch (e) {
    db?.close();
    throw openError(e, file);
  }
}
