/**
 * The downloads the page knows, keyed by gid, in the order the list shows them: active ones, then
 * the queue (waiting and paused, in the daemon's order), then stopped ones, newest first. Updated from
 * polls, single statuses and progress notifications; listeners hear of every change.
 */
import { num } from '../lib/format.js';
import { type Aria2Status, type Download, toDownload } from './download.js';

/** One entry of `ferry.onProgress`. */
export interface ProgressEntry {
  gid: string;
  completedLength: string;
  totalLength: string;
  downloadSpeed: string;
  connections: string;
}

export interface DownloadsStore {
  /** Every download, in list order. The array is new after each change. */
  list(): readonly Download[];
  get(gid: string): Download | undefined;
  /** Replace everything with one full poll (tellActive, tellWaiting, tellStopped as aria2 returns them). */
  replaceAll(active: Aria2Status[], waiting: Aria2Status[], stopped: Aria2Status[]): void;
  /** Update one download from a tellStatus answer (a new gid is placed by its state). */
  upsert(status: Aria2Status): void;
  /** {@link upsert} for several statuses, telling listeners once. */
  upsertMany(statuses: readonly Aria2Status[]): void;
  /** Apply a progress notification to the downloads it names. */
  applyProgress(entries: readonly ProgressEntry[]): void;
  remove(gid: string): void;
  /** Move a queued download to `index` within the queue, at once (the daemon is told separately). */
  moveInQueue(gid: string, index: number): void;
  subscribe(listener: () => void): () => void;
}

type Group = 'active' | 'queue' | 'stopped';

const groupOf = (d: Download): Group => (d.state === 'active' ? 'active' : d.state === 'waiting' || d.state === 'paused' ? 'queue' : 'stopped');

/** A new, empty store. */
export function createDownloadsStore(): DownloadsStore {
  // Invariant: every gid of `groups` is in `byGid` and in exactly one group, the one its state says.
  const byGid = new Map<string, Download>();
  const groups: Record<Group, string[]> = { active: [], queue: [], stopped: [] };
  const listeners = new Set<() => void>();
  let cached: Download[] | undefined;

  const changed = (): void => {
    cached = undefined;
    for (const l of listeners) l();
  };
  const detach = (gid: string): void => {
    for (const g of Object.values(groups)) {
      const i = g.indexOf(gid);
      if (i >= 0) g.splice(i, 1);
    }
  };
  const place = (d: Download): void => {
    const old = byGid.get(d.gid);
    byGid.set(d.gid, d);
    if (old !== undefined && groupOf(old) === groupOf(d)) return;
    detach(d.gid);
    const g = groups[groupOf(d)];
    if (groupOf(d) === 'stopped') g.unshift(d.gid);
    else g.push(d.gid);
  };

  return {
    list() {
      cached ??= [...groups.active, ...groups.queue, ...groups.stopped].map((gid) => byGid.get(gid) as Download);
      return cached;
    },
    get: (gid) => byGid.get(gid),
    replaceAll(active, waiting, stopped) {
      byGid.clear();
      groups.active = [];
      groups.queue = [];
      groups.stopped = [];
      // tellStopped(0, n) answers oldest first; place() puts each stopped one first, so the newest ends first.
      for (const s of [...active, ...waiting, ...stopped]) place(toDownload(s));
      changed();
    },
    upsert(status) {
      place(toDownload(status));
      changed();
    },
    upsertMany(statuses) {
      for (const st of statuses) place(toDownload(st));
      if (statuses.length > 0) changed();
    },
    applyProgress(entries) {
      let any = false;
      for (const e of entries) {
        const d = byGid.get(e.gid);
        if (d === undefined) continue;
        byGid.set(e.gid, {
          ...d,
          completed: num(e.completedLength),
          total: num(e.totalLength),
          speed: num(e.downloadSpeed),
          connections: num(e.connections),
        });
        any = true;
      }
      if (any) changed();
    },
    remove(gid) {
      if (!byGid.delete(gid)) return;
      detach(gid);
      changed();
    },
    moveInQueue(gid, index) {
      const q = groups.queue;
      const from = q.indexOf(gid);
      if (from < 0) return;
      q.splice(from, 1);
      q.splice(Math.max(0, Math.min(q.length, index)), 0, gid);
      changed();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
