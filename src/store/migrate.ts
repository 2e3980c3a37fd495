import type Database from 'better-sqlite3';
import { FerryError } from '../core/errors.js';
import { APPLICATION_ID } from './schema.js';

/**
 * Bring `db` up to the last of `migrations` (see schema.ts), each migration in its own
 * transaction together with its `PRAGMA user_version`, so a crash mid-way leaves the database at
 * the last completed version. `file` names the database in errors.
 * @returns the version the database had before
 * @throws FerryError UNSUPPORTED for a database written by a newer ferry, FILE_SYSTEM for a SQLite
 *   file that is not a ferry state database
 */
export function migrate(db: Database.Database, file: string, migrations: readonly string[]): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number };
  if ((appId !== 0 && appId !== APPLICATION_ID) || (appId === 0 && tables.n > 0)) {
    throw new FerryError('FILE_SYSTEM', `${file} is a SQLite database but not ferry's state database`, {
      hint: 'point ferry at its own state file, or move this one away',
    });
  }
  if (from > migrations.length) {
    throw new FerryError('UNSUPPORTED', `${file} was written by a newer ferry (schema version ${from}; this ferry knows up to ${migrations.length})`, {
      hint: 'upgrade ferry, or move the file away to start with an empty queue',
    });
  }
  for (let version = from + 1; version <= migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version - 1]);
      if (version === 1) db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${version}`);
    })();
  }
  return from;
}
