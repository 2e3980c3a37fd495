/**
 * The data file: positional writes at exact offsets into a preallocated partial file, with syncs
 * during and after the download. This is the hot write path of a download (the rename into place
 * is in file-ops.ts).
 */
import { closeSync, constants, fdatasync, fstatSync, ftruncateSync, open, writev, writevSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { FerryError } from '../core/errors.js';
import { closeQuietly, fileSystemError } from './file-ops.js';
import { INLINE_WINDOW, SLOW_INLINE_WRITE_MS, slowWritesEndInline, writeBackStep } from './write-policy.js';

/** The calls of descriptorHandle that run on libuv's thread pool. */
const writevOnPool = promisify(writev);
const fdatasyncOnPool = promisify(fdatasync);
/**
 * The open, on the pool too: creating a file waits for the file system's journal, which the
 * syncs of other downloads keep committing (0.26-0.41 ms per new file in a 500-file list, all of
 * it time the event loop could not serve another download).
 */
const openOnPool = promisify(open);

/** The part of an open file a DataFile needs (see descriptorHandle). */
export interface DataFileHandle {
  /** Write the buffers in order starting at `position`; may write fewer bytes than given. */
  writev(buffers: readonly Uint8Array[], position: number): Promise<{ bytesWritten: number }>;
  /** The same write done at once, on the calling thread; returns the bytes written. Optional. */
  writevNow?(buffers: readonly Uint8Array[], position: number): number;
  datasync(): Promise<void>;
  truncate(len: number): Promise<void>;
  close(): Promise<void>;
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
   * The bytes still to be written into the file when it is opened: with write-back on, the step
   * shrinks near their end (see writeBackStep), so the last sync has little left. Undefined: the
   * step stays `writeBackBytes`.
   */
  bytesToWrite?: number;
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
  private readonly writeBackBytes: number;
  /** Bytes still to be written (DataFileOptions.bytesToWrite), counted down by each write. */
  private bytesToWrite: number | undefined;
  /** The handle's write on the calling thread while writes are inline (see DataFileOptions.inlineWrites). */
  private writevNow: DataFileHandle['writevNow'];
  /** The last inline writes, newest in bit 0: set when one was slow. */
  private recentSlow = 0;
  private closed = false;
  /** Bytes written since the last fdatasync began. */
  private unsynced = 0;
  /** The fdatasync under way, if any; it never rejects (its error goes to `syncError`). */
  private flight?: Promise<void>;
  private syncError: unknown;
  /** Writes under way on the thread pool: close() waits for them (a descriptor closed under a write could be reused by another file). */
  private readonly poolWrites = new Set<Promise<unknown>>();
  /** Background syncs started so far (for tests and measurements). */
  writeBacks = 0;

  /** Wrap an already-open handle; use {@link openDataFile} for a file on disk. */
  constructor(handle: DataFileHandle, filePath: string, options: DataFileOptions = {}) {
    this.handle = handle;
    this.path = filePath;
    this.writeBackBytes = options.writeBackBytes ?? 0;
    this.bytesToWrite = options.bytesToWrite;
    this.writevNow = (options.inlineWrites ?? true) ? handle.writevNow?.bind(handle) : undefined;
  }

  /** Writes are done on the calling thread (false once most recent ones were slow, or when never on). */
  get writesInline(): boolean {
    return this.writevNow !== undefined;
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
        const inline = this.writevNow;
        const bytesWritten = inline ? this.writeNow(inline, pending, at) : await this.writeOnPool(pending, at);
        this.unsynced += bytesWritten;
        if (this.bytesToWrite !== undefined) this.bytesToWrite -= bytesWritten;
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

  /** One write on the thread pool, tracked until it ends. */
  private async writeOnPool(buffers: readonly Uint8Array[], position: number): Promise<number> {
    const run = this.handle.writev(buffers, position);
    this.poolWrites.add(run);
    try {
      return (await run).bytesWritten;
    } finally {
      this.poolWrites.delete(run);
    }
  }

  /** One write on the calling thread with `writevNow`; enough slow ones end inline writes for this file. */
  private writeNow(writevNow: NonNullable<DataFileHandle['writevNow']>, buffers: readonly Uint8Array[], position: number): number {
    const started = performance.now();
    const n = writevNow(buffers, position);
    const slow = performance.now() - started > SLOW_INLINE_WRITE_MS ? 1 : 0;
    this.recentSlow = ((this.recentSlow << 1) | slow) & ((1 << INLINE_WINDOW) - 1);
    if (slow === 1 && slowWritesEndInline(this.recentSlow)) this.writevNow = undefined;
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
    const step = this.bytesToWrite === undefined ? this.writeBackBytes : writeBackStep(this.bytesToWrite, this.writeBackBytes);
    if (this.unsynced < step) return;
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
    // Never close the descriptor under a running fdatasync or write.
    while (this.flight || this.poolWrites.size > 0) {
      if (this.flight) await this.flight;
      await Promise.allSettled([...this.poolWrites]);
    }
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
  const { size, fresh, ...fileOptions } = options;
  if (size !== undefined) checkOffset(size, 'size', filePath);
  let fd: number;
  try {
    // Never O_TRUNC or O_APPEND: keeps a partial file, honours positions.
    const create = fresh ? constants.O_CREAT | constants.O_EXCL : constants.O_CREAT;
    fd = await openOnPool(filePath, constants.O_RDWR | constants.O_NOFOLLOW | create, 0o666);
  } catch (e) {
    throw fileSystemError(e, 'open', filePath);
  }
  try {
    // `fresh`: the caller knows the file did not exist, so it is empty (no need to look).
    if (size !== undefined && (fresh ? size > 0 : fstatSync(fd).size !== size)) ftruncateSync(fd, size);
  } catch (e) {
    closeQuietly(fd);
    throw fileSystemError(e, 'preallocate', filePath);
  }
  return new DataFile(descriptorHandle(fd), filePath, fileOptions);
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

/**
 * An open descriptor as a DataFileHandle: writes on the calling thread or on the thread pool,
 * fdatasync on the pool, the other metadata calls on the calling thread (see file-ops.ts).
 */
function descriptorHandle(fd: number): DataFileHandle {
  return {
    writev: (buffers, position) => writevOnPool(fd, buffers as Uint8Array[], position),
    writevNow: (buffers, position) => writevSync(fd, buffers as Uint8Array[], position),
    datasync: () => fdatasyncOnPool(fd),
    truncate: async (len) => ftruncateSync(fd, len),
    close: async () => closeSync(fd),
  };
}
