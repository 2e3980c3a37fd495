/** What a Download lends the phases of its run (the probe, the connections, the finish). */
import type { DownloadOptions } from '../core/options.js';
import { TokenBucket } from '../core/token-bucket.js';
import type { DownloadDeps, ResolvedDownloadDeps } from './download-deps.js';
import type { DownloadOutput } from './download-output.js';
import type { DownloadProgress } from './download-progress.js';
import type { StartInfo } from './download-types.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import type { RetryInfo } from './transfer-types.js';

/**
 * One Download as its phases see it: its settings, its stop, its counters and output, and its
 * events. A phase reports through these and never emits by itself.
 */
export interface DownloadContext {
  readonly url: string;
  /** The URL's `host[:port]`, parsed once: the key of its per-host connection slots. */
  readonly host: string;
  readonly options: DownloadOptions;
  readonly deps: ResolvedDownloadDeps;
  /** The download's stop (aborted by stop() and cancel()). */
  readonly signal: AbortSignal;
  readonly progress: DownloadProgress;
  readonly output: DownloadOutput;
  note(message: string): void;
  retry(info: RetryInfo): void;
  started(info: StartInfo): void;
  /** Every byte is in the file; only disk work is left (the 'received' event). */
  received(): void;
}

/**
 * The rate limiter of one attempt: the download's own `limitRate` bucket (burst: a quarter of a
 * second, at least 64 KiB), under the global bucket of `deps`.
 */
export function downloadLimiter(options: DownloadOptions, deps: Pick<DownloadDeps, 'globalBucket'> & { now: () => number }): RateLimiter {
  const own = options.limitRate > 0 ? new TokenBucket(options.limitRate, Math.max(64 * 1024, options.limitRate / 4), deps.now()) : undefined;
  return createRateLimiter({ global: deps.globalBucket, own }, { now: deps.now });
}
