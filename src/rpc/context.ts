/** What a method handler is given besides its params. */
import type { RpcService } from './service.js';
import type { SharedAnswers } from './shared-answers.js';
import type { StatusTexts } from './status-texts.js';

export interface RpcContext {
  service: RpcService;
  /** The RPC secret; none = no token needed (a `token:` param is still taken off). */
  secret?: string;
  /** Paths named by RPC calls must stay inside this directory (absolute). */
  downloadRoot: string;
  /** The daemon allows any directory (`--rpc-allow-any-dir`): no confinement. */
  anyDir?: boolean;
  /** Hex id of this daemon run (`getSessionInfo`). */
  sessionId: string;
  /** ferry's version (`getVersion`). */
  version: string;
  /** Identical reads share one answer for a moment (none: every call is answered afresh). */
  shared?: SharedAnswers;
  /** The status lists' texts, kept entry by entry between answers (one per server). */
  statuses: StatusTexts;
}

/** A method's implementation: the params after the token, checked against its schema. */
export interface MethodCall {
  params: readonly unknown[];
  context: RpcContext;
  /** Run `fn` once the answer has been sent (shutdown). */
  after(fn: () => void): void;
}
