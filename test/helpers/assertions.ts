import { expect } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
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

/** Read a whole ByteStream into one Buffer. */
export async function collect(stream: ByteStream): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of stream) parts.push(c);
  return Buffer.concat(parts);
}
