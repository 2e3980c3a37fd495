/**
 * Shared types between the layers. A byte range is half-open: [start, end).
 */
export interface ByteRange {
  start: number;
  /** Exclusive. */
  end: number;
}

/** What a source learns about a remote file before downloading it. */
export interface RemoteInfo {
  /** The final URL after redirects; later requests go there. */
  url: string;
  /** Total size in bytes; undefined when the server does not say. */
  size?: number;
  /** True when the server honours byte ranges (HTTP 206 / FTP REST). */
  acceptsRanges: boolean;
  /** Strong or weak validator, exactly as sent (HTTP ETag). */
  etag?: string;
  /** Modification time as sent (HTTP Last-Modified date string, or FTP MDTM as an HTTP date). */
  lastModified?: string;
  /** File name suggested by the server (Content-Disposition), NOT sanitized. */
  filename?: string;
}

/**
 * The result of a probe. When `body` is present it is an already-open stream of the file
 * starting at `bodyOffset` (a response to `Range: bytes=FROM-`, or a plain GET from 0); the engine
 * uses it as the first connection's segment instead of wasting it. The consumer must either read
 * it or call `cancel()`.
 */
export interface ProbeResult extends RemoteInfo {
  body?: ByteStream;
  /** The file offset of the first byte of `body` (0 unless the probe asked to start later). */
  bodyOffset?: number;
  /** The file offset just past the last byte of `body`, when the body is a bounded range. */
  bodyEnd?: number;
}

/**
 * A stream of bytes that can be stopped early. The consumer owns each chunk it receives; when it
 * no longer needs one (its bytes are written), it may hand it back with `release` so the source can
 * reuse the memory for later chunks instead of allocating.
 */
export interface ByteStream extends AsyncIterable<Uint8Array> {
  /** Stop reading and release the connection (closing it if the response is not finished). */
  cancel(): void;
  /** Give a chunk back for reuse; the consumer must not touch it afterwards. Optional. */
  release?(chunk: Uint8Array): void;
}

/** Validators the engine expects; a read fails with code CHANGED if the server's differ. */
export interface Validators {
  etag?: string;
  lastModified?: string;
  size?: number;
}

/**
 * One protocol behind one interface. Implementations check every response strictly:
 * a read of [start, end) yields exactly end - start bytes starting at `start`, or throws.
 */
export interface Source {
  /**
   * Learn size, validators and name. `from` (default 0) and `to` (exclusive; default: the end) are
   * the part of the file the caller would like the probe's body to carry (the first missing range
   * when resuming); a source may ignore them and start at 0.
   */
  probe(signal: AbortSignal, from?: number, to?: number): Promise<ProbeResult>;
  /**
   * Read exactly `range` (end may be undefined: read to the end of a file of unknown size,
   * only valid with start 0). Throws FerryError on any mismatch. `validators` are sent as
   * If-Range (HTTP) or compared (FTP); a change yields FerryError code CHANGED.
   */
  read(range: { start: number; end?: number }, validators: Validators, signal: AbortSignal): Promise<ByteStream>;
  /**
   * Open up to `connections` more connections to the file's server ahead of the reads that will
   * use them (while the probe is on its way): best effort, failures are silent, and one not used
   * closes after the idle timeout. Sources without it connect when asked to read.
   */
  warm?(connections: number): void;
  /** Release pooled connections. */
  close(): Promise<void>;
}
