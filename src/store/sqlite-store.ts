import type Database from 'better-sqlite3';
import { FerryError } from '../core/errors.js';
import type { DownloadOptions } from '../core/options.js';
import { isGid } from './gid.js';
import { type DownloadRow, orNull, toDownload } from './rows.js';
import { prepareStatements } from './statements.js';
import {
  isStopped,
  type NewDownload,
  type PrefixMatch,
  type ProgressUpdate,
  type StatusExtra,
  type StoppedPage,
  type Store,
  type StoredDownload,
  type StoredStatus,
} from './types.js';
import { type FileSync, walSync } from './wal-sync.js';

/** What the store takes from outside. */
export interface SqliteStoreDeps {
  now: () => number;
  newGid: () => string;
  /** How the write-ahead log is synced (default: fdatasync on the thread pool). */
  syncFile?: FileSync;
}

/** Clamp a requested position to 0..max (integers; anything not finite means max). */
function clamp(position: number | undefined, max: number): number {
  if (position === undefined || !Number.isFinite(position)) return max;
  return Math.min(Math.max(Math.trunc(position), 0), max);
}

/** Any failure below as one FerryError naming the file (FerryErrors pass unchanged). */
function storeError(e: unknown, file: string): FerryError {
  if (e instanceof FerryError) return e;
  return new FerryError('FILE_SYSTEM', `state database ${file}: ${(e as Error).message}`, {
    cause: e,
    hint: 'check the disk (space, permissions) and restart the daemon',
  });
}

function checkUris(uris: unknown): string[] {
  if (!Array.isArray(uris) || uris.length === 0 || !uris.every((u) => typeof u === 'string' && u !== '')) {
    throw new FerryError('USAGE', 'a download needs at least one URI (non-empty strings)');
  }
  return uris as string[];
}

/**
 * The Store over an open, migrated database: statements prepared once, one transaction per
 * change. Downloads the database still calls active become waiting. The database is closed by
 * `close()` only.
 */
export function createSqliteStore(db: Database.Database, file: string, deps: SqliteStoreDeps): Store {
  const st = prepareStatements(db);
  // Nothing runs before the daemon starts it: downloads left active by a crash or a stop wait in
  // their place in the queue order.
  st.recover.run();
  const row = (gid: string) => st.get.get(gid) as DownloadRow | undefined;
  /** The highest stop order given while this store is open (see `Store.stoppedSince`). */
  let lastStopOrder = (st.nextStopOrder.get() as number) - 1;
  /** A row as a record, its position as its place in the queue (positions may have gaps). */
  const placed = (r: DownloadRow): StoredDownload => {
    const d = toDownload(r);
    if (r.position !== null) d.position = st.placeOf.get(r.position) as number;
    return d;
  };
  const sync = walSync(file, deps.syncFile);

  /** Run `fn` in one transaction (nested calls join the outer one); errors as FerryErrors. */
  function tx<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    const t = db.transaction(fn);
    return (...args: A) => {
      try {
        return t(...args);
      } catch (e) {
        throw storeError(e, file);
      }
    };
  }
  /** A read, errors as FerryErrors. */
  function read<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return (...args: A) => {
      try {
        return fn(...args);
      } catch (e) {
        throw storeError(e, file);
      }
    };
  }

  const add = tx((input: NewDownload, position?: number): StoredDownload => {
    const uris = checkUris(input.uris);
    let gid = input.gid;
    if (gid !== undefined) {
      if (!isGid(gid)) throw new FerryError('USAGE', `GID ${gid} is not 16 lowercase hex digits`);
      if (st.exists.get(gid) !== undefined) throw new FerryError('USAGE', `GID ${gid} is already in use`);
    } else {
      do gid = deps.newGid();
      while (st.exists.get(gid) !== undefined);
    }
    const length = st.queueLength.get() as number;
    const at = clamp(position, length);
    // At the end: after the last position; in the queue: the place's position, the rest moved on.
    const pos = at < length ? (st.positionAt.get(at) as number) : (st.queueEnd.get() as number);
    if (at < length) st.openGap.run(pos);
    st.insert.run({
      gid,
      uris: JSON.stringify(uris),
      options: JSON.stringify(input.options ?? {}),
      status: input.status ?? 'waiting',
      position: pos,
      dir: orNull(input.dir),
      path: orNull(input.path),
      totalBytes: orNull(input.totalBytes),
      completedBytes: input.completedBytes ?? 0,
      createdAt: deps.now(),
    });
    return placed(row(gid) as DownloadRow);
  });

  const move = tx((gid: string, position: number): number | undefined => {
    const r = row(gid);
    if (r?.position == null) return undefined;
    const from = r.position;
    const to = clamp(position, (st.queueLength.get() as number) - 1);
    // The position of the download now at the place asked for; those in between move by one.
    const target = st.positionAt.get(to) as number;
    if (target < from) st.shiftDown.run(target, from);
    else if (target > from) st.shiftUp.run(from, target);
    st.setPosition.run(target, gid);
    return to;
  });

  const setStatus = tx((gid: string, status: StoredStatus, extra: StatusExtra = {}): StoredDownload | undefined => {
    const r = row(gid);
    if (r === undefined) return undefined;
    const wasStopped = r.position === null;
    const stopping = isStopped(status);
    let position = r.position;
    let stopOrder: number | null = null;
    let finishedAt = r.finished_at;
    if (stopping && !wasStopped) {
      // Its position is left unused: a stop never renumbers the queue (at the front of a long
      // queue that was a write of every row, 2 ms per completion with 1,000 queued).
      position = null;
      // Never an order this store has given before, even when the newest entries were removed.
      stopOrder = Math.max(st.nextStopOrder.get() as number, lastStopOrder + 1);
      lastStopOrder = stopOrder;
      finishedAt = deps.now();
    } else if (stopping) {
      stopOrder = st.stopOrder.get(gid) as number;
    } else if (wasStopped) {
      position = st.queueEnd.get() as number;
      finishedAt = null;
    }
    const now = deps.now();
    st.setStatus.run({
      gid,
      status,
      position,
      stopOrder,
      errorCode: orNull(extra.errorCode),
      errorMessage: orNull(extra.errorMessage),
      path: orNull(extra.path),
      totalBytes: orNull(extra.totalBytes),
      completedBytes: orNull(extra.completedBytes),
      startedAt: status === 'active' ? (r.started_at ?? now) : r.started_at,
      finishedAt,
    });
    return placed(row(gid) as DownloadRow);
  });

  const progressTx = tx((batch: readonly ProgressUpdate[]) => {
    for (const p of batch) {
      st.progress.run({ gid: p.gid, completedBytes: p.completedBytes, totalBytes: orNull(p.totalBytes), path: orNull(p.path) });
    }
  });

  const setSettings = tx((values: Readonly<Record<string, string | undefined>>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) st.deleteSetting.run(key);
      else st.putSetting.run(key, value);
    }
  });

  let closed = false;
  return {
    file,
    durable: async () => {
      try {
        await sync();
      } catch (e) {
        throw storeError(e, file);
      }
    },
    add: (download, position) => add(download, position),
    get: read((gid: string) => {
      const r = row(gid);
      return r === undefined ? undefined : placed(r);
    }),
    findByPrefix: read((prefix: string): PrefixMatch => {
      const p = prefix.toLowerCase();
      if (!/^[0-9a-f]{1,16}$/.test(p)) return { kind: 'invalid' };
      // Every gid starting with p sorts in [p, p + 'g'): 'g' follows every hex digit.
      const rows = st.prefix.all(p, `${p}g`) as DownloadRow[];
      if (rows.length === 0) return { kind: 'none' };
      if (rows.length > 1) return { kind: 'ambiguous', gids: rows.map((r) => r.gid) };
      return { kind: 'one', download: placed(rows[0]) };
    }),
    queue: read(() =>
      (st.queue.all() as DownloadRow[]).map((r, i) => {
        const d = toDownload(r);
        d.position = i;
        return d;
      }),
    ),
    move: (gid, position) => move(gid, position),
    setStatus: (gid, status, extra) => setStatus(gid, status, extra),
    saveProgress: read((batch: readonly ProgressUpdate[]) => {
      if (batch.length === 0) return;
      // Progress is a summary (the control files hold the truth of what is on disk): nobody waits
      // for its sync, so a power cut may lose the last seconds of it, never a user action.
      progressTx(batch);
    }),
    setOptions: tx((gid: string, options: Partial<DownloadOptions>) => st.setOptions.run(JSON.stringify(options), gid).changes > 0),
    setUris: tx((gid: string, uris: string[]) => st.setUris.run(JSON.stringify(checkUris(uris)), gid).changes > 0),
    stopped: read((offset: number, num: number, page: StoppedPage = {}) => {
      const skip = Math.max(0, Math.trunc(offset) || 0);
      const take = Math.max(0, Math.trunc(num) || 0);
      const stmt = page.newestFirst ? st.stoppedNewest : st.stoppedOldest;
      return (stmt.all(take, skip) as DownloadRow[]).map(toDownload);
    }),
    stoppedCount: read(() => st.stoppedCount.get() as number),
    stoppedSince: read((after: number) =>
      (st.stoppedSince.all(after) as Array<DownloadRow & { stop_order: number }>).map((r) => ({ stopOrder: r.stop_order, download: toDownload(r) })),
    ),
    removeResult: tx((gid: string) => st.removeResult.run(gid).changes > 0),
    purgeResults: tx(() => st.purgeResults.run().changes),
    setting: read((key: string) => st.setting.get(key) as string | undefined),
    settings: read(() => Object.fromEntries((st.settings.all() as { key: string; value: string }[]).map((s) => [s.key, s.value]))),
    setSettings: (values) => setSettings(values),
    close: () => {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
