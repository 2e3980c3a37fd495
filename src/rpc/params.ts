/**
 * Parameter checks for RPC methods, in one place, producing aria2's messages. Indexes in the
 * messages count after the `token:` parameter was taken off, as aria2's do.
 */
import { RpcError } from './rpc-error.js';

/** The JSON types a parameter may be required to have. */
export type ParamType = 'string' | 'integer' | 'array' | 'object';

/** One positional parameter: its type and whether it must be there. */
export interface ParamSpec {
  type: ParamType;
  required?: boolean;
  /** For integers: the smallest value allowed. */
  min?: number;
}

/** The params of one call, checked against a schema: `at(i)` is the value (undefined when absent). */
export type Params = readonly unknown[];

function hasType(value: unknown, type: ParamType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/**
 * Check `params` against `schema`. Extra parameters are ignored (as aria2 does).
 * @throws RpcError with aria2's text for a missing, mistyped or out-of-range parameter.
 */
export function checkParams(params: Params, schema: readonly ParamSpec[]): void {
  schema.forEach((spec, i) => {
    if (i >= params.length || params[i] === undefined) {
      if (spec.required) throw new RpcError(`The parameter at ${i} is required but missing.`);
      return;
    }
    if (!hasType(params[i], spec.type)) throw new RpcError(`The parameter at ${i} has wrong type.`);
    if (spec.min !== undefined && (params[i] as number) < spec.min) {
      throw new RpcError(`The integer parameter at ${i} has invalid value: the value must be greater than or equal to ${spec.min}.`);
    }
  });
}

/** `params[i]` as a string array: every element must be a string (aria2 skips others; ferry refuses them). */
export function stringList(params: Params, i: number): string[] {
  const list = (params[i] ?? []) as unknown[];
  if (!list.every((v) => typeof v === 'string')) throw new RpcError(`The parameter at ${i} has wrong type.`);
  return list as string[];
}

/** The keys of a key-filter parameter (undefined: all keys). Non-strings are ignored, as aria2 does. */
export function keyList(params: Params, i: number): string[] | undefined {
  const list = params[i] as unknown[] | undefined;
  if (list === undefined || list.length === 0) return undefined;
  return list.filter((k): k is string => typeof k === 'string');
}
