/**
 * Engine events into the store and out as RPC events: start -> active (startedAt stamped), pause,
 * resume, and complete / error / removed -> the history (finishedAt, result, error), after which
 * the engine forgets the download.
 */
import type { DownloadResult } from '../engine/download-types.js';
import type { Engine } from '../engine/engine.js';
import type { DownloadInfo } from '../engine/queue-types.js';
import type { RpcDownload, RpcEvent } from '../rpc/service.js';
import type { StatusExtra, StoppedStatus, Store } from '../store/types.js';
import { type ProgressSummary, toStoredStatus } from './service-views.js';

/** What the recorder shares with the service. */
export interface EventRecorderContext {
  engine: Engine;
  store: Store;
  /** Downloads whose run started and has not stopped (their stop is aria2's `stop` or `pause`). */
  running: Set<string>;
  /** Stored progress of restored downloads, dropped once their run reports. */
  summaries: Map<string, ProgressSummary>;
  /** True while the daemon stops: pauses of the engine's close are not the user's. */
  closing(): boolean;
  emit(event: RpcEvent): void;
  view(d: DownloadInfo): RpcDownload;
  /** Run a store write; a failure is reported, not thrown. */
  guard(fn: () => void): void;
  /** Report a store failure that happened later (a failed sync). */
  report(e: unknown): void;
  /** Count one more stopped download. */
  stopped(): void;
}

/** What a status change records of a download's progress. */
export function progressExtra(d: DownloadInfo): StatusExtra {
  const known = d.totalBytes !== undefined || d.completedBytes > 0;
  return known ? { completedBytes: d.completedBytes, totalBytes: d.totalBytes, path: d.path } : {};
}

/** Subscribe to the engine's events (see the module comment). */
export function recordEngineEvents(c: EventRecorderContext): void {
  const { engine: e, store } = c;
  /** A stopped download: recorded in the history, forgotten by the engine, announced. */
  const finish = (d: DownloadInfo, extra: StatusExtra): void => {
    const wasRunning = c.running.delete(d.id);
    const status = toStoredStatus(d.state) as StoppedStatus;
    store.setStatus(d.id, status, extra);
    e.forget(d.id);
    c.summaries.delete(d.id);
    c.stopped();
    const announce = (): void => {
      if (status === 'removed' && wasRunning) c.emit({ type: 'stop', gid: d.id });
      c.emit({ type: status, gid: d.id });
    };
    // Announced once the history entry is on the disk: a front end is never told of a result
    // that a power cut could take back (a failed sync is reported, and the result announced).
    void store.durable().then(announce, (err: unknown) => {
      c.report(err);
      announce();
    });
  };
  e.on('start', (d) =>
    c.guard(() => {
      c.running.add(d.id);
      store.setStatus(d.id, 'active');
      c.emit({ type: 'start', gid: d.id });
    }),
  );
  e.on('progress', (d) => {
    // Once the server has answered, the run knows what it resumed: its own numbers take over.
    if (d.totalBytes !== undefined) c.summaries.delete(d.id);
    c.emit({ type: 'progress', download: c.view(d) });
  });
  e.on('pause', (d) =>
    c.guard(() => {
      // Closing: running downloads stop as paused in the engine, but stay active in the store.
      if (c.closing()) return;
      const wasRunning = c.running.delete(d.id);
      if (store.get(d.id)?.status !== 'paused' || wasRunning) store.setStatus(d.id, 'paused', progressExtra(d));
      if (wasRunning) c.emit({ type: 'pause', gid: d.id });
    }),
  );
  e.on('resume', (d) =>
    c.guard(() => {
      if (store.get(d.id)?.status === 'paused') store.setStatus(d.id, 'waiting');
    }),
  );
  e.on('complete', (d, r: DownloadResult) => c.guard(() => finish(d, { completedBytes: r.totalBytes, totalBytes: r.totalBytes, path: r.path })));
  e.on('error', (d) => c.guard(() => finish(d, { ...progressExtra(d), errorCode: d.errorCode, errorMessage: d.errorMessage })));
  e.on('cancel', (d) => c.guard(() => finish(d, progressExtra(d))));
}
