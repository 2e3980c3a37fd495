/**
 * Where a URL's requests go, and opening the socket there (TCP, or TLS with SNI and ALPN).
 */
import net from 'node:net';
import type tls from 'node:tls';
import { tlsModule } from '../../lazy-builtins.js';

/** Where a connection goes. */
export interface Endpoint {
  secure: boolean;
  /** Host name or IP address (no brackets). */
  host: string;
  port: number;
  /** `host[:port]` as in the URL, for messages. */
  label: string;
}

/** TLS settings of a source. */
export interface SocketTls {
  /** The trusted CAs; undefined: Node's default. */
  secureContext?: tls.SecureContext;
  rejectUnauthorized: boolean;
}

/** The endpoint of an http: or https: URL. */
export function endpointOf(u: URL): Endpoint {
  const secure = u.protocol === 'https:';
  // URL keeps IPv6 literals in brackets; sockets want them bare.
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const port = u.port === '' ? (secure ? 443 : 80) : Number(u.port);
  return { secure, host, port, label: u.host };
}

/**
 * Start connecting to `endpoint`; reads are delivered through `onread` (tls.connect supports it
 * too, although its typings do not say so). TLS: SNI is the host name (none for an IP address),
 * ALPN offers http/1.1 only; `session` (one the same endpoint sent before) is offered for
 * resumption, which a server may refuse: the handshake is then a full one, checked as always.
 */
export function openSocket(endpoint: Endpoint, onread: net.OnReadOpts, secure: SocketTls, session?: Buffer): net.Socket {
  const { host, port } = endpoint;
  if (!endpoint.secure) return net.connect({ host, port, onread });
  const options: tls.ConnectionOptions & { onread: net.OnReadOpts } = {
    host,
    port,
    onread,
    servername: net.isIP(host) === 0 ? host : undefined,
    ALPNProtocols: ['http/1.1'],
    secureContext: secure.secureContext,
    rejectUnauthorized: secure.rejectUnauthorized,
    session,
  };
  return tlsModule().connect(options);
}
