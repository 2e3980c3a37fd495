import type { DownloadOptions } from '../core/options.js';
import type { QueueState } from '../core/queue-transitions.js';
import type { DownloadResult, ProgressSnapshot, RetryInfo } from './download-types.js';

export type { QueueState };

/** What `get(id)` and `list()` report of one download. */
export interface DownloadInfo {
  id: string;
  /** The primary URL (mirrors follow in `urls`). */
  url: string;
  urls: string[];
  /** The output path, once known. */
  path?: string;
  name?: string;
  state: QueueState;
  totalBytes?: number;
  completedBytes: number;
  /** Bytes per second now (0 unless active). */
  speed: number;
  /** Open connections now. */
  connections: number;
  /** Time spent active, in ms. */
  elapsedMs: number;
  /** When it failed. */
  errorCode?: string;
  errorMessage?: string;
  /** The options it runs with (only those given for it). */
  options: Partial<DownloadOptions>;
}

/** Engine-wide settings. Download defaults use the same names as DownloadOptions. */
export interface EngineOptions extends Partial<Omit<DownloadOptions, 'limitRate'>> {
  /** Downloads running at once. CLI `-j/--max-concurrent-downloads`; RPC `max-concurrent-downloads`. Default 3. */
  maxActive?: number;
  /** Global limit over all downloads, bytes/s (0 = none). CLI `--max-overall-download-limit`; RPC `max-overall-download-limit`. */
  limitRate?: number;
  /** Default per-download limit, bytes/s. CLI `--limit-rate`; RPC `max-download-limit`. */
  downloadLimitRate?: number;
}

export type EngineEvents = {
  added: [DownloadInfo];
  start: [DownloadInfo];
  progress: [DownloadInfo, ProgressSnapshot];
  note: [DownloadInfo, string];
  retry: [DownloadInfo, RetryInfo];
  pause: [DownloadInfo];
  resume: [DownloadInfo];
  complete: [DownloadInfo, DownloadResult];
  error: [DownloadInfo];
  cancel: [DownloadInfo];
  /** Nothing is active or waiting. */
  idle: [];
};
