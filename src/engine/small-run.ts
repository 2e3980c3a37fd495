/**
 * The segmented phase of a small file that the probe's response carries whole: no control file,
 * no preallocation, and a temp name of its own instead of the `.part`. Nothing of it is worth
 * resuming (a restart fetches it again faster than a checkpoint would save it), so a stop or a
 * failure removes the temp file, and a crash leaves at most that temp file, which the next run
 * replaces (it never looks like a `.part` of someone else's).
 */
import { PieceMap } from '../core/piece-map.js';
import type { ProbeResult } from '../core/types.js';
import { type DataFile, openDataFile } from '../disk/data-file.js';
import { errnoCode, removeIfExists } from '../disk/file-ops.js';
import type { SegmentedOutcome } from './segmented-run.js';
import type { Transfer } from './transfer.js';

/** Largest file that may take the small path (and never more than the download's split size). */
export const SMALL_FILE_MAX_BYTES = 1024 * 1024;

/**
 * True when the probe's open response is the whole file and the file is small: at most
 * `minSplitSize` (so no second connection would ever share it) and SMALL_FILE_MAX_BYTES.
 */
export function fitsOneResponse(probe: ProbeResult, minSplitSize: number): boolean {
  const size = probe.size;
  if (size === undefined || !probe.acceptsRanges) return false;
  if (size > Math.min(minSplitSize, SMALL_FILE_MAX_BYTES)) return false;
  if (size === 0) return true;
  return probe.body !== undefined && (probe.bodyOffset ?? 0) === 0 && (probe.bodyEnd ?? size) === size;
}

export interface SmallContext {
  probe: ProbeResult;
  /** The temp file the bytes go to (renamed to the final name by the finish). */
  temp: string;
  fsync: boolean;
  signal: AbortSignal;
  started(map: PieceMap): void;
  /** Every byte is in the temp file: what is left is the final sync and the finish. */
  received(): void;
  newTransfer(file: DataFile, map: PieceMap): Transfer;
}

/**
 * Create the temp file, run the transfer into it, sync it (`fsync`) and close it. Resolves done
 * (without a control file) when every byte is in it; a stop removes it and resolves not done with
 * nothing on disk; an error removes it and rejects.
 */
export async function runSmall(ctx: SmallContext): Promise<SegmentedOutcome> {
  const size = ctx.probe.size as number;
  const file = await openTemp(ctx.temp);
  const map = new PieceMap(size, []);
  ctx.started(map);
  try {
    if (!map.complete) await ctx.newTransfer(file, map).run(ctx.signal);
    if (!ctx.signal.aborted) {
      ctx.received();
      if (ctx.fsync) await file.sync();
      await file.close();
      return { done: true, hasControl: false };
    }
  } catch (e) {
    await discard(file, ctx.temp);
    throw e;
  }
  await discard(file, ctx.temp);
  return { done: false, onDisk: 0 };
}

/** Open the temp file fresh; a leftover at its name (a crashed run's) is removed first. */
async function openTemp(temp: string): Promise<DataFile> {
  try {
    return await openDataFile(temp, { fresh: true });
  } catch (e) {
    if (errnoCode((e as Error).cause) !== 'EEXIST') throw e;
    await removeIfExists(temp);
    return await openDataFile(temp, { fresh: true });
  }
}

async function discard(file: DataFile, temp: string): Promise<void> {
  await file.close().catch(() => undefined);
  await removeIfExists(temp).catch(() => undefined);
}
