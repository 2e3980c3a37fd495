/** One message in, one answer out, with the failed-token delay and the per-address limit applied. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthLimiter } from './auth-limiter.js';
import type { RpcContext } from './context.js';
import { type HandleResult, handleText } from './handle.js';

export interface AnswerDeps {
  context: RpcContext;
  limiter: AuthLimiter;
}

/** A JSON-RPC error answer that no request id is known for. */
export function plainError(message: string, status: number, code = 1): HandleResult {
  return { body: { id: null, jsonrpc: '2.0', error: { code, message } }, status, unauthorized: false, after: [] };
}

/**
 * Answer `text` from `address`. An address over its failure limit is refused without looking at
 * the message; a message with a failed token is answered after the limiter's delay.
 */
export async function answer(text: string, address: string, deps: AnswerDeps): Promise<HandleResult> {
  const wait = deps.limiter.blockedFor(address);
  if (wait > 0) {
    return plainError(`Too many failed authentication attempts from ${address}: try again in ${Math.ceil(wait / 1000)} s.`, 429);
  }
  const result = await handleText(text, deps.context);
  if (result.unauthorized) {
    deps.limiter.fail(address);
    await sleep(deps.limiter.delayMs);
  }
  return result;
}
