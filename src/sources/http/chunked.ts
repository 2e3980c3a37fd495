/**
 * An incremental decoder for the chunked transfer coding (RFC 9112 section 7.1): chunk sizes,
 * chunk extensions (skipped), chunk data, and the trailer section (checked and discarded). It
 * never copies: data bytes are handed to a sink as ranges of the input buffer.
 */
import { ProtocolError } from './parser.js';

/** Receives a range `[start, end)` of chunk data inside `buf`; must not keep `buf`. */
export type ChunkSink = (buf: Uint8Array, start: number, end: number) => void;

enum State {
  Size,
  /** Whitespace after the size digits: only more whitespace, `;` or the line end may follow. */
  SizeSpace,
  Extension,
  DataStart,
  Data,
  DataCr,
  DataLf,
  Trailer,
  Done,
}

const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;
const SEMICOLON = 59;
/** A chunk size has at most 13 hex digits (2^52, below Number.MAX_SAFE_INTEGER). */
const MAX_SIZE_DIGITS = 13;
/** Bound on a chunk-size line (size and extensions) and on the whole trailer section. */
const MAX_LINE_BYTES = 4096;
const MAX_TRAILER_BYTES = 64 * 1024;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Decodes one chunked body, fed in pieces of any size.
 *
 * Invariants: `decode` consumes bytes up to the end of the body and no further; once `done`, it
 * consumes nothing. Only chunk data reaches the sink, in order, each byte exactly once.
 */
export class ChunkedDecoder {
  private state = State.Size;
  private size = 0;
  private digits = 0;
  /** Data bytes still to come in the current chunk. */
  private remaining = 0;
  private lineBytes = 0;
  private trailerBytes = 0;
  private lineHasColon = false;
  private pendingCr = false;

  /** True once the last chunk and the trailer section (with its blank line) were read. */
  get done(): boolean {
    return this.state === State.Done;
  }

  /** Chunk data bytes that come next (0 unless inside a chunk's data). */
  get dataRemaining(): number {
    return this.state === State.Data ? this.remaining : 0;
  }

  /** `n <= dataRemaining` data bytes were read by the caller directly (not through `decode`). */
  skipData(n: number): void {
    if (this.state !== State.Data || n > this.remaining) throw new ProtocolError('chunk data accounting out of step');
    this.remaining -= n;
    if (this.remaining === 0) this.state = State.DataCr;
  }

  /**
   * Decode `buf[start, end)`. Returns the index just past the last byte consumed: `end`, or less
   * when the body finished inside the range (the rest belongs to whatever follows the body).
   * Throws ProtocolError on malformed input.
   */
  decode(buf: Uint8Array, start: number, end: number, sink: ChunkSink): number {
    let i = start;
    while (i < end && this.state !== State.Done) {
      if (this.state === State.Data) {
        const n = Math.min(this.remaining, end - i);
        sink(buf, i, i + n);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = State.DataCr;
        continue;
      }
      this.state = this.step(buf[i]);
      i++;
    }
    return i;
  }

  /** One byte of framing (everything but chunk data); returns the state after it. */
  private step(c: number): State {
    switch (this.state) {
      case State.Size: {
        const v = hexValue(c);
        if (v >= 0) {
          if (++this.digits > MAX_SIZE_DIGITS) throw new ProtocolError('chunk size too large');
          this.size = this.size * 16 + v;
          this.lineBytes++;
          return State.Size;
        }
        if (this.digits === 0) throw new ProtocolError('missing chunk size');
        if (c === SEMICOLON) return State.Extension;
        if (c === SP || c === HT) return State.SizeSpace;
        return this.lineEnd(c, State.Size);
      }
      case State.SizeSpace:
        // BWS before a chunk extension: `1 2` must not read as size 1 with junk after it.
        if (++this.lineBytes > MAX_LINE_BYTES) throw new ProtocolError('chunk-size line too long');
        if (c === SP || c === HT) return State.SizeSpace;
        if (c === SEMICOLON) return State.Extension;
        return this.lineEnd(c, State.Size);
      case State.Extension:
        if (++this.lineBytes > MAX_LINE_BYTES) throw new ProtocolError('chunk extension too long');
        if (c === CR || c === LF) return this.lineEnd(c, State.Extension);
        if (c < SP && c !== HT) throw new ProtocolError('control character in a chunk extension');
        return State.Extension;
      case State.DataStart:
        // After a CR in a size line: only LF may follow.
        if (c !== LF) throw new ProtocolError('bad line end after a chunk size');
        return this.startData();
      case State.DataCr:
        if (c === CR) return State.DataLf;
        if (c === LF) return this.nextChunk();
        throw new ProtocolError('chunk data longer than its size');
      case State.DataLf:
        if (c !== LF) throw new ProtocolError('bad line end after chunk data');
        return this.nextChunk();
      case State.Trailer:
        return this.trailerByte(c);
      default:
        return this.state;
    }
  }

  /** A CR or LF ends a size line; anything else is an error. */
  private lineEnd(c: number, from: State): State {
    if (c === LF) return this.startData();
    if (c === CR) return State.DataStart;
    throw new ProtocolError(from === State.Size ? 'bad character in a chunk size' : 'bad chunk line');
  }

  private startData(): State {
    if (this.size === 0) {
      this.lineBytes = 0;
      return State.Trailer;
    }
    this.remaining = this.size;
    return State.Data;
  }

  private nextChunk(): State {
    this.size = 0;
    this.digits = 0;
    this.lineBytes = 0;
    return State.Size;
  }

  /** Trailer fields are checked like header fields, byte by byte, and discarded. */
  private trailerByte(c: number): State {
    if (++this.trailerBytes > MAX_TRAILER_BYTES) throw new ProtocolError('trailer section too large');
    if (c === LF) {
      if (this.lineBytes === 0) return State.Done;
      if (!this.lineHasColon) throw new ProtocolError('bad trailer line');
      this.lineBytes = 0;
      this.lineHasColon = false;
      this.pendingCr = false;
      return State.Trailer;
    }
    // A CR is allowed only right before an LF.
    if (this.pendingCr) throw new ProtocolError('a bare CR in the trailer section');
    if (c === CR) {
      this.pendingCr = true;
      return State.Trailer;
    }
    if (this.lineBytes === 0 && (c === SP || c === HT)) throw new ProtocolError('obsolete line folding in a trailer');
    if (c < SP && c !== HT) throw new ProtocolError('control character in a trailer');
    if (c === COLON) {
      if (this.lineBytes === 0) throw new ProtocolError('empty trailer field name');
      this.lineHasColon = true;
    }
    this.lineBytes++;
    return State.Trailer;
  }
}
