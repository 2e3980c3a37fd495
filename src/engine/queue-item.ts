/** One download of the queue as the engine holds it, and its public view. */
import path from 'node:path';
import type { FerryError } from '../core/errors.js';
import type { DownloadOptions } from '../core/options.js';
import { isActive, publicState, type QueueStatus } from '../core/queue-transitions.js';
import type { OutputClaims } from '../disk/output-claims.js';
import type { Download } from './download.js';
import type { ProgressSnapshot } from './download-types.js';
import type { DownloadInfo } from './queue-types.js';

/** The engine's record of one download. */
export interface Item {
  id: string;
  urls: string[];
  /** Which mirror is in use. */
  mirror: number;
  /** URLs this item had before `setUris` replaced them: a control file of theirs is still its own. */
  formerUrls: string[];
  options: Partial<DownloadOptions>;
  /** Changed only through `apply` (the pure state machine of core/queue-transitions). */
  status: QueueStatus;
  /** The run of the item; running exactly while `isActive(status)`. */
  download?: Download;
  /** The last snapshot of a download that is not running (for get/list). */
  last?: ProgressSnapshot;
  activeMs: number;
  error?: FerryError;
}

/** What `get()` and `list()` report of `item` now. Before it starts, it shows the name claimed for it at add(). */
export function itemInfo(item: Item, claims: OutputClaims): DownloadInfo {
  const running = isActive(item.status) && item.download;
  const s = running ? item.download?.snapshot() : (item.last ?? item.download?.snapshot());
  // Before it starts, an entry shows the name claimed for it at add().
  const where = s?.path ?? claims.current(item)?.paths.final;
  return {
    id: item.id,
    url: item.urls[item.mirror],
    urls: [...item.urls],
    path: where,
    name: where === undefined ? undefined : path.basename(where),
    state: publicState(item.status),
    totalBytes: s?.totalBytes,
    completedBytes: s?.completedBytes ?? 0,
    speed: running ? (s?.speed ?? 0) : 0,
    connections: running ? (s?.connections.length ?? 0) : 0,
    elapsedMs: item.activeMs + (running ? (s?.elapsedMs ?? 0) : 0),
    errorCode: item.error?.code,
    errorMessage: item.error ? item.error.message + (item.error.hint ? ` (${item.error.hint})` : '') : undefined,
    options: { ...item.options },
  };
}

/**
 * Give `item` the URLs `urls` (not empty): the ones it loses join its former URLs (a control file
 * of theirs is still its own), and it keeps using its current URL when that is still in the list
 * (else the first). Returns false when the current URL went away (a running download restarts).
 */
export function replaceUrls(item: Item, urls: readonly string[]): boolean {
  const current = item.urls[item.mirror];
  for (const u of item.urls) if (!urls.includes(u) && !item.formerUrls.includes(u)) item.formerUrls.push(u);
  item.urls = [...urls];
  const kept = urls.indexOf(current);
  item.mirror = Math.max(0, kept);
  return kept >= 0;
}
