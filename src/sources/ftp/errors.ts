import { FerryError, isFerryError } from '../../core/errors.js';
import type { FtpReply } from '../../core/ftp-reply.js';
import { terminalSafe } from '../../core/terminal-text.js';

/** How long to back off when a server refuses a connection because of a limit (421, "too many"). */
export const FTP_LIMIT_RETRY_AFTER_MS = 3000;

const LIMIT_TEXT = /too many|maximum|limit|exceed|no more|busy|try again later/i;

/** True for a reply that refuses service because of a connection limit. */
export function isLimitReply(reply: FtpReply): boolean {
  return reply.code === 421 || ((reply.code === 530 || reply.code === 550) && LIMIT_TEXT.test(reply.message));
}

/**
 * The server text of a reply, for messages: `530 Login incorrect.`; terminal-safe (no controls,
 * no escape sequences), so every message quoting a reply is safe to print.
 */
export function replyText(reply: FtpReply): string {
  return terminalSafe(reply.code === 0 ? reply.message : `${reply.code} ${reply.message}`).trim();
}

/**
 * A FerryError for an unexpected reply to `what` (e.g. `RETR`), one line naming `where`.
 * 421 and limit refusals are retryable FTP errors with a back-off delay; 425/426 are NETWORK;
 * other 4xx are transient (retryable); 5xx are permanent.
 */
export function replyError(where: string, what: string, reply: FtpReply): FerryError {
  const text = replyText(reply);
  if (isLimitReply(reply)) {
    return new FerryError('FTP', `${where}: server refused the connection (${text})`, {
      status: reply.code,
      retryable: true,
      retryAfterMs: FTP_LIMIT_RETRY_AFTER_MS,
      hint: 'The server limits connections; use fewer connections (-n).',
    });
  }
  if (reply.code === 0) return new FerryError('BAD_RESPONSE', `${where}: ${what}: not an FTP reply: ${text}`);
  if (reply.code === 425 || reply.code === 426) {
    return new FerryError('NETWORK', `${where}: ${what} failed, data connection (${text})`, {
      status: reply.code,
      retryable: true,
    });
  }
  if (reply.code === 550 || reply.code === 450) {
    return new FerryError('FTP', `${where}: file not found or not accessible (${text})`, {
      status: reply.code,
      retryable: reply.code === 450,
    });
  }
  return new FerryError('FTP', `${where}: ${what} failed (${text})`, {
    status: reply.code,
    retryable: reply.code >= 400 && reply.code < 500,
  });
}

/** A FerryError for a failed login. */
export function loginError(where: string, user: string, reply: FtpReply): FerryError {
  if (isLimitReply(reply)) return replyError(where, 'login', reply);
  return new FerryError('FTP', `${where}: login failed for user "${user}" (${replyText(reply)})`, {
    status: reply.code,
    retryable: reply.code >= 400 && reply.code < 500 && reply.code !== 430,
    hint: 'Give credentials with --ftp-user/--ftp-password, in the URL (ftp://user:password@host/), or in ~/.netrc.',
  });
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EADDRNOTAVAIL',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * A FerryError for a socket error. `duringTls` marks errors raised before a TLS handshake
 * completed: those that are not plain network failures are TLS errors (certificate, protocol).
 */
export function socketError(where: string, what: string, err: unknown, duringTls: boolean): FerryError {
  if (isFerryError(err)) return err;
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = terminalSafe(e instanceof Error ? e.message : String(err));
  if (duringTls && !NETWORK_CODES.has(code)) {
    return new FerryError('TLS', `${where}: TLS failure on the ${what}: ${message}`, {
      cause: err,
      hint: 'Use --ca-certificate with the server CA, or --insecure to skip verification.',
    });
  }
  const permanent = code === 'ENOTFOUND';
  return new FerryError('NETWORK', `${where}: ${what}: ${message}`, { cause: err, retryable: !permanent });
}

/** The TIMEOUT error for `what` (`connecting the data connection`, `waiting for a reply`) after `ms`. */
export function timeoutError(where: string, what: string, ms: number): FerryError {
  return new FerryError('TIMEOUT', `${where}: timed out ${what} (${ms} ms)`, { retryable: true });
}
