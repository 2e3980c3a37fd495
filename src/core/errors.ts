/**
 * The one error type of ferry. Every failure that reaches a user carries a stable `code`,
 * a `retryable` flag the retry policy reads, and optionally a `hint` (what to do next).
 */
export type ErrorCode =
  | 'USAGE' // bad command line, bad option value, bad input file
  | 'NETWORK' // connection refused/reset, DNS, socket errors
  | 'TIMEOUT' // connect timeout, or a stalled read (no bytes for --timeout)
  | 'TLS' // certificate or handshake failure
  | 'HTTP_STATUS' // an HTTP status that is not success (status in `status`)
  | 'BAD_RESPONSE' // protocol violation: wrong Content-Range, 200 to a range, length mismatch, encoding
  | 'REDIRECT' // too many redirects, a loop, or a redirect to an unsupported scheme
  | 'UNSUPPORTED' // unsupported protocol or feature
  | 'CHANGED' // the remote file changed (validators or size differ) during the download
  | 'CHECKSUM' // checksum mismatch after download
  | 'FILE_SYSTEM' // cannot open/write/rename/sync a local file
  | 'FILE_EXISTS' // the output exists and --overwrite was not given
  | 'OUTPUT' // standard output cannot be written (`-o -`): a broken pipe, a closed descriptor
  | 'FTP' // FTP protocol failure (login, not found, passive mode, ...)
  | 'ABORTED'; // stopped by the user (pause, stop, Ctrl-C)

export interface FerryErrorOptions {
  retryable?: boolean;
  /** HTTP status or FTP reply code, when the error came from one. */
  status?: number;
  /** Server-requested delay before the next attempt (from Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** What the user can do about it, one short sentence. */
  hint?: string;
  cause?: unknown;
}

export class FerryError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: FerryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FerryError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.hint = options.hint;
  }
}

/** True for a FerryError (or anything shaped like one across realms). */
export function isFerryError(e: unknown): e is FerryError {
  return e instanceof FerryError;
}

/** An abort caused by our own AbortSignal: never retried, never reported as a failure. */
export function abortedError(reason = 'aborted'): FerryError {
  return new FerryError('ABORTED', reason);
}
