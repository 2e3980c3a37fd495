/** The shape of one entry of the method table. */
import type { MethodCall } from './context.js';
import type { ParamSpec } from './params.js';

export interface MethodDef {
  /** Positional parameters after the token, checked before `run`. */
  params: readonly ParamSpec[];
  run(call: MethodCall): unknown;
  /** Answered without a token (system.listMethods, system.listNotifications). */
  public?: boolean;
}

export const GID = { type: 'string', required: true } as const;
export const KEYS = { type: 'array' } as const;
