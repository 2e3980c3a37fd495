/**
 * A small aria2 JSON-RPC client over HTTP POST for the client commands: one request, one answer,
 * the secret sent as the `token:SECRET` first parameter. Every failure becomes one FerryError
 * with a line that says what to do: no daemon (NETWORK, exit 3), a refused secret, a method error.
 */
import http from 'node:http';
import https from 'node:https';
import { FerryError } from '../../core/errors.js';

/** Calls methods of one daemon. */
export interface RpcClient {
  /** The endpoint, for messages. */
  readonly url: string;
  /** Call `method` with `params` (the token is added first); resolves to the `result`. */
  call<T = unknown>(method: string, params?: unknown[]): Promise<T>;
}

/** Methods that take no token (aria2 answers them without one). */
const NO_TOKEN = new Set(['system.listMethods', 'system.listNotifications']);

/** How long one call may take before it is given up. */
const CALL_TIMEOUT_MS = 30_000;

/** A JSON-RPC error answer of the daemon. */
export class RpcError extends FerryError {
  /** The JSON-RPC error code (aria2: 1 for method failures). */
  readonly rpcCode: number;
  /** The daemon's message, unchanged. */
  readonly rpcMessage: string;

  constructor(method: string, code: number, message: string, hint?: string) {
    super('USAGE', `the daemon refused ${method}: ${message}`, { hint });
    this.rpcCode = code;
    this.rpcMessage = message;
  }
}

/** A client of the daemon at `url` (http or https), with `secret` if it has one. */
export function createRpcClient(url: string, secret: string | undefined): RpcClient {
  let nextId = 1;
  return {
    url,
    async call<T>(method: string, params: unknown[] = []): Promise<T> {
      const id = nextId++;
      const all = secret === undefined || NO_TOKEN.has(method) ? params : [`token:${secret}`, ...params];
      const answer = await post(url, JSON.stringify({ jsonrpc: '2.0', id, method, params: all }));
      if (answer.error !== undefined) {
        const { code, message } = answer.error;
        if (message === 'Unauthorized') {
          throw new RpcError(
            method,
            code,
            'Unauthorized (wrong or missing secret)',
            'give the secret with --rpc-secret, FERRY_RPC_SECRET or rpc-secret= in daemon.conf',
          );
        }
        throw new RpcError(method, code, message);
      }
      return answer.result as T;
    },
  };
}

interface Answer {
  result?: unknown;
  error?: { code: number; message: string };
}

const noDaemon = (url: string, why: string, cause: unknown): FerryError =>
  new FerryError('NETWORK', `no ferry daemon answers at ${url} (${why})`, { hint: 'start one with: ferry daemon', cause });

/** POST `body`; resolves to the JSON-RPC answer whatever the HTTP status (aria2 sends 400/404/500 with errors). */
function post(url: string, body: string): Promise<Answer> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: CALL_TIMEOUT_MS,
        // A fresh connection per call: a kept-alive socket the daemon closed while idle would fail
        // the next call with ECONNRESET (aria2 closes them without saying so).
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(noDaemon(url, e.message, e)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            const parsed = JSON.parse(text) as Answer;
            if (typeof parsed === 'object' && parsed !== null && ('result' in parsed || 'error' in parsed)) {
              resolve(parsed);
              return;
            }
          } catch {
            // Not JSON: reported below.
          }
          reject(
            new FerryError('BAD_RESPONSE', `${url} is not a JSON-RPC endpoint (HTTP ${res.statusCode})`, {
              hint: 'check --rpc-url (e.g. http://127.0.0.1:6800/jsonrpc)',
            }),
          );
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => reject(noDaemon(url, e.code ?? e.message, e)));
    req.end(body);
  });
}
