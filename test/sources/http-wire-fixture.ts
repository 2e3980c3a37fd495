import { HttpPool, type PoolOptions } from '../../src/sources/http/pool.js';
import { requestHead } from '../../src/sources/http/request.js';
import type { WireResponse } from '../../src/sources/http/wire.js';
import { endpointOf } from '../../src/sources/net/socket.js';
import { BatchPool } from '../../src/sources/stream/batch-pool.js';
import { useCleanups } from '../helpers/cleanups.js';
import { type RawRequest, type RawServer, startRawServer } from './http-raw-server.js';

/** What the HTTP wire and pool tests make per test; everything made here is closed after it. */
export interface WireFixture {
  /** Run `close` after the test (the last one deferred runs first). */
  defer(close: () => Promise<void> | void): void;
  /** A raw loopback server answering with `handler` (over TLS with `tls`). */
  server(handler: (req: RawRequest) => void, tls?: { certPem: string; keyPem: string }): Promise<RawServer>;
  /**
   * An HttpPool of 4 connections with the file's timeouts and 16 KiB batches (`opts` win); its
   * batch pool is `opts.pool` when given.
   */
  pool(opts?: Partial<PoolOptions>): { pool: HttpPool; batches: BatchPool };
  /** GET `path` of `origin` on a connection of `p`. */
  get(p: HttpPool, origin: string, path?: string, signal?: AbortSignal): Promise<WireResponse>;
}

/**
 * Registers the `afterEach` that closes what a test made (last first). `timeoutMs` is the
 * pools' connect, read and idle timeout; `batchCount` the most batches their pool keeps.
 */
export function useWireFixture(defaults: { timeoutMs: number; batchCount: number }): WireFixture {
  const defer = useCleanups();
  return {
    defer,
    async server(handler, tls) {
      const s = await startRawServer(handler, tls);
      defer(() => s.close());
      return s;
    },
    pool(opts = {}) {
      const batches = opts.pool ?? new BatchPool(16 * 1024, defaults.batchCount);
      const p = new HttpPool({
        connections: 4,
        connectTimeoutMs: defaults.timeoutMs,
        timeoutMs: defaults.timeoutMs,
        idleTimeoutMs: defaults.timeoutMs,
        rejectUnauthorized: true,
        pool: batches,
        highWater: 16 * 1024,
        ...opts,
      });
      defer(() => p.close());
      return { pool: p, batches };
    },
    async get(p, origin, path = '/', signal = new AbortController().signal) {
      const u = new URL(origin + path);
      const { conn } = await p.acquire(endpointOf(u), signal);
      return conn.request(requestHead(u, {}), signal);
    },
  };
}
