/**
 * The body of one response as its framing delimits it (a length, chunked encoding, or until the
 * connection closes): where the next socket read may go, and when the body is complete. Bytes
 * are handed to the ResponseBody; what follows the body's end is left to the connection.
 */
import type { ResponseBody } from '../stream/response-body.js';
import { ChunkedDecoder } from './chunked.js';
import type { BodyFraming } from './parser.js';

export class FramedBody {
  /** Length framing: body bytes still to come. */
  private remaining: number;
  private readonly decoder: ChunkedDecoder | undefined;
  private readonly sink = (buf: Uint8Array, start: number, end: number): void => {
    this.body.write(buf as Buffer, start, end);
  };

  constructor(
    readonly framing: BodyFraming,
    readonly body: ResponseBody,
  ) {
    this.remaining = framing.kind === 'length' ? framing.length : 0;
    this.decoder = framing.kind === 'chunked' ? new ChunkedDecoder() : undefined;
  }

  /** There is no body to read (no framing, or a length of 0). */
  get empty(): boolean {
    return this.framing.kind === 'none' || (this.framing.kind === 'length' && this.remaining === 0);
  }

  /** The body ends when the server closes the connection. */
  get untilClose(): boolean {
    return this.framing.kind === 'close';
  }

  /**
   * A region of a body batch the next socket read may fill, never past the body's end (a length
   * or a chunk size bounds it); undefined when the next bytes are framing or the batch is full.
   */
  region(): Buffer | undefined {
    const kind = this.framing.kind;
    const next = kind === 'length' ? this.remaining : kind === 'close' ? Infinity : (this.decoder?.dataRemaining ?? 0);
    return next > 0 ? this.body.region(next) : undefined;
  }

  /**
   * Bytes `[start, end)` of `src` (read through the connection's buffer). Returns whether the
   * body is complete and where its bytes stopped (`stop < end`: bytes after the body).
   */
  push(src: Buffer, start: number, end: number): { done: boolean; stop: number } {
    if (this.framing.kind === 'length') {
      const n = Math.min(this.remaining, end - start);
      this.body.write(src, start, start + n);
      this.remaining -= n;
      return { done: this.remaining === 0, stop: start + n };
    }
    if (this.decoder !== undefined) {
      const stop = this.decoder.decode(src, start, end, this.sink);
      return { done: this.decoder.done, stop };
    }
    this.body.write(src, start, end);
    return { done: false, stop: end };
  }

  /** `n` bytes were read straight into the region given out; true when the body is complete. */
  commit(n: number): boolean {
    this.body.commit(n);
    if (this.framing.kind === 'length') {
      this.remaining -= n;
      return this.remaining === 0;
    }
    this.decoder?.skipData(n);
    return false;
  }
}
