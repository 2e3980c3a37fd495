/**
 * How an HTTP request goes through a proxy: forwarded to an HTTP(S) proxy in absolute form (a
 * plain http URL), or through a tunnel (CONNECT for https URLs, SOCKS for any) with TLS to the
 * origin on top when the URL is https.
 */
import net from 'node:net';
import { describeRoute, type ProxyRoute, routeKey } from '../../core/proxy-route.js';
import { dialThrough, startTls, tunnelHow } from '../net/dial.js';
import { proxyAuthorization } from '../net/http-connect.js';
import type { Endpoint, SocketTls } from '../net/socket.js';
import type { PoolRoute } from './pool.js';

/** What a request through a proxy needs to know. */
export interface HttpProxyPlan {
  pool: PoolRoute;
  /** The request target in absolute form (forwarded by an HTTP proxy). */
  absolute: boolean;
  /** `Proxy-Authorization` to send with the request (forwarded requests only). */
  authorization?: string;
  /** For `--debug`: `via http proxy 127.0.0.1:3128 (CONNECT)`. */
  description: string;
}

/** The plan for requests to `endpoint` through `route`, with the source's TLS settings and connect timeout. */
export function httpProxyPlan(route: ProxyRoute, endpoint: Endpoint, tls: SocketTls, connectTimeoutMs: number): HttpProxyPlan {
  const key = `${routeKey(route)} ${endpoint.secure ? 'tunnel' : 'forward'}`;
  if ((route.kind === 'http' || route.kind === 'https') && !endpoint.secure) {
    const proxy: Endpoint = { secure: route.kind === 'https', host: route.host, port: route.port, label: route.label };
    return {
      pool: { key, via: { kind: 'forward', proxy, where: `${route.kind} proxy ${route.label}` } },
      absolute: true,
      authorization: proxyAuthorization(route),
      description: describeRoute(route, 'forward'),
    };
  }
  const dial = async (signal: AbortSignal): Promise<net.Socket> => {
    const options = { connectTimeoutMs, secureContext: tls.secureContext, rejectUnauthorized: tls.rejectUnauthorized, signal };
    const tunnel = await dialThrough(route, endpoint.host, endpoint.port, options);
    if (!endpoint.secure) return tunnel;
    return startTls(tunnel, endpoint.host, {
      servername: net.isIP(endpoint.host) === 0 ? endpoint.host : undefined,
      ALPNProtocols: ['http/1.1'],
      secureContext: tls.secureContext,
      rejectUnauthorized: tls.rejectUnauthorized,
    });
  };
  return { pool: { key, via: { kind: 'tunnel', dial } }, absolute: false, description: describeRoute(route, tunnelHow(route)) };
}
