/**
 * A minimal HTTP/1.1 file server for the `latency` scenario when the project's test server is
 * not available: one in-memory body per path, single byte ranges (206 / 416), a delay before the
 * first byte of every response, and a per-response rate cap. It counts the body bytes it sends
 * (those the socket accepted).
 *
 * Pacing invariant: after a response has sent `sent` body bytes it does not send more before
 * `start + sent / rate` (one chunk of head start, like nginx's limit_rate).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drained } from '../../test/helpers/http-server.js';

export interface PacedServerOptions {
  files: Record<string, Buffer>;
  /** Per-response cap, bytes/s; 0 = unthrottled. */
  rateBytesPerSec: number;
  firstByteDelayMs: number;
}

export interface PacedServer {
  url(path: string): string;
  /** Body bytes the sockets accepted so far (a write that failed is not counted). */
  bytesSent(): number;
  close(): Promise<void>;
}

const ETAG = '"ferry-bench-1"';
const LAST_MODIFIED = new Date(Date.UTC(2024, 0, 1)).toUTCString();

/** Parse one `bytes=a-b`, `bytes=a-` or `bytes=-n`; undefined = serve whole; 'bad' = 416. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'bad' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // multi-range or garbage: ignore, send 200
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'bad';
    return { start: Math.max(0, size - n), end: size };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size : Math.min(size, Number(m[2]) + 1);
  if (start >= size || end <= start) return 'bad';
  return { start, end };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Start listening on 127.0.0.1 on a free port. */
export async function startPacedServer(o: PacedServerOptions): Promise<PacedServer> {
  const counter = { sent: 0 };
  const chunkSize = o.rateBytesPerSec > 0 ? Math.min(256 * 1024, Math.max(16 * 1024, Math.floor(o.rateBytesPerSec / 100))) : 1024 * 1024;

  async function send(res: ServerResponse, body: Buffer): Promise<void> {
    const start = performance.now();
    let sent = 0;
    let closed = false;
    res.once('close', () => (closed = true));
    while (sent < body.length && !closed) {
      if (o.rateBytesPerSec > 0) {
        const due = start + (sent / o.rateBytesPerSec) * 1000;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
      }
      if (closed || res.destroyed) break;
      const chunk = body.subarray(sent, Math.min(body.length, sent + chunkSize));
      sent += chunk.length;
      // Counted once the socket took the bytes (as nginx's $body_bytes_sent): a write after the
      // client's connection failed (a killed client) sends nothing and is not counted.
      const ok = res.write(chunk, (err) => {
        if (!err) counter.sent += chunk.length;
      });
      if (!ok) await drained(res);
    }
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const body = Object.hasOwn(o.files, path) ? o.files[path] : undefined;
    if (o.firstByteDelayMs > 0) await sleep(o.firstByteDelayMs);
    if (!body) {
      res.writeHead(404, { 'Content-Length': '0' }).end();
      return;
    }
    const headers = { 'Accept-Ranges': 'bytes', ETag: ETAG, 'Last-Modified': LAST_MODIFIED, 'Content-Type': 'application/octet-stream' };
    const range = parseRange(req.headers.range, body.length);
    const ifRange = req.headers['if-range'];
    const honour = range !== undefined && (ifRange === undefined || ifRange === ETAG || ifRange === LAST_MODIFIED);
    if (honour && range === 'bad') {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${body.length}`, 'Content-Length': '0' }).end();
      return;
    }
    const part = honour && range !== 'bad' && range !== undefined ? range : undefined;
    const slice = part ? body.subarray(part.start, part.end) : body;
    res.writeHead(part ? 206 : 200, {
      ...headers,
      'Content-Length': String(slice.length),
      ...(part ? { 'Content-Range': `bytes ${part.start}-${part.end - 1}/${body.length}` } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await send(res, slice);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    bytesSent: () => counter.sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
