import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ErrorCode, FerryError } from '../../src/core/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from '../../src/store/schema.js';
import { thrown } from '../helpers/assertions.js';
import { tempDir } from './helpers.js';

const V1_SQL = fileURLToPath(new URL('../fixtures/store-v1.sql', import.meta.url));

let dir: string;
let cleanup: () => Promise<void>;
let file: string;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  file = path.join(dir, 'ferry.db');
});
afterEach(async () => {
  await cleanup();
});

const mode = (p: string) => statSync(p).mode & 0o777;

function pragmas(p: string): { version: number; appId: number; journal: string } {
  const db = new Database(p, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      appId: db.pragma('application_id', { simple: true }) as number,
      journal: db.pragma('journal_mode', { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}

/** The FerryError `fn` throws, with `code` and a hint. */
function openError(fn: () => unknown, code: ErrorCode): FerryError {
  const e = thrown(fn, code);
  expect(e.hint).toBeTruthy();
  return e;
}

/** A database as ferry's first release wrote it: the frozen v1 SQL, and rows in v1's columns. */
async function buildV1(p: string): Promise<void> {
  const db = new Database(p);
  db.pragma('journal_mode = WAL');
  db.exec(await fs.readFile(V1_SQL, 'utf8'));
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('user_version = 1');
  const insert = db.prepare(
    `INSERT INTO downloads (gid, uris, options, status, position, stop_order, total_bytes, completed_bytes, error_code, error_message, created_at, started_at, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  insert.run('00000000000000a1', '["http://127.0.0.1/a"]', '{"connections":3}', 'active', 0, null, 100, 40, null, null, 10, 11, null);
  insert.run('00000000000000a2', '["http://127.0.0.1/b"]', '{}', 'waiting', 1, null, null, 0, null, null, 12, null, null);
  insert.run('00000000000000a3', '["http://127.0.0.1/c"]', '{}', 'error', null, 1, null, 0, '3', 'not found', 13, 14, 15);
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('dir', '/data');
  db.close();
}

describe('openStore: files', () => {
  it('creates the directory 0700 and the database 0600, WAL included', () => {
    const nested = path.join(dir, 'state', 'ferry', 'ferry.db');
    const store = openStore(nested);
    store.add({ uris: ['http://127.0.0.1/a'], options: { headers: { Authorization: 'Basic c2VjcmV0' } } });
    expect(mode(path.dirname(nested))).toBe(0o700);
    expect(mode(nested)).toBe(0o600);
    expect(mode(`${nested}-wal`)).toBe(0o600);
    store.close();
    expect(pragmas(nested)).toEqual({ version: SCHEMA_VERSION, appId: APPLICATION_ID, journal: 'wal' });
  });

  it('tightens an existing database to 0600 and leaves an existing directory alone', async () => {
    await fs.chmod(dir, 0o755);
    await fs.writeFile(file, '', { mode: 0o644 });
    await fs.chmod(file, 0o644);
    openStore(file).close();
    expect(mode(file)).toBe(0o600);
    expect(mode(dir)).toBe(0o755);
  });

  it('refuses a second opener while the first holds it, and lets it in after close', () => {
    const first = openStore(file);
    const e = openError(() => openStore(file, { lockTimeoutMs: 50 }), 'FILE_SYSTEM');
    expect(e.message).toBe(`${file} is in use by another ferry process`);
    first.add({ uris: ['http://127.0.0.1/a'] });
    first.close();
    const second = openStore(file);
    expect(second.queue()).toHaveLength(1);
    second.close();
  });

  it('refuses a file that is not SQLite, and a SQLite file that is not ferry', async () => {
    await fs.writeFile(file, 'x'.repeat(4096));
    expect(openError(() => openStore(file), 'FILE_SYSTEM').message).toMatch(/is not a usable SQLite database/);
    const other = path.join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (t TEXT)');
    db.close();
    expect(openError(() => openStore(other), 'FILE_SYSTEM').message).toBe(`${other} is a SQLite database but not ferry's state database`);
  });

  it('names the file when the directory cannot be created', async () => {
    const blocker = path.join(dir, 'blocker');
    await fs.writeFile(blocker, '');
    const e = openError(() => openStore(path.join(blocker, 'ferry.db')), 'FILE_SYSTEM');
    expect(e.message).toContain(path.join(blocker, 'ferry.db'));
  });
});

describe('openStore: schema versions', () => {
  it('the v1 fixture is migration 1, unchanged (released migrations are never edited)', async () => {
    expect(await fs.readFile(V1_SQL, 'utf8')).toBe(MIGRATIONS[0]);
  });

  it('creates the schema in an empty file', async () => {
    await fs.writeFile(file, '');
    const store = openStore(file);
    expect(store.queue()).toEqual([]);
    store.close();
    expect(pragmas(file).version).toBe(SCHEMA_VERSION);
  });

  it('opens a version-1 database with its queue, history and settings (active back to waiting)', async () => {
    await buildV1(file);
    const store = openStore(file);
    expect(store.queue()).toEqual([
      {
        gid: '00000000000000a1',
        uris: ['http://127.0.0.1/a'],
        options: { connections: 3 },
        status: 'waiting',
        position: 0,
        totalBytes: 100,
        completedBytes: 40,
        createdAt: 10,
        startedAt: 11,
      },
      { gid: '00000000000000a2', uris: ['http://127.0.0.1/b'], options: {}, status: 'waiting', position: 1, completedBytes: 0, createdAt: 12 },
    ]);
    expect(store.stopped(0, 10)).toEqual([
      {
        gid: '00000000000000a3',
        uris: ['http://127.0.0.1/c'],
        options: {},
        status: 'error',
        completedBytes: 0,
        errorCode: '3',
        errorMessage: 'not found',
        createdAt: 13,
        startedAt: 14,
        finishedAt: 15,
      },
    ]);
    expect(store.settings()).toEqual({ dir: '/data' });
    // New rows follow the old ones.
    expect(store.add({ uris: ['http://127.0.0.1/d'] }).position).toBe(2);
    store.setStatus('00000000000000a2', 'complete');
    expect(store.stopped(0, 10).map((d) => d.gid)).toEqual(['00000000000000a3', '00000000000000a2']);
    store.close();
  });

  it('applies later migrations in order, keeping the data', async () => {
    await buildV1(file);
    const v2 = [...MIGRATIONS, 'ALTER TABLE downloads ADD COLUMN note TEXT;'];
    const store = openStore(file, { migrations: v2 });
    expect(store.get('00000000000000a2')?.uris).toEqual(['http://127.0.0.1/b']);
    store.close();
    expect(pragmas(file).version).toBe(MIGRATIONS.length + 1);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT note FROM downloads WHERE gid = ?').get('00000000000000a2')).toEqual({ note: null });
    db.close();
  });

  it('a failing migration leaves the database at the last good version', async () => {
    await buildV1(file);
    const broken = [...MIGRATIONS, 'CREATE TABLE half (a INTEGER); INSERT INTO missing VALUES (1);'];
    expect(() => openStore(file, { migrations: broken })).toThrow(FerryError);
    expect(pragmas(file).version).toBe(1);
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
    const store = openStore(file);
    expect(store.queue()).toHaveLength(2);
    store.close();
  });

  it('refuses a database written by a newer ferry, and leaves it untouched', async () => {
    await buildV1(file);
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const e = openError(() => openStore(file), 'UNSUPPORTED');
    expect(e.message).toBe(`${file} was written by a newer ferry (schema version ${SCHEMA_VERSION + 1}; this ferry knows up to ${SCHEMA_VERSION})`);
    expect(e.hint).toMatch(/upgrade ferry/);
    expect(pragmas(file).version).toBe(SCHEMA_VERSION + 1);
  });
});
