/**
 * The RPC server: HTTP and WebSocket on one port at `/jsonrpc`, over an `RpcService`.
 *
 * ```ts
 * const server = await startRpcServer({ service, downloadRoot: '/srv/dl', secret: 's3cret', version: '0.1.0' });
 * // ... server.port; await server.close();
 * ```
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { FerryError } from '../core/errors.js';
import { AuthLimiter, type AuthLimiterOptions } from './auth-limiter.js';
import type { RpcContext } from './context.js';
import { serveHttp, type TransportOptions } from './http.js';
import { startNotifier } from './notifier.js';
import type { RpcService } from './service.js';
import { SharedAnswers } from './shared-answers.js';
import { StatusTexts } from './status-texts.js';
import { RpcWebSockets } from './ws.js';

export interface RpcServerOptions {
  service: RpcService;
  /** Paths named over RPC must stay inside this directory. */
  downloadRoot: string;
  /** Allow any directory (no confinement). Default false. */
  anyDir?: boolean;
  /** RPC secret (`token:` param). None: no token needed. */
  secret?: string;
  version: string;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 = a free one. Default 6800. */
  port?: number;
  /** Host names accepted in the Host header besides IP literals and localhost. */
  hosts?: readonly string[];
  /** `--rpc-allow-origin` values; `*` needs a secret. */
  allowOrigins?: readonly string[];
  /** Default 2 MiB. */
  maxBodyBytes?: number;
  /** Default 30 s. */
  readTimeoutMs?: number;
  /** Default 32. */
  maxWebSockets?: number;
  /** Open TCP connections at once (HTTP and WebSocket together); more are closed at once. Default 256. */
  maxConnections?: number;
  /** Failed-token delay and limit. */
  auth?: AuthLimiterOptions;
  /** How often `ferry.onProgress` goes out, ms. Default 1000. */
  progressIntervalMs?: number;
  /** How long identical reads share one answer, ms (0 = never). Default 100. */
  sharedAnswersMs?: number;
  /** Answers other paths than `/jsonrpc` (the web page); see TransportOptions. None: 404. */
  otherPaths?: TransportOptions['otherPaths'];
}

export interface RpcServer {
  readonly port: number;
  readonly host: string;
  /** Stop listening, close every connection, stop the notifications. */
  close(): Promise<void>;
}

/**
 * Listen and serve. Resolves once listening.
 * @throws FerryError USAGE for `*` in allowOrigins without a secret; the listen error otherwise.
 */
export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const allowOrigins = options.allowOrigins ?? [];
  if (allowOrigins.includes('*') && !options.secret) {
    throw new FerryError('USAGE', '--rpc-allow-origin * lets any web page drive the daemon', { hint: 'set --rpc-secret too, or name the origins to allow' });
  }
  const readTimeoutMs = options.readTimeoutMs ?? 30_000;
  const server = http.createServer({
    // The body's own timer (http.ts) answers first; these are Node's safety nets for the head.
    requestTimeout: readTimeoutMs + 1000,
    headersTimeout: readTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, readTimeoutMs),
    maxHeaderSize: 16 * 1024,
  });
  server.maxConnections = options.maxConnections ?? 256;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 6800, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const context: RpcContext = {
    service: options.service,
    secret: options.secret,
    downloadRoot: path.resolve(options.downloadRoot),
    anyDir: options.anyDir,
    sessionId: randomBytes(20).toString('hex'),
    version: options.version,
    shared: options.sharedAnswersMs === 0 ? undefined : new SharedAnswers(undefined, options.sharedAnswersMs ?? 100),
    statuses: new StatusTexts(),
  };
  // A queue event may change any read's answer: shared answers are dropped at once.
  const unsubscribeShared = options.service.subscribe((e) => {
    if (e.type !== 'progress') context.shared?.clear();
  });
  const transport = {
    context,
    limiter: new AuthLimiter(options.auth),
    policy: { port, hosts: options.hosts, allowOrigins },
    maxBodyBytes: options.maxBodyBytes ?? 2 * 1024 * 1024,
    readTimeoutMs,
    otherPaths: options.otherPaths,
  };
  const sockets = new RpcWebSockets({ ...transport, maxConnections: options.maxWebSockets ?? 32 });
  server.on('request', (req, res) => {
    serveHttp(req, res, transport).catch(() => res.destroy());
  });
  server.on('upgrade', (req, socket, head) => sockets.upgrade(req, socket, head));
  server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
    const status = e.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  const stopNotifier = startNotifier(options.service, (n) => sockets.broadcast(n), options.progressIntervalMs);
  return {
    port,
    host,
    close: async () => {
      stopNotifier();
      unsubscribeShared();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
