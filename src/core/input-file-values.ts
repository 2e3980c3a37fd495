/**
 * Readers for the values written in input files. Each takes the text as the user wrote it and
 * returns the typed value, or throws FerryError USAGE with a one-line message that names the
 * option as the user spelled it (`-n`, `split`, ...). Pure: no I/O.
 */
import { FerryError } from './errors.js';
import type { Checksum } from './options.js';
import { parseDuration, parseSize } from './units.js';

const usage = (message: string): FerryError => new FerryError('USAGE', message);

/**
 * A user's text for a one-line message: single-quoted, control characters escaped (so the message
 * stays one line whatever the input), values over 80 characters cut with `...`.
 */
export function quote(value: string): string {
  const escaped = value.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => {
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    if (c === '\n') return '\\n';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `'${escaped.length > 80 ? `${escaped.slice(0, 77)}...` : escaped}'`;
}

/** The URL schemes ferry downloads from. */
export const URL_SCHEMES: readonly string[] = ['http', 'https', 'ftp', 'ftps'];

/** Control characters (C0, DEL, C1). */
const CONTROL = /\p{Cc}/u;

/**
 * Check a download URL: absolute, scheme http, https, ftp or ftps (which the WHATWG parser only
 * accepts with a host), without control characters or surrounding white space. Returns the text
 * unchanged (never normalized, so what is written back is what was read).
 */
export function checkUrl(text: string): string {
  let url: URL | undefined;
  try {
    // The WHATWG parser silently drops tabs, newlines and surrounding spaces: refuse them first.
    if (!CONTROL.test(text) && text.trim() === text) url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined) throw usage(`not a valid URL: ${quote(text)}`);
  const scheme = url.protocol.slice(0, -1);
  if (!URL_SCHEMES.includes(scheme)) {
    throw usage(`unsupported URL scheme ${quote(scheme)} in ${quote(text)} (use http, https, ftp or ftps)`);
  }
  return text;
}

/** A whole number in [min, max], written as plain digits. */
export function readInteger(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  throw usage(`${name} needs a number ${range}, got ${quote(value)}`);
}

/** A byte size (`512k`, `1.5M`, plain bytes) of at least `min` bytes. */
export function readSize(name: string, value: string, min: number): number {
  let n: number;
  try {
    n = parseSize(value);
  } catch {
    throw usage(`${name} needs a size such as 512k, 1.5M or 2G, got ${quote(value)}`);
  }
  if (n < min) throw usage(`${name} needs a size of at least ${min} byte${min === 1 ? '' : 's'}, got ${quote(value)}`);
  return n;
}

/** Seconds (`30`, `1.5`, `500ms`) to whole milliseconds; `positive` rejects 0. */
export function readMilliseconds(name: string, value: string, positive: boolean): number {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch {
    throw usage(`${name} needs seconds such as 30, 1.5 or 500ms, got ${quote(value)}`);
  }
  if (positive && ms === 0) throw usage(`${name} needs a time above 0, got ${quote(value)}`);
  return ms;
}

/** `true` or `false` (any case). */
export function readBoolean(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  throw usage(`${name} needs true or false, got ${quote(value)}`);
}

/** Free text (a directory, a file name): not empty, no control characters other than tab. */
export function readText(name: string, value: string): string {
  if (value === '') throw usage(`${name} needs a value`);
  if (/[^\P{Cc}\t\u0080-\u009f]/u.test(value)) {
    throw usage(`${name} must not contain control characters, got ${quote(value)}`);
  }
  return value;
}

/** RFC 9110 token characters for the name, then `:`; blanks around the value are not part of it. */
const HEADER_RE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/s;

/** `Name: value` -> [name, value]. The value may be empty; control characters other than tab are refused. */
export function readHeader(name: string, value: string): [string, string] {
  const m = HEADER_RE.exec(value);
  if (!m || /[^\P{Cc}\t\u0080-\u009f]/u.test(m[2])) {
    throw usage(`${name} needs 'Name: value', got ${quote(value)}`);
  }
  return [m[1], m[2]];
}

/** Hex digits of each supported digest. */
const HEX_DIGITS: Readonly<Record<Checksum['algorithm'], number>> = {
  'sha-256': 64,
  'sha-1': 40,
  md5: 32,
  'sha-512': 128,
};

/** Accepted spellings (lower case) -> canonical algorithm name. */
const ALGORITHM_ALIASES: Readonly<Record<string, Checksum['algorithm']>> = {
  'sha-256': 'sha-256',
  sha256: 'sha-256',
  'sha-1': 'sha-1',
  sha1: 'sha-1',
  md5: 'md5',
  'sha-512': 'sha-512',
  sha512: 'sha-512',
};

/**
 * Parse aria2's checksum form `ALGORITHM=HEX`: `sha-256`, `sha-1`, `md5`, `sha-512` (also written
 * without the dash, any case), then exactly the digest's number of hex digits (any case).
 * Returns the canonical algorithm name and lower-case hex.
 * @throws FerryError USAGE saying what is wrong.
 */
export function parseChecksumSpec(text: string): Checksum {
  const eq = text.indexOf('=');
  if (eq <= 0) throw usage(`expected ALGORITHM=HEX such as sha-256=9f86d0..., got ${quote(text)}`);
  const spelled = text.slice(0, eq);
  const hex = text.slice(eq + 1);
  const algorithm = Object.hasOwn(ALGORITHM_ALIASES, spelled.toLowerCase()) ? ALGORITHM_ALIASES[spelled.toLowerCase()] : undefined;
  if (algorithm === undefined) {
    throw usage(`unknown checksum algorithm ${quote(spelled)} (use sha-256, sha-1, md5 or sha-512)`);
  }
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw usage(`a ${algorithm} digest is hex digits only, got ${quote(hex)}`);
  if (hex.length !== HEX_DIGITS[algorithm]) {
    throw usage(`a ${algorithm} digest has ${HEX_DIGITS[algorithm]} hex digits, got ${hex.length}`);
  }
  return { algorithm, hex: hex.toLowerCase() };
}

/** {@link parseChecksumSpec} with the option's name in the message. */
export function readChecksum(name: string, value: string): Checksum {
  try {
    return parseChecksumSpec(value);
  } catch (e) {
    throw usage(`${name}: ${(e as Error).message}`);
  }
}
