/**
 * One download as the page shows it, made from aria2's `tellStatus` shape (all numbers are strings
 * there). Pure: the list, the details and the tests use the same view.
 */
import type { Aria2StatusObject } from '../../../src/core/aria2-status-object.js';
import { describeError } from '../lib/aria2-errors.js';
import { formatPercent, num, progressFraction } from '../lib/format.js';

/** The keys of `tellStatus` the page reads (aria2 and ferry; see core/aria2-status-object.ts). */
export type Aria2Status = Aria2StatusObject;

/** The states of a download, as aria2 names them. */
export type DownloadState = 'active' | 'waiting' | 'paused' | 'error' | 'complete' | 'removed';

export interface Download {
  gid: string;
  state: DownloadState;
  name: string;
  total: number;
  completed: number;
  speed: number;
  connections: number;
  dir: string;
  /** Full path on disk ('' until the name is known). */
  path: string;
  /** Every URI of the first file, each once, the primary first. */
  uris: string[];
  /** The error in words, for failed downloads. */
  error?: string;
}

/** The list's filters. */
export type Filter = 'all' | 'active' | 'waiting' | 'paused' | 'finished' | 'failed';

const STATES: readonly DownloadState[] = ['active', 'waiting', 'paused', 'error', 'complete', 'removed'];

/** Words for each state, as the list shows them. */
export const STATE_WORDS: Record<DownloadState, string> = {
  active: 'Downloading',
  waiting: 'Queued',
  paused: 'Paused',
  error: 'Failed',
  complete: 'Finished',
  removed: 'Cancelled',
};

/** The last path segment of a URI, decoded; '' when there is none. */
function nameFromUri(uri: string): string {
  try {
    const last = new URL(uri).pathname.split('/').pop() ?? '';
    return decodeURIComponent(last);
  } catch {
    return '';
  }
}

/** The view of one aria2 status. */
export function toDownload(s: Aria2Status): Download {
  const state = (STATES as readonly string[]).includes(s.status ?? '') ? (s.status as DownloadState) : 'waiting';
  const file = s.files?.[0];
  const uris = [...new Set((file?.uris ?? []).map((u) => u.uri))];
  const path = file?.path ?? '';
  const name = path.split('/').pop() || (uris.length > 0 ? nameFromUri(uris[0]) : '') || uris[0] || s.gid;
  return {
    gid: s.gid,
    state,
    name,
    total: num(s.totalLength),
    completed: num(s.completedLength),
    speed: state === 'active' ? num(s.downloadSpeed) : 0,
    connections: state === 'active' ? num(s.connections) : 0,
    dir: s.dir ?? '',
    path,
    uris,
    error: state === 'error' ? describeError(s.errorCode, s.errorMessage) : undefined,
  };
}

/** Whether a download passes the filter and the search text (name or URI, any case). */
export function matches(d: Download, filter: Filter, query: string): boolean {
  const byFilter =
    filter === 'all' ||
    (filter === 'active' && d.state === 'active') ||
    (filter === 'waiting' && d.state === 'waiting') ||
    (filter === 'paused' && d.state === 'paused') ||
    (filter === 'finished' && (d.state === 'complete' || d.state === 'removed')) ||
    (filter === 'failed' && d.state === 'error');
  if (!byFilter) return false;
  const q = query.trim().toLowerCase();
  return q === '' || d.name.toLowerCase().includes(q) || d.uris.some((u) => u.toLowerCase().includes(q));
}

/** Only waiting and paused downloads have a place in the queue (aria2's changePosition). */
export const inQueue = (d: Download): boolean => d.state === 'waiting' || d.state === 'paused';

/** The percent the list shows: a finished download is 100% even when it had 0 bytes. */
export const percentOf = (d: Download): string => (d.state === 'complete' ? '100%' : formatPercent(d.completed, d.total));

/** The bar's fill in 0..1, with the same rule as {@link percentOf}. */
export const fractionOf = (d: Download): number => (d.state === 'complete' ? 1 : progressFraction(d.completed, d.total));
