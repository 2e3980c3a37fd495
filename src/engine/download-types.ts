import type { FerryError } from '../core/errors.js';
import type { ConnectionView, RetryInfo } from './transfer.js';

export type { ConnectionView, RetryInfo };

/** Said once the remote file is known and the local file chosen. */
export interface StartInfo {
  url: string;
  /** Final path of the output file. */
  path: string;
  totalBytes?: number;
  /** Bytes already on disk from an earlier run. */
  resumedBytes: number;
  /** False when the server cannot do ranges or did not say the size: one connection. */
  segmented: boolean;
}

/** A moment of a download, for progress views. */
export interface ProgressSnapshot {
  url: string;
  path?: string;
  name?: string;
  totalBytes?: number;
  /** Bytes received (written or being written). */
  completedBytes: number;
  /** Bytes received in this run (excludes resumed bytes). */
  sessionBytes: number;
  /** Bytes per second, over the last few seconds. */
  speed: number;
  elapsedMs: number;
  connections: ConnectionView[];
}

export type DownloadStatus = 'complete' | 'already-complete' | 'stopped' | 'cancelled';

export interface DownloadResult {
  status: DownloadStatus;
  url: string;
  path: string;
  /** File size (bytes on disk when stopped). */
  totalBytes: number;
  /** Bytes transferred in this run. */
  sessionBytes: number;
  resumedBytes: number;
  elapsedMs: number;
}

export type DownloadEvents = {
  start: [StartInfo];
  progress: [ProgressSnapshot];
  /** Something the user should know: a fallback, a restart and its reason, fewer connections. */
  note: [string];
  retry: [RetryInfo];
  /**
   * Every byte is in the file and the connections are free: only disk work is left (the final
   * sync, the checksum, the rename). A queue lets the next download start meanwhile.
   */
  received: [];
  complete: [DownloadResult];
  error: [FerryError];
};
