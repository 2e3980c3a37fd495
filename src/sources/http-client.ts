/**
 * The HTTP transport of the HTTP source: Node's own http/https with one keep-alive Agent per
 * scheme (at most `connections` sockets per origin, one request per socket at a time), and GET
 * requests with redirects followed by hand. Node's built-in parser and agents cost nothing to load.
 */
import { readFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { abortedError, FerryError } from '../core/errors.js';
import type { NetworkOptions } from '../core/options.js';
import { toFerryError } from './http-errors.js';

/** Options of the HTTP source: the network options plus the connections per origin. */
export type HttpSourceOptions = NetworkOptions & { connections: number };

/** A response: status, headers and the body to stream. */
export interface HttpResponse {
  statusCode: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
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
  /** Close pooled connections; requests in flight fail with ABORTED. */
  close(): Promise<void>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Credentials the user attached for one origin are not sent to another one after a redirect.
const ORIGIN_BOUND_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

const DISCARD_LIMIT = 64 * 1024;

/**
 * Release a response body we will not read, keeping the connection when the body is small
 * (a larger or unbounded one is destroyed). Never rejects; bounded by the read timeout.
 */
export function discardBody(body: IncomingMessage): Promise<void> {
  const length = Number(body.headers['content-length'] ?? NaN);
  if (body.readableEnded) return Promise.resolve();
  if (length > DISCARD_LIMIT) {
    destroyBody(body);
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    let seen = 0;
    body.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DISCARD_LIMIT) destroyBody(body);
    });
    body.on('error', () => resolve());
    body.on('end', resolve);
    body.on('close', resolve);
  });
}

/**
 * Destroy a response body we give up on (closing its connection unless the body was complete).
 * The listener keeps the resulting error from becoming an uncaught 'error' event.
 */
export function destroyBody(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}

/** Percent-decode URL userinfo; a malformed escape is kept as written. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FerryError('USAGE', `invalid URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new FerryError('UNSUPPORTED', `${u.protocol.slice(0, -1)} URLs are not supported by the HTTP source: ${url}`);
  }
  return u;
}

interface Agents {
  http: http.Agent;
  https: https.Agent;
}

async function createAgents(options: HttpSourceOptions): Promise<Agents> {
  let ca: string[] | undefined;
  if (options.caCertificate !== undefined) {
    try {
      // Extra CAs are added to the built-in roots, not substituted for them.
      ca = [...rootCertificates, await readFile(options.caCertificate, 'utf8')];
    } catch (err) {
      throw new FerryError('USAGE', `cannot read the CA certificate file ${options.caCertificate}`, { cause: err });
    }
  }
  // One request per socket at a time: concurrent ranges never queue behind each other.
  const pool = { keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections, scheduling: 'lifo' as const };
  return {
    http: new http.Agent(pool),
    https: new https.Agent({ ...pool, ca, rejectUnauthorized: !options.insecure }),
  };
}

/** The lowercase-named headers sent with every request; ours win over the user's. */
function baseHeaders(options: HttpSourceOptions): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': options.userAgent };
  for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
  headers['accept-encoding'] = 'identity';
  return headers;
}

/**
 * Create the transport; the Agent is built on first use (reading the CA file is asynchronous).
 * `userUrl` is the URL the user asked for: the user's Authorization and Cookie headers are sent
 * to its origin only, also when later requests start from a redirect target elsewhere.
 */
export function createHttpClient(options: HttpSourceOptions, userUrl: string): HttpClient {
  const base = baseHeaders(options);
  const trustedOrigin = URL.canParse(userUrl) ? new URL(userUrl).origin : undefined;
  const state: { agents?: Promise<Agents>; closed: boolean; open: Set<http.ClientRequest> } = { closed: false, open: new Set() };
  const agents = (): Promise<Agents> => (state.agents ??= createAgents(options));

  async function requestOnce(u: URL, headers: Record<string, string>, signal: AbortSignal): Promise<HttpResponse> {
    if (state.closed) throw new FerryError('ABORTED', `${u.host}: the HTTP source is closed`);
    const pool = await agents();
    const { timeoutMs, connectTimeoutMs } = options;
    return new Promise<HttpResponse>((resolve, reject) => {
      if (signal.aborted) return reject(abortedError(`${u.host}: aborted`));
      const isHttps = u.protocol === 'https:';
      const req = (isHttps ? https : http).request(u, { method: 'GET', headers, agent: isHttps ? pool.https : pool.http });
      state.open.add(req);
      let response: IncomingMessage | undefined;
      let connectTimer: NodeJS.Timeout | undefined;
      const fail = (err: unknown): void => {
        clearTimeout(connectTimer);
        const e = toFerryError(err, u.host, signal, timeoutMs);
        if (response) response.destroy(e);
        else req.destroy(e);
        reject(e);
      };
      const onAbort = (): void => fail(abortedError(`${u.host}: aborted`));
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(
          () => fail(new FerryError('TIMEOUT', `${u.host}: connection timed out`, { retryable: true })),
          connectTimeoutMs,
        );
        socket.once(isHttps ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      // The socket's idle timeout covers waiting for headers and every gap in the body.
      req.setTimeout(timeoutMs, () =>
        fail(new FerryError('TIMEOUT', `${u.host}: ${response ? `no data received for ${timeoutMs / 1000}s` : `no response within ${timeoutMs / 1000}s`}`, { retryable: true })),
      );
      req.on('error', (err) => {
        clearTimeout(connectTimer);
        reject(toFerryError(err, u.host, signal, timeoutMs));
      });
      req.on('close', () => {
        state.open.delete(req);
        signal.removeEventListener('abort', onAbort);
      });
      req.on('response', (res) => {
        clearTimeout(connectTimer);
        response = res;
        resolve({ statusCode: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: res });
      });
      req.end();
    });
  }

  async function get(url: string, extra: Record<string, string>, signal: AbortSignal): Promise<FinalResponse> {
    const first = parseUrl(url);
    const seen = new Set<string>([first.href]);
    let u = first;
    for (let hops = 0; ; hops++) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(base)) {
        if (u.origin === trustedOrigin || !ORIGIN_BOUND_HEADERS.has(name)) headers[name] = value;
      }
      if (u.username !== '' && headers.authorization === undefined) {
        headers.authorization = `Basic ${Buffer.from(`${safeDecode(u.username)}:${safeDecode(u.password)}`).toString('base64')}`;
      }
      Object.assign(headers, extra);
      const res = await requestOnce(u, headers, signal);
      const location = res.headers.location;
      if (!REDIRECT_STATUSES.has(res.statusCode) || typeof location !== 'string') {
        return { url: u.href, host: u.host, res };
      }
      // Waiting for the (small) redirect body lets the next hop reuse this connection.
      await discardBody(res.body);
      let next: URL;
      try {
        next = new URL(location, u);
      } catch {
        throw new FerryError('REDIRECT', `${u.host}: redirect to an invalid URL: ${location}`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new FerryError('REDIRECT', `${u.host}: refusing to follow a redirect to ${next.href} (only http and https)`);
      }
      if (seen.has(next.href)) throw new FerryError('REDIRECT', `${u.host}: redirect loop back to ${next.href}`);
      if (hops >= options.maxRedirects) {
        throw new FerryError('REDIRECT', `${u.host}: too many redirects (more than ${options.maxRedirects})`, {
          hint: 'raise --max-redirects if the chain is legitimate',
        });
      }
      seen.add(next.href);
      u = next;
    }
  }

  async function close(): Promise<void> {
    state.closed = true;
    for (const req of state.open) req.destroy(abortedError('the HTTP source is closed'));
    const pending = state.agents;
    if (pending === undefined) return;
    const pool = await pending.catch(() => undefined);
    pool?.http.destroy();
    pool?.https.destroy();
  }

  return { get, close };
}
