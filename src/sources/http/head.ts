/**
 * Collecting a response head that may arrive over several socket reads, skipping interim (1xx)
 * responses.
 */
import { findHeadEnd, MAX_HEAD_BYTES, ProtocolError, parseResponseHead, type ResponseHead } from './parser.js';

/** A final response head, and where the bytes after it are: `buf[rest, end)`. */
export interface HeadResult {
  head: ResponseHead;
  buf: Buffer;
  rest: number;
  end: number;
}

/** Interim (1xx) responses accepted before the final one. */
export const MAX_INTERIM_RESPONSES = 16;
/** Bytes of every head of one response, interim ones included. */
export const MAX_TOTAL_HEAD_BYTES = 4 * MAX_HEAD_BYTES;

/**
 * Reads one response head. Invariants: a head is parsed from the caller's buffer when it is
 * whole within one read (no copy); otherwise its pieces are gathered in a buffer of at most
 * `MAX_HEAD_BYTES`, allocated on first need and kept for the next responses. Only head bytes are
 * gathered: the bytes after a head are always returned as a range of the caller's buffer, so a
 * head just under the limit may share its last read with the body. Interim responses count
 * against `MAX_INTERIM_RESPONSES` and `MAX_TOTAL_HEAD_BYTES`, so a server cannot keep a request
 * waiting with endless 1xx responses.
 */
export class HeadReader {
  private buffer: Buffer | undefined;
  private length = 0;
  private interim = 0;
  private total = 0;

  /**
   * Feed `src[start, end)`. Returns the final head once it is complete, else undefined (more
   * bytes needed). Throws ProtocolError for a malformed or oversized head, too many interim
   * responses, or a 101.
   */
  push(src: Buffer, start: number, end: number): HeadResult | undefined {
    let buf = src;
    let from = start;
    let to = end;
    let scanFrom = start;
    // When gathering, the byte at buf[i] (i past the earlier pieces) is src[i + shift].
    let shift = 0;
    if (this.length > 0) {
      // The head spans reads: append what may still belong to the head and rescan from just
      // before the new bytes (a terminator may straddle the boundary).
      const before = this.length;
      const take = Math.min(end - start, MAX_HEAD_BYTES - before);
      buf = this.append(src, start, start + take);
      scanFrom = Math.max(0, before - 3);
      from = 0;
      to = this.length;
      shift = start - before;
    }
    const headEnd = findHeadEnd(buf, scanFrom, to);
    if (headEnd < 0) {
      if (buf === src) this.append(src, start, end);
      else if (this.length >= MAX_HEAD_BYTES) throw new ProtocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
      return undefined;
    }
    const head = parseResponseHead(buf.toString('latin1', from, headEnd));
    this.length = 0;
    this.total += headEnd - from;
    // The rest of the read, as a range of the caller's buffer.
    const rest = headEnd + shift;
    if (head.statusCode === 101) throw new ProtocolError('unexpected 101 Switching Protocols');
    if (head.statusCode < 200) {
      // An interim response (100 Continue, 103 Early Hints): the real one follows.
      if (++this.interim > MAX_INTERIM_RESPONSES) throw new ProtocolError(`more than ${MAX_INTERIM_RESPONSES} interim (1xx) responses`);
      if (this.total > MAX_TOTAL_HEAD_BYTES) throw new ProtocolError(`interim (1xx) responses larger than ${MAX_TOTAL_HEAD_BYTES} bytes`);
      return rest < end ? this.push(src, rest, end) : undefined;
    }
    return { head, buf: src, rest, end };
  }

  /** Forget a partial head and the interim responses (the connection is reused for a new request). */
  reset(): void {
    this.length = 0;
    this.interim = 0;
    this.total = 0;
  }

  private append(src: Buffer, start: number, end: number): Buffer {
    if (this.length + (end - start) > MAX_HEAD_BYTES) {
      throw new ProtocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
    }
    if (this.buffer === undefined) this.buffer = Buffer.allocUnsafe(MAX_HEAD_BYTES);
    const buf = this.buffer;
    src.copy(buf, this.length, start, end);
    this.length += end - start;
    return buf;
  }
}
