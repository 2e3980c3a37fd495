/**
 * Minimal aria2-style JSON-RPC clients for the benchmark: HTTP POST over one keep-alive
 * connection, and WebSocket with answers matched by id and notifications passed on. The secret
 * goes first in every call's params (`token:...`), as every aria2 front end sends it.
 *
 * Invariant: big answers are never decoded (only their first bytes are checked), so a client
 * spends little CPU beside the daemon it measures.
 */
import { Agent, request } from 'node:http';
import WebSocket from 'ws';

/** Where a daemon listens, and its secret. */
export interface RpcEndpoint {
  port: number;
  secret: string;
}

/** One answer: `ok` when it is a JSON-RPC result; `value` only when it was decoded. */
export interface RpcAnswer {
  ok: boolean;
  bytes: number;
  value?: unknown;
  error?: string;
}

/** A JSON-RPC client over one connection; `call` sends one request and waits for its answer. */
export interface RpcClient {
  call(method: string, params: unknown[], decode?: boolean): Promise<RpcAnswer>;
  close(): void;
}

/** Answers above this size are judged by their first bytes only (errors are always short). */
const DECODE_LIMIT = 64 * 1024;
/** A request that takes longer than this is an error (aria2's own read timeout). */
const REQUEST_TIMEOUT_MS = 30_000;

/** How many first bytes of a big answer are looked at. */
const HEAD_BYTES = 256;

/**
 * Judge one answer of `total` bytes (default: all of `body`; `body` may be just its first bytes).
 * Short ones (and any when `decode`) are parsed; long ones must show a `"result"` key in their
 * first 256 bytes (aria2 and ferry write `id` and `jsonrpc` first, both short).
 */
export function judgeAnswer(body: Buffer, decode: boolean, total = body.length): RpcAnswer {
  const bytes = total;
  if (!decode && bytes > DECODE_LIMIT) {
    const head = body.subarray(0, HEAD_BYTES).toString('latin1');
    return head.includes('"result"') ? { ok: true, bytes } : { ok: false, bytes, error: `unexpected answer: ${head.slice(0, 80)}` };
  }
  try {
    const msg = JSON.parse(body.toString('utf8')) as { result?: unknown; error?: { message?: string } };
    if (msg.error !== undefined) return { ok: false, bytes, error: String(msg.error.message ?? JSON.stringify(msg.error)) };
    if (!('result' in msg)) return { ok: false, bytes, error: 'answer without result' };
    return { ok: true, bytes, value: msg.result };
  } catch {
    return { ok: false, bytes, error: `not JSON: ${body.subarray(0, 80).toString('latin1')}` };
  }
}

/** The request text, with the secret as the first parameter (as every aria2 front end sends it). */
function requestBody(id: number, method: string, params: unknown[], secret: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, params: method.startsWith('system.') ? params : [`token:${secret}`, ...params] });
}

/** HTTP POST to /jsonrpc over a single keep-alive connection. */
export function httpRpcClient(ep: RpcEndpoint): RpcClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let id = 0;
  return {
    call(method, params, decode = false) {
      const body = requestBody(++id, method, params, ep.secret);
      return new Promise<RpcAnswer>((resolve) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: ep.port,
            path: '/jsonrpc',
            method: 'POST',
            agent,
            headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
            timeout: REQUEST_TIMEOUT_MS,
          },
          (res) => {
            // A big answer is judged by its first bytes: only those are kept (no copy of the rest).
            const whole = decode || Number(res.headers['content-length'] ?? 0) <= DECODE_LIMIT;
            const chunks: Buffer[] = [];
            let kept = 0;
            let bytes = 0;
            res.on('data', (c: Buffer) => {
              bytes += c.length;
              if (whole || kept < HEAD_BYTES) {
                chunks.push(c);
                kept += c.length;
              }
            });
            res.on('end', () => {
              const answer = whole ? judgeAnswer(Buffer.concat(chunks), decode) : { ...judgeAnswer(Buffer.concat(chunks), false, bytes), bytes };
              resolve(res.statusCode === 200 || !answer.ok ? answer : { ...answer, ok: false, error: `HTTP ${res.statusCode}` });
            });
            res.on('error', (e) => resolve({ ok: false, bytes: 0, error: e.message }));
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (e) => resolve({ ok: false, bytes: 0, error: e.message }));
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** A WebSocket to /jsonrpc; answers are matched by id, notifications go to `onNotification`. */
export async function wsRpcClient(ep: RpcEndpoint, onNotification?: (method: string, params: unknown) => void): Promise<RpcClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${ep.port}/jsonrpc`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waiting = new Map<number, { decode: boolean; resolve(a: RpcAnswer): void; timer: NodeJS.Timeout }>();
  const failAll = (error: string): void => {
    for (const [key, w] of waiting) {
      clearTimeout(w.timer);
      waiting.delete(key);
      w.resolve({ ok: false, bytes: 0, error });
    }
  };
  ws.on('message', (data: Buffer) => {
    // Every answer carries its id near the start; notifications carry a method instead.
    const head = data.subarray(0, 128).toString('latin1');
    const m = /"id"\s*:\s*(\d+)/.exec(head);
    const w = m ? waiting.get(Number(m[1])) : undefined;
    if (m && w) {
      clearTimeout(w.timer);
      waiting.delete(Number(m[1]));
      w.resolve(judgeAnswer(data, w.decode));
      return;
    }
    if (onNotification !== undefined && data.length < DECODE_LIMIT) {
      try {
        const msg = JSON.parse(data.toString('utf8')) as { method?: string; params?: unknown };
        if (typeof msg.method === 'string') onNotification(msg.method, msg.params);
      } catch {
        // not a notification
      }
    }
  });
  ws.on('close', () => failAll('WebSocket closed'));
  ws.on('error', () => undefined); // 'close' follows and fails what is pending
  let id = 0;
  return {
    call(method, params, decode = false) {
      if (ws.readyState !== WebSocket.OPEN) return Promise.resolve({ ok: false, bytes: 0, error: 'WebSocket closed' });
      const n = ++id;
      return new Promise<RpcAnswer>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(n);
          resolve({ ok: false, bytes: 0, error: 'timeout' });
        }, REQUEST_TIMEOUT_MS);
        waiting.set(n, { decode, resolve, timer });
        ws.send(requestBody(n, method, params, ep.secret));
      });
    },
    close: () => {
      failAll('closed');
      ws.terminate();
    },
  };
}
