/**
 * aria2's status objects (as `tellStatus`, `tellActive`, `tellWaiting`, `tellStopped` return
 * them: every number a string) and their translation into ferry's queue view model. Pure.
 */
import type { Aria2StatusObject } from '../../core/aria2-status-object.js';
import type { QueueItemView } from '../queue-render.js';

/** The keys of an aria2 status the client commands read. */
export const STATUS_KEYS = ['gid', 'status', 'totalLength', 'completedLength', 'downloadSpeed', 'connections', 'files', 'errorCode', 'errorMessage', 'dir'];

/** One aria2 status object (see core/aria2-status-object.ts). */
export type Aria2Status = Aria2StatusObject;

const STATES: Readonly<Record<string, QueueItemView['state']>> = {
  active: 'active',
  waiting: 'waiting',
  paused: 'paused',
  complete: 'complete',
  error: 'error',
  removed: 'cancelled',
};

/** A non-negative integer from aria2's string, 0 when absent or not a number. */
export function num(text: string | undefined): number {
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** The first file's URI, or '' when none is listed. */
export function firstUri(s: Aria2Status): string {
  return s.files?.[0]?.uris?.[0]?.uri ?? '';
}

/** The file name (last path segment of the first file), or '' before it is known. */
export function fileName(s: Aria2Status): string {
  const path = s.files?.[0]?.path ?? '';
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The total size, or undefined when unknown: aria2 reports `0` both for an empty file and for a
 * size not known yet, so `0` counts as known only once the download is complete.
 */
export function totalOf(s: Aria2Status): number | undefined {
  const total = num(s.totalLength);
  return total > 0 || s.status === 'complete' ? total : undefined;
}

/** An aria2 status as a row of ferry's queue view (the elapsed time is not in aria2's status). */
export function toQueueItem(s: Aria2Status): QueueItemView {
  return {
    id: s.gid,
    url: firstUri(s),
    name: fileName(s),
    state: STATES[s.status ?? ''] ?? 'waiting',
    totalBytes: totalOf(s),
    completedBytes: num(s.completedLength),
    speed: num(s.downloadSpeed),
    connections: num(s.connections),
    elapsedMs: 0,
    errorCode: s.errorCode === undefined || s.errorCode === '0' ? undefined : s.errorCode,
    errorMessage: s.errorMessage || undefined,
  };
}
