/** Small helpers of a Download: errors, host names, file-system checks. */
import { mkdirSync, type Stats, statSync } from 'node:fs';
import { FerryError, isFerryError } from '../core/errors.js';

/**
 * Stat a path that usually does not exist, on the calling thread (a metadata call, see
 * disk/file-ops.ts); a missing path answers undefined without building an error.
 */
export async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Create `dir` and its parents; a failure is one FILE_SYSTEM error naming it. */
export async function mkdirOrFail(dir: string): Promise<void> {
  try {
    // On the calling thread, as the other metadata calls: an existing directory answers at once.
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new FerryError('FILE_SYSTEM', `cannot create directory ${dir}: ${(e as Error).message}`, {
      hint: 'check the path and its permissions',
    });
  }
}

/** A server that announced ranges but answered a range request with 200. */
export function isRangeIgnored(e: unknown): boolean {
  return isFerryError(e) && e.code === 'BAD_RESPONSE' && e.status === 200;
}

/** The `host[:port]` of a URL (the key of the per-host limit), or the string itself. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Anything thrown becomes a FerryError with a code (unknown errors keep their message). */
export function toFerryError(e: unknown): FerryError {
  if (isFerryError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new FerryError('NETWORK', message, { cause: e });
}
