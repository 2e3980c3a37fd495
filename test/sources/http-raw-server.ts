/**
 * A loopback TCP server that speaks just enough HTTP/1.1 for wire-level tests: it splits the
 * incoming bytes into request heads and lets each test answer with exact bytes (split, delayed,
 * malformed, or not at all).
 */

import type { AddressInfo } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';

/** One request head received. */
export interface RawRequest {
  /** The head, latin1, with its blank line. */
  text: string;
  /** Path from the request line. */
  path: string;
  /** 0 for the first request on its connection, 1 for the next, ... */
  index: number;
  /** 0 for the first connection accepted by the server, ... */
  connection: number;
  socket: net.Socket;
}

export interface RawServer {
  origin: string;
  /** Connections accepted so far; open now; the most open at once. */
  stats: { connections: number; open: number; peakOpen: number; requests: number };
  close(): Promise<void>;
}

/** Start a server on 127.0.0.1 (TLS when given a certificate) that calls `onRequest` for every request head. */
export async function startRawServer(onRequest: (req: RawRequest) => void, secure?: { certPem: string; keyPem: string }): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const stats = { connections: 0, open: 0, peakOpen: 0, requests: 0 };
  const accept = (socket: net.Socket): void => {
    const connection = stats.connections++;
    stats.open++;
    stats.peakOpen = Math.max(stats.peakOpen, stats.open);
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => {
      stats.open--;
      sockets.delete(socket);
    });
    let pending = '';
    let index = 0;
    socket.on('data', (data: Buffer) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const text = pending.slice(0, end + 4);
        pending = pending.slice(end + 4);
        stats.requests++;
        const path = /^GET (\S+) HTTP\/1\.1\r\n/.exec(text)?.[1] ?? '';
        onRequest({ text, path, index: index++, connection, socket });
      }
    });
  };
  const server = secure ? tls.createServer({ cert: secure.certPem, key: secure.keyPem }, accept) : net.createServer(accept);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Write `parts` one after another, `gapMs` apart (so that they arrive in separate reads). */
export async function writeParts(socket: net.Socket, parts: Buffer[], gapMs = 2): Promise<void> {
  for (let i = 0; i < parts.length; i++) {
    if (socket.destroyed) return;
    if (parts[i].length > 0) socket.write(parts[i]);
    if (i + 1 < parts.length) await new Promise((r) => setTimeout(r, gapMs));
  }
}

/** A head + body response with Content-Length. */
export function lengthResponse(body: Buffer, extra = ''): Buffer {
  return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n`, 'latin1'), body]);
}

/** A chunked response: `body` in chunks of `chunk` bytes, with an extension and a trailer. */
export function chunkedResponse(body: Buffer, chunk: number, extra = ''): Buffer {
  const parts: Buffer[] = [Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n${extra}\r\n`, 'latin1')];
  for (let i = 0; i < body.length; i += chunk) {
    const piece = body.subarray(i, i + chunk);
    parts.push(Buffer.from(`${piece.length.toString(16)};n=${i}\r\n`, 'latin1'), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\nX-Trailer: done\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
}
