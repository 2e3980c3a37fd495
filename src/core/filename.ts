/**
 * Choosing a safe local file name for a download. Names from servers (Content-Disposition, URL
 * paths) are hostile until sanitized: they must never leave the download directory, never carry
 * control characters to a terminal, and never be empty, `.` or `..`.
 */
import { FerryError } from './errors.js';

/** Longest file name ferry produces, in bytes of UTF-8 (file systems allow 255). */
export const MAX_FILENAME_BYTES = 200;

/** Longest extension (including the dot, in bytes) kept intact when a name is shortened. */
const MAX_EXTENSION_BYTES = 16;

/**
 * C0 and C1 controls, DEL, line/paragraph separators, zero-width and other invisible characters
 * (U+061C, U+180E, U+200B-U+200F, U+2060-U+2064, the byte-order mark), variation selectors
 * (U+FE00-U+FE0F, U+E0100-U+E01EF), tag characters (U+E0000-U+E007F), and the invisible
 * bidirectional marks that let a name display in a different order than it is stored
 * (`evil\u202Etxt.exe`).
 */
const UNSAFE_SOURCE =
  '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufe00-\\ufe0f\\ufeff\\u{e0000}-\\u{e007f}\\u{e0100}-\\u{e01ef}]';
/** For testing only (no `g` flag, so no lastIndex state). */
const UNSAFE_ANY = new RegExp(UNSAFE_SOURCE, 'u');
/** For `replace` only, which always starts at index 0. */
const UNSAFE_ALL = new RegExp(UNSAFE_SOURCE, 'gu');

/** Characters not allowed in names on Windows (and awkward everywhere). */
const RESERVED_CHARS = /[\\/:*?"<>|]/g;

/**
 * Device names Windows refuses as file names, with or without an extension: also COM and LPT
 * with a superscript digit (U+00B9, U+00B2, U+00B3) and the console devices CONIN$ and CONOUT$.
 */
const WINDOWS_DEVICES = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\..*)?$/i;

const utf8 = new TextEncoder();
const byteLength = (s: string): number => utf8.encode(s).length;

const DOT_OR_SPACE = /^[\s.]$/u;

/**
 * Trim dots and white space at both ends (no hidden files, no trailing-dot names). A loop, not a
 * `[\s.]+$` expression: that one retries from every position of a long inner run of spaces.
 * (Every character `\s` matches is in the BMP, so UTF-16 units are enough.)
 */
function trimEnds(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && DOT_OR_SPACE.test(s[start])) start++;
  while (end > start && DOT_OR_SPACE.test(s[end - 1])) end--;
  return s.slice(start, end);
}

/** The longest prefix of `s` (whole code points) that fits in `maxBytes` of UTF-8. */
function truncateUtf8(s: string, maxBytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = byteLength(ch);
    if (used + n > maxBytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/** Shorten to MAX_FILENAME_BYTES, keeping a short extension such as `.tar.gz`'s `.gz`. */
function boundLength(name: string): string {
  if (byteLength(name) <= MAX_FILENAME_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  if (ext.length > 1 && byteLength(ext) <= MAX_EXTENSION_BYTES) {
    const stem = trimEnds(truncateUtf8(name.slice(0, dot), MAX_FILENAME_BYTES - byteLength(ext)));
    return stem === '' ? '' : stem + ext;
  }
  return truncateUtf8(name, MAX_FILENAME_BYTES);
}

/**
 * Reduce any string to a safe base name, or undefined when nothing usable is left.
 *
 * Invariants of a returned name: no `/` or `\`, no control or bidi characters, none of
 * `\/:*?"<>|`, no leading/trailing dots or spaces (so never `.` or `..`), not a Windows device
 * name, NFC-normalized, at most MAX_FILENAME_BYTES bytes of UTF-8, not empty.
 */
export function sanitizeFilename(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? '';
  let s = base.normalize('NFC').replace(UNSAFE_ALL, '').replace(RESERVED_CHARS, '_');
  s = trimEnds(s);
  if (WINDOWS_DEVICES.test(s)) s = `_${s}`;
  s = trimEnds(boundLength(s));
  return s === '' ? undefined : s;
}

/** The `out` value that means standard output (`-o -`). */
export const STDOUT_OUT = '-';

/**
 * Check and normalize an explicit output path (`-o` / input-file and RPC `out`), as curl and wget
 * take it: absolute, or relative (to the download directory, see outputLocation), `..` allowed.
 * `a/./b/../c.bin` -> `a/c.bin`, `/data//x.iso` -> `/data/x.iso`, `../x` stays `../x`. Both `/`
 * and `\` count as separators; the result uses `/`. A file really named `-` comes back as `./-`
 * (plain `-` is standard output, STDOUT_OUT, and is not a path: callers handle it first).
 * Invariant: the last part of a result names a file (never empty, `.` or `..`).
 * @throws FerryError USAGE for control characters, a path ending in a separator, or a path that
 *   names no file.
 */
export function normalizeOutputPath(out: string): string {
  const bad = (why: string): FerryError =>
    new FerryError('USAGE', `output path '${out.replace(UNSAFE_ALL, '?')}' ${why}`, {
      hint: 'give a file name or a path to a file, like -o /data/file.iso',
    });
  if (UNSAFE_ANY.test(out)) throw bad('contains control characters');
  if (/[\\/]$/.test(out)) throw bad('names a directory, not a file');
  const absolute = /^[\\/]/.test(out);
  const parts: string[] = [];
  for (const part of out.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    // `/..` is `/`; a relative path keeps its leading `..` parts.
    else if (!absolute) parts.push(part);
  }
  if (parts.length === 0) throw bad('names no file');
  if (parts[parts.length - 1] === '..') throw bad('names a directory, not a file');
  const joined = (absolute ? '/' : '') + parts.join('/');
  return joined === STDOUT_OUT ? `./${STDOUT_OUT}` : joined;
}

/** Where an output goes: a directory and a base name in it. */
export interface OutputLocation {
  dir: string;
  /** A base name: no separator, never empty, `.` or `..`. */
  name: string;
}

/**
 * The directory and base name of `out` (see normalizeOutputPath) for the download directory
 * `dir`: an absolute `out` ignores `dir`; a relative one is inside `dir` (as curl's `--output-dir`
 * and wget's `-P` with `-O`), its own directory parts included: `-d /d -o ../x` is `/x`.
 */
export function outputLocation(dir: string, out: string): OutputLocation {
  const norm = normalizeOutputPath(out);
  const slash = norm.lastIndexOf('/');
  const name = norm.slice(slash + 1);
  if (slash < 0 || norm === `./${STDOUT_OUT}`) return { dir, name };
  const sub = slash === 0 ? '/' : norm.slice(0, slash);
  if (sub.startsWith('/')) return { dir: sub, name };
  return { dir: dir === '.' || dir === '' ? sub : `${dir.replace(/\/+$/, '')}/${sub}`, name };
}

/** The last path segment of a URL, percent-decoded when the encoding is valid. */
function urlLastSegment(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    // Not a URL: still never take a name from its authority (it may hold user:password@).
    const rest = url.replace(/[?#].*$/s, '');
    const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/.exec(rest);
    path = authority ? rest.slice(authority[0].length) : rest;
  }
  const raw = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Where a name can come from, in order of preference. */
export interface FilenameSources {
  /** An explicit output name from the user; checked, never sanitized away. */
  out?: string;
  /** The server's suggestion (Content-Disposition), unsanitized. */
  contentDispositionName?: string;
  /** The (final) URL of the download. */
  url: string;
}

/**
 * The local name for a download: the base name of `out` (see outputLocation), else the sanitized
 * Content-Disposition name, else the sanitized last URL path segment, else `index.html`.
 * Never contains a separator.
 */
export function chooseFilename(sources: FilenameSources): string {
  if (sources.out !== undefined) return outputLocation('.', sources.out).name;
  const fromHeader = sources.contentDispositionName === undefined ? undefined : sanitizeFilename(sources.contentDispositionName);
  return avoidOwnSuffixes(fromHeader ?? sanitizeFilename(urlLastSegment(sources.url)) ?? 'index.html');
}

/** The endings of ferry's own files beside a download: partial data, control file and its temp files, a small file's temp file. */
const OWN_SUFFIX = /\.(part|ferry|ferry-tmp)(\.tmp(-\d+)?)?$/i;

/**
 * A name from a server or a URL that ends like one of ferry's own files (`x.part`, `x.ferry`,
 * `x.ferry.tmp`, `x.ferry.tmp-12`, `x.ferry-tmp`) gets a `_` appended, so that it can never be
 * mistaken for, or collide with, the partial, control or temp file of another download.
 */
export function avoidOwnSuffixes(name: string): string {
  return OWN_SUFFIX.test(name) ? `${name}_` : name;
}

/**
 * Where a download goes in the download directory `dir`: `out`'s own directory and base name
 * (see outputLocation), or `dir` and a safe base name from the server or the URL (which can
 * never leave `dir`).
 */
export function chooseLocation(dir: string, sources: FilenameSources): OutputLocation {
  if (sources.out !== undefined) return outputLocation(dir, sources.out);
  return { dir, name: chooseFilename(sources) };
}
