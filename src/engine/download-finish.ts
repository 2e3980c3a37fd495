/** The finish phase of a Download: verify, set the time, rename into place, drop the control file. */
import type { Checksum } from '../core/options.js';
import type { ProbeResult } from '../core/types.js';
import { verifyChecksum } from '../disk/checksum.js';
import { removeControl } from '../disk/control-file.js';
import { finalizeFile, removeIfExists, setMtime } from '../disk/data-file.js';
import type { OutputPaths } from '../disk/output-claims.js';

export interface FinishRequest {
  paths: OutputPaths;
  probe: ProbeResult;
  checksum?: Checksum;
  fsync: boolean;
  /** A control file of this download is on disk. */
  hasControl: boolean;
  /** The control file was on disk before this run: crashed saves may have left temp files. */
  inherited: boolean;
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
      await verifyChecksum(paths.part, req.checksum);
    } catch (e) {
      // Part first: a kill in between leaves our control file alone, never a foreign-looking part.
      if (req.hasControl) await removePartialFiles(paths);
      throw e;
    }
  }
  if (probe.lastModified) {
    const t = Date.parse(probe.lastModified);
    if (Number.isFinite(t)) await setMtime(paths.part, new Date(t));
  }
  await finalizeFile(paths.part, paths.final, { durable: req.fsync });
  if (req.hasControl) await removeControl(paths.control, { leftovers: req.inherited });
}

/** Remove the `.part` first, then the control file (errors ignored: best effort on cancel). */
export async function removePartialFiles(paths: OutputPaths): Promise<void> {
  await removeIfExists(paths.part).catch(() => undefined);
  await removeControl(paths.control).catch(() => undefined);
}
