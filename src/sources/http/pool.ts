/**
 * Keep-alive connections per origin: at most `connections` sockets to one origin (connecting,
 * busy or idle), idle ones reused most-recent first, requests beyond the limit queued in order.
 */
import { abortedError } from '../../core/errors.js';
import { type Endpoint, type TlsSessions, WireConnection, type WireHooks, type WireOptions, type WireVia } from './wire.js';

/** A way to an origin other than directly (a proxy), with a key that tells such ways apart. */
export interface PoolRoute {
  key: string;
  via: WireVia;
}

/** Pool settings: the connection settings plus the per-origin limit. */
export interface PoolOptions extends WireOptions {
  /** Sockets per origin, at least 1. */
  connections: number;
}

/** A connection handed out for one request. */
export interface Lease {
  conn: WireConnection;
  /** True when the connection already carried a request (it may have been closed by the server meanwhile). */
  reused: boolean;
}

interface Waiter {
  fresh: boolean;
  resolve(lease: Lease): void;
  reject(err: Error): void;
  signal: AbortSignal;
  onAbort(): void;
}

/**
 * The connections to one origin. Invariant: `all.size <= limit`; `idle` and `settling` are
 * disjoint subsets of `all`. A settling connection finished its response and comes back (idle)
 * or closes within one turn of the event loop: a request waits for it rather than opening
 * another socket.
 */
class OriginPool implements WireHooks {
  readonly all = new Set<WireConnection>();
  readonly idle: WireConnection[] = [];
  readonly settling = new Set<WireConnection>();
  readonly waiters: Waiter[] = [];
  /** The latest TLS session a server of this origin sent: new connections resume it. */
  readonly sessions: TlsSessions = latestSession();

  constructor(
    private readonly endpoint: Endpoint,
    private readonly options: PoolOptions,
    private readonly via?: WireVia,
  ) {}

  acquire(signal: AbortSignal, fresh: boolean): Promise<Lease> {
    if (!fresh) {
      const conn = this.idle.pop();
      // A warmed connection (see warm) has carried no request yet.
      if (conn !== undefined) return Promise.resolve({ conn, reused: conn.requests > 0 });
    }
    if (this.all.size >= this.options.connections && fresh && this.idle.length > 0) {
      // Make room for a fresh connection by closing the least recently used idle one.
      this.idle.shift()?.destroy();
    }
    const settlingFree = !fresh && this.waiters.length < this.settling.size;
    if (this.all.size < this.options.connections && !settlingFree) return Promise.resolve({ conn: this.open(), reused: false });
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = {
        fresh,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(abortedError(`${this.endpoint.label}: aborted`));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /**
   * Open up to `count` connections now, within the limit, for requests about to come: they wait
   * among the idle ones, behind those that already carried a response (taken first).
   */
  warm(count: number): void {
    const n = Math.min(count, this.options.connections - this.all.size);
    for (let i = 0; i < n; i++) {
      const conn = this.open();
      conn.park();
      this.idle.unshift(conn);
    }
  }

  private open(): WireConnection {
    const conn = new WireConnection(this.endpoint, this.options, this, this.via);
    this.all.add(conn);
    return conn;
  }

  private nextWaiter(): Waiter | undefined {
    const waiter = this.waiters.shift();
    waiter?.signal.removeEventListener('abort', waiter.onAbort);
    return waiter;
  }

  onSettling(conn: WireConnection): void {
    this.settling.add(conn);
  }

  onIdle(conn: WireConnection): void {
    this.settling.delete(conn);
    const waiter = this.waiters[0];
    if (waiter === undefined) {
      this.idle.push(conn);
      return;
    }
    if (waiter.fresh) {
      // Its slot goes to a new connection (see `onClosed`).
      conn.destroy();
      return;
    }
    this.nextWaiter()?.resolve({ conn, reused: true });
  }

  onClosed(conn: WireConnection): void {
    this.settling.delete(conn);
    if (!this.all.delete(conn)) return;
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    const waiter = this.waiters.length > 0 && this.all.size < this.options.connections ? this.nextWaiter() : undefined;
    waiter?.resolve({ conn: this.open(), reused: false });
  }

  close(): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.reject(abortedError(`${this.endpoint.label}: the HTTP source is closed`));
    }
    for (const conn of [...this.all]) conn.destroy(abortedError(`${this.endpoint.label}: the HTTP source is closed`));
  }
}

/** A store that keeps only the latest session. */
function latestSession(): TlsSessions {
  let session: Buffer | undefined;
  return {
    latest: () => session,
    keep: (s) => {
      session = s;
    },
  };
}

function poolKey(endpoint: Endpoint, route?: PoolRoute): string {
  return `${route?.key ?? 'direct'} ${endpoint.secure ? 'https' : 'http'}://${endpoint.label}`;
}

/** The connection pools of one source, one per origin and route (direct, or a proxy). */
export class HttpPool {
  private readonly origins = new Map<string, OriginPool>();
  private closed = false;

  /** @param options the settings of every connection (also the TLS settings a proxy tunnel uses) */
  constructor(readonly options: PoolOptions) {}

  /**
   * A connection to `endpoint` for one request: the most recently idle one unless `fresh`, else a
   * new one when the origin is under its limit, else the next one that frees up. Rejects with
   * ABORTED when `signal` aborts first or the pool is closed. Connections through a proxy
   * (`route`) are pooled apart from direct ones and from other proxies'.
   */
  acquire(endpoint: Endpoint, signal: AbortSignal, fresh = false, route?: PoolRoute): Promise<Lease> {
    if (this.closed) return Promise.reject(abortedError(`${endpoint.label}: the HTTP source is closed`));
    if (signal.aborted) return Promise.reject(abortedError(`${endpoint.label}: aborted`));
    return this.originFor(endpoint, route).acquire(signal, fresh);
  }

  /** Open up to `count` connections to `endpoint` ahead of their requests (see OriginPool.warm). */
  warm(endpoint: Endpoint, count: number, route?: PoolRoute): void {
    if (!this.closed && count > 0) this.originFor(endpoint, route).warm(count);
  }

  private originFor(endpoint: Endpoint, route?: PoolRoute): OriginPool {
    const key = poolKey(endpoint, route);
    let origin = this.origins.get(key);
    if (origin === undefined) {
      origin = new OriginPool(endpoint, this.options, route?.via);
      this.origins.set(key, origin);
    }
    return origin;
  }

  /** Sockets open to an origin (connecting, busy or idle) and how many are idle. */
  stats(endpoint: Endpoint, route?: PoolRoute): { open: number; idle: number } {
    const origin = this.origins.get(poolKey(endpoint, route));
    return { open: origin?.all.size ?? 0, idle: origin?.idle.length ?? 0 };
  }

  /** Close every connection; requests in flight and queued fail with ABORTED. */
  close(): void {
    this.closed = true;
    for (const origin of this.origins.values()) origin.close();
    this.origins.clear();
  }
}
