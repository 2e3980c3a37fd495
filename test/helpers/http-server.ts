/**
 * A loopback HTTP(S) file server for tests and benchmarks, with fault switches.
 *
 * - Listens on 127.0.0.1 (or `host`, e.g. 127.0.0.2: Linux loopback answers on all of 127/8),
 *   port 0 (a free port); plain node:http, or node:https when given a certificate (see tls.ts).
 * - Serves in-memory files (GET and HEAD) like a careful RFC 9110 server: single byte ranges
 *   (`bytes=a-b`, `bytes=a-`, `bytes=-n`), `If-Range` (strong ETag compare or exact
 *   Last-Modified), 416 with `Content-Range: bytes *\/size` for unsatisfiable ranges (so a
 *   0-byte file answers `bytes=0-` with 416 and `bytes *\/0`), multi-ranges answered with 200.
 * - Big bodies are written in 1 MiB slices of the original Buffer (no copies), waiting for
 *   `drain` between slices, so memory stays flat and `stats.bodyBytesSent` counts bytes actually
 *   handed to the socket.
 * - Faults are switchable at run time with `setFaults`; every fault applies to responses started
 *   after the switch.
 * - Fixed routes: `/redirect/<n>/<path>` (n redirects, then `/<path>`; odd steps use an absolute
 *   Location, even steps a relative one), `/loop` <-> `/loop/b` (a redirect loop), `/to-file`
 *   (Location: file:///etc/passwd), `/redirect-to?url=X` (Location: X), `/status/<code>` (that
 *   status; `?retry-after=X` adds a Retry-After header).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';

/** A file the server serves. */
export interface TestFile {
  body: Buffer;
  /** Sent as `ETag` exactly (include the quotes, `W/` for weak). */
  etag?: string;
  /** Sent as `Last-Modified` exactly (an HTTP-date). */
  lastModified?: string;
  /** Sent as `Content-Disposition` exactly. */
  contentDisposition?: string;
}

/** An error status to send instead of the file. `retryAfter` becomes a Retry-After header. */
export interface StatusFault {
  status: number;
  retryAfter?: string | number;
}

/** Fault switches. Absent keys keep their current value; a key set to undefined resets it. */
export interface Faults {
  /** Honour Range and send `Accept-Ranges: bytes` (default true). */
  ranges?: boolean;
  /** Send Content-Length (default true); false -> chunked transfer encoding. */
  length?: boolean;
  /** Throttle each response body to this many bytes per second. */
  throttleBytesPerSec?: number;
  /** Throttle only the responses that start at byte 0 (the head of the file) to this many bytes per second. */
  throttleHeadBytesPerSec?: number;
  /** Wait this long before sending the status line and headers. */
  firstByteDelayMs?: number;
  /** Destroy the socket after this many body bytes of each response (headers always go out). */
  dropAfterBytes?: number;
  /** Stop sending after this many body bytes of each response, keeping the socket open. */
  stallAfterBytes?: number;
  /** The next `count` requests (any path) get `status`; decremented as they are served. */
  failFirst?: StatusFault & { count: number };
  /** File responses beyond `limit` in flight at once get `status`. */
  maxConcurrent?: StatusFault & { limit: number }; // status 0 = reset the connection
  /** 206 responses carry a Content-Range whose end is off by one (the body is the right slice). */
  wrongContentRange?: boolean;
  /** Answer range requests with 200 and the full body, while still sending `Accept-Ranges: bytes`. */
  ignoreRange?: boolean;
  /** 206 bodies are gzip-compressed and sent with `Content-Encoding: gzip`. */
  gzipRanges?: boolean;
  /** Append this many junk bytes to every file body (Content-Length, when sent, includes them). */
  extraBytes?: number;
  /** Send this many bytes fewer than the body (Content-Length, when sent, matches what is sent). */
  truncateBytes?: number;
  /**
   * After `count` more requests (counted from when this is set), the file at `path` (default: the
   * path of the request that triggers it) is replaced, once.
   */
  changeAfterRequests?: { count: number; path?: string; body: Buffer; etag?: string; lastModified?: string };
}

/** Live counters (the same object is updated in place; `resetStats` zeroes it). */
export interface ServerStats {
  requests: number;
  bodyBytesSent: number;
  activeResponses: number;
  peakActiveResponses: number;
  /** TCP connections accepted. */
  connections: number;
  /** Every `Range` request header received, in order. */
  rangesRequested: string[];
  /** The headers of every request received, in order. */
  requestHeaders: http.IncomingHttpHeaders[];
}

export interface TestServer {
  /** `http://127.0.0.1:PORT` (or https; the `host` option's address when given). */
  origin: string;
  /** Absolute URL of a path (a leading `/` is added when missing). */
  url(path: string): string;
  stats: ServerStats;
  setFile(path: string, file: TestFile): void;
  setFaults(partial: Faults): void;
  resetStats(): void;
  /** Destroy every open connection now (responses in flight end mid-body); keep listening. */
  dropConnections(): void;
  /** Stop listening and destroy every connection (stalled responses included). */
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** The loopback address to listen on (default 127.0.0.1). */
  host?: string;
  https?: { certPem: string; keyPem: string };
  files?: Record<string, TestFile>;
  faults?: Faults;
  /**
   * Runs before the routes (see http-auth-gate.ts): returns the path to go on with, or undefined
   * when it has answered the request itself.
   */
  gate?: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => string | undefined;
}

const SLICE = 1024 * 1024;

/**
 * `size` deterministic pseudo-random bytes for `seed` (xorshift128 seeded from SHA-256 of the
 * seed; about 0.7 GB/s). The same (size, seed) always gives the same bytes, and a longer size
 * extends a shorter one. Not for cryptography.
 */
export function randomBytesSeeded(size: number, seed: number | string): Buffer {
  const d = createHash('sha256').update(`ferry-seed:${seed}`).digest();
  // xorshift128 needs a non-zero state; `| 1` guarantees it.
  let x = d.readUInt32LE(0) | 1;
  let y = d.readUInt32LE(4);
  let z = d.readUInt32LE(8);
  let w = d.readUInt32LE(12);
  const words = new Uint32Array(Math.ceil(size / 4));
  for (let i = 0; i < words.length; i++) {
    const t = x ^ (x << 11);
    x = y;
    y = z;
    z = w;
    w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    words[i] = w;
  }
  return Buffer.from(words.buffer, 0, size);
}

/** Lowercase hex SHA-256 of some bytes. */
export function sha256(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

const normalizePath = (p: string): string => (p.startsWith('/') ? p : `/${p}`);

/** A single range of `Range: bytes=...` against `size`; undefined when the header is to be ignored. */
function parseRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = /^bytes=([0-9]*)-([0-9]*)$/i.exec(header.trim());
  if (m === null || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size };
  }
  const start = Number(m[1]);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: m[2] === '' ? size : Math.min(Number(m[2]) + 1, size) };
}

/** RFC 9110 If-Range: a strong ETag compare, or an exact Last-Modified match. */
function ifRangeMatches(value: string, file: TestFile): boolean {
  const v = value.trim();
  if (v.startsWith('"') || v.startsWith('W/')) {
    return file.etag !== undefined && !v.startsWith('W/') && !file.etag.startsWith('W/') && v === file.etag;
  }
  return file.lastModified !== undefined && v === file.lastModified;
}

/** Resolve on 'drain' or when the response is gone (so a vanished client never leaks a waiter). */
export function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function sendStatus(res: http.ServerResponse, fault: StatusFault, headers: Record<string, string> = {}): void {
  const body = Buffer.from(`status ${fault.status}\n`);
  if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
  res.writeHead(fault.status, { 'Content-Type': 'text/plain', 'Content-Length': body.length, ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Start a server; see the module comment for what it does. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const files = new Map<string, TestFile>();
  for (const [p, f] of Object.entries(opts.files ?? {})) files.set(normalizePath(p), f);
  const faults: Faults = {};
  // Requests seen since changeAfterRequests was last set.
  const counters = { sinceChangeArmed: 0 };
  const stats: ServerStats = {
    requests: 0,
    bodyBytesSent: 0,
    activeResponses: 0,
    peakActiveResponses: 0,
    connections: 0,
    rangesRequested: [],
    requestHeaders: [],
  };

  const setFaults = (partial: Faults): void => {
    for (const [k, v] of Object.entries(partial) as [keyof Faults, unknown][]) {
      if (v === undefined) delete faults[k];
      else (faults as Record<string, unknown>)[k] = v;
    }
    if ('changeAfterRequests' in partial) counters.sinceChangeArmed = 0;
  };
  setFaults(opts.faults ?? {});

  /** Write `body` honouring throttle / drop / stall; resolves when done, dropped or stalled. */
  async function sendBody(res: http.ServerResponse, body: Buffer, f: Faults): Promise<void> {
    const drop = f.dropAfterBytes ?? Infinity;
    const stall = f.stallAfterBytes ?? Infinity;
    const cut = Math.min(drop, stall, body.length);
    const rate = f.throttleBytesPerSec;
    const step = rate !== undefined && rate > 0 ? Math.max(1, Math.floor(rate / 50)) : SLICE;
    const startedAt = Date.now();
    let sent = 0;
    while (sent < cut && !res.destroyed) {
      const n = Math.min(step, cut - sent);
      const ok = res.write(body.subarray(sent, sent + n));
      sent += n;
      stats.bodyBytesSent += n;
      if (!ok) await drained(res);
      if (rate !== undefined && rate > 0 && sent < cut) {
        const due = startedAt + (sent / rate) * 1000 - Date.now();
        if (due > 0) await sleep(due);
      }
    }
    if (res.destroyed) return;
    if (drop <= stall && drop < body.length) {
      // Flush the headers and the bytes written so far, then cut the connection abruptly.
      const socket = res.socket as Socket;
      if (!res.headersSent) res.flushHeaders();
      socket.write(Buffer.alloc(0), () => socket.destroy());
    } else if (stall < body.length) {
      if (!res.headersSent) res.flushHeaders();
      // Keep the socket open and silent; the response ends when the client (or close()) destroys it.
    } else {
      res.end();
    }
  }

  async function serveFile(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const change = faults.changeAfterRequests;
    if (change !== undefined && counters.sinceChangeArmed > change.count) {
      delete faults.changeAfterRequests;
      const { body, etag, lastModified } = change;
      files.set(normalizePath(change.path ?? path), { ...files.get(normalizePath(change.path ?? path)), body, etag, lastModified });
    }
    const file = files.get(path);
    if (file === undefined) return sendStatus(res, { status: 404 });
    const f: Faults = { ...faults };
    if (f.maxConcurrent !== undefined && stats.activeResponses >= f.maxConcurrent.limit) {
      // Status 0: reset the connection instead of answering (servers that drop extra clients).
      if (f.maxConcurrent.status === 0) return void res.socket?.destroy();
      return sendStatus(res, f.maxConcurrent);
    }
    stats.activeResponses++;
    stats.peakActiveResponses = Math.max(stats.peakActiveResponses, stats.activeResponses);
    res.once('close', () => stats.activeResponses--);
    if (f.firstByteDelayMs !== undefined && f.firstByteDelayMs > 0) await sleep(f.firstByteDelayMs);
    if (res.destroyed) return;

    const size = file.body.length;
    const ranges = f.ranges !== false;
    const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream' };
    if (ranges) headers['Accept-Ranges'] = 'bytes';
    if (file.etag !== undefined) headers.ETag = file.etag;
    if (file.lastModified !== undefined) headers['Last-Modified'] = file.lastModified;
    if (file.contentDisposition !== undefined) headers['Content-Disposition'] = file.contentDisposition;

    let status = 200;
    let body = file.body;
    const rangeHeader = req.headers.range;
    const ifRange = req.headers['if-range'];
    const useRange = ranges && !f.ignoreRange && rangeHeader !== undefined && (typeof ifRange !== 'string' || ifRangeMatches(ifRange, file));
    const range = useRange ? parseRange(rangeHeader, size) : undefined;
    if (range === 'unsatisfiable') {
      return sendStatus(res, { status: 416 }, { ...(headers as Record<string, string>), 'Content-Range': `bytes */${size}` });
    }
    if (range !== undefined) {
      status = 206;
      body = file.body.subarray(range.start, range.end);
      let last = range.end - 1;
      if (f.wrongContentRange) last = last + 1 < size ? last + 1 : last - 1;
      headers['Content-Range'] = `bytes ${range.start}-${last}/${size}`;
      if (f.gzipRanges) {
        body = gzipSync(body);
        headers['Content-Encoding'] = 'gzip';
      }
    }
    if (f.extraBytes !== undefined && f.extraBytes > 0) body = Buffer.concat([body, Buffer.alloc(f.extraBytes, 0xee)]);
    if (f.truncateBytes !== undefined && f.truncateBytes > 0) body = body.subarray(0, Math.max(0, body.length - f.truncateBytes));
    if (f.length !== false) headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const atHead = (range?.start ?? 0) === 0;
    if (atHead && f.throttleHeadBytesPerSec !== undefined) f.throttleBytesPerSec = f.throttleHeadBytesPerSec;
    await sendBody(res, body, f);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    stats.requests++;
    counters.sinceChangeArmed++;
    if (req.headers.range !== undefined) stats.rangesRequested.push(req.headers.range);
    stats.requestHeaders.push(req.headers);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fail = faults.failFirst;
    if (fail !== undefined && fail.count > 0) {
      faults.failFirst = { ...fail, count: fail.count - 1 };
      return sendStatus(res, fail);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendStatus(res, { status: 405 });
    const path = opts.gate === undefined ? url.pathname : opts.gate(req, res, url);
    if (path === undefined) return;
    const redirect = /^\/redirect\/([0-9]+)\/(.*)$/.exec(path);
    if (redirect !== null && Number(redirect[1]) > 0) {
      const n = Number(redirect[1]);
      const next = (n === 1 ? `/${redirect[2]}` : `/redirect/${n - 1}/${redirect[2]}`) + url.search;
      return sendStatus(res, { status: 302 }, { Location: n % 2 === 1 ? server.origin + next : next });
    }
    if (path === '/loop') return sendStatus(res, { status: 302 }, { Location: '/loop/b' });
    if (path === '/loop/b') return sendStatus(res, { status: 302 }, { Location: `${server.origin}/loop` });
    if (path === '/to-file') return sendStatus(res, { status: 302 }, { Location: 'file:///etc/passwd' });
    const target = url.searchParams.get('url');
    if (path === '/redirect-to' && target !== null) return sendStatus(res, { status: 302 }, { Location: target });
    const status = /^\/status\/([0-9]{3})$/.exec(path);
    if (status !== null) {
      return sendStatus(res, { status: Number(status[1]), retryAfter: url.searchParams.get('retry-after') ?? undefined });
    }
    return serveFile(req, res, path);
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.on('error', () => {});
    handle(req, res).catch(() => {
      if (!res.headersSent) sendStatus(res, { status: 500 });
      else res.destroy();
    });
  };
  const host = opts.host ?? '127.0.0.1';
  const raw = opts.https ? https.createServer({ cert: opts.https.certPem, key: opts.https.keyPem }, listener) : http.createServer(listener);
  // Every accepted socket, so close() can also end TLS handshakes and stalled responses.
  const sockets = new Set<Socket>();
  raw.on('connection', (socket: Socket) => {
    stats.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  raw.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    raw.once('error', reject);
    raw.listen(0, host, () => resolve());
  });
  const { port } = raw.address() as AddressInfo;

  const server: TestServer = {
    origin: `${opts.https ? 'https' : 'http'}://${host}:${port}`,
    url: (p) => server.origin + normalizePath(p),
    stats,
    setFile: (p, file) => void files.set(normalizePath(p), file),
    setFaults,
    resetStats: () => {
      Object.assign(stats, {
        requests: 0,
        bodyBytesSent: 0,
        activeResponses: stats.activeResponses,
        peakActiveResponses: stats.activeResponses,
        connections: 0,
      });
      stats.rangesRequested.length = 0;
      stats.requestHeaders.length = 0;
    },
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        raw.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
  return server;
}
