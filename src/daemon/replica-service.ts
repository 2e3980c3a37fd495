/**
 * The RPC thread's RpcService: reads are answered from a replica of the queue's views, which the
 * main thread keeps current (replica-publisher.ts); every call that changes something, and the
 * few reads the replica does not hold (a download's connections), go to the main thread and
 * resolve with its answer.
 *
 * Invariant: messages are applied in the order they were posted, and a reply or an event is
 * handed on only after everything posted before it has been applied (replica-protocol.ts).
 */
import type { DownloadOptions } from '../core/options.js';
import type { ConnectionView } from '../engine/download-types.js';
import type { MoveHow, RpcDownload, RpcEvent, RpcGlobalOptions, RpcService, RpcStat } from '../rpc/service.js';
import { type ForwardedMethod, fromWire, type ReplicaCall, type ReplicaDelta, type ToRpcThread } from './replica-protocol.js';

const STOPPED = new Set(['complete', 'error', 'cancelled']);

export class ReplicaService implements RpcService {
  private readonly live = new Map<string, RpcDownload>();
  private order: string[] = [];
  private activeIds: string[] = [];
  private waitingIds: string[] = [];
  private history: RpcDownload[] = [];
  private readonly historyByGid = new Map<string, RpcDownload>();
  private stoppedTotal = 0;
  private global: RpcGlobalOptions = {};
  private readonly listeners = new Set<(event: RpcEvent) => void>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closedWith?: Error;

  constructor(private readonly send: (call: ReplicaCall) => void) {}

  /** Apply one message of the main thread. */
  receive(m: ToRpcThread): void {
    switch (m.t) {
      case 'delta':
        this.apply(m);
        return;
      case 'progress':
        for (const d of m.downloads) {
          // A change of state comes with a delta (which also places it in the lists).
          if (this.live.get(d.id)?.state !== d.state) continue;
          this.live.set(d.id, d);
          this.emit({ type: 'progress', download: d });
        }
        return;
      case 'event':
        this.emit(m.event);
        return;
      case 'reply': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(fromWire(m.error));
        return;
      }
      default:
        return;
    }
  }

  /** The main thread is gone: calls waiting for it fail with `why`, and so do later ones. */
  close(why: Error): void {
    this.closedWith = why;
    for (const p of this.pending.values()) p.reject(why);
    this.pending.clear();
  }

  add(uris: string[], options: Partial<DownloadOptions>, at: { position?: number; paused: boolean; gid?: string }): Promise<string> {
    return this.call('add', [uris, options, at]);
  }
  pause(gid: string, force: boolean): Promise<void> {
    return this.call('pause', [gid, force]);
  }
  unpause(gid: string): Promise<void> {
    return this.call('unpause', [gid]);
  }
  remove(gid: string, how: { force: boolean; deleteFiles: boolean }): Promise<void> {
    return this.call('remove', [gid, how]);
  }
  pauseAll(force: boolean): Promise<void> {
    return this.call('pauseAll', [force]);
  }
  unpauseAll(): Promise<void> {
    return this.call('unpauseAll', []);
  }
  move(gid: string, pos: number, how: MoveHow): Promise<number> {
    return this.call('move', [gid, pos, how]);
  }
  changeUri(gid: string, del: string[], add: string[], position?: number): Promise<[number, number]> {
    return this.call('changeUri', [gid, del, add, position]);
  }
  changeOptions(gid: string, options: Partial<DownloadOptions>): Promise<void> {
    return this.call('changeOptions', [gid, options]);
  }
  changeGlobalOptions(options: RpcGlobalOptions): Promise<void> {
    return this.call('changeGlobalOptions', [options]);
  }
  purge(): Promise<void> {
    return this.call('purge', []);
  }
  removeResult(gid: string): Promise<boolean> {
    return this.call('removeResult', [gid]);
  }
  saveSession(): Promise<void> {
    return this.call('saveSession', []);
  }
  shutdown(force: boolean): void {
    this.call('shutdown', [force]).catch(() => undefined);
  }
  segments(gid: string): Promise<ConnectionView[] | undefined> {
    return this.call('segments', [gid]);
  }
  durable(): Promise<void> {
    return this.call('durable', []);
  }

  get(gid: string): RpcDownload | undefined {
    return this.live.get(gid) ?? this.historyByGid.get(gid);
  }

  *gids(): Iterable<string> {
    yield* this.order;
    for (const d of this.history) yield d.id;
  }

  active(): RpcDownload[] {
    return this.activeIds.map((id) => this.live.get(id) as RpcDownload);
  }

  waiting(offset: number, num: number): RpcDownload[] {
    return this.waitingIds.slice(offset, offset + num).map((id) => this.live.get(id) as RpcDownload);
  }

  stopped(offset: number, num: number): RpcDownload[] {
    return this.history.slice(offset, offset + num);
  }

  stat(): RpcStat {
    let downloadSpeed = 0;
    for (const id of this.activeIds) downloadSpeed += (this.live.get(id) as RpcDownload).speed;
    return {
      downloadSpeed,
      numActive: this.activeIds.length,
      numWaiting: this.waitingIds.length,
      numStopped: this.history.length,
      numStoppedTotal: this.stoppedTotal,
    };
  }

  globalOptions(): RpcGlobalOptions {
    return { ...this.global };
  }

  subscribe(listener: (event: RpcEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private call<T>(method: ForwardedMethod, args: unknown[]): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ t: 'call', id, method, args });
    });
  }

  private apply(d: ReplicaDelta): void {
    if (d.purged) {
      this.history = [];
      this.historyByGid.clear();
    }
    if (d.unstopped) this.forget(new Set(d.unstopped));
    for (const v of d.stopped ?? []) {
      this.history.push(v);
      this.historyByGid.set(v.id, v);
    }
    for (const gid of d.gone ?? []) this.live.delete(gid);
    const back = new Set<string>();
    for (const v of d.live ?? []) {
      this.live.set(v.id, v);
      if (this.historyByGid.has(v.id)) back.add(v.id);
    }
    if (back.size > 0) this.forget(back);
    if (d.order) {
      this.order = d.order.filter((id) => this.live.has(id));
      this.activeIds = [];
      this.waitingIds = [];
      for (const id of this.order) {
        const state = (this.live.get(id) as RpcDownload).state;
        if (state === 'active') this.activeIds.push(id);
        else if (!STOPPED.has(state)) this.waitingIds.push(id);
      }
    }
    if (d.stoppedTotal !== undefined) this.stoppedTotal = d.stoppedTotal;
    if (d.global) this.global = d.global;
  }

  private forget(gids: Set<string>): void {
    this.history = this.history.filter((v) => !gids.has(v.id));
    for (const gid of gids) this.historyByGid.delete(gid);
  }

  private emit(event: RpcEvent): void {
    for (const l of this.listeners) l(event);
  }
}
