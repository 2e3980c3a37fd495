import type Database from 'better-sqlite3';
import { DOWNLOAD_COLUMNS } from './rows.js';

/** Every statement the store runs, by name. SQL lives here and in schema.ts only. */
const SQL = {
  insert: `INSERT INTO downloads (gid, uris, options, status, position, dir, path, total_bytes, completed_bytes, created_at)
       VALUES (@gid, @uris, @options, @status, @position, @dir, @path, @totalBytes, @completedBytes, @createdAt)`,
  get: `SELECT ${DOWNLOAD_COLUMNS} FROM downloads WHERE gid = ?`,
  exists: 'SELECT 1 FROM downloads WHERE gid = ?',
  /** Gids in [?, ?) in order: a prefix range, at most two (enough to tell one from many). */
  prefix: `SELECT ${DOWNLOAD_COLUMNS} FROM downloads WHERE gid >= ? AND gid < ? ORDER BY gid LIMIT 2`,
  queue: `SELECT ${DOWNLOAD_COLUMNS} FROM downloads WHERE position IS NOT NULL ORDER BY position`,
  queueLength: 'SELECT count(*) FROM downloads WHERE position IS NOT NULL',
  /** The position after the last of the queue. */
  queueEnd: 'SELECT coalesce(max(position), -1) + 1 FROM downloads WHERE position IS NOT NULL',
  /** The position of the download at place ? of the queue (0-based). */
  positionAt: 'SELECT position FROM downloads WHERE position IS NOT NULL ORDER BY position LIMIT 1 OFFSET ?',
  /** The place in the queue (0-based) of position ?: how many come before it. */
  placeOf: 'SELECT count(*) FROM downloads WHERE position IS NOT NULL AND position < ?',
  /** Make room: positions >= ? move one down the queue. */
  openGap: 'UPDATE downloads SET position = position + 1 WHERE position >= ?',
  /** Positions in [?, ?) move one down (a download moved up to the first of them). */
  shiftDown: 'UPDATE downloads SET position = position + 1 WHERE position >= ? AND position < ?',
  /** Positions in (?, ?] move one up (a download moved down to the last of them). */
  shiftUp: 'UPDATE downloads SET position = position - 1 WHERE position > ? AND position <= ?',
  setPosition: 'UPDATE downloads SET position = ? WHERE gid = ?',
  stopOrder: 'SELECT stop_order FROM downloads WHERE gid = ?',
  nextStopOrder: 'SELECT coalesce(max(stop_order), 0) + 1 FROM downloads',
  /** A status change with everything it implies, computed by the caller (the CHECKs hold per statement). */
  setStatus: `UPDATE downloads SET status = @status, position = @position, stop_order = @stopOrder,
         error_code = @errorCode, error_message = @errorMessage,
         path = coalesce(@path, path), total_bytes = coalesce(@totalBytes, total_bytes),
         completed_bytes = coalesce(@completedBytes, completed_bytes),
         started_at = @startedAt, finished_at = @finishedAt
       WHERE gid = @gid`,
  progress: `UPDATE downloads SET completed_bytes = @completedBytes, total_bytes = coalesce(@totalBytes, total_bytes),
         path = coalesce(@path, path) WHERE gid = @gid`,
  setOptions: 'UPDATE downloads SET options = ? WHERE gid = ?',
  setUris: 'UPDATE downloads SET uris = ? WHERE gid = ?',
  stoppedOldest: `SELECT ${DOWNLOAD_COLUMNS} FROM downloads WHERE stop_order IS NOT NULL ORDER BY stop_order ASC LIMIT ? OFFSET ?`,
  stoppedNewest: `SELECT ${DOWNLOAD_COLUMNS} FROM downloads WHERE stop_order IS NOT NULL ORDER BY stop_order DESC LIMIT ? OFFSET ?`,
  stoppedCount: 'SELECT count(*) FROM downloads WHERE stop_order IS NOT NULL',
  /** The history after stop order ?, oldest first, with each entry's stop order. */
  stoppedSince: `SELECT ${DOWNLOAD_COLUMNS}, stop_order FROM downloads WHERE stop_order > ? ORDER BY stop_order ASC`,
  removeResult: 'DELETE FROM downloads WHERE gid = ? AND stop_order IS NOT NULL',
  purgeResults: 'DELETE FROM downloads WHERE stop_order IS NOT NULL',
  /** After a crash or a stop, nothing is running: active downloads wait, in their place. */
  recover: "UPDATE downloads SET status = 'waiting' WHERE status = 'active'",
  setting: 'SELECT value FROM settings WHERE key = ?',
  settings: 'SELECT key, value FROM settings ORDER BY key',
  putSetting: 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  deleteSetting: 'DELETE FROM settings WHERE key = ?',
} as const;

/** Statements that answer one value (the first column) instead of a row. */
const PLUCKED: ReadonlySet<string> = new Set([
  'exists',
  'queueLength',
  'queueEnd',
  'positionAt',
  'placeOf',
  'stopOrder',
  'nextStopOrder',
  'stoppedCount',
  'setting',
]);

/** The prepared statements of one database, by name. */
export type Statements = { [K in keyof typeof SQL]: Database.Statement };

/** Prepare every statement once for `db`. */
export function prepareStatements(db: Database.Database): Statements {
  return Object.fromEntries(
    Object.entries(SQL).map(([name, sql]) => {
      const statement = db.prepare(sql);
      return [name, PLUCKED.has(name) ? statement.pluck() : statement];
    }),
  ) as Statements;
}
