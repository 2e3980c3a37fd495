/**
 * The main thread's side of the replica: it keeps the RPC thread's copy of the queue's views
 * current by posting what changed.
 *
 * Invariants:
 * - `touch(gid)` marks a download whose state, place or settings may have changed; the next
 *   `flush()` posts its view (or that it is gone) with the engine's order and the new history
 *   entries, all in one delta;
 * - `flush()` runs before every reply and every event is posted (the host and `event` call it),
 *   so what a client is told is never ahead of what it can read;
 * - the history is copied by stop order: every entry after the last one posted is appended (the
 *   store never gives an order twice), removals are posted as the calls that made them report;
 * - progress (the views of downloads that moved) is posted at most every `intervalMs`, and never
 *   for a download that the same flush posts anyway.
 */
import type { RpcDownload, RpcEvent, RpcGlobalOptions } from '../rpc/service.js';
import type { ReplicaDelta, ToRpcThread } from './replica-protocol.js';

/** What the publisher reads on the main thread. */
export interface ReplicaSource {
  /** The view of a download the engine holds (undefined when it holds none with that gid). */
  live(gid: string): RpcDownload | undefined;
  /** Every gid the engine holds, in its order. */
  liveIds(): string[];
  /** History entries after stop order `after`, oldest first. */
  stoppedSince(after: number): Array<{ stopOrder: number; download: RpcDownload }>;
  stoppedTotal(): number;
  globalOptions(): RpcGlobalOptions;
}

export class ReplicaPublisher {
  private readonly dirty = new Set<string>();
  private everything = true;
  private structural = true;
  private purged = false;
  private readonly unstopped: string[] = [];
  private readonly moved = new Map<string, RpcDownload>();
  private stopMark = 0;
  private timer?: NodeJS.Timeout;
  private soon?: NodeJS.Immediate;
  private closed = false;

  constructor(
    private readonly source: ReplicaSource,
    private readonly post: (m: ToRpcThread) => void,
    private readonly intervalMs = 100,
  ) {}

  /** A download's state, place or settings may have changed (posted at the next flush). */
  touch(gid: string): void {
    this.dirty.add(gid);
    this.structural = true;
  }

  /** Any view may have changed (a global setting, a change of many). */
  touchAll(): void {
    this.everything = true;
    this.structural = true;
  }

  /** As `touch`, and flush on the next turn of the event loop (an engine event with no reply to wait for). */
  touchSoon(gid: string): void {
    this.touch(gid);
    this.soon ??= setImmediate(() => {
      this.soon = undefined;
      this.flush();
    });
  }

  /** History entries were forgotten (`all`: a purge). */
  historyRemoved(gids: string[] | 'all'): void {
    if (gids === 'all') {
      this.purged = true;
      this.unstopped.length = 0;
    } else this.unstopped.push(...gids);
    this.structural = true;
  }

  /** The latest view of a download that moved (posted within `intervalMs`). */
  progress(view: RpcDownload): void {
    if (this.closed) return;
    this.moved.set(view.id, view);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.intervalMs);
  }

  /** Post an event after the delta that shows it. */
  event(e: Exclude<RpcEvent, { type: 'progress' }>): void {
    this.touch(e.gid);
    this.flush();
    if (!this.closed) this.post({ t: 'event', event: e });
  }

  /** Post what changed: progress first, then the delta (see the module comment). */
  flush(): void {
    if (this.closed) return;
    if (this.moved.size > 0) {
      const downloads = [...this.moved.values()].filter((d) => !this.everything && !this.dirty.has(d.id));
      this.moved.clear();
      if (downloads.length > 0) this.post({ t: 'progress', downloads });
    }
    if (!this.structural) return;
    this.post(this.delta());
  }

  /** Stop posting (the RPC thread is going away). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) clearImmediate(this.soon);
  }

  private delta(): ReplicaDelta {
    const s = this.source;
    const delta: ReplicaDelta = { t: 'delta', stoppedTotal: s.stoppedTotal(), global: s.globalOptions() };
    if (this.purged) delta.purged = true;
    if (this.unstopped.length > 0) delta.unstopped = [...this.unstopped];
    const since = s.stoppedSince(this.stopMark);
    if (since.length > 0) {
      delta.stopped = since.map((e) => e.download);
      this.stopMark = since[since.length - 1].stopOrder;
    }
    const order = s.liveIds();
    const gids = this.everything ? new Set([...this.dirty, ...order]) : this.dirty;
    const live: RpcDownload[] = [];
    const gone: string[] = [];
    for (const gid of gids) {
      const view = s.live(gid);
      if (view) live.push(view);
      else gone.push(gid);
    }
    if (live.length > 0) delta.live = live;
    if (gone.length > 0) delta.gone = gone;
    delta.order = order;
    this.dirty.clear();
    this.unstopped.length = 0;
    this.everything = false;
    this.structural = false;
    this.purged = false;
    return delta;
  }
}
