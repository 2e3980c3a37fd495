/**
 * Opening a connection through a proxy: to the proxy first (TCP, or TLS for an HTTPS proxy),
 * then a tunnel to the destination (HTTP CONNECT or a SOCKS handshake). What comes back is a
 * plain byte stream to the destination; TLS to the destination, when wanted, goes on top.
 */
import net from 'node:net';
import type tls from 'node:tls';
import { abortedError, FerryError, isFerryError } from '../../core/errors.js';
import type { ProxyRoute } from '../../core/proxy-route.js';
import { tlsModule } from '../../lazy-builtins.js';
import { httpConnect } from './http-connect.js';
import { toFerryError } from './network-errors.js';
import { socksConnect } from './socks.js';

/** TLS settings for an HTTPS proxy, the connect timeout, and an abort. */
export interface DialOptions {
  connectTimeoutMs: number;
  /** Used for the TLS connection to an HTTPS proxy. */
  secureContext?: tls.SecureContext;
  rejectUnauthorized: boolean;
  signal?: AbortSignal;
}

/** How the tunnel is made, for `--debug` lines: `CONNECT`, `SOCKS5`, ... */
export function tunnelHow(route: ProxyRoute): string {
  if (route.kind === 'http' || route.kind === 'https') return 'CONNECT';
  return route.kind.toUpperCase();
}

/** Connect to the proxy itself; resolves once TCP (and for an HTTPS proxy, TLS) is up. */
function connectProxy(route: ProxyRoute, o: DialOptions): Promise<net.Socket> {
  const { host, port } = route;
  const secure = route.kind === 'https';
  const socket = secure
    ? tlsModule().connect({
        host,
        port,
        servername: net.isIP(host) === 0 ? host : undefined,
        secureContext: o.secureContext,
        rejectUnauthorized: o.rejectUnauthorized,
      })
    : net.connect({ host, port });
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      socket.destroy();
      reject(toFerryError(err, `${route.kind} proxy ${route.label}`, o.signal ?? new AbortController().signal));
    };
    socket.once('error', onError);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}

/**
 * A byte stream to `host:port` through `route`. Bounded by `connectTimeoutMs` (TIMEOUT);
 * `signal` aborts it (ABORTED). Failures of the proxy name the proxy; refusals are in words.
 * The returned socket is paused: the caller resumes it once it listens.
 */
export async function dialThrough(route: ProxyRoute, host: string, port: number, o: DialOptions): Promise<net.Socket> {
  if (o.signal?.aborted) throw abortedError();
  let socket: net.Socket | undefined;
  let timedOut = false;
  const stop = (): void => {
    socket?.destroy();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, o.connectTimeoutMs);
  o.signal?.addEventListener('abort', stop);
  try {
    const opening = connectProxy(route, o);
    socket = await opening;
    if (o.signal?.aborted || timedOut) throw abortedError();
    const tunnel =
      route.kind === 'http' || route.kind === 'https'
        ? await httpConnect(socket, route, host, port)
        : await socksConnect(socket, route, host, port, o.connectTimeoutMs);
    tunnel.pause();
    return tunnel;
  } catch (err) {
    socket?.destroy();
    if (o.signal?.aborted) throw abortedError();
    if (timedOut) {
      throw new FerryError('TIMEOUT', `${route.kind} proxy ${route.label}: no tunnel to ${host}:${port} within ${o.connectTimeoutMs / 1000}s`, {
        retryable: true,
      });
    }
    if (isFerryError(err)) throw err;
    throw toFerryError(err, `${route.kind} proxy ${route.label}`, o.signal ?? new AbortController().signal);
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', stop);
  }
}

/**
 * Start TLS to `host` over `socket` (a tunnel); resolves after the handshake. Rejects with the TLS
 * socket's own error (the caller classifies it). `host` is what the certificate must name: Node
 * checks a wrapped socket against `servername` (none for an IP address), else `host`, else
 * "localhost".
 */
export function startTls(socket: net.Socket, host: string, options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tlsModule().connect({ ...options, host, socket });
    const onError = (err: Error): void => {
      secure.destroy();
      socket.destroy();
      reject(err);
    };
    secure.once('error', onError);
    secure.once('secureConnect', () => {
      secure.removeListener('error', onError);
      resolve(secure);
    });
  });
}
