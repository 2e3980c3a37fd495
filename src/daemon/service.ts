/**
 * The daemon's RpcService: the engine runs the downloads, the store remembers them.
 *
 * Invariants:
 * - every user action is written to the store first (one committed transaction), then the engine
 *   is told: an acknowledged change survives a kill at any moment;
 * - the engine's order of unfinished downloads and the store's queue order are the same list;
 * - a download that stops (complete, error, removed) is recorded in the store's history and then
 *   forgotten by the engine: stopped views come from the store, live ones from the engine;
 * - progress is saved about once a second, for every running download in one batch.
 */
import { FerryError } from '../core/errors.js';
import type { DownloadOptions } from '../core/options.js';
import type { ConnectionView } from '../engine/download-types.js';
import type { Engine } from '../engine/engine.js';
import type { DownloadInfo, QueueState } from '../engine/queue-types.js';
import { saveSessionFile, unfinishedEntries } from '../engine/session.js';
import { writeGlobalOptions } from '../rpc/options.js';
import type { MoveHow, RpcDownload, RpcEvent, RpcGlobalOptions, RpcService, RpcStat } from '../rpc/service.js';
import type { ProgressUpdate, Store } from '../store/types.js';
import { progressExtra, recordEngineEvents } from './service-events.js';
import { changedUris, movedPlace, type OrderEntry, orderIndexFor } from './service-queue.js';
import { liveView, type ProgressSummary, storedView } from './service-views.js';

/** What the service is built from. */
export interface DaemonServiceDeps {
  engine: Engine;
  store: Store;
  /** The global settings in force (the config with the stored settings over it). */
  global: RpcGlobalOptions;
  /** Stop the daemon (after `shutdown` was answered). */
  shutdown(force: boolean): void;
  /** How often progress is saved, ms. Default 1000. */
  progressIntervalMs?: number;
  /**
   * A store write that an engine event or the progress timer asked for failed (a full disk): the
   * daemon keeps running and says so. Default: ignore.
   */
  onStoreError?: (e: unknown) => void;
}

const HISTORY_PAGE = 1000;
/** The engine states of aria2's waiting queue (tellWaiting shows paused downloads too). */
const WAITING: readonly QueueState[] = ['waiting', 'paused'];

/** Engine + store behind the RPC interface (see the module comment). */
export class DaemonService implements RpcService {
  private readonly engine: Engine;
  private readonly store: Store;
  private global: RpcGlobalOptions;
  private readonly listeners = new Set<(event: RpcEvent) => void>();
  /** Downloads whose run has started and not yet stopped: their stop is aria2's `stop`/`pause` event. */
  private readonly running = new Set<string>();
  /** The stored progress of restored downloads, until their run reports its own. */
  private readonly summaries = new Map<string, ProgressSummary>();
  private stoppedTotal = 0;
  private closing = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly deps: DaemonServiceDeps) {
    this.engine = deps.engine;
    this.store = deps.store;
    this.global = { ...deps.global };
    this.listen();
    this.timer = setInterval(() => this.guard(() => this.saveProgress()), deps.progressIntervalMs ?? 1000);
    this.timer.unref();
  }

  /**
   * Put the store's queue back into the engine, in its order, under the stored gids (paused ones
   * paused; those that were active wait in their place, to resume from their control files).
   * An entry the engine refuses goes to the history as failed, with the reason.
   * @returns how many were restored
   */
  restore(): number {
    const queue = this.store.queue();
    let restored = 0;
    for (const d of queue) {
      try {
        this.engine.add(d.uris, d.options, undefined, { id: d.gid, paused: d.status === 'paused' });
        this.summaries.set(d.gid, { completedBytes: d.completedBytes, totalBytes: d.totalBytes, path: d.path });
        restored++;
      } catch (e) {
        // One entry the engine refuses (its output name is another's) does not stop the others.
        const message = e instanceof Error ? e.message : String(e);
        this.guard(() => this.store.setStatus(d.gid, 'error', { errorCode: 'USAGE', errorMessage: `not restored: ${message}` }));
      }
    }
    return restored;
  }

  async add(uris: string[], options: Partial<DownloadOptions>, at: { position?: number; paused: boolean; gid?: string }): Promise<string> {
    // The directory is fixed when the download is added (aria2 keeps a copy of the options too).
    const own = { ...options, dir: options.dir ?? this.defaultDir() };
    const index = at.position === undefined ? undefined : orderIndexFor(this.orderEntries(), at.position);
    const stored = this.store.add({ gid: at.gid, uris, options: own, status: at.paused ? 'paused' : 'waiting', dir: own.dir }, index);
    try {
      this.engine.add(uris, own, index, { id: stored.gid, paused: at.paused });
    } catch (e) {
      this.store.setStatus(stored.gid, 'removed');
      this.store.removeResult(stored.gid);
      throw e;
    }
    this.emit({ type: 'added', gid: stored.gid });
    return stored.gid;
  }

  async pause(gid: string, _force: boolean): Promise<void> {
    const d = this.engine.get(gid);
    if (!d) return;
    if (d.state === 'active') {
      // aria2: a paused active download goes to the front of the waiting queue.
      const index = orderIndexFor(this.orderEntries(), 0, gid);
      this.store.move(gid, index);
      this.store.setStatus(gid, 'paused', progressExtra(d));
      this.engine.move(gid, index);
    } else {
      this.store.setStatus(gid, 'paused');
    }
    await this.engine.pause(gid);
  }

  async unpause(gid: string): Promise<void> {
    if (!this.engine.get(gid)) return;
    this.store.setStatus(gid, 'waiting');
    this.engine.resume(gid);
  }

  async remove(gid: string, how: { force: boolean; deleteFiles: boolean }): Promise<void> {
    const d = this.engine.get(gid);
    if (!d) return;
    this.store.setStatus(gid, 'removed', progressExtra(d));
    await this.engine.remove(gid, { deleteFiles: how.deleteFiles });
  }

  async pauseAll(force: boolean): Promise<void> {
    const ids = this.engine
      .list(['active', 'waiting'])
      .map((d) => d.id)
      .reverse();
    await Promise.all(ids.map((id) => this.pause(id, force)));
  }

  async unpauseAll(): Promise<void> {
    for (const d of this.engine.list(['paused'])) await this.unpause(d.id);
  }

  get(gid: string): RpcDownload | undefined {
    const live = this.liveView(gid);
    if (live) return live;
    const stored = this.store.get(gid);
    return stored ? storedView(stored, this.defaultDir()) : undefined;
  }

  /** The view of a download the engine holds (undefined once it has stopped). */
  liveView(gid: string): RpcDownload | undefined {
    const live = this.engine.get(gid);
    return live ? this.view(live) : undefined;
  }

  /** Stopped downloads since the daemon started. */
  get stoppedSinceStart(): number {
    return this.stoppedTotal;
  }

  *gids(): Iterable<string> {
    for (const d of this.engine.list()) yield d.id;
    for (let offset = 0; ; offset += HISTORY_PAGE) {
      const page = this.store.stopped(offset, HISTORY_PAGE);
      for (const d of page) yield d.gid;
      if (page.length < HISTORY_PAGE) return;
    }
  }

  active(): RpcDownload[] {
    return this.engine.list(['active']).map((d) => this.view(d));
  }

  waiting(offset: number, num: number): RpcDownload[] {
    return this.waitingInfos()
      .slice(offset, offset + num)
      .map((d) => this.view(d));
  }

  stopped(offset: number, num: number): RpcDownload[] {
    return this.store.stopped(offset, num).map((d) => storedView(d, this.defaultDir()));
  }

  stat(): RpcStat {
    const active = this.engine.list(['active']);
    return {
      downloadSpeed: active.reduce((n, d) => n + d.speed, 0),
      numActive: active.length,
      numWaiting: this.engine.count(WAITING),
      numStopped: this.store.stoppedCount(),
      numStoppedTotal: this.stoppedTotal,
    };
  }

  async move(gid: string, pos: number, how: MoveHow): Promise<number> {
    const waiting = this.waitingInfos();
    const current = waiting.findIndex((d) => d.id === gid);
    if (current < 0) throw new FerryError('USAGE', `GID#${gid} not found in the waiting queue.`);
    const place = movedPlace(how, pos, current, waiting.length);
    const index = orderIndexFor(this.orderEntries(), place, gid);
    this.store.move(gid, index);
    this.engine.move(gid, index);
    return place;
  }

  async changeUri(gid: string, del: string[], add: string[], position?: number): Promise<[number, number]> {
    const d = this.engine.get(gid);
    if (!d) throw new FerryError('USAGE', `Cannot change URIs of GID#${gid}: it is stopped.`);
    const next = changedUris(d.urls, del, add, position);
    if (next.uris.length === 0) throw new FerryError('USAGE', `GID#${gid} would have no URI left: add one before removing the last.`);
    this.store.setUris(gid, next.uris);
    void this.engine.setUris(gid, next.uris).catch(() => undefined);
    return [next.removed, add.length];
  }

  async changeOptions(gid: string, options: Partial<DownloadOptions>): Promise<void> {
    const d = this.engine.get(gid);
    if (!d) throw new FerryError('USAGE', `Cannot change option for GID#${gid}`);
    const merged = { ...d.options, ...options };
    if (d.state === 'active' && (merged.dir !== d.options.dir || merged.out !== d.options.out)) {
      throw new FerryError('USAGE', `cannot change dir or out of GID#${gid} while it is active`, { hint: 'pause it first' });
    }
    this.store.setOptions(gid, merged);
    await this.engine.setOptions(gid, merged);
  }

  globalOptions(): RpcGlobalOptions {
    return { ...this.global };
  }

  async changeGlobalOptions(options: RpcGlobalOptions): Promise<void> {
    this.store.setSettings(writeGlobalOptions(options));
    this.global = { ...this.global, ...options };
    const { maxActive, limitRate, downloadLimitRate, saveSession: _, ...defaults } = options;
    if (maxActive !== undefined) this.engine.setMaxActive(maxActive);
    if (limitRate !== undefined) this.engine.setGlobalLimit(limitRate);
    this.engine.setDefaults({ ...(defaults as Partial<DownloadOptions>), ...(downloadLimitRate === undefined ? {} : { limitRate: downloadLimitRate }) });
  }

  async purge(): Promise<void> {
    this.store.purgeResults();
  }

  async removeResult(gid: string): Promise<boolean> {
    return this.store.removeResult(gid);
  }

  async saveSession(): Promise<void> {
    const file = this.global.saveSession;
    if (file === undefined) throw new FerryError('USAGE', 'Filename is not given.');
    await saveSessionFile(file, unfinishedEntries(this.engine));
  }

  shutdown(force: boolean): void {
    this.deps.shutdown(force);
  }

  async segments(gid: string): Promise<ConnectionView[] | undefined> {
    return this.engine.snapshot(gid)?.connections;
  }

  subscribe(listener: (event: RpcEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stop: running downloads save their checkpoints (unless `force`), then the last progress is
   * saved. They stay `active` in the store, so the next start resumes them in their place.
   */
  async close(force: boolean): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    const closed = this.engine.close();
    if (!force) await closed;
    this.saveProgress();
  }

  /** Save the progress of every running download in one batch. */
  saveProgress(): void {
    const batch: ProgressUpdate[] = [];
    for (const d of this.engine.list(['active'])) {
      if (d.totalBytes === undefined && d.completedBytes === 0) continue;
      batch.push({ gid: d.id, completedBytes: d.completedBytes, totalBytes: d.totalBytes, path: d.path });
    }
    if (batch.length > 0) this.store.saveProgress(batch);
  }

  private defaultDir(): string {
    return this.global.dir ?? '.';
  }

  private view(d: DownloadInfo): RpcDownload {
    return liveView(d, this.defaultDir(), this.summaries.get(d.id));
  }

  private waitingInfos(): DownloadInfo[] {
    return this.engine.list(WAITING);
  }

  private orderEntries(): OrderEntry[] {
    return this.engine.list().map((d) => ({ id: d.id, waiting: WAITING.includes(d.state) }));
  }

  private emit(event: RpcEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** Run `fn`; a failure goes to `onStoreError` instead of up through the engine's emitter or a timer. */
  durable(): Promise<void> {
    return this.store.durable();
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.deps.onStoreError?.(e);
    }
  }

  private listen(): void {
    recordEngineEvents({
      engine: this.engine,
      store: this.store,
      running: this.running,
      summaries: this.summaries,
      closing: () => this.closing,
      emit: (event) => this.emit(event),
      view: (d) => this.view(d),
      guard: (fn) => this.guard(fn),
      report: (e) => this.deps.onStoreError?.(e),
      stopped: () => {
        this.stoppedTotal++;
      },
    });
  }
}
