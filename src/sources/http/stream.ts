/**
 * A ByteStream over an HTTP response body, with strict length accounting.
 */
import { abortedError, FerryError, isFerryError } from '../../core/errors.js';
import type { ByteStream } from '../../core/types.js';
import { toFerryError } from '../net/network-errors.js';
import type { ResponseBody } from '../stream/response-body.js';

/** What a body stream checks and how it names failures. */
export interface BodyStreamOptions {
  /** Exact body length expected; undefined = whatever arrives until the end. */
  expected?: number;
  /** `host[:port]` for messages. */
  host: string;
  /** The request's signal: once aborted, every failure is reported as ABORTED. */
  signal: AbortSignal;
}

/**
 * Wrap a response body. Chunks are views of pooled batch buffers; `release` hands them back.
 *
 * Invariants:
 * - never yields more than `expected` bytes: a chunk that would overflow fails the stream with
 *   BAD_RESPONSE (not retryable) and nothing of it is yielded;
 * - a body that ends before `expected` bytes fails with NETWORK (retryable);
 * - `cancel()` drops the body (closing the connection unless the response was complete), is
 *   idempotent and harmless after the end; iterating after `cancel()` fails with ABORTED;
 * - the stream can be iterated once; leaving the loop early (break/throw) also drops the body.
 */
export function bodyStream(body: ResponseBody, options: BodyStreamOptions): ByteStream {
  const { expected, host, signal } = options;
  const state = { cancelled: false, iterated: false };

  const cancel = (): void => {
    if (state.cancelled) return;
    state.cancelled = true;
    body.cancel();
  };

  async function* iterate(): AsyncGenerator<Uint8Array, void, undefined> {
    if (state.iterated) throw new FerryError('USAGE', `${host}: a response body can be read only once`);
    state.iterated = true;
    if (state.cancelled) throw abortedError(`${host}: the response was cancelled`);
    let received = 0;
    let finished = false;
    try {
      for (;;) {
        const chunk = await body.read();
        if (chunk === null) break;
        received += chunk.length;
        if (expected !== undefined && received > expected) {
          body.release(chunk);
          throw new FerryError('BAD_RESPONSE', `${host}: the server sent more than the ${expected} bytes requested`);
        }
        yield chunk;
      }
      finished = true;
    } catch (err) {
      if (isFerryError(err) && err.code === 'BAD_RESPONSE') throw err;
      if (state.cancelled && !signal.aborted) throw abortedError(`${host}: the response was cancelled`);
      throw toFerryError(err, host, signal);
    } finally {
      // Any way out but the end of the body (an error, or the consumer leaving the loop).
      if (!finished) body.cancel();
    }
    if (state.cancelled) throw abortedError(`${host}: the response was cancelled`);
    if (expected !== undefined && received < expected) {
      throw new FerryError('NETWORK', `${host}: the response ended after ${received} of ${expected} bytes`, {
        retryable: true,
      });
    }
  }

  return { [Symbol.asyncIterator]: iterate, cancel, release: (chunk) => body.release(chunk) };
}

/** An empty stream (for a zero-length range): yields nothing, cancel does nothing. */
export function emptyStream(): ByteStream {
  return {
    async *[Symbol.asyncIterator]() {},
    cancel() {},
  };
}
