/**
 * The data file: positional writes at exact offsets into a preallocated partial file, then an
 * atomic rename to the final name. This is the hot write path of a download.
 */
import { constants, promises as fs, writevSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FerryError, isFerryError } from '../core/errors.js';

/** The part of an open file a DataFile needs (a `fs/promises` FileHandle satisfies it). */
export interface DataFileHandle {
  /** Write the buffers in order starting at `position`; may write fewer bytes than given. */
  writev(buffers: readonly Uint8Array[], position: number): Promise<{ bytesWritten: number }>;
  /** The same write done at once, on the calling thread; returns the bytes written. Optional. */
  writevNow?(buffers: readonly Uint8Array[], position: number): number;
  datasync(): Promise<void>;
  truncate(len: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

/**
 * Bytes written between two background syncs when write-back is on: small enough that the last
 * sync of a download has little left to write (it waits for at most about this much plus what
 * arrived during the sync before it), large enough that the syncs stay few.
 */
export const WRITE_BACK_BYTES = 16 * 1024 * 1024;

/** The smallest write-back step (see writeBackStep). */
export const MIN_WRITE_BACK_BYTES = 1024 * 1024;

/**
 * The write-back step for a file with `left` bytes still to be written: WRITE_BACK_BYTES, and
 * near the end a quarter of what is left (at least MIN_WRITE_BACK_BYTES), so the last sync, the
 * one the download waits for, has about 1 MiB to write instead of up to 16 (on the benchmark
 * machine the wait after the last byte of a capped 256 MiB download went from 35 to 28 ms,
 * medians of 6; unthrottled 1 GiB did not get slower).
 */
export function writeBackStep(left: number): number {
  return Math.min(WRITE_BACK_BYTES, Math.max(MIN_WRITE_BACK_BYTES, Math.floor(left / 4)));
}

/** An inline write that takes longer than this (ms) counts as slow (see slowWritesEndInline). */
export const SLOW_INLINE_WRITE_MS = 20;

/** The inline writes looked back on: a file's last this many. */
export const INLINE_WINDOW = 16;

/**
 * Whether a file's writes should leave the calling thread, given its recent inline writes as
 * bits (bit i set: the i-th write back was slow; only the low INLINE_WINDOW bits count): when half
 * of them were slow, the file system makes every write wait (a network or FUSE mount), so each one
 * would stall the sockets. An occasional long write is the kernel pacing a fast writer to the
 * disk (dirty-page throttling: 2-6 writes of 20-135 ms per GiB on the benchmark machine); the
 * thread pool would not make the disk faster, only each write dearer.
 */
export function slowWritesEndInline(recent: number): boolean {
  let slow = 0;
  for (let bits = recent & ((1 << INLINE_WINDOW) - 1); bits !== 0; bits &= bits - 1) slow++;
  return slow * 2 >= INLINE_WINDOW;
}

/** How an open data file behaves. */
export interface DataFileOptions {
  /**
   * Start an fdatasync in the background (on libuv's thread pool, never waited for by a write)
   * each time this many bytes were written since the last sync began, so the disk writes during
   * the download instead of at its end. 0 or undefined: off (writes stay in the page cache until
   * `sync()`).
   */
  writeBackBytes?: number;
  /**
   * Write on the calling thread (default true, when the handle can): a write into the page cache
   * takes well under a millisecond, less than handing it to the thread pool and waiting for the
   * answer, whose queue lock the event loop contends for with the pool's threads (on the 2-core
   * benchmark machine, 1 GiB unthrottled took 3.8 s wall and 5.0 s CPU with thread-pool writes,
   * 1.9 s and 2.0 s inline; medians of 5). A file system that makes most writes wait (see
   * slowWritesEndInline) sends the file's later writes to the thread pool, so the sockets keep
   * being read.
   */
  inlineWrites?: boolean;
}

/**
 * An open partial file. Writes are positional (never appended), so any number of connections may
 * write disjoint ranges concurrently. A range is durable only after `sync()` has returned.
 *
 * Invariants: at most one fdatasync runs at a time (background or `sync()`); a failed fdatasync
 * fails every later `sync()` (the kernel reports a write-back error only once per open file, and
 * the pages it lost are gone), so a background sync can never hide an error from the sync that a
 * checkpoint or the finish waits for.
 */
export class DataFile {
  /** The file's path, for messages. */
  readonly path: string;
  private readonly handle: DataFileHandle;
  private writeBackBytes: number;
  /** Writes go through `writevNow` (see DataFileOptions.inlineWrites). */
  private inline: boolean;
  /** The last inline writes, newest in bit 0: set when one was slow. */
  private recentSlow = 0;
  private closed = false;
  /** Bytes written since the last fdatasync began. */
  private unsynced = 0;
  /** The fdatasync under way, if any; it never rejects (its error goes to `syncError`). */
  private flight?: Promise<void>;
  private syncError: unknown;
  /** Background syncs started so far (for tests and measurements). */
  writeBacks = 0;

  /** Wrap an already-open handle; use {@link openDataFile} for a file on disk. */
  constructor(handle: DataFileHandle, filePath: string, options: DataFileOptions = {}) {
    this.handle = handle;
    this.path = filePath;
    this.writeBackBytes = options.writeBackBytes ?? 0;
    this.inline = (options.inlineWrites ?? true) && handle.writevNow !== undefined;
  }

  /** Writes are done on the calling thread (false once one was slow, or when never on). */
  get writesInline(): boolean {
    return this.inline;
  }

  /**
   * Write every byte of `buffers`, in order, starting at byte `position`. Short writes are
   * continued until all bytes are written; the buffers are passed to the kernel as they are
   * (no copy). Resolves only when every byte has been handed to the file system.
   */
  async write(buffers: readonly Uint8Array[], position: number): Promise<void> {
    checkOffset(position, 'position', this.path);
    let remaining = 0;
    for (let i = 0; i < buffers.length; i++) remaining += buffers[i].byteLength;
    if (remaining === 0) return;
    try {
      let pending = buffers;
      let at = position;
      for (;;) {
        const bytesWritten = this.inline ? this.writeNow(pending, at) : (await this.handle.writev(pending, at)).bytesWritten;
        this.unsynced += bytesWritten;
        if (bytesWritten === remaining) {
          this.maybeWriteBack();
          return;
        }
        // Slow path, rare: the kernel took only part of the buffers.
        if (!(bytesWritten > 0 && bytesWritten < remaining)) {
          throw new FerryError('FILE_SYSTEM', `cannot write to ${this.path}: the write made no progress`, {
            hint: 'check that the disk is not full',
          });
        }
        remaining -= bytesWritten;
        at += bytesWritten;
        pending = skipBytes(pending, bytesWritten);
      }
    } catch (e) {
      throw fileSystemError(e, 'write to', this.path);
    }
  }

  /** Change the write-back step (see DataFileOptions.writeBackBytes); 0 turns write-back off. */
  setWriteBackBytes(bytes: number): void {
    this.writeBackBytes = bytes;
  }

  /** One write on the calling thread; enough slow ones end inline writes for this file. */
  private writeNow(buffers: readonly Uint8Array[], position: number): number {
    const started = performance.now();
    const n = (this.handle.writevNow as NonNullable<DataFileHandle['writevNow']>)(buffers, position);
    const slow = performance.now() - started > SLOW_INLINE_WRITE_MS ? 1 : 0;
    this.recentSlow = ((this.recentSlow << 1) | slow) & ((1 << INLINE_WINDOW) - 1);
    if (slow === 1 && slowWritesEndInline(this.recentSlow)) this.inline = false;
    return n;
  }

  /**
   * Flush written data to stable storage (fdatasync): every byte whose write returned before this
   * call is durable once it resolves. Waits for a background sync under way first, then syncs.
   */
  async sync(): Promise<void> {
    while (this.flight) await this.flight;
    if (this.syncError === undefined) await this.startSync();
    if (this.syncError !== undefined) throw fileSystemError(this.syncError, 'sync', this.path);
  }

  /** One fdatasync in the slot; resolves when it ended (its error, if any, kept in `syncError`). */
  private startSync(): Promise<void> {
    this.unsynced = 0;
    const run = this.handle.datasync().then(
      () => undefined,
      (e: unknown) => {
        this.syncError ??= e;
      },
    );
    const flight = run.finally(() => {
      this.flight = undefined;
      this.maybeWriteBack();
    });
    this.flight = flight;
    return flight;
  }

  /** Start a background sync when write-back is on, enough was written, and none is running. */
  private maybeWriteBack(): void {
    if (this.writeBackBytes <= 0 || this.closed || this.flight || this.syncError !== undefined) return;
    if (this.unsynced < this.writeBackBytes) return;
    this.writeBacks++;
    void this.startSync();
  }

  /** Set the file's length to `size` bytes (cutting or extending with a hole). */
  async truncate(size: number): Promise<void> {
    checkOffset(size, 'size', this.path);
    try {
      await this.handle.truncate(size);
    } catch (e) {
      throw fileSystemError(e, 'resize', this.path);
    }
  }

  /** Close the file. Calling it again does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Never close the descriptor under a running fdatasync.
    while (this.flight) await this.flight;
    try {
      await this.handle.close();
    } catch (e) {
      throw fileSystemError(e, 'close', this.path);
    }
  }
}

/**
 * Open the partial file at `filePath`, never following a symlink. `fresh`: create it, failing if
 * anything (a file, a planted symlink) is already at that name (O_EXCL | O_NOFOLLOW); otherwise
 * open it (creating it when missing) without truncating its bytes.
 * When `size` is known the file is set to exactly `size` bytes with ftruncate (sparse
 * preallocation: holes read as zeros and take no space until written).
 */
export async function openDataFile(filePath: string, options: { size?: number; fresh?: boolean } & DataFileOptions = {}): Promise<DataFile> {
  const { size, fresh } = options;
  if (size !== undefined) checkOffset(size, 'size', filePath);
  let handle: fs.FileHandle;
  try {
    // Never O_TRUNC or O_APPEND: keeps a partial file, honours positions.
    const create = fresh ? constants.O_CREAT | constants.O_EXCL : constants.O_CREAT;
    handle = await fs.open(filePath, constants.O_RDWR | constants.O_NOFOLLOW | create, 0o666);
  } catch (e) {
    throw fileSystemError(e, 'open', filePath);
  }
  try {
    // `fresh`: the caller knows the file did not exist, so it is empty (no need to look).
    if (size !== undefined && (fresh ? size > 0 : (await handle.stat()).size !== size)) await handle.truncate(size);
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw fileSystemError(e, 'preallocate', filePath);
  }
  return new DataFile(inlineCapable(handle), filePath, { writeBackBytes: options.writeBackBytes, inlineWrites: options.inlineWrites });
}

/**
 * Move the finished partial file to its final name (replacing any file there), then fsync the
 * directory so the rename itself survives a crash (unless `durable` is false). `syncDir` does
 * that sync (default fsyncDir; a DirSyncs shares one sync among renames close together).
 */
export async function finalizeFile(
  partPath: string,
  finalPath: string,
  options: { durable?: boolean; syncDir?: (dir: string) => Promise<void> } = {},
): Promise<void> {
  try {
    await fs.rename(partPath, finalPath);
  } catch (e) {
    throw fileSystemError(e, `rename ${partPath} to`, finalPath);
  }
  if (options.durable === false) return;
  const syncDir = options.syncDir ?? fsyncDir;
  await syncDir(path.dirname(finalPath));
  if (path.resolve(path.dirname(partPath)) !== path.resolve(path.dirname(finalPath))) {
    await syncDir(path.dirname(partPath));
  }
}

/** Set the modification (and access) time of a file, e.g. to the server's Last-Modified. */
export async function setMtime(filePath: string, date: Date): Promise<void> {
  try {
    await fs.utimes(filePath, date, date);
  } catch (e) {
    throw fileSystemError(e, 'set the time of', filePath);
  }
}

/** Delete a file; a missing file is not an error. Resolves true when a file was removed. */
export async function removeIfExists(filePath: string): Promise<boolean> {
  try {
    await fs.unlink(filePath);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return false;
    throw fileSystemError(e, 'remove', filePath);
  }
}

/**
 * fsync a directory so that renames and creations inside it are durable. File systems and
 * platforms that cannot sync a directory (EISDIR/EINVAL/ENOTSUP/EPERM) are tolerated.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (e) {
    const code = errnoCode(e);
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EPERM') {
      throw fileSystemError(e, 'sync the directory', dir);
    }
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

const HINTS: Record<string, string> = {
  ENOSPC: 'the disk is full: free some space, then resume',
  EDQUOT: 'the disk quota is exceeded: free some space, then resume',
  EACCES: 'permission denied: check the permissions of the file and its directory',
  EPERM: 'operation not permitted: check the permissions of the file and its directory',
  EROFS: 'the file system is read-only: choose another directory with -d/--dir',
  ENOENT: 'the directory does not exist: create it or choose another with -d/--dir',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'a directory is in the way: choose another output name',
  EFBIG: 'the file is too large for this file system',
  ENAMETOOLONG: 'the file name is too long: choose a shorter one with -o/--output',
  EMFILE: 'too many open files: download fewer files at once',
  ENFILE: 'too many open files on this system: download fewer files at once',
  EIO: 'the disk reported an I/O error: check the drive',
  EXDEV: 'the partial file and the output are on different file systems',
  EBUSY: 'the file is in use by another program',
};

const RETRYABLE = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'EINTR']);

/**
 * Turn a Node.js file-system error into FerryError FILE_SYSTEM naming the path, with a hint for
 * common causes. A FerryError passes through unchanged.
 */
export function fileSystemError(e: unknown, action: string, filePath: string): FerryError {
  if (isFerryError(e)) return e;
  const code = errnoCode(e);
  const detail = e instanceof Error ? e.message : String(e);
  return new FerryError('FILE_SYSTEM', `cannot ${action} ${filePath}: ${detail}`, {
    hint: code === undefined ? undefined : HINTS[code],
    retryable: code !== undefined && RETRYABLE.has(code),
    cause: e,
  });
}

/** The `code` of a Node.js system error (ENOENT, ...), if any. */
export function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Invariant: positions and sizes are non-negative safe integers. */
function checkOffset(n: number, what: string, filePath: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new FerryError('FILE_SYSTEM', `invalid ${what} ${n} for ${filePath}: not a non-negative integer`);
  }
}

/** The buffers that remain after dropping the first `n` bytes (0 < n < total length). */
function skipBytes(buffers: readonly Uint8Array[], n: number): Uint8Array[] {
  let i = 0;
  while (n >= buffers[i].byteLength) n -= buffers[i++].byteLength;
  const rest = buffers.slice(i);
  rest[0] = rest[0].subarray(n);
  return rest;
}

/** A FileHandle as a DataFileHandle that can also write on the calling thread. */
function inlineCapable(handle: fs.FileHandle): DataFileHandle {
  return {
    writev: (buffers, position) => handle.writev(buffers as Uint8Array[], position),
    writevNow: (buffers, position) => writevSync(handle.fd, buffers as Uint8Array[], position),
    datasync: () => handle.datasync(),
    truncate: (len) => handle.truncate(len),
    stat: () => handle.stat(),
    close: () => handle.close(),
  };
}
