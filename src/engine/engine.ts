import { FerryError } from '../core/errors.js';
import type { DownloadOptions } from '../core/options.js';
import { isActive, publicState, type QueueCommand, queueTransition } from '../core/queue-transitions.js';
import { randomId } from '../core/random-id.js';
import type { Download, DownloadDeps } from './download.js';
import type { DownloadResult, ProgressSnapshot } from './download-types.js';
import { type EngineShared, engineShared } from './engine-shared.js';
import { runItem } from './item-run.js';
import { reserveOutput } from './output-reservation.js';
import { type Item, itemInfo, replaceUrls } from './queue-item.js';
import { QueueOrder } from './queue-order.js';
import { QueueSlots } from './queue-slots.js';
import type { DownloadInfo, EngineEvents, EngineOptions, QueueState } from './queue-types.js';
import { TypedEmitter } from './typed-emitter.js';

const DEFAULT_MAX_ACTIVE = 3;

/**
 * The queue: downloads run `maxActive` at a time, in order; each can be paused, resumed,
 * cancelled or moved at any moment. Every control is idempotent and safe in any state, and takes
 * effect at once (synchronously): the last command asked wins, also over a stop still in flight.
 * Downloads share one per-host connection limit and one global rate limit.
 *
 * Invariant: a Download runs for an item exactly while its status is active, so the number of
 * running Downloads is always the number of active items. Of those, the ones still receiving bytes
 * never exceed `maxActive` (except after `setMaxActive` lowered it: nothing new starts until the
 * count is under it). A Download that has every byte and only its disk work left (the final sync,
 * the checksum, the rename: it holds no connection) gives its slot to the next entry; at most
 * `maxActive` such finishing ones count so, so no more than twice `maxActive` run at once.
 */
export class Engine extends TypedEmitter<EngineEvents> {
  private readonly items = new Map<string, Item>();
  /** Active and waiting items, counted as their statuses change, and the finishing ones (see the invariant). */
  private readonly slots: QueueSlots<Item>;
  /** Queue order: ids of every item, first = next to start. */
  private readonly order = new QueueOrder();
  private defaults: Partial<DownloadOptions>;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  /** What every download of the engine shares (its output claims last from add() to completion or cancel). */
  private readonly shared: EngineShared;

  constructor(options: EngineOptions = {}, deps: DownloadDeps = {}) {
    super();
    this.shared = engineShared(options, deps);
    const { maxActive, limitRate, downloadLimitRate, ...defaults } = options;
    this.defaults = { ...defaults, ...(downloadLimitRate ? { limitRate: downloadLimitRate } : {}) };
    this.slots = new QueueSlots(Math.max(1, maxActive ?? DEFAULT_MAX_ACTIVE));
  }

  /**
   * Queue a download (several URLs = mirrors of one file) at `position` of the queue order (none =
   * the end). `at.id` restores a download under its own id (a daemon's stored gid); `at.paused`
   * adds it paused (no `pause` event: it never ran). Returns its id.
   * @throws FerryError USAGE when closed, without URLs, or when `at.id` is already in the queue
   */
  add(url: string | string[], options: Partial<DownloadOptions> = {}, position?: number, at: { id?: string; paused?: boolean } = {}): string {
    if (this.closed) throw new FerryError('USAGE', 'the engine is closed');
    const urls = Array.isArray(url) ? [...url] : [url];
    if (urls.length === 0) throw new FerryError('USAGE', 'add() needs at least one URL');
    if (at.id !== undefined && this.items.has(at.id)) throw new FerryError('USAGE', `a download with id ${at.id} is already queued`);
    const id = at.id ?? randomId();
    const item: Item = { id, urls, mirror: 0, formerUrls: [], options: { ...options }, status: at.paused ? 'paused' : 'waiting', activeMs: 0 };
    reserveOutput(this.shared.claims, item, urls[0], { ...this.defaults, ...options });
    this.items.set(id, item);
    this.slots.change(item, undefined, item.status);
    this.order.insert(id, position);
    this.emit('added', this.info(item));
    queueMicrotask(() => this.schedule());
    return id;
  }

  /**
   * Drop a stopped download (complete, failed or removed) from memory: a daemon keeps its history
   * elsewhere. Returns false (and keeps it) when the id is unknown or the download is not stopped.
   */
  forget(id: string): boolean {
    const item = this.items.get(id);
    if (!item || (item.status !== 'complete' && item.status !== 'error' && item.status !== 'cancelled')) return false;
    // A finished file keeps its name for as long as the engine lives (a few bytes per download):
    // a later download of the same name, size and date must not take it for its own.
    if (item.status !== 'complete') this.shared.claims.release(item);
    this.items.delete(id);
    this.slots.change(item, item.status, undefined);
    this.order.remove(id);
    return true;
  }

  /**
   * Remove a download from the queue, keeping its partial and control files on disk (aria2's
   * `remove`); `deleteFiles` removes them too (the same as `cancel`). Resolves once it is stopped.
   */
  async remove(id: string, how: { deleteFiles: boolean } = { deleteFiles: false }): Promise<void> {
    await this.apply(this.require(id), { kind: how.deleteFiles ? 'cancel' : 'remove' });
  }

  /**
   * Replace the options of a download. A waiting or paused one takes them at its next start; a
   * running one is stopped (its checkpoint saved) and queued again in its place, to resume from its
   * control file with the new options. Resolves once that stop is done.
   * @throws FerryError USAGE to change `dir` or `out` of a running download (its files are open)
   */
  async setOptions(id: string, options: Partial<DownloadOptions>): Promise<void> {
    const item = this.require(id);
    const moves = options.dir !== item.options.dir || options.out !== item.options.out;
    if (moves && isActive(item.status)) {
      throw new FerryError('USAGE', `cannot change dir or out of download ${id} while it runs`, { hint: 'pause it first' });
    }
    item.options = { ...options };
    if (moves && item.status !== 'complete' && item.status !== 'cancelled') {
      this.shared.claims.release(item);
      reserveOutput(this.shared.claims, item, item.urls[item.mirror] ?? item.urls[0], { ...this.defaults, ...item.options });
    }
    await this.apply(item, { kind: 'restart' });
  }

  /**
   * Replace the URLs (mirrors) of a download. Progress is kept: a control file written for any of
   * its earlier URLs still counts as its own (the size and validators are still checked). A running
   * download whose current URL went away restarts on the first of the new ones.
   * @throws FerryError USAGE for an empty list
   */
  async setUris(id: string, urls: string[]): Promise<void> {
    const item = this.require(id);
    if (urls.length === 0) throw new FerryError('USAGE', `download ${id} needs at least one URL`);
    if (!replaceUrls(item, urls)) await this.apply(item, { kind: 'restart' });
  }

  /** The running download's moment now (connections, speed), or undefined unless it runs. */
  snapshot(id: string): ProgressSnapshot | undefined {
    const item = this.items.get(id);
    return item && isActive(item.status) ? item.download?.snapshot() : undefined;
  }

  /** Change download defaults (for downloads started from now on). `limitRate` is the per-download default. */
  setDefaults(options: Partial<DownloadOptions>): void {
    this.defaults = { ...this.defaults, ...options };
  }

  /** The download defaults now. */
  getDefaults(): Partial<DownloadOptions> {
    return { ...this.defaults };
  }

  /**
   * Pause: a waiting download is held; an active one stops its connections and saves a checkpoint.
   * Resolves once it is stopped.
   */
  async pause(id: string): Promise<void> {
    await this.apply(this.require(id), { kind: 'pause' });
  }

  /**
   * Resume a paused (or failed) download: it waits for a slot and continues from its checkpoint.
   * Asked while a pause is still stopping, the download starts again once that stop is done.
   */
  resume(id: string): void {
    void this.apply(this.require(id), { kind: 'resume' });
  }

  /**
   * Cancel: stop it and remove its partial and control files. Finished files are kept. Resolves
   * once the files are gone.
   */
  async cancel(id: string): Promise<void> {
    await this.apply(this.require(id), { kind: 'cancel' });
  }

  async pauseAll(): Promise<void> {
    await Promise.all([...this.items.keys()].map((id) => this.pause(id)));
  }

  resumeAll(): void {
    for (const id of this.order.list) this.resume(id);
  }

  /** Move a download to `position` in the queue (0 = next to start). */
  move(id: string, position: number): void {
    this.require(id);
    this.order.move(id, position);
  }

  /** Change how many run at once. */
  setMaxActive(n: number): void {
    this.slots.maxActive = Math.max(1, Math.trunc(n));
    this.schedule();
  }

  /** Change the global rate limit (0 = none). */
  setGlobalLimit(bytesPerSecond: number): void {
    this.shared.globalBucket.setRate(bytesPerSecond, this.shared.now());
  }

  get(id: string): DownloadInfo | undefined {
    const item = this.items.get(id);
    return item ? this.info(item) : undefined;
  }

  /** The gids of every download in queue order (no views built). */
  ids(): string[] {
    return [...this.order.list];
  }

  /** Every download in queue order, or only those in one of `states` (the others cost nothing). */
  list(states?: readonly QueueState[]): DownloadInfo[] {
    const out: DownloadInfo[] = [];
    for (const id of this.order.list) {
      const item = this.items.get(id) as Item;
      if (states === undefined || states.includes(publicState(item.status))) out.push(this.info(item));
    }
    return out;
  }

  /** How many downloads are in one of `states` (`list(states).length`, without building the views). */
  count(states: readonly QueueState[]): number {
    let n = 0;
    for (const item of this.items.values()) if (states.includes(publicState(item.status))) n++;
    return n;
  }

  /** How many Downloads run now (always the number of items whose state is 'active'). */
  activeCount(): number {
    return this.slots.active;
  }

  /** Resolves when nothing is active or waiting (paused ones do not count). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop everything that runs (saving checkpoints) and accept nothing more. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.items.values()].map((i) => this.apply(i, { kind: 'close' })));
    this.shared.closeSources();
  }

  private require(id: string): Item {
    const item = this.items.get(id);
    if (!item) throw new FerryError('USAGE', `no download with id ${id}`);
    return item;
  }

  /**
   * The one place an item's status changes: the pure transition decides, this applies its action
   * and announces its event. Resolves when the action's work is done (a stop or a removal).
   * `end` carries the result or error of a run that ended.
   */
  private async apply(item: Item, command: QueueCommand, end: { result?: DownloadResult; error?: FerryError } = {}): Promise<void> {
    const from = item.status;
    const t = queueTransition(from, command);
    item.status = t.next;
    this.slots.change(item, from, t.next, t.action === 'run');
    if (t.next === 'waiting') this.order.changed(0);
    // A cancelled entry gives its name back. A paused or failed one keeps it for its resume, and a
    // complete one keeps it while the engine knows it: another download whose name is the same
    // must never take a finished file for its own (same size and date is not the same file).
    if (t.next === 'cancelled') this.shared.claims.release(item);
    if (t.event === 'resume') item.error = undefined;
    if (t.event === 'error') item.error = end.error;
    if (t.event === 'complete' && end.result) this.emit('complete', this.info(item), end.result);
    else if (t.event !== undefined && t.event !== 'complete') this.emit(t.event, this.info(item));
    let work: Promise<unknown> | undefined;
    const d = item.download;
    if (t.action === 'run') this.run(item);
    else if (t.action === 'stop') work = d?.stop();
    else if (t.action === 'cancel-run' || t.action === 'remove-partial') work = d?.cancel();
    else if (t.action === 'next-mirror') item.mirror++;
    // A command that meets a stop in flight resolves with that stop.
    else if (t.next !== 'running' && isActive(t.next) && command.kind !== 'ended') work = d?.stop();
    if (t.next !== from && command.kind !== 'start') this.schedule();
    await work;
  }

  private isIdle(): boolean {
    return this.slots.active === 0 && this.slots.waiting === 0;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    this.emit('idle');
    for (const w of waiters) w();
  }

  /** `item`'s current Download has every byte: its slot goes to the next entry. */
  private received(item: Item, download: Download): void {
    if (item.download !== download || !isActive(item.status) || !this.slots.finished(item)) return;
    this.schedule();
  }

  /** Start waiting downloads, in order, while slots are free. */
  private schedule(): void {
    if (!this.closed && this.slots.waiting > 0) {
      // The counts are kept as statuses change (a listener of a start's event may change the
      // queue): one pass over the order from the first entry that may wait, never a count of every
      // item per entry, nor a walk over the finished ones (that made a 500-file list quadratic).
      this.order.pass(
        () => this.slots.free && this.slots.waiting > 0,
        (id) => {
          const item = this.items.get(id) as Item;
          if (item.status === 'waiting') void this.apply(item, { kind: 'start' });
          return item.status === 'waiting';
        },
      );
    }
    this.checkIdle();
  }

  private run(item: Item): void {
    runItem(item, {
      shared: this.shared,
      options: { ...this.defaults, ...item.options },
      progress: (p) => this.emit('progress', this.info(item), p),
      note: (m) => this.emit('note', this.info(item), m),
      retry: (r) => this.emit('retry', this.info(item), r),
      started: () => this.emit('start', this.info(item)),
      received: (download) => this.received(item, download),
      ended: (command, end) => void this.apply(item, command, end),
    });
  }

  private info(item: Item): DownloadInfo {
    return itemInfo(item, this.shared.claims);
  }
}

/** Create an engine that owns a queue. */
export function createEngine(options: EngineOptions = {}, deps: DownloadDeps = {}): Engine {
  return new Engine(options, deps);
}
