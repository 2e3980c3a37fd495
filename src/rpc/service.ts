/**
 * What the RPC layer asks of the daemon: the queue, its downloads, settings and events.
 * The handler (`handle.ts`) calls only this interface; the daemon implements it over the
 * engine and the store. Every method either does what it says or throws an `RpcError`
 * (or a FerryError, whose message is passed on) with the text a client should see.
 */
import type { DownloadOptions } from '../core/options.js';
import type { ConnectionView } from '../engine/download-types.js';
import type { DownloadInfo, EngineOptions } from '../engine/queue-types.js';

/** One download as the RPC layer sees it: the engine's view plus what aria2 clients show. */
export interface RpcDownload extends DownloadInfo {
  /** The directory it saves into (its own `dir` option, else the global one). */
  dir: string;
  /** Piece size and hex bitfield (aria2's layout: high bit first), when the daemon tracks pieces. */
  pieceLength?: number;
  bitfield?: string;
}

/** Engine-wide settings the RPC can read and change; `saveSession` is the session file path. */
export interface RpcGlobalOptions extends EngineOptions {
  saveSession?: string;
}

/** Where `move` counts from: aria2's POS_SET (start), POS_CUR (the current place), POS_END. */
export type MoveHow = 'POS_SET' | 'POS_CUR' | 'POS_END';

/** Numbers for `getGlobalStat`. */
export interface RpcStat {
  downloadSpeed: number;
  numActive: number;
  numWaiting: number;
  /** Stopped downloads kept now (after purges). */
  numStopped: number;
  /** Stopped downloads since the daemon started (not lowered by purges). */
  numStoppedTotal: number;
}

/**
 * Queue events, by gid: `start` became active (also after unpause), `pause` an active one was
 * paused, `stop` an active one was removed, `complete` finished, `error` failed, `added` queued,
 * `removed` removed by a user in any state (after `stop` when it was active). `progress`
 * carries the download's current view (as often as the daemon likes: the RPC layer throttles).
 */
export type RpcEvent =
  | { type: 'start' | 'pause' | 'stop' | 'complete' | 'error' | 'added' | 'removed'; gid: string }
  | { type: 'progress'; download: RpcDownload };

/** The daemon's side of the RPC: see the module comment. */
export interface RpcService {
  /**
   * Queue `uris` (mirrors of one file). `position` is the place in the waiting queue (clamped;
   * none = the end). `gid` is one chosen by the client (aria2's `gid` option: 16 hex digits, unused).
   * Resolves with the new gid once the download is recorded (committed; see `durable`).
   */
  add(uris: string[], options: Partial<DownloadOptions>, at: { position?: number; paused: boolean; gid?: string }): Promise<string>;
  /**
   * Pause a waiting or active download (`force`: without waiting for the final checkpoint).
   * Resolves once it counts as paused (its connections may still be closing).
   */
  pause(gid: string, force: boolean): Promise<void>;
  /** Put a paused download back in the waiting queue. */
  unpause(gid: string): Promise<void>;
  /**
   * Remove a download that is not stopped; `deleteFiles` also deletes its partial or finished file.
   * Resolves once it counts as stopped (`removed`), so that a `removeDownloadResult` sent right
   * after succeeds (aria2p does this); aborting and deleting may finish later.
   */
  remove(gid: string, how: { force: boolean; deleteFiles: boolean }): Promise<void>;
  /** Pause every active and waiting download. */
  pauseAll(force: boolean): Promise<void>;
  /** Unpause every paused download. */
  unpauseAll(): Promise<void>;
  /** The download with exactly this gid (active, waiting, paused or stopped). */
  get(gid: string): RpcDownload | undefined;
  /** Every gid known, for prefix lookups. */
  gids(): Iterable<string>;
  /** Active downloads. */
  active(): RpcDownload[];
  /** Waiting and paused downloads in queue order: `num` from index `offset` (0-based, in range). */
  waiting(offset: number, num: number): RpcDownload[];
  /** Stopped downloads, oldest first: `num` from index `offset` (0-based, in range). */
  stopped(offset: number, num: number): RpcDownload[];
  stat(): RpcStat;
  /** Move a waiting or paused download; returns its new 0-based place (clamped). */
  move(gid: string, pos: number, how: MoveHow): Promise<number>;
  /** Remove `del` then add `add` (at `position`, none = the end) to the mirrors; returns [removed, added]. */
  changeUri(gid: string, del: string[], add: string[], position?: number): Promise<[number, number]>;
  /** Change options of a download that is not stopped. */
  changeOptions(gid: string, options: Partial<DownloadOptions>): Promise<void>;
  globalOptions(): RpcGlobalOptions;
  /** Change engine-wide settings; resolves once they are recorded. */
  changeGlobalOptions(options: RpcGlobalOptions): Promise<void>;
  /** Forget every stopped download. */
  purge(): Promise<void>;
  /** Forget one stopped download; false when `gid` is not a stopped download. */
  removeResult(gid: string): Promise<boolean>;
  /** Write the session file (the `saveSession` setting). */
  saveSession(): Promise<void>;
  /** Stop the daemon, after the answer has been sent (`force`: without waiting for checkpoints). */
  shutdown(force: boolean): void;
  /** The connections of an active download now (undefined unless active). */
  segments(gid: string): Promise<ConnectionView[] | undefined>;
  /** Listen to queue events; returns the function that stops listening. */
  subscribe(listener: (event: RpcEvent) => void): () => void;
  /**
   * Resolves when every change made so far is on the disk (a power cut cannot lose it). The RPC
   * layer waits for it once per message before answering a call that may change state, so the
   * calls of one batch or multicall share one sync.
   */
  durable(): Promise<void>;
}
