/**
 * Checks on text meant for a terminal: what must never be in it, and SGR colour codes to strip.
 * (Built from code points rather than regex literals with control characters.)
 */

const ESC = String.fromCharCode(0x1b);

/** An SGR colour code: ESC [ digits and semicolons, m. */
export const SGR = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

/** Text with its SGR colour codes removed. */
export const stripSgr = (s: string): string => s.replace(SGR, '');

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Characters that reorder or hide text. */
const REORDERING = new Set([0x061c, 0xfeff, ...range(0x200b, 0x200f), ...range(0x2028, 0x202e), ...range(0x2066, 0x2069)]);

/**
 * The unsafe code points in `s`, as `U+XXXX` strings (an empty list when there are none):
 * C0 controls (`allowed` excepted, e.g. '\n' between lines), DEL, C1 controls, reordering characters.
 */
export function unsafeIn(s: string, allowed = ''): string[] {
  return Array.from(s)
    .filter((ch) => !allowed.includes(ch))
    .map((ch) => ch.codePointAt(0) ?? 0)
    .filter((c) => c < 0x20 || (c >= 0x7f && c <= 0x9f) || REORDERING.has(c))
    .map((c) => `U+${c.toString(16).padStart(4, '0').toUpperCase()}`);
}
