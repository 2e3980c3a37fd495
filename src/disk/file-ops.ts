/**
 * File-system steps on paths (the rename into place, times, removal, directory syncs) and the
 * one-line errors every disk module gives for a failed system call.
 *
 * Calls that only touch metadata (open, lstat, rename, utimes, unlink, close) run on the calling
 * thread, as aria2 and curl make them; only the syncs, which wait for the disk, go to libuv's
 * thread pool. Handing a call of a few microseconds to the pool and waiting for its answer cost
 * more than the call: in the 500-file list of the benchmark, the main thread spent 0.3 s of its
 * 1.3 s in those hand-overs (`--cpu-prof`); with the calls on the thread the list took 0.94 s
 * instead of 1.10 s (medians of 5 interleaved runs). Creating a data file is the exception (see
 * data-file.ts): it waits for the journal the other downloads' syncs keep committing.
 */
import { closeSync as fsCloseSync, fsync, openSync, renameSync, unlinkSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { FerryError, isFerryError } from '../core/errors.js';

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
    renameSync(partPath, finalPath);
  } catch (e) {
    throw fileSystemError(e, `rename ${partPath} to`, finalPath);
  }
  if (options.durable === false) return;
  const syncDir = options.syncDir ?? fsyncDir;
  const finalDir = path.dirname(finalPath);
  const partDir = path.dirname(partPath);
  await syncDir(finalDir);
  if (partDir !== finalDir && path.resolve(partDir) !== path.resolve(finalDir)) await syncDir(partDir);
}

/** Set the modification (and access) time of a file, e.g. to the server's Last-Modified. */
export async function setMtime(filePath: string, date: Date): Promise<void> {
  try {
    utimesSync(filePath, date, date);
  } catch (e) {
    throw fileSystemError(e, 'set the time of', filePath);
  }
}

/** Delete a file; a missing file is not an error. Resolves true when a file was removed. */
export async function removeIfExists(filePath: string): Promise<boolean> {
  try {
    unlinkSync(filePath);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return false;
    throw fileSystemError(e, 'remove', filePath);
  }
}

/** fsync on libuv's pool: it waits for the disk. */
export const fsyncOnPool = promisify(fsync);

/**
 * fsync a directory so that renames and creations inside it are durable. File systems and
 * platforms that cannot sync a directory (EISDIR/EINVAL/ENOTSUP/EPERM) are tolerated.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    await fsyncOnPool(fd);
  } catch (e) {
    const code = errnoCode(e);
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EPERM') {
      throw fileSystemError(e, 'sync the directory', dir);
    }
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

/** Close a descriptor on the calling thread, ignoring errors (a clean-up after another error). */
export function closeQuietly(fd: number): void {
  try {
    fsCloseSync(fd);
  } catch {
    // Already failing: the first error is the one reported.
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
