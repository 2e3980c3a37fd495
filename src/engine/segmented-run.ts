/**
 * The segmented phase of a Download: many connections over byte ranges into the `.part`, with a
 * control file checkpointed for resume.
 */
import { performance } from 'node:perf_hooks';
import { isFerryError } from '../core/errors.js';
import { PieceMap } from '../core/piece-map.js';
import { decideResume } from '../core/resume.js';
import type { ProbeResult } from '../core/types.js';
import { formatBytes } from '../core/units.js';
import { rangeBytes, rangesWithout, trustedRanges, writtenTrust } from '../core/written-ranges.js';
import type { ControlState } from '../disk/control-file.js';
import { openDataFile } from '../disk/data-file.js';
import { removeIfExists } from '../disk/file-ops.js';
import type { OutputPaths } from '../disk/output-claims.js';
import { WRITE_BACK_BYTES } from '../disk/write-policy.js';
import { statOrUndefined } from './download-support.js';
import { recordPacer } from './record-pacer.js';
import type { PositionalWriter } from './segment-pump.js';
import { serialCheckpoint } from './serial-checkpoint.js';
import { runSmall } from './small-run.js';
import type { Transfer } from './transfer.js';

export interface SegmentedContext {
  probe: ProbeResult;
  paths: OutputPaths;
  /** Our control file found at the name (undefined for a fresh start). */
  saved?: ControlState;
  /** The URL the download was given (the control file's source). */
  source: string;
  fsync: boolean;
  /** How often a durable checkpoint (data synced, then the control file) is saved (ms). */
  checkpointIntervalMs: number;
  /** Light checkpoints (the control file alone, listing written bytes) follow writes, at most one per this many ms. */
  recordIntervalMs: number;
  /** The kernel's boot id now (undefined: bytes written but not synced are never trusted). */
  bootId: string | undefined;
  signal: AbortSignal;
  /**
   * Set when the probe's response is the whole, small file and nothing of it is on disk: the bytes
   * go to this temp file, with no control file (see runSmall).
   */
  smallTemp?: string;
  /** Rewrite the control file to claim no bytes (before a fresh `.part`). */
  claimNothing(createdAt: string): Promise<void>;
  note(message: string): void;
  /** The piece map is known (with the bytes resumed): progress and the start event. */
  started(map: PieceMap): void;
  /** Every byte is in the `.part`: what is left is the final sync and the finish. */
  received(): void;
  /** The connections into `writer` (the `.part`; they take the probe's host slot and body). */
  newTransfer(writer: PositionalWriter, map: PieceMap): Transfer;
}

/** Every byte is in the `.part` (then `hasControl` says whether a control file exists), or stopped. */
export type SegmentedOutcome = { done: true; hasControl: boolean } | { done: false; onDisk: number };

/**
 * Resume from the control file when it still matches (see decideResume), else start over (the
 * control file is rewritten to claim nothing before the old `.part` goes); then run the transfer
 * with checkpoints. The control file is on disk before any byte is. On CHANGED the control file
 * is made to claim nothing and the error is rethrown (the caller starts over); on other errors
 * and on a stop a last checkpoint is saved.
 */
export async function runSegmented(ctx: SegmentedContext): Promise<SegmentedOutcome> {
  if (ctx.smallTemp !== undefined) return runSmall({ ...ctx, temp: ctx.smallTemp });
  const { probe, paths, saved } = ctx;
  const size = probe.size as number;
  const partStat = await statOrUndefined(paths.part);
  // Bytes written but not synced by the run before count only during the same boot.
  const trust = saved ? writtenTrust(saved, ctx.bootId) : 'none';
  const claimed = saved ? { ...saved, done: trustedRanges(saved, ctx.bootId) } : undefined;
  const decision = decideResume(claimed, probe, partStat?.size);
  const createdAt = saved?.createdAt ?? new Date().toISOString();
  if (!decision.resume) {
    if (decision.reason) ctx.note(`starting over: ${decision.reason}`);
    await ctx.claimNothing(createdAt);
    if (partStat) await removeIfExists(paths.part);
  } else if (trust === 'other-boot' || trust === 'no-boot-id') {
    const lost = formatBytes(rangeBytes(rangesWithout(saved?.written ?? [], saved?.done ?? [])));
    const why = trust === 'other-boot' ? 'the machine restarted since the last run' : 'this system has no boot id to tell a crash from a restart';
    ctx.note(`${why}: ${lost} written but not yet synced are fetched again`);
  }
  // With syncs on, the disk writes while the download runs: the final sync has little left.
  const map = new PieceMap(size, decision.resume ? decision.done : []);
  const file = await openDataFile(paths.part, {
    size,
    fresh: !decision.resume,
    writeBackBytes: ctx.fsync ? WRITE_BACK_BYTES : 0,
    bytesToWrite: size - map.doneBytes,
  });
  const state = (): ControlState => ({
    version: 1,
    url: probe.url,
    source: ctx.source,
    size,
    etag: probe.etag,
    lastModified: probe.lastModified,
    done: map.done.toArray(),
    createdAt,
  });
  // The control file is on disk before any byte is (resumed, or rewritten to claim nothing above).
  const checkpoint = serialCheckpoint({
    file,
    controlPath: paths.control,
    state,
    synced: decision.resume && saved ? saved.done : [],
    written: true,
    fsync: ctx.fsync,
    bootId: ctx.bootId,
  });
  ctx.started(map);

  const timer = setInterval(() => void checkpoint.save(false).catch(() => undefined), ctx.checkpointIntervalMs);
  timer.unref();
  // A light checkpoint follows the writes closely: a kill loses only what was written since.
  const pacer = recordPacer(
    () => checkpoint.record(),
    ctx.recordIntervalMs,
    () => performance.now(),
  );
  const writer: PositionalWriter = {
    write: async (buffers, position) => {
      await file.write(buffers, position);
      pacer.poke();
    },
  };
  const stopTimers = (): void => {
    clearInterval(timer);
    pacer.stop();
  };
  try {
    if (!map.complete) await ctx.newTransfer(writer, map).run(ctx.signal);
  } catch (e) {
    stopTimers();
    await checkpoint.settled();
    if (isFerryError(e) && e.code === 'CHANGED') {
      await file.close().catch(() => undefined);
      await ctx.claimNothing(createdAt).catch(() => undefined);
      throw e;
    }
    await checkpoint.save(true).catch(() => undefined);
    await file.close().catch(() => undefined);
    throw e;
  }
  stopTimers();
  // A save the timer started must not land after finish removed the control file.
  await checkpoint.settled();
  if (ctx.signal.aborted) {
    await checkpoint.save(true);
    await file.close();
    return { done: false, onDisk: map.doneBytes };
  }
  ctx.received();
  if (ctx.fsync) await file.sync();
  await file.close();
  return { done: true, hasControl: checkpoint.written() };
}
