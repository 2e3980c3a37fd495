import type { DownloadOptions } from '../core/options.js';
import type { StoredDownload, StoredStatus } from './types.js';

/** A `downloads` row as SQLite returns it. */
export interface DownloadRow {
  gid: string;
  uris: string;
  options: string;
  status: string;
  position: number | null;
  dir: string | null;
  path: string | null;
  total_bytes: number | null;
  completed_bytes: number;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

/** The columns every read selects, in DownloadRow's shape. */
export const DOWNLOAD_COLUMNS =
  'gid, uris, options, status, position, dir, path, total_bytes, completed_bytes, error_code, error_message, created_at, started_at, finished_at';

/** A row as the record the rest of ferry sees: NULL columns become absent fields. */
export function toDownload(row: DownloadRow): StoredDownload {
  const d: StoredDownload = {
    gid: row.gid,
    uris: JSON.parse(row.uris) as string[],
    options: JSON.parse(row.options) as Partial<DownloadOptions>,
    status: row.status as StoredStatus,
    completedBytes: row.completed_bytes,
    createdAt: row.created_at,
  };
  if (row.position !== null) d.position = row.position;
  if (row.dir !== null) d.dir = row.dir;
  if (row.path !== null) d.path = row.path;
  if (row.total_bytes !== null) d.totalBytes = row.total_bytes;
  if (row.error_code !== null) d.errorCode = row.error_code;
  if (row.error_message !== null) d.errorMessage = row.error_message;
  if (row.started_at !== null) d.startedAt = row.started_at;
  if (row.finished_at !== null) d.finishedAt = row.finished_at;
  return d;
}

/** `undefined` as SQL NULL. */
export function orNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}
