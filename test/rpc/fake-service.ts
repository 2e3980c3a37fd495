/**
 * An in-memory RpcService for tests: a queue with honest states. Downloads change state only
 * through the RPC calls or the test's own `activate`, `progress`, `finish` and `fail`.
 */
import { randomBytes } from 'node:crypto';
import type { DownloadOptions } from '../../src/core/options.js';
import type { ConnectionView } from '../../src/engine/download-types.js';
import type { MoveHow, RpcDownload, RpcEvent, RpcGlobalOptions, RpcService, RpcStat } from '../../src/rpc/service.js';

export class FakeService implements RpcService {
  readonly downloads = new Map<string, RpcDownload>();
  /** Waiting and paused gids, in queue order. */
  readonly queue: string[] = [];
  readonly running: string[] = [];
  /** Stopped gids, oldest first. */
  readonly done: string[] = [];
  readonly deleted: string[] = [];
  readonly shutdowns: boolean[] = [];
  sessionsSaved = 0;
  stoppedTotal = 0;
  global: RpcGlobalOptions = { dir: '/srv/dl', maxActive: 3 };
  readonly views = new Map<string, ConnectionView[]>();
  private readonly listeners = new Set<(e: RpcEvent) => void>();

  private emit(e: RpcEvent): void {
    for (const l of this.listeners) l(e);
  }

  private must(gid: string): RpcDownload {
    const d = this.downloads.get(gid);
    if (!d) throw new Error(`fake: no ${gid}`);
    return d;
  }

  private stop(d: RpcDownload, state: 'complete' | 'error' | 'cancelled'): void {
    const wasActive = d.state === 'active';
    if (this.running.includes(d.id)) this.running.splice(this.running.indexOf(d.id), 1);
    if (this.queue.includes(d.id)) this.queue.splice(this.queue.indexOf(d.id), 1);
    d.state = state;
    d.speed = 0;
    d.connections = 0;
    this.done.push(d.id);
    this.stoppedTotal++;
    this.views.delete(d.id);
    if (state === 'cancelled') {
      if (wasActive) this.emit({ type: 'stop', gid: d.id });
      this.emit({ type: 'removed', gid: d.id });
    }
  }

  async add(uris: string[], options: Partial<DownloadOptions>, at: { position?: number; paused: boolean }): Promise<string> {
    const gid = randomBytes(8).toString('hex');
    const d: RpcDownload = {
      id: gid,
      url: uris[0],
      urls: [...uris],
      state: at.paused ? 'paused' : 'waiting',
      completedBytes: 0,
      speed: 0,
      connections: 0,
      elapsedMs: 0,
      options,
      dir: options.dir ?? this.global.dir ?? '.',
    };
    this.downloads.set(gid, d);
    this.queue.splice(Math.min(at.position ?? this.queue.length, this.queue.length), 0, gid);
    this.emit({ type: 'added', gid });
    return gid;
  }

  /** Test control: start a waiting download. */
  activate(gid: string, totalBytes?: number, path?: string): void {
    const d = this.must(gid);
    this.queue.splice(this.queue.indexOf(gid), 1);
    this.running.push(gid);
    Object.assign(d, { state: 'active', totalBytes, path, connections: 2 });
    this.views.set(gid, [
      { id: 1, state: 'active', start: 0, end: 10, received: 4, speed: 100 },
      { id: 2, state: 'retrying', start: 10, end: 20, received: 1, speed: 50.4 },
    ]);
    this.emit({ type: 'start', gid });
  }

  progress(gid: string, completedBytes: number, speed: number): void {
    const d = this.must(gid);
    Object.assign(d, { completedBytes, speed });
    this.emit({ type: 'progress', download: { ...d } });
  }

  finish(gid: string): void {
    const d = this.must(gid);
    d.completedBytes = d.totalBytes ?? d.completedBytes;
    this.stop(d, 'complete');
    this.emit({ type: 'complete', gid });
  }

  fail(gid: string, errorCode: string, errorMessage: string): void {
    const d = this.must(gid);
    Object.assign(d, { errorCode, errorMessage });
    this.stop(d, 'error');
    this.emit({ type: 'error', gid });
  }

  async pause(gid: string): Promise<void> {
    const d = this.must(gid);
    if (d.state === 'active') {
      this.running.splice(this.running.indexOf(gid), 1);
      this.queue.unshift(gid);
      this.views.delete(gid);
      d.speed = 0;
      d.connections = 0;
      d.state = 'paused';
      this.emit({ type: 'pause', gid });
    } else {
      d.state = 'paused';
    }
  }

  async unpause(gid: string): Promise<void> {
    this.must(gid).state = 'waiting';
  }

  async remove(gid: string, how: { force: boolean; deleteFiles: boolean }): Promise<void> {
    if (how.deleteFiles) this.deleted.push(gid);
    this.stop(this.must(gid), 'cancelled');
  }

  async pauseAll(force: boolean): Promise<void> {
    for (const gid of [...this.running].reverse()) await this.pause(gid);
    for (const gid of this.queue) if (this.must(gid).state === 'waiting') await this.pause(gid);
    void force;
  }

  async unpauseAll(): Promise<void> {
    for (const gid of this.queue) this.must(gid).state = 'waiting';
  }

  get(gid: string): RpcDownload | undefined {
    const d = this.downloads.get(gid);
    return d && { ...d };
  }

  gids(): Iterable<string> {
    return this.downloads.keys();
  }

  active(): RpcDownload[] {
    return this.running.map((g) => this.must(g));
  }

  waiting(offset: number, num: number): RpcDownload[] {
    return this.queue.slice(offset, offset + num).map((g) => this.must(g));
  }

  stopped(offset: number, num: number): RpcDownload[] {
    return this.done.slice(offset, offset + num).map((g) => this.must(g));
  }

  stat(): RpcStat {
    const downloadSpeed = this.active().reduce((s, d) => s + d.speed, 0);
    return { downloadSpeed, numActive: this.running.length, numWaiting: this.queue.length, numStopped: this.done.length, numStoppedTotal: this.stoppedTotal };
  }

  async move(gid: string, pos: number, how: MoveHow): Promise<number> {
    const from = this.queue.indexOf(gid);
    const base = how === 'POS_SET' ? 0 : how === 'POS_CUR' ? from : this.queue.length - 1;
    const to = Math.max(0, Math.min(this.queue.length - 1, base + pos));
    this.queue.splice(from, 1);
    this.queue.splice(to, 0, gid);
    return to;
  }

  async changeUri(gid: string, del: string[], add: string[], position?: number): Promise<[number, number]> {
    const d = this.must(gid);
    let removed = 0;
    for (const u of del) {
      const i = d.urls.indexOf(u);
      if (i >= 0) {
        d.urls.splice(i, 1);
        removed++;
      }
    }
    d.urls.splice(Math.min(position ?? d.urls.length, d.urls.length), 0, ...add);
    d.url = d.urls[0] ?? '';
    return [removed, add.length];
  }

  async changeOptions(gid: string, options: Partial<DownloadOptions>): Promise<void> {
    const d = this.must(gid);
    d.options = { ...d.options, ...options };
    if (options.dir) d.dir = options.dir;
  }

  globalOptions(): RpcGlobalOptions {
    return { ...this.global };
  }

  async changeGlobalOptions(options: RpcGlobalOptions): Promise<void> {
    this.global = { ...this.global, ...options };
  }

  async purge(): Promise<void> {
    for (const gid of this.done) this.downloads.delete(gid);
    this.done.length = 0;
  }

  async removeResult(gid: string): Promise<boolean> {
    const i = this.done.indexOf(gid);
    if (i < 0) return false;
    this.done.splice(i, 1);
    this.downloads.delete(gid);
    return true;
  }

  async saveSession(): Promise<void> {
    this.sessionsSaved++;
  }

  /** Calls of `durable()` so far. */
  durableCalls = 0;

  async durable(): Promise<void> {
    this.durableCalls++;
  }

  shutdown(force: boolean): void {
    this.shutdowns.push(force);
  }

  async segments(gid: string): Promise<ConnectionView[] | undefined> {
    return this.views.get(gid);
  }

  subscribe(listener: (event: RpcEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
