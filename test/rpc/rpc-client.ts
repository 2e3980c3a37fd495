/** Raw HTTP and WebSocket helpers for the RPC server tests (headers under the test's control). */
import http from 'node:http';
import WebSocket from 'ws';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  localAddress?: string;
}

/** One HTTP request to 127.0.0.1:port, exactly as given. */
export function raw(port: number, r: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: r.method ?? 'POST', path: r.path ?? '/jsonrpc', headers: r.headers, localAddress: r.localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

/** POST one JSON-RPC message. */
export function post(port: number, message: unknown, headers: Record<string, string> = {}, localAddress?: string): Promise<RawResponse> {
  return raw(port, { body: JSON.stringify(message), headers, localAddress });
}

/** A WebSocket client collecting every message it receives. */
export class WsClient {
  readonly messages: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(port: number, headers: Record<string, string> = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/jsonrpc`, { headers });
      ws.once('open', () => resolve(new WsClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** The first message (after `from`) that `match` accepts, waiting up to `ms`. */
  async next(match: (m: Record<string, unknown>) => boolean, ms = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message in ${ms} ms: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  async call(id: unknown, method: string, params: unknown[] = []): Promise<Record<string, unknown>> {
    this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return this.next((m) => 'id' in m && JSON.stringify(m.id) === JSON.stringify(id) && !('method' in m));
  }

  close(): void {
    this.ws.terminate();
  }
}
