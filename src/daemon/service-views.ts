/**
 * How the daemon's downloads look to the RPC layer: live ones from the engine, stopped ones from
 * the store, and the one mapping between the engine's states and the store's (aria2's) statuses.
 */
import path from 'node:path';
import type { DownloadInfo, QueueState } from '../engine/queue-types.js';
import type { RpcDownload } from '../rpc/service.js';
import type { StoredDownload, StoredStatus } from '../store/types.js';

/** The store's (aria2's) status of an engine state: `cancelled` is `removed`, the rest keep their names. */
export function toStoredStatus(state: QueueState): StoredStatus {
  return state === 'cancelled' ? 'removed' : state;
}

/** The engine state of a stored status (the inverse of toStoredStatus). */
export function fromStoredStatus(status: StoredStatus): QueueState {
  return status === 'removed' ? 'cancelled' : status;
}

/** What the store last recorded of a download's progress (shown until its next run reports). */
export interface ProgressSummary {
  completedBytes: number;
  totalBytes?: number;
  path?: string;
}

/**
 * The RPC view of a download the engine holds. Before its first run in this daemon process a
 * restored download reports nothing itself: the stored summary stands in.
 */
export function liveView(info: DownloadInfo, defaultDir: string, stored?: ProgressSummary): RpcDownload {
  const summary = info.totalBytes === undefined ? stored : undefined;
  // Every field written out (no spread): this runs for each entry of every list answer.
  const where = summary?.path ?? info.path;
  return {
    id: info.id,
    url: info.url,
    urls: info.urls,
    path: where,
    name: where === undefined ? undefined : path.basename(where),
    state: info.state,
    totalBytes: summary?.totalBytes ?? info.totalBytes,
    completedBytes: summary?.completedBytes ?? info.completedBytes,
    speed: info.speed,
    connections: info.connections,
    elapsedMs: info.elapsedMs,
    errorCode: info.errorCode,
    errorMessage: info.errorMessage,
    options: info.options,
    dir: info.options.dir ?? defaultDir,
  };
}

/** The RPC view of a download as the store keeps it (stopped ones, after the engine forgot them). */
export function storedView(d: StoredDownload, defaultDir: string): RpcDownload {
  return {
    id: d.gid,
    url: d.uris[0],
    urls: [...d.uris],
    path: d.path,
    name: d.path === undefined ? undefined : path.basename(d.path),
    state: fromStoredStatus(d.status),
    totalBytes: d.totalBytes,
    completedBytes: d.completedBytes,
    speed: 0,
    connections: 0,
    elapsedMs: d.startedAt !== undefined && d.finishedAt !== undefined ? Math.max(0, d.finishedAt - d.startedAt) : 0,
    errorCode: d.errorCode,
    errorMessage: d.errorMessage,
    options: { ...d.options },
    dir: d.dir ?? d.options.dir ?? defaultDir,
  };
}
