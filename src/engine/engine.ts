import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FerryError } from '../core/errors.js';
import { DEFAULT_OPTIONS, type DownloadOptions } from '../core/options.js';
import { TokenBucket } from '../core/token-bucket.js';
import { OutputClaims } from '../disk/output-claims.js';
import { Download, type DownloadDeps, toFerryError } from './download.js';
import type { DownloadResult, ProgressSnapshot } from './download-types.js';
import { HostSlots } from './host-slots.js';
import { reserveOutput } from './output-reservation.js';
import type { DownloadInfo, EngineEvents, EngineOptions, QueueState } from './queue-types.js';
import { createSharedSourceFactory } from './source-factory.js';
import { TypedEmitter } from './typed-emitter.js';

const DEFAULT_MAX_ACTIVE = 3;

interface Item {
  id: string;
  urls: string[];
  /** Which mirror is in use. */
  mirror: number;
  options: Partial<DownloadOptions>;
  state: QueueState;
  download?: Download;
  /** The last snapshot of a download that is not running (for get/list). */
  last?: ProgressSnapshot;
  /** Pause requested while active: the stop in progress ends in 'paused', not 'waiting'. */
  stopping?: 'pause' | 'cancel';
  activeMs: number;
  error?: FerryError;
}

/**
 * The queue: downloads run `maxActive` at a time, in order; each can be paused, resumed,
 * cancelled or moved at any moment. Every control is idempotent and safe in any state.
 * Downloads share one per-host connection limit and one global rate limit.
 */
export class Engine extends TypedEmitter<EngineEvents> {
  private readonly items = new Map<string, Item>();
  /** Queue order: ids of every item, first = next to start. */
  private order: string[] = [];
  private readonly hostSlots: HostSlots;
  private readonly globalBucket: TokenBucket;
  private readonly defaults: Partial<DownloadOptions>;
  private maxActive: number;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly now: () => number;
  private readonly deps: DownloadDeps;
  private readonly closeSources: () => void;
  /** Output paths of the queue: an entry holds its claim from add() until it completes or is cancelled. */
  private readonly claims: OutputClaims;

  constructor(options: EngineOptions = {}, deps: DownloadDeps = {}) {
    super();
    const shared = deps.createSource ? undefined : createSharedSourceFactory();
    this.deps = shared ? { ...deps, createSource: shared.createSource } : deps;
    this.closeSources = () => shared?.close();
    const { maxActive, limitRate, downloadLimitRate, ...defaults } = options;
    this.defaults = { ...defaults, ...(downloadLimitRate ? { limitRate: downloadLimitRate } : {}) };
    this.maxActive = Math.max(1, maxActive ?? DEFAULT_MAX_ACTIVE);
    this.now = this.deps.now ?? (() => performance.now());
    this.hostSlots = this.deps.hostSlots ?? new HostSlots(options.maxConnectionsPerHost ?? DEFAULT_OPTIONS.maxConnectionsPerHost);
    this.claims = this.deps.claims ?? new OutputClaims();
    this.globalBucket = this.deps.globalBucket ?? new TokenBucket(limitRate ?? 0, Math.max(256 * 1024, (limitRate ?? 0) / 4), this.now());
  }

  /** Queue a download (several URLs = mirrors of one file). Returns its id. */
  add(url: string | string[], options: Partial<DownloadOptions> = {}, position?: number): string {
    if (this.closed) throw new FerryError('USAGE', 'the engine is closed');
    const urls = Array.isArray(url) ? url : [url];
    if (urls.length === 0) throw new FerryError('USAGE', 'add() needs at least one URL');
    const id = randomBytes(8).toString('hex');
    const item: Item = { id, urls, mirror: 0, options, state: 'waiting', activeMs: 0 };
    reserveOutput(this.claims, item, urls[0], { ...this.defaults, ...options });
    this.items.set(id, item);
    this.order.splice(position ?? this.order.length, 0, id);
    this.emit('added', this.info(item));
    queueMicrotask(() => this.schedule());
    return id;
  }

  /** Pause: a waiting download is held; an active one stops its connections and saves a checkpoint. */
  async pause(id: string): Promise<void> {
    const item = this.require(id);
    if (item.state === 'waiting') {
      item.state = 'paused';
      this.emit('pause', this.info(item));
      this.checkIdle();
    } else if (item.state === 'active' && item.download) {
      item.stopping ??= 'pause';
      await item.download.stop();
    }
  }

  /** Resume a paused (or failed) download: it waits for a slot and continues from its checkpoint. */
  resume(id: string): void {
    const item = this.require(id);
    if (item.state !== 'paused' && item.state !== 'error') return;
    item.state = 'waiting';
    item.error = undefined;
    this.emit('resume', this.info(item));
    this.schedule();
  }

  /** Cancel: stop it and remove its partial and control files. Finished files are kept. */
  async cancel(id: string): Promise<void> {
    const item = this.require(id);
    if (item.state === 'complete' || item.state === 'cancelled') return;
    if (item.state === 'active' && item.download) {
      item.stopping = 'cancel';
      await item.download.cancel();
      return;
    }
    await item.download?.cancel();
    this.finishAs(item, 'cancelled');
  }

  async pauseAll(): Promise<void> {
    await Promise.all([...this.items.keys()].map((id) => this.pause(id)));
  }

  resumeAll(): void {
    for (const id of this.order) this.resume(id);
  }

  /** Move a download to `position` in the queue (0 = next to start). */
  move(id: string, position: number): void {
    this.require(id);
    this.order = this.order.filter((x) => x !== id);
    const p = Math.max(0, Math.min(Math.trunc(position), this.order.length));
    this.order.splice(p, 0, id);
  }

  /** Change how many run at once. */
  setMaxActive(n: number): void {
    this.maxActive = Math.max(1, Math.trunc(n));
    this.schedule();
  }

  /** Change the global rate limit (0 = none). */
  setGlobalLimit(bytesPerSecond: number): void {
    this.globalBucket.setRate(bytesPerSecond, this.now());
  }

  get(id: string): DownloadInfo | undefined {
    const item = this.items.get(id);
    return item ? this.info(item) : undefined;
  }

  list(): DownloadInfo[] {
    return this.order.map((id) => this.info(this.items.get(id) as Item));
  }

  /** Resolves when nothing is active or waiting (paused ones do not count). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop everything that runs (saving checkpoints) and accept nothing more. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.items.values()].filter((i) => i.state === 'active');
    for (const i of running) i.stopping ??= 'pause';
    await Promise.all(running.map((i) => i.download?.stop()));
    this.closeSources();
  }

  private require(id: string): Item {
    const item = this.items.get(id);
    if (!item) throw new FerryError('USAGE', `no download with id ${id}`);
    return item;
  }

  private isIdle(): boolean {
    for (const i of this.items.values()) if (i.state === 'active' || i.state === 'waiting') return false;
    return true;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    this.emit('idle');
    for (const w of waiters) w();
  }

  /** Start waiting downloads, in order, while slots are free. */
  private schedule(): void {
    if (this.closed) return;
    let active = 0;
    for (const i of this.items.values()) if (i.state === 'active') active++;
    for (const id of this.order) {
      if (active >= this.maxActive) break;
      const item = this.items.get(id) as Item;
      if (item.state !== 'waiting') continue;
      this.start(item);
      active++;
    }
    this.checkIdle();
  }

  private start(item: Item): void {
    const options = { ...this.defaults, ...item.options };
    const d = new Download(item.urls[item.mirror], options, {
      ...this.deps,
      hostSlots: this.hostSlots,
      globalBucket: this.globalBucket,
      claims: this.claims,
      claimOwner: item,
      mirrors: item.urls,
    });
    item.download = d;
    item.state = 'active';
    item.stopping = undefined;
    const startedAt = this.now();
    d.on('progress', (p) => this.emit('progress', this.info(item), p));
    d.on('note', (m) => this.emit('note', this.info(item), m));
    d.on('retry', (r) => this.emit('retry', this.info(item), r));
    this.emit('start', this.info(item));
    d.start().then(
      (result) => {
        item.activeMs += this.now() - startedAt;
        this.settle(item, result);
      },
      (e: unknown) => {
        item.activeMs += this.now() - startedAt;
        item.last = d.snapshot();
        const err = toFerryError(e);
        if (item.stopping === 'cancel' || err.code === 'ABORTED') {
          this.finishAs(item, item.stopping === 'cancel' ? 'cancelled' : 'paused');
          return;
        }
        if (item.mirror + 1 < item.urls.length && err.code !== 'CHECKSUM' && err.code !== 'FILE_EXISTS') {
          item.mirror++;
          this.emit('note', this.info(item), `${err.message}; trying mirror ${item.urls[item.mirror]}`);
          item.state = 'waiting';
          this.schedule();
          return;
        }
        item.error = err;
        this.finishAs(item, 'error');
      },
    );
  }

  private settle(item: Item, result: DownloadResult): void {
    item.last = item.download?.snapshot();
    if (result.status === 'complete' || result.status === 'already-complete') {
      item.state = 'complete';
      this.claims.release(item);
      this.emit('complete', this.info(item), result);
      this.schedule();
    } else if (result.status === 'cancelled' || item.stopping === 'cancel') {
      this.finishAs(item, 'cancelled');
    } else {
      this.finishAs(item, this.closed || item.stopping === 'pause' ? 'paused' : 'waiting');
    }
  }

  private finishAs(item: Item, state: QueueState): void {
    item.state = state;
    item.stopping = undefined;
    if (state === 'paused') this.emit('pause', this.info(item));
    if (state === 'cancelled') {
      this.claims.release(item);
      this.emit('cancel', this.info(item));
    }
    if (state === 'error') this.emit('error', this.info(item));
    this.schedule();
  }

  private info(item: Item): DownloadInfo {
    const running = item.state === 'active' && item.download;
    const s = running ? item.download?.snapshot() : (item.last ?? item.download?.snapshot());
    // Before it starts, an entry shows the name claimed for it at add().
    const where = s?.path ?? this.claims.current(item)?.paths.final;
    return {
      id: item.id,
      url: item.urls[item.mirror],
      urls: [...item.urls],
      path: where,
      name: where === undefined ? undefined : path.basename(where),
      state: item.state,
      totalBytes: s?.totalBytes,
      completedBytes: s?.completedBytes ?? 0,
      speed: running ? (s?.speed ?? 0) : 0,
      connections: running ? (s?.connections.length ?? 0) : 0,
      elapsedMs: item.activeMs + (running ? (s?.elapsedMs ?? 0) : 0),
      errorCode: item.error?.code,
      errorMessage: item.error ? item.error.message + (item.error.hint ? ` (${item.error.hint})` : '') : undefined,
      options: { ...item.options },
    };
  }
}

/** Create an engine that owns a queue. */
export function createEngine(options: EngineOptions = {}, deps: DownloadDeps = {}): Engine {
  return new Engine(options, deps);
}
