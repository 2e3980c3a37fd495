import net from 'node:net';
import type tls from 'node:tls';
import { abortedError, FerryError } from '../../core/errors.js';
import type { ProxyRoute } from '../../core/proxy-route.js';
import { tlsModule } from '../../lazy-builtins.js';
import { dialThrough } from '../net/dial.js';
import type { BatchPool } from '../stream/batch-pool.js';
import { ResponseBody } from '../stream/response-body.js';
import { socketError, timeoutError } from './errors.js';

/** Size of the scratch buffer that swallows bytes nobody wants (past the range end, after a close). */
const SCRATCH_BYTES = 16 * 1024;

/**
 * Reader over an FTP data connection. Socket reads land straight in pooled batch buffers (through
 * the socket's `onread` hook; no per-read allocation, no copies) and are handed out as views of
 * those batches, which the consumer may give back with `release`. The socket pauses while a
 * batch's worth of bytes waits for the consumer (back-pressure), and the idle timer only runs
 * while a `next()` waits for data.
 *
 * Invariants: bytes are handed out in order, each once; once the `limit` is reached no more bytes
 * are kept (later reads go to a scratch buffer and are dropped) and the socket is paused; once
 * `error` is set the socket is destroyed and `next()` rejects with it after the bytes received
 * before it (an error after the data was complete is ignored: those bytes are all there).
 */
export class DataReader {
  /** Give these to `net.connect` / `tls.connect` so that reads land in the reader's batches. */
  readonly onread: net.OnReadOpts;
  private socket?: net.Socket;
  private readonly body: ResponseBody;
  private scratch?: Buffer;
  /** Bytes still wanted (Infinity: up to the end of the data). */
  private wanted = Number.POSITIVE_INFINITY;
  /** The data ended, the wanted bytes arrived, or the reader was closed. */
  private ended = false;
  private closed = false;
  private error?: FerryError;
  private secured = true;
  /** Unref'd idle timer, re-armed by each `next()`; it fails the reader only while one waits. */
  private timer?: NodeJS.Timeout;
  private waiting = false;
  /** Bytes that arrived as 'data' events and were copied (0 when `onread` is honoured). */
  copiedBytes = 0;

  /**
   * @param pool batches the bytes are read into
   * @param highWater bytes waiting for the consumer before the socket is paused
   */
  constructor(
    private readonly pool: BatchPool,
    private readonly where: string,
    private readonly timeoutMs: number,
    highWater = pool.batchBytes,
  ) {
    const control = {
      pause: () => this.socket?.pause(),
      resume: () => {
        if (!this.ended) this.socket?.resume();
      },
      abandon: () => this.socket?.destroy(),
    };
    this.body = new ResponseBody(pool, control, highWater);
    this.onread = { buffer: () => this.region(), callback: (n, buf) => this.onRead(n, buf as Buffer) };
  }

  /** Watch `socket` (created with `this.onread`); `isTls`: failures before the handshake are TLS errors. */
  attach(socket: net.Socket, isTls: boolean): void {
    this.socket = socket;
    this.secured = !isTls;
    if (isTls) socket.once('secureConnect', () => (this.secured = true));
    // Only when a socket does not honour `onread`: copy its chunks into batches.
    socket.on('data', (chunk: Buffer) => this.accept(chunk));
    socket.on('end', () => {
      this.ended = true;
      this.body.finish();
    });
    socket.on('error', (err) => this.fail(socketError(this.where, 'data connection', err, !this.secured)));
    socket.on('close', () => {
      if (!this.ended) {
        this.fail(new FerryError('NETWORK', `${this.where}: data connection closed unexpectedly`, { retryable: true }));
      }
    });
    if (this.closed || this.error !== undefined) socket.destroy();
  }

  /**
   * The data ends after `total` bytes (counted from the first): later bytes are not kept. Bytes
   * already received past `total` are still handed out (the caller trims them).
   */
  limit(total: number): void {
    this.wanted = total - this.body.received;
    if (this.wanted <= 0) this.reachLimit();
  }

  /** Stop with `err` (the first failure wins) and destroy the socket. */
  fail(err: FerryError): void {
    this.error ??= err;
    clearTimeout(this.timer);
    this.body.fail(err);
    this.socket?.destroy();
  }

  /** Close the data connection without recording a failure (end of a range, cancel). */
  close(): void {
    this.ended = true;
    this.closed = true;
    clearTimeout(this.timer);
    this.body.cancel();
    this.socket?.destroy();
  }

  /** Give a chunk from `next()` back for reuse. */
  release(chunk: Uint8Array): void {
    this.pool.release(chunk);
  }

  /** The next chunk, or null at the end of the data; TIMEOUT after `timeoutMs` without bytes. */
  async next(): Promise<Buffer | null> {
    if (this.closed) {
      if (this.error !== undefined) throw this.error;
      return null;
    }
    const pending = this.body.read();
    if (this.timer === undefined) this.timer = setTimeout(this.onTimeout, this.timeoutMs).unref();
    else this.timer.refresh();
    this.waiting = true;
    try {
      return await pending;
    } catch (err) {
      if (this.error !== undefined) throw this.error;
      if (this.closed) return null;
      throw err;
    } finally {
      this.waiting = false;
    }
  }

  private readonly onTimeout = (): void => {
    if (this.waiting) this.fail(timeoutError(this.where, 'waiting for data', this.timeoutMs));
  };

  /** Where the next socket read goes: a batch region, or scratch once no more bytes are wanted. */
  private region(): Buffer {
    const region = this.wanted > 0 ? this.body.region(this.wanted) : undefined;
    if (region) return region;
    this.scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
    return this.scratch;
  }

  private onRead(n: number, buf: Buffer): boolean {
    if (n <= 0 || buf === this.scratch) return true;
    this.body.commit(n);
    this.wanted -= n;
    if (this.wanted <= 0) this.reachLimit();
    return true;
  }

  /** A chunk from a 'data' event (a socket without `onread`). */
  private accept(chunk: Buffer): void {
    const n = Math.min(chunk.length, this.wanted);
    if (n <= 0) return;
    this.copiedBytes += n;
    this.body.write(chunk, 0, n);
    this.wanted -= n;
    if (this.wanted <= 0) this.reachLimit();
  }

  private reachLimit(): void {
    this.ended = true;
    this.body.finish();
    this.socket?.pause();
  }
}

/** Where a data connection goes. */
export interface DataTarget {
  host: string;
  port: number;
  where: string;
  connectTimeoutMs: number;
  signal?: AbortSignal;
  /**
   * PROT P: TLS on the data connection (the handshake completes once the server starts the
   * transfer, after RETR; `session` resumes the control connection's TLS session).
   */
  tls?: tls.ConnectionOptions;
  /** Tunnel the data connection through this proxy (as the control connection is). */
  proxy?: ProxyRoute;
  proxyTls?: { secureContext?: tls.SecureContext; rejectUnauthorized: boolean };
}

/**
 * Open a data connection whose reads land in `reader`'s batches: `net.connect` or `tls.connect`
 * with the reader's `onread` (tls.connect honours it, although its typings do not list it; a TLS
 * socket wrapped around an existing socket would not). Resolves once TCP is connected; fails with
 * TIMEOUT after `connectTimeoutMs`, ABORTED on `signal`, NETWORK otherwise. The socket is attached
 * to `reader`.
 */
export function connectData(t: DataTarget, reader: DataReader): Promise<net.Socket> {
  if (t.proxy !== undefined) return connectDataThrough(t, t.proxy, reader);
  return new Promise((resolve, reject) => {
    if (t.signal?.aborted) return reject(abortedError());
    const { host, port } = t;
    const options: tls.ConnectionOptions & { onread: net.OnReadOpts } = { ...t.tls, host, port, onread: reader.onread };
    const socket = t.tls ? tlsModule().connect(options) : net.connect({ host, port, onread: reader.onread });
    const finish = (err?: FerryError) => {
      clearTimeout(timer);
      t.signal?.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      if (err === undefined) {
        reader.attach(socket, t.tls !== undefined);
        return resolve(socket);
      }
      socket.on('error', () => {}); // late errors of the abandoned socket
      socket.destroy();
      reject(err);
    };
    const onError = (err: Error) => finish(socketError(t.where, 'data connection', err, t.tls !== undefined));
    const onAbort = () => finish(abortedError());
    const timer = setTimeout(() => finish(timeoutError(t.where, 'connecting the data connection', t.connectTimeoutMs)), t.connectTimeoutMs);
    socket.on('error', onError);
    socket.once('connect', () => finish());
    t.signal?.addEventListener('abort', onAbort);
  });
}

/**
 * `connectData` through a proxy: a tunnel to the data port, TLS on top for PROT P. Its bytes
 * arrive as 'data' events (a socket made before the reader cannot take `onread`) and are copied.
 */
async function connectDataThrough(t: DataTarget, proxy: ProxyRoute, reader: DataReader): Promise<net.Socket> {
  const dial = { connectTimeoutMs: t.connectTimeoutMs, signal: t.signal, rejectUnauthorized: true, ...t.proxyTls };
  let tunnel: net.Socket;
  try {
    tunnel = await dialThrough(proxy, t.host, t.port, dial);
  } catch (err) {
    if (err instanceof FerryError) throw err;
    throw socketError(t.where, 'data connection', err as Error, false);
  }
  const socket = t.tls ? tlsModule().connect({ ...t.tls, host: t.host, socket: tunnel }) : tunnel;
  reader.attach(socket, t.tls !== undefined);
  socket.resume();
  return socket;
}
