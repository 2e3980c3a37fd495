/**
 * The state database's schema as numbered migrations of plain SQL. Migration N (1-based: the
 * element at index N - 1) takes a database from `PRAGMA user_version` N - 1 to N.
 *
 * Invariants:
 * - Released migrations are never edited, only appended to (test/fixtures/store-v1.sql is a frozen
 *   copy of migration 1 and a test compares them).
 * - `position` is set exactly for unfinished downloads (active, waiting, paused); positions are
 *   distinct and order the queue, with gaps where downloads stopped (a stop renumbers nothing).
 *   The store reports a download's place, 0..n-1, not its position.
 * - `stop_order` is set exactly for stopped ones (complete, error, removed) and grows with each
 *   stop, so it orders the history oldest first.
 */

/** `PRAGMA application_id` of a ferry state database ("FRRY"), to refuse other SQLite files. */
export const APPLICATION_ID = 0x46525259;

/** Migration 1: the first release. */
const V1 = `CREATE TABLE downloads (
  gid TEXT PRIMARY KEY NOT NULL CHECK (length(gid) = 16),
  uris TEXT NOT NULL,
  options TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'waiting', 'paused', 'complete', 'error', 'removed')),
  position INTEGER,
  stop_order INTEGER,
  dir TEXT,
  path TEXT,
  total_bytes INTEGER,
  completed_bytes INTEGER NOT NULL DEFAULT 0,
  error_code TEXT,
  error_message TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  CHECK ((position IS NULL) = (status IN ('complete', 'error', 'removed'))),
  CHECK ((stop_order IS NULL) = (position IS NOT NULL))
) STRICT;
CREATE INDEX downloads_position ON downloads (position) WHERE position IS NOT NULL;
CREATE INDEX downloads_stop_order ON downloads (stop_order) WHERE stop_order IS NOT NULL;
CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
`;

/** Every migration, oldest first. The schema version of this ferry is their count. */
export const MIGRATIONS: readonly string[] = [V1];

/** The schema version this ferry writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
