/**
 * Process exit codes of the `ferry` command.
 *
 * | Code | Meaning                                                                      |
 * |-----:|------------------------------------------------------------------------------|
 * |    0 | success: every download finished                                             |
 * |    1 | generic failure (an unexpected error, an unsupported protocol or feature)    |
 * |    2 | usage: bad command line, bad option value, bad input file                    |
 * |    3 | network: connection failed, timed out, TLS failure, redirect problem         |
 * |    4 | server: HTTP error status, malformed response, the remote file changed       |
 * |    5 | checksum mismatch after download                                             |
 * |    6 | file system: cannot write the output, or it exists (use `--overwrite`)       |
 * |    7 | FTP protocol failure (login, file not found, passive mode)                   |
 * |   23 | standard output could not be written (`-o -`; a broken pipe): as curl        |
 * |  130 | interrupted (Ctrl-C) or stopped by the user                                  |
 */
import type { ErrorCode } from '../core/errors.js';
import { isFerryError } from '../core/errors.js';

/** The exit codes by name; the table above is the contract. */
export const EXIT = {
  success: 0,
  failure: 1,
  usage: 2,
  network: 3,
  http: 4,
  checksum: 5,
  fileSystem: 6,
  ftp: 7,
  output: 23,
  interrupted: 130,
} as const;

/** Every FerryError code maps to exactly one exit code (the Record type keeps this exhaustive). */
const BY_CODE: Readonly<Record<ErrorCode, number>> = {
  USAGE: EXIT.usage,
  NETWORK: EXIT.network,
  TIMEOUT: EXIT.network,
  TLS: EXIT.network,
  REDIRECT: EXIT.network,
  HTTP_STATUS: EXIT.http,
  BAD_RESPONSE: EXIT.http,
  CHANGED: EXIT.http,
  CHECKSUM: EXIT.checksum,
  FILE_SYSTEM: EXIT.fileSystem,
  FILE_EXISTS: EXIT.fileSystem,
  FTP: EXIT.ftp,
  OUTPUT: EXIT.output,
  ABORTED: EXIT.interrupted,
  UNSUPPORTED: EXIT.failure,
};

/** Node system error codes that escaped without being wrapped in a FerryError. */
const BY_ERRNO: Readonly<Record<string, number>> = {
  ECONNREFUSED: EXIT.network,
  ECONNRESET: EXIT.network,
  ENOTFOUND: EXIT.network,
  EAI_AGAIN: EXIT.network,
  ETIMEDOUT: EXIT.network,
  EHOSTUNREACH: EXIT.network,
  ENETUNREACH: EXIT.network,
  EPIPE: EXIT.network,
  ENOENT: EXIT.fileSystem,
  EACCES: EXIT.fileSystem,
  EPERM: EXIT.fileSystem,
  ENOSPC: EXIT.fileSystem,
  EEXIST: EXIT.fileSystem,
  EISDIR: EXIT.fileSystem,
  ENOTDIR: EXIT.fileSystem,
  EROFS: EXIT.fileSystem,
  EDQUOT: EXIT.fileSystem,
};

const hasOwn = (table: object, key: string): boolean => Object.hasOwn(table, key);

/**
 * The exit code for a failure. A FerryError maps by its `code`; an unwrapped Node system error
 * by its errno code; an AbortError to 130; anything else (including a thrown non-Error) to 1.
 */
export function exitCodeFor(error: unknown): number {
  if (isFerryError(error)) return BY_CODE[error.code] ?? EXIT.failure;
  if (typeof error !== 'object' || error === null) return EXIT.failure;
  const { name, code } = error as { name?: unknown; code?: unknown };
  // A FerryError from another copy of the module: same shape, different class identity.
  if (name === 'FerryError' && typeof code === 'string' && hasOwn(BY_CODE, code)) {
    return BY_CODE[code as ErrorCode];
  }
  if (name === 'AbortError' || code === 'ABORT_ERR') return EXIT.interrupted;
  if (typeof code === 'string' && hasOwn(BY_ERRNO, code)) return BY_ERRNO[code];
  return EXIT.failure;
}
