/** The segmented phase of a Download as its context sees it (see runSegmented). */
import type { PieceMap } from '../core/piece-map.js';
import { isRecognizableWhenFinished } from '../core/resume.js';
import type { ProbeResult } from '../core/types.js';
import type { OutputPaths } from '../disk/output-claims.js';
import { smallTempPathFor } from '../disk/paths.js';
import type { DownloadContext } from './download-context.js';
import type { PositionalWriter } from './segment-pump.js';
import { runSegmented, type SegmentedOutcome } from './segmented-run.js';
import { fitsOneResponse } from './small-run.js';
import type { Transfer } from './transfer.js';

/** What segmentedToFile needs beyond the Download's context. */
export interface SegmentedPhase {
  probe: ProbeResult;
  /** The paths claimed for the output. */
  claimed: OutputPaths;
  /** A restart after the file changed: the control file found is not resumed. */
  fresh: boolean;
  /** The kernel's boot id now (read once per Download). */
  bootId: () => Promise<string | undefined>;
  /** The connections into `writer` (they take the probe's host slot). */
  newTransfer: (writer: PositionalWriter, map: PieceMap) => Transfer;
}

/**
 * Many connections over byte ranges, with a control file for resume. A small file the probe
 * carries whole, with nothing of ours on disk and a Last-Modified, goes to a temp file instead (no
 * control file).
 * Sets `ctx.output.paths` to the paths written (the temp file as the part) before any byte.
 */
export async function segmentedToFile(ctx: DownloadContext, p: SegmentedPhase): Promise<{ paths: OutputPaths; outcome: SegmentedOutcome }> {
  const { options, output, progress } = ctx;
  const { probe } = p;
  // Without a control file, only a file its rerun recognizes by length and time may take the small path.
  const small = !p.fresh && output.clean && fitsOneResponse(probe, options.minSplitSize) && isRecognizableWhenFinished(probe);
  const smallTemp = small ? smallTempPathFor(p.claimed.final) : undefined;
  const paths = smallTemp === undefined ? p.claimed : { ...p.claimed, part: smallTemp };
  output.paths = paths;
  const outcome = await runSegmented({
    smallTemp,
    probe,
    paths,
    saved: p.fresh ? undefined : output.found,
    source: ctx.url,
    fsync: options.fsync,
    checkpointIntervalMs: options.checkpointIntervalMs,
    recordIntervalMs: ctx.deps.recordIntervalMs,
    bootId: await p.bootId(),
    signal: ctx.signal,
    claimNothing: (createdAt) => output.claimNothing(paths, probe, createdAt),
    note: (m) => ctx.note(m),
    received: () => ctx.received(),
    started: (map) => {
      progress.map = map;
      progress.resumedBytes = map.doneBytes;
      ctx.started({ url: probe.url, path: paths.final, totalBytes: map.size, resumedBytes: progress.resumedBytes, segmented: true });
    },
    newTransfer: (writer, map) => {
      progress.transfer = p.newTransfer(writer, map);
      return progress.transfer;
    },
  });
  return { paths, outcome };
}
