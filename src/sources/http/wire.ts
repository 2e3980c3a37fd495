/**
 * One HTTP/1.1 client connection on node:net / node:tls: writes a request, parses the response
 * head with ferry's own parser, and reads the body straight into pooled batches (framing bytes
 * pass through a small reused read buffer). One request at a time; the connection reports
 * itself idle (reusable) or closed to its pool.
 */
import type net from 'node:net';
import { abortedError, FerryError } from '../../core/errors.js';
import { terminalSafe } from '../../core/terminal-text.js';
import type { Endpoint } from '../net/socket.js';
import { ResponseBody } from '../stream/response-body.js';
import { FramedBody } from './framed-body.js';
import { HeadReader } from './head.js';
import { bodyFraming, keepsAlive, ProtocolError } from './parser.js';
import { socketBodyControl } from './socket-body-control.js';
import { dialWire, type TlsSessions, type WireVia } from './wire-dial.js';
import type { WireOptions, WireResponse } from './wire-types.js';

export type { Endpoint } from '../net/socket.js';
export type { TlsSessions, WireVia } from './wire-dial.js';
export type { WireOptions, WireResponse } from './wire-types.js';

/** Told when a connection can take another request, and when it is gone. */
export interface WireHooks {
  /** The response is complete and the connection will be idle (or closed) within this turn. */
  onSettling(conn: WireConnection): void;
  onIdle(conn: WireConnection): void;
  onClosed(conn: WireConnection): void;
  /** The origin's TLS sessions: a new connection offers the latest, and keeps what its server sends. */
  readonly sessions?: TlsSessions;
}

/**
 * Size of the per-connection read buffer for response heads and chunk framing (body data is
 * read straight into batches, so this buffer only needs to hold a typical head).
 */
export const READ_BUFFER_BYTES = 16 * 1024;

/** new: no request yet (maybe still connecting); head/body: a response is being read. */
type Phase = 'new' | 'head' | 'body' | 'idle' | 'closed';

/**
 * A client connection. Invariants: at most one request in flight; the read buffer is only read
 * inside the read callback (its bytes are parsed or copied out before returning); a read goes
 * straight into a body batch only while that body is current and unfinished, and never past its
 * end; a connection goes back to its pool only after a complete response that allows keep-alive,
 * with no stray bytes.
 */
export class WireConnection {
  /** Undefined while a tunnel is being dialled. */
  private socket: net.Socket | undefined;
  /** A request head written before the tunnel was up. */
  private unsent: string | undefined;
  private readonly dialing = new AbortController();
  private readonly readBuffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  private phase: Phase = 'new';
  private connectTimer: NodeJS.Timeout | undefined;
  private headTimer: NodeJS.Timeout | undefined;
  /** Requests started on this connection (more than one: it was reused). */
  requests = 0;
  /** Bytes received for the current request. */
  responseBytes = 0;
  /**
   * True when the current response of a reused connection began with a line end: bytes left
   * over from the previous response (a stray CRLF that arrived late), not a status line. The
   * request failed before any of its response was read.
   */
  strayBeforeHead = false;
  private readonly heads = new HeadReader();
  private pending: { resolve(r: WireResponse): void; reject(e: Error): void } | undefined;
  private signal: AbortSignal | undefined;
  /** The current response's body, while it is being read. */
  private framed: FramedBody | undefined;
  private keepAlive = false;
  /** Opened ahead of its first request (see park). */
  private parked = false;

  constructor(
    readonly endpoint: Endpoint,
    private readonly options: WireOptions,
    private readonly hooks: WireHooks,
    via?: WireVia,
  ) {
    // Node asks for the buffer of every next read: the free tail of a body batch when the next
    // bytes are known to be body data, else the connection's read buffer, whose bytes are parsed
    // or copied out at once.
    const onread: net.OnReadOpts = { buffer: () => this.nextBuffer(), callback: (n, buf) => this.onRead(n, buf as Buffer) };
    this.connectTimer = setTimeout(() => this.fail(this.timeout('connection timed out')), options.connectTimeoutMs);
    dialWire(endpoint, via, options, onread, this.dialing.signal, {
      socket: (socket, dialled) => this.attach(socket, dialled),
      connected: () => clearTimeout(this.connectTimer),
      failed: (err) => this.fail(err),
      sessions: hooks.sessions,
    });
  }

  /**
   * Watch `socket`. A dialled one (`ready`: connected, a tunnel made before this connection
   * listened) cannot take `onread`: its chunks arrive as 'data' events and are copied through
   * the read buffer.
   */
  private attach(socket: net.Socket, ready: boolean): void {
    if (this.phase === 'closed') {
      socket.destroy();
      return;
    }
    this.socket = socket;
    if (this.parked) this.idleSocket();
    socket.setNoDelay(true);
    socket.on('error', (err) => this.fail(err));
    socket.on('end', () => this.onEnd());
    socket.on('close', () => this.fail(new FerryError('NETWORK', `${this.endpoint.label}: connection closed`, { retryable: true })));
    socket.on('timeout', () => this.onTimeout());
    if (!ready) return;
    clearTimeout(this.connectTimer);
    socket.on('data', (chunk: Buffer) => this.onChunk(chunk));
    socket.resume();
    const head = this.unsent;
    this.unsent = undefined;
    if (head !== undefined) {
      socket.setTimeout(this.options.timeoutMs);
      socket.write(head, 'latin1');
    }
  }

  /** A chunk of a dialled socket, through the read buffer as if read there. */
  private onChunk(chunk: Buffer): void {
    for (let at = 0; at < chunk.length && this.phase !== 'closed'; ) {
      const n = Math.min(READ_BUFFER_BYTES, chunk.length - at);
      chunk.copy(this.readBuffer, 0, at, at + n);
      at += n;
      this.onRead(n, this.readBuffer);
    }
  }

  /**
   * Nobody waits for this new connection yet (it was opened ahead of a request): until its first
   * request it keeps the process alive no more than an idle one, and closes after as long.
   */
  park(): void {
    // Only before the first request: the phase never comes back to 'new'.
    if (this.phase !== 'new') return;
    this.parked = true;
    this.connectTimer?.unref();
    this.idleSocket();
  }

  private idleSocket(): void {
    this.socket?.setTimeout(this.options.idleTimeoutMs);
    this.socket?.unref();
  }

  /** True while the connection can take a request: new (maybe still connecting) or idle. */
  get usable(): boolean {
    return this.phase === 'idle' || this.phase === 'new';
  }

  /**
   * Send a request head (complete, with its blank line) and resolve with the response head; the
   * body follows through `response.body`. Rejects with FerryError for timeouts, protocol errors
   * and aborts, or with the socket's own error.
   */
  request(head: string, signal: AbortSignal): Promise<WireResponse> {
    if (!this.usable) {
      return Promise.reject(new FerryError('NETWORK', `${this.endpoint.label}: connection closed`, { retryable: true }));
    }
    if (signal.aborted) {
      const err = abortedError(`${this.endpoint.label}: aborted`);
      this.fail(err);
      return Promise.reject(err);
    }
    this.requests++;
    this.responseBytes = 0;
    this.strayBeforeHead = false;
    this.heads.reset();
    if (this.phase === 'idle') this.socket?.ref();
    if (this.parked) {
      // Someone waits for it now: its connect and its socket keep the process alive again.
      this.parked = false;
      this.socket?.ref();
      this.connectTimer?.ref();
    }
    this.phase = 'head';
    this.signal = signal;
    signal.addEventListener('abort', this.onAbort);
    this.socket?.setTimeout(this.options.timeoutMs);
    const headMs = this.options.headTimeoutMs ?? this.options.timeoutMs;
    this.headTimer = setTimeout(() => this.fail(this.timeout(`no complete response head within ${headMs / 1000}s`)), headMs);
    return new Promise<WireResponse>((resolve, reject) => {
      this.pending = { resolve, reject };
      if (this.socket === undefined) this.unsent = head;
      else this.socket.write(head, 'latin1');
    });
  }

  /** Close the connection; a request or body in flight fails with `err`. */
  destroy(err: Error = abortedError(`${this.endpoint.label}: connection closed`)): void {
    this.fail(err);
  }

  private readonly onAbort = (): void => this.fail(abortedError(`${this.endpoint.label}: aborted`));

  private timeout(what: string): FerryError {
    return new FerryError('TIMEOUT', `${this.endpoint.label}: ${what}`, { retryable: true });
  }

  private onTimeout(): void {
    const seconds = this.options.timeoutMs / 1000;
    if (this.phase === 'idle') this.close();
    else if (this.phase === 'body') this.fail(this.timeout(`no data received for ${seconds}s`));
    else this.fail(this.timeout(`no response within ${seconds}s`));
  }

  private onEnd(): void {
    if (this.phase === 'body' && this.framed?.untilClose) {
      this.complete(false);
      return;
    }
    const what = this.phase === 'body' ? `the response ended after ${this.framed?.body.received ?? 0} bytes` : 'connection closed by the server';
    this.fail(new FerryError('NETWORK', `${this.endpoint.label}: ${what}`, { retryable: true }));
  }

  /**
   * Where the next socket read goes. Body bytes go straight into a batch, never past the end of
   * the body (a length or a chunk size bounds the region), so no copy is needed.
   */
  private nextBuffer(): Buffer {
    if (this.phase !== 'body' || this.framed === undefined) return this.readBuffer;
    return this.framed.region() ?? this.readBuffer;
  }

  private onRead(n: number, buf: Buffer): boolean {
    if (n <= 0) return true;
    this.responseBytes += n;
    try {
      if (buf !== this.readBuffer) this.onDirect(n);
      else if (this.phase === 'head') {
        if (this.requests > 1 && this.responseBytes === n && (buf[0] === 13 || buf[0] === 10)) {
          this.strayBeforeHead = true;
          this.fail(new FerryError('NETWORK', `${this.endpoint.label}: stray bytes before the response on a reused connection`, { retryable: true }));
          return true;
        }
        this.onHead(this.readBuffer, 0, n);
      } else if (this.phase === 'body') this.onBody(this.readBuffer, 0, n);
      // Bytes nobody asked for (while idle): the connection is out of step.
      else this.close();
    } catch (err) {
      // The parser quotes server bytes (a bad status or header line): terminal-safe before they reach a message.
      const message = terminalSafe(err instanceof ProtocolError ? `malformed HTTP response (${err.message})` : String(err));
      this.fail(new FerryError('BAD_RESPONSE', `${this.endpoint.label}: ${message}`, { cause: err }));
    }
    return true;
  }

  /** Bytes of the response head (and maybe of the body after it). */
  private onHead(src: Buffer, start: number, end: number): void {
    const got = this.heads.push(src, start, end);
    if (got === undefined) return;
    const { head, buf, rest, end: to } = got;
    clearTimeout(this.headTimer);
    const framing = bodyFraming(head);
    this.keepAlive = keepsAlive(head, framing);
    const framed = new FramedBody(framing, this.newBody());
    this.framed = framed;
    this.phase = 'body';
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve({ statusCode: head.statusCode, statusText: head.statusText, headers: head.headers, body: framed.body });
    if (framed.empty) this.complete(rest < to);
    else if (rest < to) this.onBody(buf, rest, to);
  }

  private onBody(src: Buffer, start: number, end: number): void {
    const got = this.framed?.push(src, start, end);
    if (got?.done) this.complete(got.stop < end);
  }

  /** `n` body bytes were read straight into the region the body gave out. */
  private onDirect(n: number): void {
    const framed = this.framed;
    if (this.phase !== 'body' || framed === undefined) throw new Error('a body read arrived without a body');
    if (framed.commit(n)) this.complete(false);
  }

  /** The body is complete; keep the connection when the response allows it. */
  private complete(strayBytes: boolean): void {
    this.framed?.body.finish();
    this.framed = undefined;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
    if (!this.keepAlive || strayBytes) {
      this.close();
      return;
    }
    this.phase = 'idle';
    // The body may have paused the socket: an idle connection must notice the server closing it.
    this.socket?.resume();
    this.idleSocket();
    // Bytes the server sent after the body (a stray CRLF) are read in this same turn of the
    // event loop, after the read that ended the body: the connection goes back to its pool only
    // after that turn, so such a connection is closed (see onRead) instead of being reused with
    // the stray bytes taken for the start of the next response.
    this.hooks.onSettling(this);
    setImmediate(() => {
      if (this.phase === 'idle') this.hooks.onIdle(this);
    });
  }

  /** A body whose requests to pause, resume or abandon count only while it is the current one. */
  private newBody(): ResponseBody {
    let self: ResponseBody | undefined;
    const control = socketBodyControl({
      socket: () => this.socket,
      current: () => self !== undefined && this.framed?.body === self && this.phase === 'body',
      timeoutMs: this.options.timeoutMs,
      close: () => this.close(),
    });
    self = new ResponseBody(this.options.pool, control, this.options.highWater);
    return self;
  }

  /** Close without an error for anyone (the response is done or nobody waits for it). */
  private close(): void {
    if (this.phase === 'closed') return;
    this.framed = undefined;
    this.fail(abortedError(`${this.endpoint.label}: connection closed`));
  }

  /** Fail whatever is in flight with `err`, then close the socket (once). */
  private fail(err: Error): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    clearTimeout(this.connectTimer);
    clearTimeout(this.headTimer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(err);
    this.framed?.body.fail(err);
    this.framed = undefined;
    this.dialing.abort();
    this.socket?.destroy();
    this.hooks.onClosed(this);
  }
}
