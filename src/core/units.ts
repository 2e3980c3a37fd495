/**
 * Sizes, durations and speeds: parsing what users type and formatting what ferry prints.
 * Pure functions; parse errors are FerryError USAGE naming the bad value.
 */
import { FerryError } from './errors.js';

const KIB = 1024;

/** The user's value quoted for a message, control characters escaped (the message is one line). */
const shown = (value: string): string => `'${value.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;

/**
 * Multipliers by lower-cased suffix. Single letters and the `*iB` forms are binary (k = 1024),
 * as in curl and aria2; the SI forms with a `B` (`kB`, `MB`, `GB`, `TB`) are decimal (1000).
 */
const SIZE_SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: KIB,
  m: KIB ** 2,
  g: KIB ** 3,
  t: KIB ** 4,
  kib: KIB,
  mib: KIB ** 2,
  gib: KIB ** 3,
  tib: KIB ** 4,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
};

const SIZE_RE = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i;

/**
 * Parse a byte size: `1048576`, `512k`, `1.5M`, `2G`, `10MiB`, `5MB` (decimal), `100B`.
 * The result is rounded to a whole number of bytes.
 * @throws FerryError USAGE for anything else (negative, empty, unknown suffix, too large).
 */
export function parseSize(value: string): number {
  const m = SIZE_RE.exec(value.trim());
  const mult = m ? SIZE_SUFFIXES[m[2].toLowerCase()] : undefined;
  if (!m || mult === undefined) {
    throw new FerryError('USAGE', `invalid size ${shown(value)} (use bytes or a suffix: 512k, 1.5M, 2G, 10MiB)`);
  }
  const bytes = Math.round(Number(m[1]) * mult);
  if (!Number.isSafeInteger(bytes)) throw new FerryError('USAGE', `size ${shown(value)} is too large`);
  return bytes;
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { '': 1000, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|)$/i;

/**
 * Parse a duration whose plain unit is seconds: `30`, `1.5`, `500ms`, `10s`, `2m`, `1h`.
 * Returns whole **milliseconds** (rounded).
 * @throws FerryError USAGE for anything else (negative, empty, unknown unit).
 */
export function parseDuration(value: string): number {
  const m = DURATION_RE.exec(value.trim());
  if (!m) throw new FerryError('USAGE', `invalid duration ${shown(value)} (use seconds, e.g. 30, 1.5 or 500ms)`);
  const ms = Math.round(Number(m[1]) * DURATION_UNITS_MS[m[2].toLowerCase()]);
  if (!Number.isSafeInteger(ms)) throw new FerryError('USAGE', `duration ${shown(value)} is too large`);
  return ms;
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/**
 * Human-readable size with binary units: `0 B`, `1023 B`, `1.0 KiB`, `512.3 MiB`.
 * Below 1 KiB the exact byte count is shown; above, one decimal. Never shows `1024.0` of a unit
 * (rounding that reaches 1024 moves to the next unit). `--` for a negative or non-finite value.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '--';
  if (Math.round(n) < KIB) return `${Math.round(n)} B`;
  let value = n / KIB;
  let unit = 0;
  // Invariant: value is n expressed in BYTE_UNITS[unit]; move up while the printed value would be >= 1024.
  while (Math.round(value * 10) / 10 >= KIB && unit < BYTE_UNITS.length - 1) {
    value /= KIB;
    unit++;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** Human-readable speed from bytes per second: `0 B/s`, `4.5 MiB/s`; `--` when unknown. */
export function formatSpeed(bps: number): string {
  const bytes = formatBytes(bps);
  return bytes === '--' ? '--' : `${bytes}/s`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Compact duration from seconds (rounded to whole seconds): `0s`, `3s`, `2m05s`, `1h02m`, `3d04h`.
 * `--` for unknown: undefined, negative, NaN or infinite.
 */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad2(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${pad2(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d${pad2(Math.floor((s % 86_400) / 3600))}h`;
}
