/**
 * The HTTP transport of the HTTP source: ferry's own HTTP/1.1 client on node:net / node:tls with
 * a keep-alive pool per origin (at most `connections` sockets per origin, one request per socket
 * at a time), and GET requests with redirects followed by hand. Body bytes land in pooled batch
 * buffers that the consumer hands back, so a steady download allocates nothing.
 */
import { FerryError } from '../../core/errors.js';
import { basicAuthorization } from '../../core/http-auth.js';
import type { NetworkOptions } from '../../core/options.js';
import { type ConnectionContext, proxyRouteFor } from '../../core/proxy-route.js';
import { proxyStatusError } from '../net/http-connect.js';
import { quoted, toFerryError } from '../net/network-errors.js';
import { endpointOf } from '../net/socket.js';
import { type TrustContexts, trustedContext, trustFor } from '../net/trust.js';
import { BATCH_BYTES, BatchPool } from '../stream/batch-pool.js';
import type { ResponseBody } from '../stream/response-body.js';
import { safeDecode } from './auth.js';
import { AuthHeaders, parsedUrl, requestTarget } from './auth-headers.js';
import { createHttpCookies, type HttpCookies } from './cookies.js';
import type { HttpHeaders } from './parser.js';
import { HttpPool } from './pool.js';
import { httpProxyPlan } from './proxy-route.js';
import { requestHead } from './request.js';

/** Options of the HTTP source: the network options plus the connections per origin. */
export type HttpSourceOptions = NetworkOptions & { connections: number };

/** A response: status, headers and the body to stream. */
export interface HttpResponse {
  statusCode: number;
  statusText: string;
  /** Lowercase names; repeated fields joined with ", ". */
  headers: HttpHeaders;
  body: ResponseBody;
}

/** A response after redirects, with the URL that produced it. */
export interface FinalResponse {
  url: string;
  /** `host[:port]` of `url`, for messages. */
  host: string;
  res: HttpResponse;
}

export interface HttpClient {
  /**
   * GET `url` with `extra` headers (on top of the defaults and the user's headers), following
   * redirects. Throws FerryError (REDIRECT, NETWORK, TIMEOUT, TLS, ABORTED, ...).
   */
  get(url: string, extra: Record<string, string>, signal: AbortSignal): Promise<FinalResponse>;
  /**
   * Open up to `count` connections to the origin of `url`, by the route its requests take,
   * ahead of those requests (best effort: nothing is reported).
   */
  warm(url: string, count: number): void;
  /** Close pooled connections; requests in flight fail with ABORTED. */
  close(): Promise<void>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Credentials the user attached for one origin are not sent to another one after a redirect.
const ORIGIN_BOUND_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * True for a (lowercase) header name that looks like it carries a secret: Authorization, Cookie,
 * Proxy-Authorization, and any `*-Key` or `*-Token` header (X-Api-Key, X-Auth-Token, ...).
 * Such headers go to the origin (scheme, host and port) the user asked for, and no other.
 */
export function isSecretHeader(name: string): boolean {
  return ORIGIN_BOUND_HEADERS.has(name) || name.endsWith('-key') || name.endsWith('-token');
}

const DISCARD_LIMIT = 64 * 1024;
/** How long an unread body (a redirect's, an error's) may take to arrive before its connection is dropped. */
export const DISCARD_TIME_MS = 1000;
/** How long a kept-alive connection may sit idle before it is closed. */
export const IDLE_TIMEOUT_MS = 4000;

/**
 * Release a response body we will not read, keeping the connection when the body is small
 * (a larger or unbounded one is dropped with its connection). Never rejects; bounded by the read
 * timeout.
 */
export async function discardBody(res: HttpResponse, limitMs = DISCARD_TIME_MS): Promise<void> {
  const { body } = res;
  const length = Number(res.headers['content-length'] ?? NaN);
  if (body.complete) {
    body.cancel();
    return;
  }
  if (length > DISCARD_LIMIT) {
    body.cancel();
    return;
  }
  let seen = 0;
  // A body that trickles in is not waited for: cancelling it closes its connection.
  const timer = setTimeout(() => body.cancel(), limitMs);
  try {
    for (let chunk = await body.read(); chunk !== null; chunk = await body.read()) {
      seen += chunk.length;
      body.release(chunk);
      if (seen > DISCARD_LIMIT) break;
    }
  } catch {
    // The connection is gone already (or the time was up); nothing to release.
  } finally {
    clearTimeout(timer);
  }
  body.cancel();
}

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FerryError('USAGE', `invalid URL: ${quoted(url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new FerryError('UNSUPPORTED', `${u.protocol.slice(0, -1)} URLs are not supported by the HTTP source: ${quoted(url)}`);
  }
  return u;
}

/** The lowercase-named headers sent with every request; ours win over the user's. */
function baseHeaders(options: HttpSourceOptions): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': options.userAgent };
  for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
  headers['accept-encoding'] = 'identity';
  return headers;
}

/**
 * The connections of one or more HTTP sources: keep-alive pools for http and https (the https
 * one built on first use) and the body buffers. Sources of one engine share a transport, so the
 * files of a list reuse each other's connections.
 */
export interface HttpTransport {
  pool(secure: boolean): Promise<HttpPool>;
  close(): void;
}

/**
 * Make a transport with at most `options.connections` connections per origin. Its TLS context
 * trusts the default roots plus `options.caCertificate`, else `extraCaFile` (see net/trust.ts),
 * and comes from `contexts` (an engine's transports share theirs, see sharedTrustContexts).
 */
export function createHttpTransport(options: HttpSourceOptions, extraCaFile?: string, contexts: TrustContexts = trustedContext): HttpTransport {
  const { timeoutMs, connectTimeoutMs } = options;
  const connections = Math.max(1, options.connections);
  const batches = new BatchPool(BATCH_BYTES, connections * 8);
  const common = { connections, connectTimeoutMs, timeoutMs, idleTimeoutMs: IDLE_TIMEOUT_MS, pool: batches, highWater: BATCH_BYTES };
  const plain = new HttpPool({ ...common, rejectUnauthorized: true });
  let secure: Promise<HttpPool> | undefined;
  const securePool = (): Promise<HttpPool> => {
    if (secure === undefined) {
      // A promise, so that a CA file that cannot be read fails the requests that need TLS.
      secure = Promise.resolve().then(() => {
        const trust = trustFor(options, extraCaFile);
        return new HttpPool({ ...common, secureContext: contexts(trust), rejectUnauthorized: trust.verify });
      });
    }
    return secure;
  };
  return {
    pool: (isSecure) => (isSecure ? securePool() : Promise.resolve(plain)),
    close() {
      plain.close();
      batches.clear();
      void secure?.then(
        (p) => p.close(),
        () => undefined,
      );
    },
  };
}

/**
 * The client of one source. `cookies` is the jar its requests use (shared by the sources of an
 * engine; default: a jar of its own).
 * `userUrl` is the URL the user asked for: the user's Authorization and Cookie headers are sent to
 * its origin only, also when later requests start from a redirect target elsewhere.
 */
export function createHttpClient(
  options: HttpSourceOptions,
  userUrl: string,
  shared?: HttpTransport,
  cookies?: HttpCookies,
  context: ConnectionContext = {},
): HttpClient {
  const base = baseHeaders(options);
  // Parsed once: its origin is the one trusted with secret headers, its userinfo is the login.
  const user = parsedUrl(userUrl);
  const trustedOrigin = user?.origin;
  const transport = shared ?? createHttpTransport(options, context.extraCaFile);
  const auth = new AuthHeaders(user, options, cookies ?? createHttpCookies());
  const state: { closed: boolean } = { closed: false };

  /** The pool, endpoint and proxy plan of the requests to `u`. */
  async function wayTo(u: URL) {
    const endpoint = endpointOf(u);
    const route = proxyRouteFor(u, options, context.proxyEnv);
    const pool = await transport.pool(endpoint.secure || route?.kind === 'https');
    const plan = route === undefined ? undefined : httpProxyPlan(route, endpoint, pool.options, pool.options.connectTimeoutMs);
    return { endpoint, route, pool, plan };
  }

  function warm(url: string, count: number): void {
    if (state.closed || count <= 0) return;
    let u: URL;
    try {
      u = parseUrl(url);
    } catch {
      return; // its requests will say what is wrong with it
    }
    wayTo(u).then(
      ({ endpoint, pool, plan }) => {
        if (!state.closed) pool.warm(endpoint, count, plan?.pool);
      },
      () => undefined,
    );
  }

  async function requestOnce(u: URL, headers: Record<string, string>, signal: AbortSignal): Promise<HttpResponse> {
    if (state.closed) throw new FerryError('ABORTED', `${u.host}: the HTTP source is closed`);
    const { endpoint, route, pool, plan } = await wayTo(u);
    if (state.closed) throw new FerryError('ABORTED', `${u.host}: the HTTP source is closed`);
    // The proxy's login goes to the proxy only: on a forwarded request, never through a tunnel.
    const head = requestHead(u, plan?.authorization === undefined ? headers : { ...headers, 'proxy-authorization': plan.authorization }, plan?.absolute);
    for (let attempt = 0; ; attempt++) {
      const { conn, reused } = await pool.acquire(endpoint, signal, attempt > 0, plan?.pool);
      if (!reused) context.debug?.(`${u.host}: new connection ${plan?.description ?? 'direct'}`);
      try {
        const res = await conn.request(head, signal);
        if (res.statusCode === 407 && plan?.absolute && route !== undefined) {
          await discardBody({ ...res });
          throw proxyStatusError(route, 407, res.statusText, `GET ${u.host}`);
        }
        return { statusCode: res.statusCode, statusText: res.statusText, headers: res.headers, body: res.body };
      } catch (err) {
        const e = toFerryError(err, u.host, signal);
        // A kept-alive connection the server closed while it sat idle fails before any response
        // byte: the request never reached the server, so one more try on a new connection. The
        // same for one whose stray bytes from the previous response came late (a GET may repeat).
        if (reused && attempt === 0 && (conn.responseBytes === 0 || conn.strayBeforeHead) && e.code === 'NETWORK') continue;
        throw e;
      }
    }
  }

  /**
   * One hop: the request with the login, cookies and Referer added, sent again (a bounded number
   * of times) when a 401 taught the login something new.
   */
  async function requestHop(u: URL, headers: Record<string, string>, signal: AbortSignal): Promise<HttpResponse> {
    const userAuthorization = headers.authorization !== undefined;
    for (let answers = 0; ; answers++) {
      const sending = { ...headers };
      const sent = await auth.decorate(u, requestTarget(u), sending);
      const res = await requestOnce(u, sending, signal);
      if (res.statusCode === 401 && auth.login.covers(u) && !userAuthorization) await discardBody(res);
      if (!(await auth.received(u, res.statusCode, res.headers, sent, userAuthorization, answers))) return res;
    }
  }

  async function get(url: string, extra: Record<string, string>, signal: AbortSignal): Promise<FinalResponse> {
    const first = parseUrl(url);
    const seen = new Set<string>([first.href]);
    let u = first;
    for (let hops = 0; ; hops++) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(base)) {
        if (u.origin === trustedOrigin || !isSecretHeader(name)) headers[name] = value;
      }
      // A redirect target elsewhere that carries its own userinfo gets exactly that, with Basic.
      if (u.username !== '' && headers.authorization === undefined && !auth.login.covers(u)) {
        headers.authorization = basicAuthorization(safeDecode(u.username), safeDecode(u.password));
      }
      Object.assign(headers, extra);
      const res = await requestHop(u, headers, signal);
      const location = res.headers.location;
      if (!REDIRECT_STATUSES.has(res.statusCode) || typeof location !== 'string') {
        return { url: u.href, host: u.host, res };
      }
      // Waiting for the (small) redirect body lets the next hop reuse this connection.
      await discardBody(res);
      let next: URL;
      try {
        next = new URL(location, u);
      } catch {
        throw new FerryError('REDIRECT', `${u.host}: redirect to an invalid URL: ${quoted(location)}`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new FerryError('REDIRECT', `${u.host}: refusing to follow a redirect to ${quoted(next.href)} (only http and https)`);
      }
      if (u.protocol === 'https:' && next.protocol === 'http:' && !options.allowDowngrade) {
        throw new FerryError('REDIRECT', `${u.host}: refusing to follow a redirect from https to ${quoted(next.href)} (not encrypted)`, {
          hint: 'use --allow-downgrade to follow it anyway',
        });
      }
      if (seen.has(next.href)) throw new FerryError('REDIRECT', `${u.host}: redirect loop back to ${quoted(next.href)}`);
      if (hops >= options.maxRedirects) {
        throw new FerryError('REDIRECT', `${u.host}: too many redirects (more than ${options.maxRedirects})`, {
          hint: 'raise --max-redirects if the chain is legitimate',
        });
      }
      seen.add(next.href);
      auth.redirected(u, next);
      u = next;
    }
  }

  async function close(): Promise<void> {
    state.closed = true;
    // A shared transport belongs to its owner (the engine), which closes it.
    if (!shared) transport.close();
  }

  return { get, warm, close };
}
