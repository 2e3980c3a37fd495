/**
 * A download to standard output (`-o -`): no `.part`, no control file, no resume. Segments are
 * reassembled in order by a StdoutWriter (bounded memory); without ranges, one connection.
 */
import { FerryError } from '../core/errors.js';
import { STDOUT_OUT } from '../core/filename.js';
import { PieceMap } from '../core/piece-map.js';
import type { ProbeResult, Source } from '../core/types.js';
import type { StdoutWriter } from '../disk/stdout-writer.js';
import { type DownloadContext, downloadLimiter } from './download-context.js';
import { isRangeIgnored } from './download-support.js';
import { runSingleConnection, type SingleConnectionParams, type SingleOutcome } from './single-connection.js';
import type { Transfer } from './transfer.js';
import type { ConnectionView } from './transfer-types.js';

/** What the Download lends a run to standard output. */
export interface StdoutRunContext {
  source: Source;
  probe: ProbeResult;
  writer: StdoutWriter;
  signal: AbortSignal;
  /** The connections of a segmented run into the writer (they take the probe's host slot). */
  newTransfer(map: PieceMap): Transfer;
  /** Show this map (and transfer or single view) in progress snapshots. */
  setProgress(map: PieceMap, transfer?: Transfer, view?: () => ConnectionView[]): void;
  /** The single-connection settings (retries, clock, throttle, byte and retry reports). */
  single: Omit<SingleConnectionParams, 'source' | 'probe' | 'open' | 'signal' | 'onAttempt' | 'fsync'>;
  note(message: string): void;
  started(segmented: boolean): void;
}

/**
 * Run the download into the writer; resolves when every byte is in standard output (or the run
 * was stopped). A retry on one connection re-reads the file from byte 0 and drops the bytes
 * already written, so it is only allowed when a validator (ETag, Last-Modified) proves it is
 * the same file.
 */
export async function downloadToStdout(ctx: StdoutRunContext): Promise<SingleOutcome> {
  const { probe, writer } = ctx;
  if (probe.acceptsRanges && probe.size !== undefined) {
    const map = new PieceMap(probe.size);
    ctx.started(true);
    try {
      if (!map.complete) {
        const transfer = ctx.newTransfer(map);
        ctx.setProgress(map, transfer);
        await transfer.run(ctx.signal);
      }
      if (ctx.signal.aborted) return { done: false, onDisk: writer.written };
      await writer.close();
      return { done: true, bytes: probe.size };
    } catch (e) {
      if (!isRangeIgnored(e) || ctx.signal.aborted || writer.written > 0) throw e;
      ctx.note('the server ignored a range request');
      probe.body?.cancel();
      return single(ctx, { ...probe, body: undefined, acceptsRanges: false });
    }
  }
  ctx.note(probe.size === undefined ? 'the server did not say the size: using one connection' : 'the server does not support ranges: using one connection');
  ctx.started(false);
  return single(ctx, probe);
}

async function single(ctx: StdoutRunContext, probe: ProbeResult): Promise<SingleOutcome> {
  const { writer } = ctx;
  const sameFileProvable = probe.etag !== undefined || probe.lastModified !== undefined;
  const outcome = await runSingleConnection({
    ...ctx.single,
    source: ctx.source,
    probe,
    signal: ctx.signal,
    fsync: false,
    open: async () => {
      if (writer.written > 0 && !sameFileProvable) {
        throw new FerryError(
          'NETWORK',
          `the connection broke after ${writer.written} bytes were written to standard output, and the server gives no validator to continue safely`,
          {
            hint: 'download to a file instead (it can resume)',
          },
        );
      }
      return writer;
    },
    onAttempt: (map, view) => ctx.setProgress(map, undefined, view),
  });
  if (outcome.done) await writer.close();
  return outcome;
}

/**
 * The standard-output phase of the Download of `ctx` into `writer` (see downloadToStdout): its
 * progress, its rate limit and its events; `newTransfer` makes the connections of a segmented run.
 */
export function stdoutPhase(
  ctx: DownloadContext,
  source: Source,
  probe: ProbeResult,
  writer: StdoutWriter,
  newTransfer: (map: PieceMap) => Transfer,
): Promise<SingleOutcome> {
  const { options, deps, signal } = ctx;
  const limiter = downloadLimiter(options, deps);
  return downloadToStdout({
    source,
    probe,
    writer,
    signal,
    newTransfer,
    setProgress: (map, transfer, view) => {
      ctx.progress.map = map;
      ctx.progress.transfer = transfer;
      ctx.progress.singleView = view;
    },
    single: {
      maxTries: options.maxTries,
      retryWaitMs: options.retryWaitMs,
      now: deps.now,
      random: deps.random,
      sleep: deps.sleep,
      throttle: limiter.limited ? (n) => limiter.consume(n, signal) : undefined,
      onBytes: (n) => ctx.progress.count(n),
      onRetry: (r) => ctx.retry(r),
    },
    note: (m) => ctx.note(m),
    started: (segmented) => ctx.started({ url: probe.url, path: STDOUT_OUT, totalBytes: probe.size, resumedBytes: 0, segmented }),
  });
}
