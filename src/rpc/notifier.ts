/**
 * Queue events as JSON-RPC notifications: aria2's five, ferry's added/removed, and
 * `ferry.onProgress` (the progress of every download that moved, at most once per interval).
 */
import type { RpcDownload, RpcEvent, RpcService } from './service.js';

/** A notification object (no `id`, as JSON-RPC says). */
export interface RpcNotification {
  jsonrpc: '2.0';
  method: string;
  params: Record<string, string>[];
}

const EVENT_METHODS: Record<Exclude<RpcEvent['type'], 'progress'>, string> = {
  start: 'aria2.onDownloadStart',
  pause: 'aria2.onDownloadPause',
  stop: 'aria2.onDownloadStop',
  complete: 'aria2.onDownloadComplete',
  error: 'aria2.onDownloadError',
  added: 'ferry.onDownloadAdded',
  removed: 'ferry.onDownloadRemoved',
};

function progressEntry(d: RpcDownload): Record<string, string> {
  return {
    gid: d.id,
    completedLength: String(d.completedBytes),
    totalLength: String(d.totalBytes ?? 0),
    downloadSpeed: String(Math.round(d.speed)),
    connections: String(d.connections),
  };
}

/**
 * Subscribe to `service` and pass each notification to `send`. Progress is batched: the latest
 * numbers of each download, sent together every `progressIntervalMs`. Returns the stop function.
 */
export function startNotifier(service: RpcService, send: (n: RpcNotification) => void, progressIntervalMs = 1000): () => void {
  /** Latest progress per gid since the last flush; flushed (and emptied) by the timer. */
  const pending = new Map<string, RpcDownload>();
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    if (pending.size === 0) return;
    const params = [...pending.values()].map(progressEntry);
    pending.clear();
    send({ jsonrpc: '2.0', method: 'ferry.onProgress', params });
  };
  const unsubscribe = service.subscribe((event) => {
    if (event.type === 'progress') {
      pending.set(event.download.id, event.download);
      timer ??= setTimeout(flush, progressIntervalMs);
      return;
    }
    // A download's last progress goes out before its state change.
    if (pending.has(event.gid)) {
      const d = pending.get(event.gid);
      pending.delete(event.gid);
      if (d) send({ jsonrpc: '2.0', method: 'ferry.onProgress', params: [progressEntry(d)] });
    }
    send({ jsonrpc: '2.0', method: EVENT_METHODS[event.type], params: [{ gid: event.gid }] });
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    pending.clear();
  };
}
