import { expect } from 'vitest';
import { type ErrorCode, FerryError } from '../../src/core/errors.js';
import type { ByteStream } from '../../src/core/types.js';

/** Await `p`, which must reject with a FerryError; returns that error. */
export async function failure(p: Promise<unknown>): Promise<FerryError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FerryError);
    return e as FerryError;
  }
  throw new Error('expected a failure');
}

/** Call `fn`, which must throw a FerryError whose code is `code`; returns that error. */
export function thrown(fn: () => unknown, code: ErrorCode): FerryError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FerryError);
    expect((e as FerryError).code).toBe(code);
    return e as FerryError;
  }
  throw new Error('expected a FerryError');
}

/** Read a whole ByteStream into one Buffer. */
export async function collect(stream: ByteStream): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of stream) parts.push(c);
  return Buffer.concat(parts);
}
