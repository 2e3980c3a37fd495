/**
 * The HTTP transport of the HTTP source: one undici Agent (a Pool per origin) and GET requests
 * with redirects followed by hand.
 */
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { FerryError } from '../core/errors.js';
import type { NetworkOptions } from '../core/options.js';
import { toFerryError } from './http-errors.js';

/** Options of the HTTP source: the network options plus the connections per origin. */
export type HttpSourceOptions = NetworkOptions & { connections: number };

/** A response after redirects, with the URL that produced it. */
export interface FinalResponse {
  url: string;
  /** `host[:port]` of `url`, for messages. */
  host: string;
  res: Dispatcher.ResponseData;
}

export interface HttpClient {
  /**
   * GET `url` with `extra` headers (on top of the defaults and the user's headers), following
   * redirects. Throws FerryError (REDIRECT, NETWORK, TIMEOUT, TLS, ABORTED, ...).
   */
  get(url: string, extra: Record<string, string>, signal: AbortSignal): Promise<FinalResponse>;
  /** Destroy the dispatcher: pooled connections are closed, requests in flight fail with ABORTED. */
  close(): Promise<void>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Credentials the user attached for one origin are not sent to another one after a redirect.
const ORIGIN_BOUND_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * Release a response body we will not read, keeping the connection when the body is small
 * (a larger one is destroyed). Never rejects; bounded by the read timeout.
 */
export function discardBody(body: Dispatcher.ResponseData['body']): Promise<void> {
  return body.dump({ limit: 64 * 1024 }).catch(() => {});
}

/** Percent-decode URL userinfo; a malformed escape is kept as written. */
/**
 * Destroy a response body we give up on (closing its connection unless the body was complete).
 * undici fails an unfinished body with an AbortError; the listener keeps that from becoming an
 * uncaught 'error' event.
 */
export function destroyBody(body: Dispatcher.ResponseData['body'] | Readable): void {
  body.on('error', () => {});
  body.destroy();
}

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

async function createAgent(options: HttpSourceOptions): Promise<Agent> {
  let ca: string[] | undefined;
  if (options.caCertificate !== undefined) {
    try {
      // Extra CAs are added to the built-in roots, not substituted for them.
      ca = [...rootCertificates, await readFile(options.caCertificate, 'utf8')];
    } catch (err) {
      throw new FerryError('USAGE', `cannot read the CA certificate file ${options.caCertificate}`, { cause: err });
    }
  }
  return new Agent({
    connections: options.connections,
    // One request per connection at a time: concurrent ranges never queue behind each other.
    pipelining: 1,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: { rejectUnauthorized: !options.insecure, ca, timeout: options.connectTimeoutMs },
  });
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
  const state: { agent?: Promise<Agent>; closed: boolean } = { closed: false };
  const agent = (): Promise<Agent> => (state.agent ??= createAgent(options));

  async function requestOnce(u: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    if (state.closed) throw new FerryError('ABORTED', `${u.host}: the HTTP source is closed`);
    const dispatcher = await agent();
    try {
      return await dispatcher.request({ origin: u.origin, path: u.pathname + u.search, method: 'GET', headers, signal });
    } catch (err) {
      throw toFerryError(err, u.host, signal, options.timeoutMs);
    }
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
    const pending = state.agent;
    if (pending === undefined) return;
    const dispatcher = await pending.catch(() => undefined);
    if (dispatcher !== undefined && !dispatcher.destroyed) await dispatcher.destroy();
  }

  return { get, close };
}
