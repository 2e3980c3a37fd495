/**
 * Turning what Node throws for a connection (sockets, DNS, TLS) into FerryErrors with one-line
 * messages that name the host and what happened. Server text (what a socket error quotes) passes
 * `terminalSafe` first: a message never carries a control or an escape sequence, for the CLI and
 * for library users alike. Shared by HTTP, FTP and the proxy tunnels.
 */
import { abortedError, FerryError, isFerryError } from '../../core/errors.js';
import { redactUrls } from '../../core/redact.js';
import { terminalSafe } from '../../core/terminal-text.js';

// Node / OpenSSL certificate verification failures (a user can fix these with trust settings).
const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|INVALID_CA|HOSTNAME_MISMATCH|PATH_LENGTH_EXCEEDED/;
// Handshake / protocol failures below HTTP (wrong port, no common cipher, ...).
const HANDSHAKE_CODES = /^(ERR_SSL_|ERR_TLS_)|^EPROTO$/;

const TLS_HINT = 'use --ca-certificate FILE to trust the issuer, or --insecure to skip verification';

/** One terminal-safe line: a multi-line message would break the CLI's single-line error contract. */
export function oneLine(text: string): string {
  return terminalSafe(text).replace(/\s+/g, ' ').trim();
}

/** A URL quoted in a message: its password hidden (`user:***@`), terminal-safe (a Location header is server text). */
export function quoted(url: string): string {
  return terminalSafe(redactUrls(url));
}

/** The `code` of an error, or of its `cause` when it has none of its own. */
function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function messageOf(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
}

/**
 * Classify a failure of a request or of a body stream. Our own abort always wins (ABORTED), a
 * FerryError passes through unchanged.
 *
 * (Timeouts of the HTTP client are FerryErrors already; ETIMEDOUT comes from the OS.)
 *
 * @param host the `host[:port]` the request went to
 */
export function toFerryError(err: unknown, host: string, signal: AbortSignal): FerryError {
  if (signal.aborted) return abortedError(`${host}: aborted`);
  if (isFerryError(err)) return err;
  const code = errorCode(err) ?? '';
  const net = (message: string): FerryError => new FerryError('NETWORK', `${host}: ${message}`, { retryable: true, cause: err });
  const timeout = (message: string): FerryError => new FerryError('TIMEOUT', `${host}: ${message}`, { retryable: true, cause: err });
  switch (code) {
    case 'ETIMEDOUT':
      return timeout('connection timed out');
    case 'ECONNREFUSED':
      return net('connection refused');
    case 'ECONNRESET':
      return net('connection reset by the server');
    case 'EPIPE':
      return net('connection closed by the server');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return net('cannot resolve the host name');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return net('host unreachable');
  }
  if (CERT_CODES.test(code)) {
    return new FerryError('TLS', `${host}: TLS certificate rejected (${code}: ${messageOf(err)})`, {
      hint: TLS_HINT,
      cause: err,
    });
  }
  if (HANDSHAKE_CODES.test(code)) {
    return new FerryError('TLS', `${host}: TLS handshake failed (${messageOf(err)})`, {
      hint: 'check that the server speaks HTTPS on this port',
      cause: err,
    });
  }
  return net(messageOf(err) || 'network error');
}
