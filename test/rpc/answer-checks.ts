import type { RpcResponse } from '../../src/rpc/handle.js';
import { EncodedResult } from '../../src/rpc/shared-answers.js';

/** A JSON-RPC call by method name and parameters, answered with the response body. */
export type RpcCall = (method: string, ...params: unknown[]) => Promise<RpcResponse>;

/**
 * `ok` resolves with the result of `call` and throws `METHOD: MESSAGE` on an error answer;
 * (a list already encoded as JSON as its value: what a client reads);
 * `error` resolves with the error of an error answer and throws `METHOD succeeded` on a result.
 */
export function answerChecks(call: RpcCall): {
  ok(method: string, ...params: unknown[]): Promise<unknown>;
  error(method: string, ...params: unknown[]): Promise<{ code: number; message: string }>;
} {
  return {
    async ok(method, ...params) {
      const r = await call(method, ...params);
      if ('error' in r) throw new Error(`${method}: ${r.error.message}`);
      return r.result instanceof EncodedResult ? r.result.value : r.result;
    },
    async error(method, ...params) {
      const r = await call(method, ...params);
      if (!('error' in r)) throw new Error(`${method} succeeded`);
      return r.error;
    },
  };
}
