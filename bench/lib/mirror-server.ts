/**
 * A mirror for the `mirrors` scenarios: one in-memory file on one loopback address (127.0.0.x),
 * each response paced to a per-connection rate, at most `slots` responses served at once (more
 * are queued, in order, until one ends: a server with a fixed pool of workers), an optional delay
 * before the first byte of every response, and an optional failure mid-way: once it has sent
 * `failAfterBytes` body bytes in a round, it cuts its open responses and answers 404 to every
 * request until `reset()`. Each mirror has its own ETag (as distinct servers do).
 *
 * Pacing invariant (as paced-server.ts): after a response has sent `sent` body bytes it does not
 * send more before `start + sent / rate`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { drained } from '../../test/helpers/http-server.js';
import { parseRange } from './paced-server.js';

export interface MirrorServerOptions {
  /** Loopback address to listen on, e.g. 127.0.0.2. */
  host: string;
  /** The path it serves (`/f`) and the file. */
  path: string;
  body: Buffer;
  /** Per-response cap, bytes/s. */
  rateBytesPerSec: number;
  /** Responses served at once; later requests wait for a free slot. */
  slots: number;
  firstByteDelayMs?: number;
  /** Fail (cut responses, then 404) after this many body bytes in a round. */
  failAfterBytes?: number;
}

export interface MirrorServer {
  url: string;
  /** Body bytes written in this round. */
  bytesSent(): number;
  /** Requests received in this round. */
  requests(): number;
  /** The most responses that were sending at once in this round. */
  peakActive(): number;
  /** Start a new round: counters to zero, a failed mirror works again. */
  reset(): void;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Start a mirror on `o.host`, a free port. */
export async function startMirrorServer(o: MirrorServerOptions): Promise<MirrorServer> {
  const round = { sent: 0, requests: 0, active: 0, peak: 0, failed: false };
  const waiting: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const etag = `"ferry-bench-${o.host}"`;
  const chunkSize = Math.min(256 * 1024, Math.max(16 * 1024, Math.floor(o.rateBytesPerSec / 100)));

  const fail = (): void => {
    round.failed = true;
    for (const s of sockets) s.destroy();
  };

  async function send(res: ServerResponse, slice: Buffer): Promise<void> {
    const start = performance.now();
    let sent = 0;
    let closed = false;
    res.once('close', () => (closed = true));
    while (sent < slice.length && !closed && !round.failed) {
      const wait = start + (sent / o.rateBytesPerSec) * 1000 - performance.now();
      if (wait > 1) await sleep(wait);
      const chunk = slice.subarray(sent, Math.min(slice.length, sent + chunkSize));
      sent += chunk.length;
      round.sent += chunk.length;
      // A response already closed never drains: check the flag its 'close' listener sets.
      if (!res.write(chunk) && !closed) await drained(res);
      if (o.failAfterBytes !== undefined && round.sent >= o.failAfterBytes) fail();
    }
    if (round.failed) res.destroy();
    else res.end();
  }

  async function admitted(res: ServerResponse): Promise<boolean> {
    if (round.active >= o.slots) await new Promise<void>((r) => waiting.push(r));
    if (res.destroyed) {
      waiting.shift()?.();
      return false;
    }
    round.active++;
    round.peak = Math.max(round.peak, round.active);
    return true;
  }

  function leave(): void {
    round.active--;
    waiting.shift()?.();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    round.requests++;
    if (round.failed || (req.url ?? '').split('?')[0] !== o.path) {
      res.writeHead(404, { 'Content-Length': '0' }).end();
      return;
    }
    if (!(await admitted(res))) return;
    try {
      if ((o.firstByteDelayMs ?? 0) > 0) await sleep(o.firstByteDelayMs as number);
      if (round.failed) {
        res.writeHead(404, { 'Content-Length': '0' }).end();
        return;
      }
      const size = o.body.length;
      const headers = { 'Accept-Ranges': 'bytes', ETag: etag, 'Content-Type': 'application/octet-stream' };
      const range = parseRange(req.headers.range, size);
      const ifRange = req.headers['if-range'];
      const honour = range !== undefined && (ifRange === undefined || ifRange === etag);
      if (honour && range === 'bad') {
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' }).end();
        return;
      }
      const part = honour && range !== 'bad' && range !== undefined ? range : undefined;
      const slice = part ? o.body.subarray(part.start, part.end) : o.body;
      res.writeHead(part ? 206 : 200, {
        ...headers,
        'Content-Length': String(slice.length),
        ...(part ? { 'Content-Range': `bytes ${part.start}-${part.end - 1}/${size}` } : {}),
      });
      if (req.method === 'HEAD') res.end();
      else await send(res, slice);
    } finally {
      leave();
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, o.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host}:${port}${o.path}`,
    bytesSent: () => round.sent,
    requests: () => round.requests,
    peakActive: () => round.peak,
    reset() {
      for (const s of sockets) s.destroy();
      Object.assign(round, { sent: 0, requests: 0, peak: round.active, failed: false });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
