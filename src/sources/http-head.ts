/**
 * Collecting a response head that may arrive over several socket reads, skipping interim (1xx)
 * responses.
 */
import { findHeadEnd, MAX_HEAD_BYTES, ProtocolError, parseResponseHead, type ResponseHead } from './http-parser.js';

/** A final response head, and where the bytes after it are: `buf[rest, end)`. */
export interface HeadResult {
  head: ResponseHead;
  buf: Buffer;
  rest: number;
  end: number;
}

/**
 * Reads one response head. Invariants: a head is parsed from the caller's buffer when it is
 * whole within one read (no copy); otherwise its pieces are gathered in a buffer of at most
 * `MAX_HEAD_BYTES`, allocated on first need and kept for the next responses.
 */
export class HeadReader {
  private buffer: Buffer | undefined;
  private length = 0;

  /**
   * Feed `src[start, end)`. Returns the final head once it is complete, else undefined (more
   * bytes needed). Throws ProtocolError for a malformed or oversized head, or a 101.
   */
  push(src: Buffer, start: number, end: number): HeadResult | undefined {
    let buf = src;
    let from = start;
    let to = end;
    let scanFrom = start;
    if (this.length > 0) {
      // The head spans reads: append and rescan from just before the new bytes (a terminator
      // may straddle the boundary).
      buf = this.append(src, start, end);
      scanFrom = Math.max(0, this.length - (end - start) - 3);
      from = 0;
      to = this.length;
    }
    const headEnd = findHeadEnd(buf, scanFrom, to);
    if (headEnd < 0) {
      if (buf === src) this.append(src, start, end);
      return undefined;
    }
    const head = parseResponseHead(buf.toString('latin1', from, headEnd));
    this.length = 0;
    if (head.statusCode === 101) throw new ProtocolError('unexpected 101 Switching Protocols');
    if (head.statusCode < 200) {
      // An interim response (100 Continue, 103 Early Hints): the real one follows.
      return headEnd < to ? this.push(buf, headEnd, to) : undefined;
    }
    return { head, buf, rest: headEnd, end: to };
  }

  /** Forget a partial head (the connection is reused for a new request). */
  reset(): void {
    this.length = 0;
  }

  private append(src: Buffer, start: number, end: number): Buffer {
    if (this.length + (end - start) > MAX_HEAD_BYTES) {
      throw new ProtocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
    }
    const buf = (this.buffer ??= Buffer.allocUnsafe(MAX_HEAD_BYTES));
    // After an interim response the rest may already be in this buffer, further on.
    if (src === buf) buf.copyWithin(this.length, start, end);
    else src.copy(buf, this.length, start, end);
    this.length += end - start;
    return buf;
  }
}
