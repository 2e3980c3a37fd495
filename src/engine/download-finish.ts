/** The finish phase of a Download: verify, set the time, rename into place, drop the control file. */
import { abortedError, isFerryError } from '../core/errors.js';
import type { Checksum } from '../core/options.js';
import type { ProbeResult } from '../core/types.js';
import { verifyChecksum } from '../disk/checksum.js';
import { removeControl } from '../disk/control-file.js';
import { finalizeFile, removeIfExists, setMtime } from '../disk/file-ops.js';
import type { OutputPaths } from '../disk/output-claims.js';
import type { DownloadContext } from './download-context.js';

export interface FinishRequest {
  paths: OutputPaths;
  probe: ProbeResult;
  checksum?: Checksum;
  fsync: boolean;
  /** The directory sync after the rename (default: one fsync of its own). */
  syncDir?: (dir: string) => Promise<void>;
  /** A control file of this download is on disk. */
  hasControl: boolean;
  /** The control file was on disk before this run: crashed saves may have left temp files. */
  inherited: boolean;
  /** The download's stop: ends the checksum, and nothing is renamed once it is aborted. */
  signal?: AbortSignal;
}

/**
 * Verify the checksum (a mismatch removes the partial files: they hold another file), set the
 * modification time from Last-Modified, rename the `.part` to its final name, then remove the
 * control file. The time is set before the rename, so a file at its final name always has it
 * ("already complete" on a rerun even after a kill right after the rename).
 */
export async function finishDownload(req: FinishRequest): Promise<void> {
  const { paths, probe } = req;
  if (req.checksum) {
    try {
      await verifyChecksum(paths.part, req.checksum, { signal: req.signal });
    } catch (e) {
      // A stop keeps every byte; only a mismatch removes them (they hold another file), also a
      // small download's temp file (it has no control file). Part first: a kill in between leaves
      // our control file alone, never a foreign-looking part.
      if (isFerryError(e) && e.code === 'CHECKSUM') await removePartialFiles(paths);
      throw e;
    }
  }
  if (req.signal?.aborted) throw abortedError('stopped before the rename');
  if (probe.lastModified) {
    const t = Date.parse(probe.lastModified);
    if (Number.isFinite(t)) await setMtime(paths.part, new Date(t));
  }
  await finalizeFile(paths.part, paths.final, { durable: req.fsync, syncDir: req.syncDir });
  if (req.hasControl) await removeControl(paths.control, { leftovers: req.inherited });
}

/** Remove the `.part` first, then the control file (errors ignored: best effort on cancel). */
export async function removePartialFiles(paths: OutputPaths): Promise<void> {
  await removeIfExists(paths.part).catch(() => undefined);
  await removeControl(paths.control).catch(() => undefined);
}

/**
 * finishDownload for the Download of `ctx`. Resolves true when the file is in place, false when a
 * stop came first (while verifying, or just before the rename): every byte is then kept, except
 * that a `.part` without a control file (a download done within its first checkpoint) would look
 * foreign to the next run, so it is removed and the next run starts that small download again.
 * A checksum mismatch rejects, stopped or not.
 */
export async function finishOrStop(ctx: DownloadContext, paths: OutputPaths, probe: ProbeResult, hasControl: boolean): Promise<boolean> {
  const { signal, options } = ctx;
  try {
    await finishDownload({
      paths,
      probe,
      checksum: options.checksum,
      fsync: options.fsync,
      syncDir: (dir) => ctx.deps.dirSyncs.sync(dir),
      hasControl,
      inherited: ctx.output.inherited,
      signal,
    });
    return true;
  } catch (e) {
    if (!signal.aborted || (isFerryError(e) && e.code === 'CHECKSUM')) throw e;
    if (!hasControl) await removePartialFiles(paths);
    return false;
  }
}
