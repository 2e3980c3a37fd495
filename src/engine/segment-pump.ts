import { performance } from 'node:perf_hooks';
import { FerryError } from '../core/errors.js';
import type { PieceMap } from '../core/piece-map.js';
import type { ByteStream } from '../core/types.js';

/** Where a pump writes: positional writes that resolve once the bytes are in the file. */
export interface PositionalWriter {
  write(buffers: Uint8Array[], position: number): Promise<void>;
}

export interface PumpContext {
  map: PieceMap;
  writer: PositionalWriter;
  /** The connection (claim id) the stream belongs to. */
  id: number;
  /** Exclusive end of what the request asked for: bytes past the claim end (after a split) are dropped. */
  requestEnd: number;
  /** Called with the accepted byte count of every chunk (speed meters, progress). */
  onBytes: (n: number) => void;
  /**
   * The stream must end at `requestEnd`: a byte past it (while the claim still reaches it) fails
   * with CHANGED instead of being dropped, so a file that grew is never cut and called complete.
   */
  strictEnd?: boolean;
  /** Optional throttle: resolves when `n` more bytes may pass. */
  throttle?: (n: number) => Promise<void> | void;
  /** Bytes collected before one positional write. */
  batchBytes: number;
  /** A batch older than this is written even when not full (a slow connection loses little on a crash). */
  maxBatchAgeMs?: number;
  now?: () => number;
}

/**
 * Reads `stream` into the file at the claim's position, in batches, with back-pressure: at most one
 * write in flight and one batch filling per connection, so memory stays bounded whatever the file
 * size; after a full batch the pump waits for its write (one batch per connection). A chunk that
 * arrives while no write is in flight is written at once (batches form only behind a write that
 * takes its time), so a killed process has little received and unwritten. Bytes are marked done
 * only after their write returned. Stops (cancelling the stream) when the
 * claim was shrunk below the request by a split. Always flushes what it received, also on errors,
 * and rethrows the first error (a write error wins over a read error).
 */
export async function pumpSegment(stream: ByteStream, ctx: PumpContext): Promise<void> {
  const { map, writer, id } = ctx;
  let batch: Uint8Array[] = [];
  let batchStart = 0;
  let batchLen = 0;
  let batchOpenedAt = 0;
  const now = ctx.now ?? (() => performance.now());
  const maxAge = ctx.maxBatchAgeMs ?? 250;
  let inFlight: Promise<void> | undefined;
  /** A write is in flight (its promise has not settled yet). */
  let writing = false;
  let writeError: unknown;

  const flush = async (): Promise<void> => {
    if (inFlight) await inFlight;
    if (writeError) throw writeError;
    if (batchLen === 0) return;
    const bufs = batch;
    const start = batchStart;
    const end = batchStart + batchLen;
    batch = [];
    batchLen = 0;
    writing = true;
    inFlight = writer.write(bufs, start).then(
      () => {
        writing = false;
        map.markDone(start, end);
        if (stream.release) for (const b of bufs) stream.release(b);
      },
      (e: unknown) => {
        writing = false;
        map.unreceive(start, end);
        writeError ??= e;
      },
    );
  };

  let readError: unknown;
  try {
    for await (const chunk of stream) {
      const { offset, accepted } = map.receive(id, chunk.length);
      if (accepted === 0) {
        // A chunk past the claim (split away meanwhile) is dropped: its buffer goes back to the
        // source now, not to the collector (each pins a 256 KiB batch until it runs).
        stream.release?.(chunk);
      } else {
        if (batchLen === 0) {
          batchStart = offset;
          batchOpenedAt = now();
        }
        batch.push(accepted === chunk.length ? chunk : chunk.subarray(0, accepted));
        batchLen += accepted;
        ctx.onBytes(accepted);
        // Write at once when the file is idle (a slow link's bytes reach the file, and the next
        // checkpoint, within one chunk); while a write is in flight, batch up to its size or age.
        const full = batchLen >= ctx.batchBytes;
        if (!writing || full || now() - batchOpenedAt >= maxAge) {
          await flush();
          // After a full batch, wait for its write before taking more: the stream reads ahead
          // meanwhile (a response body up to its high-water mark, then the kernel's socket
          // buffer), so a second batch collecting here would only hold memory, not add overlap.
          if (full && inFlight) await inFlight;
          if (writeError) throw writeError;
        }
        if (ctx.throttle) await ctx.throttle(accepted);
      }
      const claim = map.getClaim(id);
      if (ctx.strictEnd && accepted < chunk.length && claim !== undefined && claim.end >= ctx.requestEnd) {
        throw new FerryError('CHANGED', `the server sent more than the ${ctx.requestEnd} bytes it announced (the file changed on the server)`, {
          hint: 'the download restarts from the beginning',
        });
      }
      if (!claim || (claim.pos >= claim.end && claim.end < ctx.requestEnd)) {
        stream.cancel();
        break;
      }
    }
  } catch (e) {
    readError = e;
  }
  try {
    await flush();
    if (inFlight) await inFlight;
  } catch {
    // recorded in writeError
  }
  if (writeError) throw writeError;
  if (readError) throw readError;
}
