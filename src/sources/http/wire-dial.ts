/**
 * How one HTTP/1.1 client connection reaches its origin: directly, through an HTTP proxy that
 * forwards its requests, or through a tunnel (CONNECT or SOCKS, TLS on top for https) that
 * `dial` builds. The connection (wire.ts) takes the socket from here and speaks HTTP on it.
 */
import type net from 'node:net';
import { toFerryError } from '../net/network-errors.js';
import { type Endpoint, openSocket } from '../net/socket.js';
import type { WireOptions } from './wire-types.js';

/**
 * How a connection reaches its origin when not directly: `forward` opens the socket to an HTTP
 * proxy (requests in absolute form); `tunnel` gets a ready byte stream to the origin (CONNECT or
 * SOCKS, TLS on top for https) from `dial`, which `signal` aborts.
 */
export type WireVia =
  | { kind: 'forward'; proxy: Endpoint /** `http proxy 127.0.0.1:3128`: failures to connect name the proxy. */; where: string }
  | { kind: 'tunnel'; dial(signal: AbortSignal): Promise<net.Socket> };

/** What dialWire tells its connection. */
export interface DialHooks {
  /**
   * The socket to watch: a new one (`dialled` false: it may still be connecting, and takes
   * `onread`) or a dialled tunnel, connected already.
   */
  socket(socket: net.Socket, dialled: boolean): void;
  /** A new socket connected (TLS included). */
  connected(): void;
  /** The way there failed: the tunnel, or the proxy before it answered. */
  failed(err: Error): void;
  /** Where a new TLS socket finds the session it offers and keeps the ones its server sends. */
  sessions?: TlsSessions;
}

/** The TLS sessions of one origin (see OriginPool). */
export interface TlsSessions {
  /** The session to offer for resumption, if there is one. */
  latest(): Buffer | undefined;
  /** A session the server sent (a TLS 1.3 ticket, or a TLS 1.2 session). */
  keep(session: Buffer): void;
}

/** Open the way to `endpoint` (by `via`); `signal` aborts a tunnel being dialled. */
export function dialWire(
  endpoint: Endpoint,
  via: WireVia | undefined,
  options: WireOptions,
  onread: net.OnReadOpts,
  signal: AbortSignal,
  hooks: DialHooks,
): void {
  if (via?.kind === 'tunnel') {
    via.dial(signal).then(
      (socket) => hooks.socket(socket, true),
      (err: unknown) => hooks.failed(err instanceof Error ? err : new Error(String(err))),
    );
    return;
  }
  const target = via?.kind === 'forward' ? via.proxy : endpoint;
  const sessions = target.secure ? hooks.sessions : undefined;
  const socket = openSocket(target, onread, options, sessions?.latest());
  if (sessions) socket.on('session', (session: Buffer) => sessions.keep(session));
  // Until the proxy answers, a socket error is the proxy's (refused, unreachable, TLS).
  const proxyFailed = (err: Error): void => {
    if (via?.kind === 'forward') hooks.failed(toFerryError(err, via.where, signal));
  };
  if (via?.kind === 'forward') socket.once('error', proxyFailed);
  socket.once(target.secure ? 'secureConnect' : 'connect', () => {
    hooks.connected();
    socket.removeListener('error', proxyFailed);
  });
  hooks.socket(socket, false);
}
