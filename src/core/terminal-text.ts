/**
 * The terminal-safe text filter: text from outside ferry (server replies, header values, file
 * names, URLs) made harmless to print. Pure, one pass, linear in the length of the input.
 *
 * What it does, code point by code point:
 * - escape sequences are removed whole, with their payloads: ESC followed by CSI (`ESC [`),
 *   OSC (`ESC ]`), DCS (`ESC P`), SOS (`ESC X`), PM (`ESC ^`), APC (`ESC _`), an nF sequence
 *   (`ESC (` B ...) or a two-character escape (`ESC c`, `ESC 7`, ...); the 8-bit introducers
 *   U+009B (CSI), U+009D (OSC), U+0090 (DCS), U+0098 (SOS), U+009E (PM), U+009F (APC) likewise.
 *   A string sequence (OSC, DCS, SOS, PM, APC) ends at BEL, ST (`ESC \` or U+009C), CAN, SUB or
 *   the end of the text: an unterminated one swallows the rest, as a terminal would;
 * - a lone ESC is removed;
 * - tab, line feed, vertical tab, form feed and carriage return become a space (one line stays one line);
 * - every other C0 control (U+0000-U+001F), DEL (U+007F), C1 control (U+0080-U+009F), and the
 *   characters that reorder or hide text (bidi embeddings and overrides U+202A-U+202E, isolates
 *   U+2066-U+2069, marks U+200E/U+200F/U+061C, zero-width U+200B-U+200D, U+2028/U+2029, U+FEFF)
 *   become `?`, so that something visibly stood there.
 *
 * Invariant: the result contains no code point in U+0000-U+001F, U+007F-U+009F, nor any of the
 * reordering characters above; text without them comes back unchanged (the same string).
 */

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const C1_ST = 0x9c;
const C1_CSI = 0x9b;
/** 8-bit introducers of string sequences: DCS, SOS, OSC, PM, APC. */
const C1_STRING = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
/** The characters after ESC that open a string sequence: P (DCS), X (SOS), ] (OSC), ^ (PM), _ (APC). */
const ESC_STRING = new Set([0x50, 0x58, 0x5d, 0x5e, 0x5f]);
const WHITESPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
const REORDERING = new Set([0x061c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029, 0xfeff]);

/** True for a code unit that must not reach a terminal as it is. */
function isUnsafe(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || REORDERING.has(c);
}

/** The index after a CSI sequence whose parameters start at `i`: parameter and intermediate bytes, then one final byte. */
function skipCsi(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c >= 0x40 && c <= 0x7e) return j + 1;
    // Anything else than parameter/intermediate bytes ends the sequence and is read again.
    if (c < 0x20 || c > 0x3f) return j;
    j++;
  }
  return j;
}

/** The index after a string sequence whose payload starts at `i` (its terminator included). */
function skipString(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === BEL || c === C1_ST || c === CAN || c === SUB) return j + 1;
    if (c === ESC) return s.charCodeAt(j + 1) === 0x5c ? j + 2 : j;
    j++;
  }
  return j;
}

/** The index after an escape sequence that starts with ESC at `i`. */
function skipEscape(s: string, i: number): number {
  const next = s.charCodeAt(i + 1);
  if (next === 0x5b) return skipCsi(s, i + 2);
  if (ESC_STRING.has(next)) return skipString(s, i + 2);
  if (next >= 0x20 && next <= 0x2f) {
    // nF: intermediates, then one final byte.
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++;
    const c = s.charCodeAt(j);
    return c >= 0x30 && c <= 0x7e ? j + 1 : j;
  }
  if (next >= 0x30 && next <= 0x7e) return i + 2;
  // A lone ESC (end of text, or followed by something that is not part of a sequence).
  return i + 1;
}

/** Remove escape sequences and replace controls and reordering characters; see the module comment. */
export function terminalSafe(s: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  // Invariant: s[from, i) is safe text not yet copied to `out`.
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (!isUnsafe(c)) {
      i++;
      continue;
    }
    out += s.slice(from, i);
    if (c === ESC) i = skipEscape(s, i);
    else if (c === C1_CSI) i = skipCsi(s, i + 1);
    else if (C1_STRING.has(c)) i = skipString(s, i + 1);
    else {
      out += WHITESPACE.has(c) ? ' ' : '?';
      i++;
    }
    from = i;
  }
  return from === 0 ? s : out + s.slice(from);
}
