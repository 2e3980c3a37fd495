/**
 * ferry's library surface. The command line uses only what is exported here.
 *
 * ```ts
 * import { download } from 'ferry';
 * const handle = download('https://example.com/big.iso', { dir: '/tmp', connections: 16 });
 * handle.on('progress', (p) => console.log(p.completedBytes, p.totalBytes));
 * const result = await handle.done;
 * ```
 */
import type { DownloadOptions } from './core/options.js';
import { Download, type DownloadDeps } from './engine/download.js';
import type { DownloadResult } from './engine/download-types.js';

export { type ErrorCode, FerryError, isFerryError } from './core/errors.js';
export { type Checksum, DEFAULT_OPTIONS, type DownloadOptions, MAX_CONNECTIONS, type NetworkOptions, resolveOptions } from './core/options.js';
export { redactUrl, redactUrls } from './core/redact.js';
export { terminalSafe } from './core/terminal-text.js';
export { TokenBucket } from './core/token-bucket.js';
export type { ByteRange, ByteStream, ProbeResult, RemoteInfo, Source, Validators } from './core/types.js';
export { OutputClaims } from './disk/output-claims.js';
export type { ByteSink } from './disk/stdout-writer.js';
export { Download, type DownloadDeps, toFerryError } from './engine/download.js';
export type {
  ConnectionView,
  DownloadEvents,
  DownloadResult,
  DownloadStatus,
  ProgressSnapshot,
  RetryInfo,
  StartInfo,
} from './engine/download-types.js';
export { createEngine, Engine } from './engine/engine.js';
export { HostSlots } from './engine/host-slots.js';
export { reserveOutput } from './engine/output-reservation.js';
export type { DownloadInfo, EngineEvents, EngineOptions, QueueState } from './engine/queue-types.js';
export { type SessionEntry, saveSessionFile, unfinishedEntries } from './engine/session.js';

/** A running download: typed events, a promise of the result, and controls. */
export interface DownloadHandle {
  readonly download: Download;
  /** Resolves with the result (also when stopped or cancelled); rejects with a FerryError. */
  readonly done: Promise<DownloadResult>;
  on: Download['on'];
  once: Download['once'];
  off: Download['off'];
  /** Stop, keeping the partial file and its control file for a later resume. */
  stop(): Promise<DownloadResult | undefined>;
  /** Stop and remove the partial and control files. */
  cancel(): Promise<DownloadResult | undefined>;
  snapshot: Download['snapshot'];
}

/** Start downloading `url` now. Listeners added right after the call see every event. */
export function download(url: string, options: Partial<DownloadOptions> = {}, deps: DownloadDeps = {}): DownloadHandle {
  const d = new Download(url, options, deps);
  const done = new Promise<DownloadResult>((resolve, reject) => {
    // Deferred by a tick so that listeners attached after download() returns see 'start'.
    queueMicrotask(() => d.start().then(resolve, reject));
  });
  done.catch(() => undefined); // the caller may only listen to 'error'
  return {
    download: d,
    done,
    on: d.on.bind(d),
    once: d.once.bind(d),
    off: d.off.bind(d),
    stop: () => d.stop(),
    cancel: () => d.cancel(),
    snapshot: () => d.snapshot(),
  } as DownloadHandle;
}
