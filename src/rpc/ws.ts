/**
 * The WebSocket transport of `/jsonrpc` (framing by the `ws` library): the same messages as HTTP
 * in text frames, and notifications to every open connection. The upgrade is refused for a
 * foreign Host, a refused Origin, or when the connection cap is reached.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { answer } from './answer.js';
import { RPC_PATH, refusal, type TransportOptions } from './http.js';
import type { RpcNotification } from './notifier.js';
import { encodeBodyParts } from './shared-answers.js';

/** Answers one connection may have in progress; past this its socket is not read until some are done. */
export const MAX_IN_FLIGHT = 32;

/** A connection that has this much unsent data gets no progress notifications until it drains. */
const SLOW_CLIENT_BYTES = 1024 * 1024;

export interface WsOptions extends TransportOptions {
  /** Open WebSocket connections allowed at once. */
  maxConnections: number;
}

/** Answer an upgrade with a plain HTTP refusal and close. */
function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ id: null, jsonrpc: '2.0', error: { code: 1, message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json-rpc\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The WebSocket side of an RPC server: `upgrade` for the HTTP server, `broadcast`, `close`. */
export class RpcWebSockets {
  private readonly wss: WebSocketServer;
  private readonly options: WsOptions;
  /** Upgrades accepted but not yet open: they count against the cap too. */
  private readonly upgrading = new Set<Duplex>();

  constructor(options: WsOptions) {
    this.options = options;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxBodyBytes, clientTracking: true });
  }

  /** Handle an HTTP upgrade request. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://x');
    const refused = refusal(req, this.options.policy);
    if (url.pathname !== RPC_PATH) {
      refuseUpgrade(socket, 404, 'Not Found', `No RPC at ${url.pathname}: use ${RPC_PATH}.`);
    } else if (refused && 'error' in refused.body) {
      refuseUpgrade(socket, 403, 'Forbidden', refused.body.error.message);
    } else if (this.wss.clients.size + this.upgrading.size >= this.options.maxConnections) {
      refuseUpgrade(socket, 503, 'Service Unavailable', `Too many WebSocket connections (${this.options.maxConnections}): close one and retry.`);
    } else {
      this.upgrading.add(socket);
      socket.once('close', () => this.upgrading.delete(socket));
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.upgrading.delete(socket);
        this.serve(ws, req.socket.remoteAddress ?? '?');
      });
    }
  }

  private serve(ws: WebSocket, address: string): void {
    ws.on('error', () => ws.terminate());
    // Invariants: at most MAX_IN_FLIGHT answers are being worked on; while more wait, the socket is
    // not read, so `waiting` holds only what had already arrived (bounded by the socket's buffer).
    let inFlight = 0;
    const waiting: string[] = [];
    const next = (): void => {
      while (inFlight < MAX_IN_FLIGHT && waiting.length > 0) {
        const text = waiting.shift() as string;
        inFlight++;
        this.reply(ws, text, address).finally(() => {
          inFlight--;
          next();
        });
      }
      if (waiting.length === 0 && ws.isPaused) ws.resume();
    };
    // Binary frames are read as text too: whatever arrives gets a JSON-RPC answer.
    ws.on('message', (data) => {
      waiting.push(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'));
      if (inFlight >= MAX_IN_FLIGHT) ws.pause();
      next();
    });
  }

  private async reply(ws: WebSocket, text: string, address: string): Promise<void> {
    try {
      const result = await answer(text, address, this.options);
      if (ws.readyState !== ws.OPEN) return;
      const parts = encodeBodyParts(result.body);
      // One frame: a WebSocket message is one buffer (a copy outside the JavaScript heap).
      ws.send(parts.length === 1 ? parts[0] : Buffer.concat(parts), { binary: false }, () => {
        for (const fn of result.after) fn();
      });
    } catch {
      ws.terminate();
    }
  }

  /** Send a notification to every open connection (progress skips clients that do not read). */
  broadcast(n: RpcNotification): void {
    const text = JSON.stringify(n);
    for (const ws of this.wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (n.method === 'ferry.onProgress' && ws.bufferedAmount > SLOW_CLIENT_BYTES) continue;
      ws.send(text);
    }
  }

  /** Open connections now. */
  get size(): number {
    return this.wss.clients.size;
  }

  /** Close every connection. */
  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
