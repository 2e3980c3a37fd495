import type { DownloadOptions } from '../core/options.js';

/** A history entry and its place in the history (see `Store.stoppedSince`). */
export interface StoppedEntry {
  stopOrder: number;
  download: StoredDownload;
}

/** A download's status as aria2 names it. The first three are unfinished, the rest stopped. */
export type StoredStatus = 'active' | 'waiting' | 'paused' | 'complete' | 'error' | 'removed';

/** Statuses of downloads in the queue order. */
export type QueuedStatus = 'active' | 'waiting' | 'paused';

/** Statuses of downloads in the history. */
export type StoppedStatus = 'complete' | 'error' | 'removed';

/** True for a status that takes a download out of the queue order (into the history). */
export function isStopped(status: StoredStatus): status is StoppedStatus {
  return status === 'complete' || status === 'error' || status === 'removed';
}

/** One download as the store keeps it. Times are milliseconds since the epoch. */
export interface StoredDownload {
  /** 16 lowercase hex digits, never all zero. */
  gid: string;
  /** The URIs (mirrors of one file), in order. */
  uris: string[];
  /** The options given for this download (ferry's names), secrets included. */
  options: Partial<DownloadOptions>;
  status: StoredStatus;
  /** Place in the queue order, 0-based; set exactly when the status is active, waiting or paused. */
  position?: number;
  dir?: string;
  /** The output path, once known. */
  path?: string;
  totalBytes?: number;
  completedBytes: number;
  errorCode?: string;
  errorMessage?: string;
  createdAt: number;
  /** When it first became active. */
  startedAt?: number;
  /** When it stopped (complete, error, removed). */
  finishedAt?: number;
}

/** What `add` needs; the store fills in the rest. */
export interface NewDownload {
  /** A gid chosen by the caller (16 hex digits, unused); a fresh random one when absent. */
  gid?: string;
  uris: string[];
  options?: Partial<DownloadOptions>;
  /** `waiting` (default) or `paused` (aria2's `pause=true`). */
  status?: 'waiting' | 'paused';
  dir?: string;
  path?: string;
  totalBytes?: number;
  completedBytes?: number;
}

/** Fields a status change may record along with it. */
export interface StatusExtra {
  errorCode?: string;
  errorMessage?: string;
  path?: string;
  totalBytes?: number;
  completedBytes?: number;
}

/** One download's progress, for `saveProgress`. */
export interface ProgressUpdate {
  gid: string;
  completedBytes: number;
  totalBytes?: number;
  path?: string;
}

/** The answer of a unique-prefix lookup. */
export type PrefixMatch =
  | { kind: 'one'; download: StoredDownload }
  | { kind: 'none' }
  /** Two or more gids start with the prefix (the first two are named). */
  | { kind: 'ambiguous'; gids: string[] }
  /** Not 1 to 16 hex digits. */
  | { kind: 'invalid' };

/** Paging of the history. */
export interface StoppedPage {
  /** Oldest first (default, aria2's `tellStopped` with offset >= 0), or newest first. */
  newestFirst?: boolean;
}

/**
 * The daemon's persistent queue, history and settings. Every method that changes something is one
 * transaction, committed (synced to stable storage) before it returns; only `saveProgress` is
 * committed without a sync (see docs/daemon-state.md). Unknown gids are not errors: methods
 * answer `undefined` or `false` and the caller words the message.
 */
export interface Store {
  /** The database file. */
  readonly file: string;
  /**
   * Insert a download at `position` in the queue (clamped to 0..length; default: the end), shifting
   * those at and after it.
   * @throws FerryError USAGE for a malformed or already used gid, or no URIs
   */
  add(download: NewDownload, position?: number): StoredDownload;
  get(gid: string): StoredDownload | undefined;
  /** The download whose gid starts with `prefix` (any case), if exactly one does. */
  findByPrefix(prefix: string): PrefixMatch;
  /** Unfinished downloads (active, waiting, paused) in queue order. */
  queue(): StoredDownload[];
  /**
   * Move an unfinished download to place `position` (clamped to 0..length-1); the others keep their order.
   * @returns the new position, or undefined when the gid is unknown or stopped
   */
  move(gid: string, position: number): number | undefined;
  /**
   * Change the status. Into a stopped status: out of the queue order (those after it move up),
   * `finishedAt` stamped, appended to the history. Out of a stopped status: appended to the queue.
   * Into `active`: `startedAt` stamped the first time. Error fields are cleared unless given.
   * @returns the updated download, or undefined when the gid is unknown
   */
  setStatus(gid: string, status: StoredStatus, extra?: StatusExtra): StoredDownload | undefined;
  /** Record many downloads' progress in one transaction (unknown gids are skipped). */
  saveProgress(batch: readonly ProgressUpdate[]): void;
  /** Replace a download's options. @returns false when the gid is unknown */
  setOptions(gid: string, options: Partial<DownloadOptions>): boolean;
  /** Replace a download's URIs. @returns false when the gid is unknown */
  setUris(gid: string, uris: string[]): boolean;
  /**
   * A page of the history in the order downloads stopped: `offset` skips that many from the oldest
   * (or, with `newestFirst`, from the newest), at most `num` are returned. aria2's
   * `tellStopped(offset, num)` is `stopped(offset, num)` for offset >= 0 and
   * `stopped(-offset - 1, num, { newestFirst: true })` for a negative offset.
   */
  stopped(offset: number, num: number, page?: StoppedPage): StoredDownload[];
  stoppedCount(): number;
  /**
   * The history entries that stopped after stop order `after` (0: all), oldest first, each with its
   * stop order: what a copy of the history that has seen everything up to `after` is missing.
   * Stop orders grow with every stop and, while the store is open, are never given twice (not
   * even after the newest entries were removed).
   */
  stoppedSince(after: number): StoppedEntry[];
  /** Forget one stopped download. @returns false when the gid is unknown or not stopped */
  removeResult(gid: string): boolean;
  /** Forget every stopped download. @returns how many */
  purgeResults(): number;
  /** One global setting (aria2 option name -> value). */
  setting(key: string): string | undefined;
  settings(): Record<string, string>;
  /** Set (a string) or delete (undefined) several settings in one transaction. */
  setSettings(values: Readonly<Record<string, string | undefined>>): void;
  /**
   * Resolves when every change committed before this call is on the disk (a power cut cannot
   * lose it). Commits return once they are in the write-ahead log, which a killed process never
   * loses; this syncs the log on the thread pool, one sync shared by the callers that wait
   * together, so the event loop never waits for the disk.
   * @throws FerryError FILE_SYSTEM when the sync fails
   */
  durable(): Promise<void>;
  /** Close the database (idempotent). Methods called after it throw. */
  close(): void;
}
