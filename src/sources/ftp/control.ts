import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type tls from 'node:tls';
import { abortedError, FerryError } from '../../core/errors.js';
import { type FtpReply, parseFtpReplies } from '../../core/ftp-reply.js';
import type { ProxyRoute } from '../../core/proxy-route.js';
import { tlsModule } from '../../lazy-builtins.js';
import { dialThrough, startTls } from '../net/dial.js';
import { socketError, timeoutError } from './errors.js';

/** Where and how to open a control connection. */
export interface FtpEndpoint {
  host: string;
  port: number;
  /** The URL without credentials, used in every message. */
  where: string;
  /** Idle limit for replies and data (ms). */
  timeoutMs: number;
  connectTimeoutMs: number;
  /** The proxy every connection (control and data) is tunnelled through; undefined: direct. */
  proxy?: ProxyRoute;
  /** TLS settings for an HTTPS proxy (its CA and whether to verify it). */
  proxyTls?: { secureContext?: tls.SecureContext; rejectUnauthorized: boolean };
  /** With `--debug`: told `control connection` / `data connection` for each new one. */
  log?: (what: string) => void;
}

/** What `connectSocket` opens. */
export interface ConnectTarget {
  host: string;
  port: number;
  /** `control connection` or `data connection`, for messages. */
  what: string;
  /** Connect with TLS from the first byte. */
  tlsOptions?: tls.ConnectionOptions;
  /** Receives TLS sessions (TLS 1.3 tickets may arrive after the handshake). */
  onSession?: (session: Buffer) => void;
  /** Aborting destroys the half-open socket (ABORTED). */
  signal?: AbortSignal;
}

/**
 * Open a TCP (or, with `tlsOptions`, an implicit TLS) connection, failing with TIMEOUT after
 * `connectTimeoutMs` and NETWORK/TLS otherwise. The returned socket is connected (and secure).
 */
export function connectSocket(ep: FtpEndpoint, t: ConnectTarget): Promise<net.Socket> {
  ep.log?.(t.what);
  if (ep.proxy !== undefined) return connectThrough(ep, ep.proxy, t);
  return new Promise((resolve, reject) => {
    if (t.signal?.aborted) return reject(abortedError());
    const socket = t.tlsOptions ? tlsModule().connect({ ...t.tlsOptions, host: t.host, port: t.port }) : net.connect({ host: t.host, port: t.port });
    if (t.onSession) socket.on('session', t.onSession);
    const finish = (err?: FerryError) => {
      clearTimeout(timer);
      t.signal?.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      if (err === undefined) return resolve(socket);
      socket.on('error', () => {}); // late errors of the abandoned socket
      socket.destroy();
      reject(err);
    };
    const onError = (err: Error) => finish(socketError(ep.where, t.what, err, t.tlsOptions !== undefined));
    const onAbort = () => finish(abortedError());
    const timer = setTimeout(() => finish(timeoutError(ep.where, `connecting the ${t.what}`, ep.connectTimeoutMs)), ep.connectTimeoutMs);
    socket.on('error', onError);
    socket.once(t.tlsOptions ? 'secureConnect' : 'connect', () => finish());
    t.signal?.addEventListener('abort', onAbort);
  });
}

/**
 * `connectSocket` through a proxy: a tunnel to the target, then (implicit FTPS) TLS on top.
 * The socket comes back paused; its reader resumes it once it listens.
 */
async function connectThrough(ep: FtpEndpoint, proxy: ProxyRoute, t: ConnectTarget): Promise<net.Socket> {
  const dial = { connectTimeoutMs: ep.connectTimeoutMs, signal: t.signal, rejectUnauthorized: true, ...ep.proxyTls };
  const tunnel = await dialThrough(proxy, t.host, t.port, dial);
  if (t.tlsOptions === undefined) return tunnel;
  try {
    const secure = await startTls(tunnel, t.host, t.tlsOptions);
    if (t.onSession) secure.on('session', t.onSession);
    secure.pause();
    return secure;
  } catch (err) {
    throw socketError(ep.where, t.what, err as Error, true);
  }
}

/**
 * One FTP control connection: writes commands and hands out complete replies in order.
 * Invariant: after `failure` is set the socket is destroyed and every read rejects with it.
 */
export class FtpControl {
  private socket: net.Socket;
  private decoder = new StringDecoder('utf8');
  private buffer = '';
  private replies: FtpReply[] = [];
  private wake?: () => void;
  private failure?: FerryError;
  /** Latest TLS session of the control connection, offered for data-connection reuse. */
  tlsSession?: Buffer;

  private constructor(
    readonly ep: FtpEndpoint,
    socket: net.Socket,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  /** Connect (implicitly secure when `tlsOptions` is given) without reading the greeting. */
  static async open(ep: FtpEndpoint, tlsOptions?: tls.ConnectionOptions, signal?: AbortSignal): Promise<FtpControl> {
    let session: Buffer | undefined;
    const onSession = (s: Buffer) => {
      session = s;
    };
    const what = 'control connection';
    const socket = await connectSocket(ep, { host: ep.host, port: ep.port, what, tlsOptions, onSession, signal });
    const control = new FtpControl(ep, socket);
    control.tlsSession = session;
    return control;
  }

  /** The address actually connected to: data connections go there, never to an announced one. */
  get remoteAddress(): string {
    // Through a proxy the socket's peer is the proxy: the data connections go to the server's host.
    if (this.ep.proxy !== undefined) return this.ep.host;
    return this.socket.remoteAddress ?? this.ep.host;
  }

  /** True when the connection is TLS-protected. */
  get secure(): boolean {
    return isTls(this.socket);
  }

  /** True when the connection failed or closed; it must not be reused. */
  get broken(): boolean {
    return this.failure !== undefined || this.socket.destroyed;
  }

  /** True when the server sent replies nobody asked for yet (e.g. a 421 idle timeout). */
  get hasUnreadReplies(): boolean {
    return this.replies.length > 0 || this.buffer.length > 0;
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      const parsed = parseFtpReplies(this.buffer + this.decoder.write(chunk));
      this.buffer = parsed.rest;
      this.replies.push(...parsed.replies);
      if (this.buffer.length > 65536) {
        this.fail(new FerryError('BAD_RESPONSE', `${this.ep.where}: control reply line too long`));
      }
      this.wake?.();
    });
    socket.on('error', (err) => this.fail(socketError(this.ep.where, 'control connection', err, false)));
    socket.on('close', () => this.fail(new FerryError('NETWORK', `${this.ep.where}: control connection closed by the server`, { retryable: true })));
    if (isTls(socket)) {
      // TLS 1.3 tickets may arrive after the handshake; keep the latest for data connections.
      socket.on('session', (session: Buffer) => {
        this.tlsSession = session;
      });
    }
    // A tunnelled socket comes paused (see connectThrough); a direct one flows already.
    socket.resume();
  }

  /** Destroy the connection with `err` (the first failure wins); pending reads reject. */
  fail(err: FerryError): void {
    this.failure ??= err;
    this.socket.destroy();
    this.wake?.();
  }

  /** Write one command line. Commands never contain CR/LF (paths are checked by the URL parser). */
  send(line: string): void {
    if (this.failure) return;
    this.socket.write(`${line}\r\n`);
  }

  /**
   * Write several commands in one write (pipelining): the server answers each in order, and the
   * caller reads one reply per command (a 1xx preliminary reply is followed by another).
   */
  sendAll(lines: readonly string[]): void {
    if (this.failure || lines.length === 0) return;
    this.socket.write(`${lines.join('\r\n')}\r\n`);
  }

  /** Send `line` and return the next reply. */
  async command(line: string): Promise<FtpReply> {
    if (this.failure) throw this.failure;
    this.send(line);
    return this.read();
  }

  /** The next reply, waiting at most `timeoutMs` (then the connection fails with TIMEOUT). */
  read(timeoutMs = this.ep.timeoutMs): Promise<FtpReply> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): boolean => {
        const reply = this.replies.shift();
        if (reply === undefined && this.failure === undefined) return false;
        clearTimeout(timer);
        this.wake = undefined;
        if (reply !== undefined) resolve(reply);
        else reject(this.failure);
        return true;
      };
      if (check()) return;
      this.wake = check;
      const err = () => timeoutError(this.ep.where, 'waiting for a reply from the server', timeoutMs);
      timer = setTimeout(() => this.fail(err()), timeoutMs);
    });
  }

  /**
   * Upgrade a plain connection to TLS after a `234` reply to AUTH TLS. The handshake is bounded
   * by the connect timeout; a failure is a TLS error (or NETWORK for a dropped connection).
   * Anything the server sent after the `234` and before the handshake is a protocol error: such
   * text was never protected, and read later it would pass for replies sent over TLS (an
   * injected reply, the class of curl's CVE-2021-22947).
   */
  async upgradeToTls(tlsOptions: tls.ConnectionOptions): Promise<void> {
    // Bytes of an unfinished character count too; the TLS stream starts with a fresh decoder.
    const partial = this.decoder.end();
    this.decoder = new StringDecoder('utf8');
    if (this.hasUnreadReplies || partial !== '') {
      const err = new FerryError('BAD_RESPONSE', `${this.ep.where}: the server sent data after accepting AUTH TLS, before the TLS handshake`, {
        hint: 'a reply was injected into the plain-text connection, or the server is broken',
      });
      this.fail(err);
      throw err;
    }
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    raw.on('error', () => {}); // errors surface on the TLS socket
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      // `host`: the name the certificate is checked against (see startTls).
      const s = tlsModule().connect({ ...tlsOptions, host: this.ep.host, socket: raw });
      s.on('session', (session: Buffer) => {
        this.tlsSession = session;
      });
      const timer = setTimeout(() => {
        s.destroy();
        reject(timeoutError(this.ep.where, 'in the TLS handshake', this.ep.connectTimeoutMs));
      }, this.ep.connectTimeoutMs);
      const onError = (err: Error) => {
        clearTimeout(timer);
        s.destroy();
        reject(socketError(this.ep.where, 'control connection', err, true));
      };
      s.on('error', onError);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        s.removeListener('error', onError);
        resolve(s);
      });
    }).catch((err: FerryError) => {
      this.fail(err);
      throw err;
    });
    this.socket = secure;
    this.attach(secure);
  }

  /** Say goodbye politely but never wait long: QUIT, then close. */
  quit(): void {
    if (this.failure) return;
    this.failure = new FerryError('ABORTED', `${this.ep.where}: connection closed`);
    const s = this.socket;
    s.end(`QUIT\r\n`);
    setTimeout(() => s.destroy(), 500).unref();
  }
}

/** Whether `socket` speaks TLS (asked without loading `node:tls`). */
function isTls(socket: net.Socket): socket is tls.TLSSocket {
  return (socket as Partial<tls.TLSSocket>).encrypted === true;
}
