/**
 * Sizes, rates and number formatting for the benchmark. Binary units throughout:
 * `k` = 2^10, `m` = 2^20, `g` = 2^30 (the same meaning nginx gives `limit_rate 20m`).
 */

const UNIT: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** One kibibyte. */
export const KIB = 1024;

/** One mebibyte, the unit of every size and speed the benchmark prints. */
export const MIB = 1024 * 1024;

/**
 * Parse `1048576`, `512k`, `256M`, `1G`, `1.5g` (case-insensitive, optional trailing `B`/`iB`)
 * into bytes. Throws on anything else or on a negative / non-integer result.
 */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) throw new Error(`not a size: ${JSON.stringify(text)} (use e.g. 0, 1, 512k, 256M, 1G)`);
  const bytes = Number(m[1]) * UNIT[m[2].toLowerCase()];
  if (!Number.isSafeInteger(bytes)) throw new Error(`size is not a whole number of bytes: ${text}`);
  return bytes;
}

/** Parse a rate in bytes per second, written like a size (`20m` = 20 MiB/s); 0 is refused. */
export function parseRate(text: string): number {
  const rate = parseSize(text);
  if (rate <= 0) throw new Error(`a rate must be positive: ${text}`);
  return rate;
}

/** `268435456` -> `256 MiB`, `1536` -> `1.5 KiB`, `1` -> `1 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1);
  return `${text} ${units[i]}`;
}

/** Fixed decimals, or `n/a` for a missing value. */
export function fmt(value: number | undefined, decimals: number): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(decimals);
}
