/**
 * The protocol as a function: one parsed JSON-RPC message (a request or a batch) and a context
 * in, the answer out. Knows nothing of HTTP or WebSocket: transports frame, delay and limit.
 * Parsing is lenient as aria2's: only `id`, `method` and `params` are read.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isFerryError } from '../core/errors.js';
import type { RpcContext } from './context.js';
import { findMethod } from './methods.js';
import { checkParams } from './params.js';
import { INVALID_PARAMS, INVALID_REQUEST, PARSE_ERROR, RpcError, UNAUTHORIZED } from './rpc-error.js';
import { EncodedResult, SharedAnswers } from './shared-answers.js';

/** One JSON-RPC response object. */
export type RpcResponse = { id: unknown; jsonrpc: '2.0'; result: unknown } | { id: unknown; jsonrpc: '2.0'; error: { code: number; message: string } };

/** What a transport sends back. */
export interface HandleResult {
  /** A response, or an array of them for a batch. */
  body: RpcResponse | RpcResponse[];
  /** aria2's HTTP status: 200, or 400 / 404 / 500 for a single failed request. */
  status: number;
  /** Some call failed the token check: the transport delays the answer and counts the failure. */
  unauthorized: boolean;
  /** Run after the answer is sent (shutdown). */
  after: (() => void)[];
}

/** Constant-time comparison of a given token with the secret (hashes first: equal lengths). */
function tokenMatches(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/** The message of anything a handler threw, as aria2's code-1 failure. */
function failure(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  if (isFerryError(e)) return new RpcError(e.hint ? `${e.message}: ${e.hint}` : e.message);
  return new RpcError(e instanceof Error ? e.message : 'Internal error');
}

interface CallState {
  context: RpcContext;
  unauthorized: boolean;
  after: (() => void)[];
  /** A call that may change state ran: the answer waits until the change is on the disk. */
  changed: boolean;
}

/** Run one method call; resolves with its result or rejects with an RpcError. */
async function call(method: unknown, rawParams: unknown, state: CallState, nested: boolean): Promise<unknown> {
  let params = (rawParams ?? []) as unknown[];
  let token: string | undefined;
  if (typeof params[0] === 'string' && params[0].startsWith('token:')) {
    token = params[0].slice(6);
    params = params.slice(1);
  }
  const def = findMethod(method);
  // Like aria2: recursion is refused first; multicall itself needs no token (each call has its own).
  if (method === 'system.multicall' && nested) throw new RpcError('Recursive system.multicall forbidden.');
  const secret = state.context.secret;
  if (!def?.public && secret !== undefined && secret !== '' && !tokenMatches(token, secret)) {
    state.unauthorized = true;
    throw new RpcError(UNAUTHORIZED);
  }
  if (!def) throw new RpcError(`No such method: ${String(method)}`);
  if (method === 'system.multicall') {
    checkParams(params, def.params);
    return multicall(params[0] as unknown[], state);
  }
  checkParams(params, def.params);
  const run = () => def.run({ params, context: state.context, after: (fn) => state.after.push(fn) });
  const mayChange = SharedAnswers.mayChange(method as string);
  if (mayChange) state.changed = true;
  const shared = state.context.shared;
  if (shared === undefined) return run();
  if (SharedAnswers.isRead(method as string)) return shared.answer(method as string, params, run);
  if (mayChange) shared.clear();
  try {
    return await run();
  } finally {
    // Also after: what a change did must show in the very next read.
    if (mayChange) shared.clear();
  }
}

/**
 * Wait until what the message changed is on the disk (one sync for the whole message). A failed
 * sync turns every answer into its error: nothing is acknowledged that a power cut could undo.
 */
async function settle(state: CallState, body: RpcResponse[]): Promise<RpcResponse[]> {
  if (!state.changed) return body;
  try {
    await state.context.service.durable();
    return body;
  } catch (e) {
    const f = failure(e);
    return body.map((r) => errorResponse(r.id, f.code, f.message));
  }
}

/** system.multicall: each success as `[value]`, each failure as a bare `{code, message}`. */
async function multicall(calls: unknown[], state: CallState): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const c of calls) {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) {
      out.push({ code: 1, message: 'system.multicall expected struct.' });
      continue;
    }
    const { methodName, params } = c as { methodName?: unknown; params?: unknown };
    if (typeof methodName !== 'string') {
      out.push({ code: 1, message: 'Missing methodName.' });
      continue;
    }
    if (params !== undefined && !Array.isArray(params)) {
      out.push({ code: 1, message: 'Missing params.' });
      continue;
    }
    try {
      const value = await call(methodName, params, state, true);
      out.push([value instanceof EncodedResult ? value.value : value]);
    } catch (e) {
      const f = failure(e);
      out.push({ code: f.code, message: f.message });
    }
  }
  return out;
}

function errorResponse(id: unknown, code: number, message: string): RpcResponse {
  return { id, jsonrpc: '2.0', error: { code, message } };
}

/** aria2's HTTP status for a single response. */
function statusOf(r: RpcResponse): number {
  if (!('error' in r)) return 200;
  if (r.error.code === 1 || r.error.code === INVALID_REQUEST.code) return 400;
  if (r.error.code === -32601) return 404;
  return 500;
}

/** Answer one request object (anything else is an invalid request). */
async function one(request: unknown, state: CallState): Promise<RpcResponse> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return errorResponse(null, INVALID_REQUEST.code, INVALID_REQUEST.message);
  }
  const { id, method, params } = request as { id?: unknown; method?: unknown; params?: unknown };
  if (!('id' in request) || typeof method !== 'string') {
    return errorResponse(id ?? null, INVALID_REQUEST.code, INVALID_REQUEST.message);
  }
  if (params !== undefined && !Array.isArray(params)) return errorResponse(id, INVALID_PARAMS.code, INVALID_PARAMS.message);
  try {
    return { id, jsonrpc: '2.0', result: await call(method, params, state, false) };
  } catch (e) {
    const f = failure(e);
    return errorResponse(id, f.code, f.message);
  }
}

/**
 * Answer a parsed message: a request object, or a batch (an array; elements that are not
 * objects are skipped, as aria2 does). Never throws.
 */
export async function handle(message: unknown, context: RpcContext): Promise<HandleResult> {
  const state: CallState = { context, unauthorized: false, after: [], changed: false };
  if (Array.isArray(message)) {
    const body: RpcResponse[] = [];
    for (const r of message) {
      if (typeof r === 'object' && r !== null && !Array.isArray(r)) body.push(await one(r, state));
    }
    return { body: await settle(state, body), status: 200, unauthorized: state.unauthorized, after: state.after };
  }
  const [body] = await settle(state, [await one(message, state)]);
  return { body, status: statusOf(body), unauthorized: state.unauthorized, after: state.after };
}

/** Answer a message given as JSON text: malformed JSON is aria2's parse error (HTTP 500). */
export async function handleText(text: string, context: RpcContext): Promise<HandleResult> {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { body: errorResponse(null, PARSE_ERROR.code, PARSE_ERROR.message), status: 500, unauthorized: false, after: [] };
  }
  return handle(message, context);
}
