/**
 * Builds the Transfer of a segmented download: its lanes (the download's URL first, the probe's
 * validators for it), the connection target, and the discovery of the alternates (mirrors), which
 * join as lanes once their probe agrees on the size.
 */
import type { DownloadOptions } from '../core/options.js';
import type { PieceMap } from '../core/piece-map.js';
import type { ProbeResult, Source } from '../core/types.js';
import { type DownloadContext, downloadLimiter } from './download-context.js';
import type { HostSlots } from './host-slots.js';
import { MirrorLanes, newLane } from './mirror-lanes.js';
import { probeMirrors } from './mirror-probe.js';
import type { MirrorSources } from './mirror-sources.js';
import type { RateLimiter } from './rate-limiter.js';
import type { PositionalWriter } from './segment-pump.js';
import { Transfer } from './transfer.js';
import type { RetryInfo } from './transfer-types.js';

export interface TransferRecipe {
  url: string;
  /** The URL's `host[:port]` (its per-host slots). */
  host: string;
  /** Other URLs of the file, read at the same time once checked. */
  alternates: readonly string[];
  options: DownloadOptions;
  source: Source;
  probe: ProbeResult;
  writer: PositionalWriter;
  map: PieceMap;
  /** The caller holds the probe's host slot (handed to the transfer). */
  heldSlot: boolean;
  hostSlots: HostSlots;
  limiter: RateLimiter;
  /** The source of an alternate (the caller owns and closes it). */
  sourceFor: (url: string) => Source;
  /** An alternate passed its check and takes part. */
  onMirrorJoined: () => void;
  now: () => number;
  random: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  onBytes: (n: number) => void;
  onNote: (message: string) => void;
  onRetry: (info: RetryInfo) => void;
}

/**
 * The transfer of `r.map` into `r.writer`. Without alternates it keeps to one host: at most
 * min(connections, per-host limit) connections (a note says so when that is fewer); with them the
 * `connections` spread over every mirror, each within the per-host limit.
 */
export function buildTransfer(r: TransferRecipe): Transfer {
  const { options, probe, limiter } = r;
  const size = probe.size as number;
  const perHost = options.maxConnectionsPerHost;
  const wanted = r.alternates.length > 0 ? options.connections : Math.min(options.connections, perHost);
  if (options.connections > wanted) r.onNote(`using ${wanted} connections (the per-host limit)`);
  const primary = newLane({
    index: 0,
    url: r.url,
    source: r.source,
    host: r.host,
    validators: { etag: probe.etag, lastModified: probe.lastModified, size },
    limit: perHost,
  });
  return new Transfer({
    lanes: new MirrorLanes(primary),
    discoverLanes:
      r.alternates.length === 0
        ? undefined
        : (signal, add) =>
            void probeMirrors({
              mirrors: r.alternates.map((url, i) => ({ url, index: i + 1 })),
              size,
              sourceFor: r.sourceFor,
              hostSlots: r.hostSlots,
              perHostLimit: perHost,
              signal,
              add: (lane) => {
                r.onMirrorJoined();
                add(lane);
              },
              note: r.onNote,
            }),
    writer: r.writer,
    map: r.map,
    hostSlots: r.hostSlots,
    connections: wanted,
    minSplitSize: options.minSplitSize,
    maxTries: options.maxTries,
    retryWaitMs: options.retryWaitMs,
    firstStream: probe.body ? { stream: probe.body, offset: probe.bodyOffset ?? 0, end: probe.bodyEnd ?? size } : undefined,
    heldSlot: r.heldSlot,
    now: r.now,
    random: r.random,
    sleep: r.sleep,
    throttle: limiter.limited ? (n, s) => limiter.consume(n, s) : undefined,
    onBytes: r.onBytes,
    onNote: r.onNote,
    onRetry: r.onRetry,
  });
}

/**
 * The connections of a segmented attempt of `ctx` into `writer` (the partial file or standard
 * output), over the download's URL and its alternates (their sources from `mirrors`). The
 * transfer takes over the probe's host slot (`slot.held` is false afterwards) and its open body.
 */
export function downloadTransfer(
  ctx: DownloadContext,
  mirrors: MirrorSources,
  source: Source,
  probe: ProbeResult,
  writer: PositionalWriter,
  map: PieceMap,
  slot: { held: boolean },
): Transfer {
  const { deps } = ctx;
  const transfer = buildTransfer({
    url: ctx.url,
    host: ctx.host,
    alternates: deps.alternates,
    options: ctx.options,
    source,
    probe,
    writer,
    map,
    heldSlot: slot.held,
    hostSlots: deps.hostSlots,
    limiter: downloadLimiter(ctx.options, deps),
    onMirrorJoined: () => {
      mirrors.used = true;
    },
    sourceFor: (url) => mirrors.get(url),
    now: deps.now,
    random: deps.random,
    sleep: deps.sleep,
    onBytes: (n) => ctx.progress.count(n),
    onNote: (m) => ctx.note(m),
    onRetry: (r) => ctx.retry(r),
  });
  slot.held = false;
  return transfer;
}
