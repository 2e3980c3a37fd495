/**
 * The HTTP transport of `/jsonrpc`: POST (a JSON body), GET (`method`, `id`, base64 `params`,
 * optional `jsoncallback` for JSONP; without method and id, `params` is a whole batch), CORS
 * preflight. Checks Host and Origin first, limits the body's size and the time to read it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AnswerDeps, answer, plainError } from './answer.js';
import type { HandleResult } from './handle.js';
import { hostAllowed, type OriginPolicy, originAllowed } from './security.js';
import { encodeBodyParts } from './shared-answers.js';

/** Limits and checks of the HTTP (and WebSocket) transport. */
export interface TransportOptions extends AnswerDeps {
  policy: OriginPolicy;
  /** Largest request body or WebSocket message, in bytes (aria2: 2 MiB). */
  maxBodyBytes: number;
  /** Time allowed to receive a whole request body, in ms (aria2: 30 s). */
  readTimeoutMs: number;
  /**
   * Answers requests for other paths than `/jsonrpc` (the daemon's web page), after the Host check;
   * resolves false when it has nothing for the path (then: 404).
   */
  otherPaths?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
}

export const RPC_PATH = '/jsonrpc';
const JSONP_NAME = /^[A-Za-z_$][\w$.]{0,127}$/;

/** Why a request from a browser or a foreign Host is refused, or undefined when it is not. */
export function refusal(req: IncomingMessage, policy: OriginPolicy): HandleResult | undefined {
  const host = req.headers.host;
  if (!hostAllowed(host, policy)) {
    return plainError(`Host ${JSON.stringify(host ?? '')} is not this server: connect to its address (127.0.0.1:${policy.port}).`, 403);
  }
  const origin = req.headers.origin;
  if (!originAllowed(origin, host, policy)) {
    return plainError(`Origin ${origin} is not allowed: start the daemon with --rpc-allow-origin ${origin} to allow it.`, 403);
  }
  return undefined;
}

function send(res: ServerResponse, result: HandleResult, jsonp?: string): void {
  if (res.headersSent || res.destroyed) return;
  const json = encodeBodyParts(result.body);
  const parts = jsonp ? [Buffer.from(`${jsonp}(`), ...json, Buffer.from(')')] : json;
  res.writeHead(jsonp ? 200 : result.status, {
    'Content-Type': jsonp ? 'text/javascript' : 'application/json-rpc',
    'Content-Length': parts.reduce((n, b) => n + b.length, 0),
    'Cache-Control': 'no-cache',
  });
  // One write of the head and every part (the shared answer is not copied).
  res.cork();
  for (const b of parts.slice(0, -1)) res.write(b);
  res.end(parts[parts.length - 1]);
  for (const fn of result.after) fn();
}

/** The JSON text of a GET request, or undefined when its params are not base64 JSON. */
function getMessage(query: URLSearchParams): string | undefined {
  const method = query.get('method');
  const id = query.get('id');
  const raw = query.get('params');
  let params: unknown;
  if (raw !== null) {
    try {
      params = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
    } catch {
      return undefined;
    }
  }
  if (method === null && id === null) return raw === null ? '' : JSON.stringify(params);
  const message: Record<string, unknown> = { method: method ?? undefined, params };
  if (id !== null) message.id = id;
  return JSON.stringify(message);
}

/** Read the body: at most `max` bytes within `timeoutMs`, else an error answer. */
function readBody(req: IncomingMessage, max: number, timeoutMs: number): Promise<string | HandleResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => finish(plainError(`The request was not received within ${timeoutMs / 1000} s.`, 408)), timeoutMs);
    const finish = (v: string | HandleResult): void => {
      clearTimeout(timer);
      req.removeAllListeners('data');
      resolve(v);
    };
    if (Number(req.headers['content-length'] ?? 0) > max) return finish(plainError(`The request is larger than ${max} bytes.`, 413));
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) finish(plainError(`The request is larger than ${max} bytes.`, 413));
      else chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => finish(plainError('The request could not be read.', 400)));
  });
}

/** Handle one HTTP request to the RPC server. Never throws; every answer is JSON-RPC shaped. */
export async function serveHttp(req: IncomingMessage, res: ServerResponse, options: TransportOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== RPC_PATH) {
    const served = options.otherPaths !== undefined && hostAllowed(req.headers.host, options.policy) && (await options.otherPaths(req, res, url.pathname));
    if (!served && !res.headersSent) res.writeHead(404, { 'Content-Length': 0 }).end();
    return;
  }
  const refused = refusal(req, options.policy);
  if (refused) {
    res.setHeader('Connection', 'close');
    return send(res, refused);
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
  }
  const address = req.socket.remoteAddress ?? '?';
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
    const wanted = req.headers['access-control-request-headers'];
    if (wanted) res.setHeader('Access-Control-Allow-Headers', wanted);
    res.setHeader('Access-Control-Max-Age', '1728000');
    res.writeHead(200, { 'Content-Length': 0 }).end();
    return;
  }
  if (req.method === 'GET') {
    const jsonp = url.searchParams.get('jsoncallback') ?? undefined;
    if (jsonp !== undefined && !JSONP_NAME.test(jsonp)) return send(res, plainError('jsoncallback must be a JavaScript name.', 400));
    const text = getMessage(url.searchParams);
    if (text === undefined) return send(res, plainError('Parse error.', 500, -32700), jsonp);
    return send(res, await answer(text, address, options), jsonp);
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { Allow: 'POST, GET, OPTIONS', 'Content-Length': 0 }).end();
    return;
  }
  const body = await readBody(req, options.maxBodyBytes, options.readTimeoutMs);
  if (typeof body !== 'string') {
    // The rest of the body is not read: close the connection after the answer.
    res.setHeader('Connection', 'close');
    send(res, body);
    res.on('finish', () => req.socket.destroySoon());
    return;
  }
  send(res, await answer(body, address, options));
}
