/**
 * Names of the files ferry keeps beside a download, and a guard that keeps output names inside
 * their directory.
 */
import * as path from 'node:path';
import { FerryError } from '../core/errors.js';

/** The partial data file of `outPath`: bytes land here until the download is complete. */
export function partPathFor(outPath: string): string {
  return `${outPath}.part`;
}

/** The control file of `outPath`: records which byte ranges of the partial file are on disk. */
export function controlPathFor(outPath: string): string {
  return `${outPath}.ferry`;
}

/**
 * The temp file of a small download of `outPath` (one that needs no control file): its bytes land
 * here until it is complete. Only ferry writes this name; a leftover of a crashed run is replaced.
 */
export function smallTempPathFor(outPath: string): string {
  return `${outPath}.ferry-tmp`;
}

/**
 * Join `dir` and `name`, refusing any `name` that would land outside `dir`.
 *
 * Names are sanitized before they get here; this is defense in depth against a server-suggested
 * name like `../../.bashrc`. Refused (FerryError USAGE): empty names, names with a NUL byte,
 * absolute names, and names that resolve to `dir` itself or anywhere outside it.
 * Invariant: the result, resolved, is strictly below `dir`, resolved.
 */
export function resolveInside(dir: string, name: string): string {
  if (name.length === 0) throw refuse(dir, name, 'the name is empty');
  if (name.includes('\0')) throw refuse(dir, name, 'the name contains a NUL byte');
  // One plain segment (the usual name: sanitized from a URL or a server) is inside by construction.
  if (isPlainName(name)) return path.join(dir, name);
  if (path.isAbsolute(name)) throw refuse(dir, name, 'the name is an absolute path');
  const base = path.resolve(dir);
  const rel = path.relative(base, path.resolve(base, name));
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw refuse(dir, name, 'the name points outside the directory');
  }
  return path.join(dir, name);
}

/** One path segment that is neither `.` nor `..`: joined to a directory, it stays the last segment as it is. */
export function isPlainName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !name.includes('/') && !name.includes(path.sep) && !name.includes('\0');
}

function refuse(dir: string, name: string, why: string): FerryError {
  return new FerryError('USAGE', `refusing output name ${JSON.stringify(name)} in ${dir}: ${why}`, {
    hint: 'choose a plain file name with -o/--output',
  });
}
