/**
 * Pure parsers for the HTTP response headers ferry relies on (RFC 9110). Every parser returns
 * `undefined` for anything malformed instead of throwing: header values come from untrusted servers.
 */

/** A satisfied byte range from `Content-Range: bytes first-last/size`. `end` is exclusive. */
export interface ContentRangeSatisfied {
  start: number;
  /** Exclusive: last byte position + 1. */
  end: number;
  /** Complete length; undefined for `bytes first-last/*`. */
  size?: number;
}

/** `Content-Range: bytes *\/size` (sent with 416 Range Not Satisfiable). */
export interface ContentRangeUnsatisfied {
  unsatisfied: true;
  size: number;
}

export type ContentRange = ContentRangeSatisfied | ContentRangeUnsatisfied;

// Digits only (no sign, no exponent, no fraction); leading zeros are allowed by the grammar.
const DIGITS = /^[0-9]+$/;
const CONTENT_RANGE = /^bytes[ \t]+(?:([0-9]+)-([0-9]+)|(\*))\/([0-9]+|\*)$/i;

/** A non-negative safe integer from a string of digits, else undefined. */
function toSafeInteger(digits: string): number | undefined {
  if (!DIGITS.test(digits)) return undefined;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Parse a `Content-Range` response header: `bytes 0-99/1000`, `bytes 0-99/*` or `bytes *\/1000`.
 * Returns undefined for anything else, including first > last, last >= size, `bytes *\/*`,
 * other units, and numbers beyond Number.MAX_SAFE_INTEGER.
 */
export function parseContentRange(value: string | undefined): ContentRange | undefined {
  if (value === undefined) return undefined;
  const m = CONTENT_RANGE.exec(value.trim());
  if (m === null) return undefined;
  const [, firstStr, lastStr, star, sizeStr] = m;
  const size = sizeStr === '*' ? undefined : toSafeInteger(sizeStr);
  if (sizeStr !== '*' && size === undefined) return undefined;
  if (star !== undefined) {
    return size === undefined ? undefined : { unsatisfied: true, size };
  }
  const first = toSafeInteger(firstStr);
  const last = toSafeInteger(lastStr);
  if (first === undefined || last === undefined || first > last) return undefined;
  if (size !== undefined && last >= size) return undefined;
  // last < MAX_SAFE_INTEGER is implied when size is known; otherwise guard the + 1.
  if (!Number.isSafeInteger(last + 1)) return undefined;
  return size === undefined ? { start: first, end: last + 1 } : { start: first, end: last + 1, size };
}

/** Parse a `Content-Length` header: digits only, a safe integer; else undefined. */
export function parseContentLength(value: string | undefined): number | undefined {
  return value === undefined ? undefined : toSafeInteger(value.trim());
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = /^[a-z]{3}, ([0-9]{2}) ([a-z]{3}) ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT$/i;
// obsolete RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
const RFC850_DATE = /^[a-z]{6,9}, ([0-9]{2})-([a-z]{3})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT$/i;
// obsolete asctime: Sun Nov  6 08:49:37 1994
const ASCTIME_DATE = /^[a-z]{3} ([a-z]{3}) ([ 0-9][0-9]) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([0-9]{4})$/i;

/**
 * Parse an HTTP-date in any of the three formats of RFC 9110 section 5.6.7 into epoch milliseconds.
 * Returns undefined for anything else (including out-of-range fields such as month 13 or hour 25).
 */
export function parseHttpDate(value: string): number | undefined {
  const v = value.trim();
  let day: string, mon: string, year: number, hh: string, mm: string, ss: string;
  const fix = IMF_FIXDATE.exec(v);
  const rfc850 = fix === null ? RFC850_DATE.exec(v) : null;
  const asctime = fix === null && rfc850 === null ? ASCTIME_DATE.exec(v) : null;
  if (fix !== null) {
    [, day, mon, , hh, mm, ss] = fix;
    year = Number(fix[3]);
  } else if (rfc850 !== null) {
    const m = rfc850;
    [, day, mon, , hh, mm, ss] = m;
    // Two-digit years: RFC 9110 says interpret a year that appears > 50 years in the future as
    // the past century; a fixed pivot keeps this parser free of clocks.
    const yy = Number(m[3]);
    year = yy < 70 ? 2000 + yy : 1900 + yy;
  } else if (asctime !== null) {
    [, mon, day, hh, mm, ss] = asctime;
    year = Number(asctime[6]);
  } else {
    return undefined;
  }
  const month = MONTHS.indexOf(mon.toLowerCase());
  const d = Number(day.trim());
  const h = Number(hh);
  const mi = Number(mm);
  const s = Number(ss);
  if (month < 0 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = Date.UTC(year, month, d, h, mi, Math.min(s, 59));
  // Reject days that do not exist in that month (Date.UTC would roll Feb 31 into March).
  if (new Date(ms).getUTCDate() !== d) return undefined;
  return ms;
}

/**
 * Parse `Retry-After` into a delay in milliseconds, relative to `nowMs` (epoch ms) for HTTP-dates.
 * Accepts delta-seconds (`120`) or an HTTP-date; a date in the past gives 0. Undefined when
 * absent or malformed (negative numbers, fractions, garbage).
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (DIGITS.test(v)) {
    const seconds = Number(v);
    // Huge values saturate instead of overflowing into imprecise numbers.
    return Math.min(seconds * 1000, Number.MAX_SAFE_INTEGER);
  }
  const date = parseHttpDate(v);
  if (date === undefined) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * True when an ETag is weak (`W/"..."`). A lowercase `w/` is treated as weak too: a weak ETag is
 * never used for If-Range, so erring on "weak" is the safe side.
 */
export function isWeakEtag(etag: string): boolean {
  const t = etag.trimStart();
  return t.startsWith('W/') || t.startsWith('w/');
}

/**
 * True when a (trimmed) `Accept-Ranges` value lists the `bytes` unit. `none` or other units give false.
 */
export function acceptsByteRanges(value: string | undefined): boolean {
  if (value === undefined) return false;
  return value.split(',').some((unit) => unit.trim().toLowerCase() === 'bytes');
}

/**
 * True when a `Content-Encoding` value means the body bytes are not the file bytes (anything other
 * than absent, empty or `identity`).
 */
export function isEncodedBody(contentEncoding: string | undefined): boolean {
  if (contentEncoding === undefined) return false;
  return contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .some((c) => c !== '' && c !== 'identity');
}
