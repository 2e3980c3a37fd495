/**
 * Text for terminals: measure it in columns (wide characters count two) and cut it to a width.
 * Pure. (Making untrusted text safe to print is `shown`, before any of this.)
 */

/** Wrap `s` in an SGR colour code when `on`. */
export const sgr = (on: boolean, code: number, s: string): string => (on && s !== '' ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Columns a code point takes in a terminal: 0 for combining marks, 2 for wide East Asian and emoji. */
function charWidth(ch: string): number {
  if (/^[\p{Mn}\p{Me}]$/u.test(ch)) return 0;
  const cp = ch.codePointAt(0) ?? 0;
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

/** Terminal columns of a string without colour codes. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch);
  return w;
}

/** The longest prefix (or, with `fromEnd`, suffix) of `s` that fits in `width` columns. */
function take(s: string, width: number, fromEnd = false): string {
  const chars = Array.from(s);
  if (fromEnd) chars.reverse();
  let out: string[] = [];
  let w = 0;
  for (const ch of chars) {
    if (w + charWidth(ch) > width) break;
    out.push(ch);
    w += charWidth(ch);
  }
  if (fromEnd) out = out.reverse();
  return out.join('');
}

/** Fit in `width` columns, cutting the middle (so the extension of a name stays visible). */
export function fitMiddle(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 1) return take('…', width);
  const tail = Math.floor((width - 1) / 2);
  return `${take(s, width - 1 - tail)}…${take(s, tail, true)}`;
}

/** Fit in `width` columns, cutting the end. */
export function fitEnd(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  return width <= 0 ? '' : `${take(s, width - 1)}…`;
}
