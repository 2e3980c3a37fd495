/** The counters of one Download run, and the snapshots and results made from them. */
import path from 'node:path';
import type { PieceMap } from '../core/piece-map.js';
import { SpeedMeter } from '../core/speed-meter.js';
import type { DownloadResult, ProgressSnapshot } from './download-types.js';
import type { ConnectionView, Transfer } from './transfer.js';

/**
 * What a Download has done so far: bytes of this run, bytes resumed, speed, and what the
 * connections are doing. The phases of a run set `map`, `transfer` and `singleView` as they start;
 * a snapshot reads whichever is set (the transfer's views before the single connection's).
 */
export class DownloadProgress {
  /** The piece map of the running attempt (bytes received and done). */
  map?: PieceMap;
  /** The connections of a segmented attempt. */
  transfer?: Transfer;
  /** The connection view of a single-connection attempt. */
  singleView?: () => ConnectionView[];
  /** The file's size once known (the probe's, or the bytes a single connection received). */
  totalBytes?: number;
  /** Bytes on disk from an earlier run when this one started. */
  resumedBytes = 0;
  private readonly meter = new SpeedMeter(5000);
  private startedAt = 0;
  private sessionBytes = 0;

  constructor(private readonly now: () => number) {}

  /** The run starts now (elapsed times count from here). */
  begin(): void {
    this.startedAt = this.now();
  }

  /** `n` bytes arrived in this run. */
  count(n: number): void {
    this.sessionBytes += n;
    this.meter.add(n, this.now());
  }

  /** The state of the download of `url` into `final` (undefined: not chosen yet) right now. */
  snapshot(url: string, final: string | undefined): ProgressSnapshot {
    const now = this.now();
    return {
      url,
      path: final,
      name: final === undefined ? undefined : path.basename(final),
      totalBytes: this.totalBytes,
      completedBytes: this.map ? Math.min(this.map.receivedBytes, this.totalBytes ?? Infinity) : 0,
      sessionBytes: this.sessionBytes,
      speed: this.meter.rate(now),
      elapsedMs: this.startedAt ? now - this.startedAt : 0,
      connections: this.transfer?.views() ?? this.singleView?.() ?? [],
    };
  }

  /** The result of the run of `url` into `final`, ended with `status` and `totalBytes`. */
  result(status: DownloadResult['status'], url: string, final: string, totalBytes: number): DownloadResult {
    return {
      status,
      url,
      path: final,
      totalBytes,
      sessionBytes: this.sessionBytes,
      resumedBytes: this.resumedBytes,
      elapsedMs: this.now() - this.startedAt,
    };
  }
}
