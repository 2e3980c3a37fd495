/**
 * Hiding the password of a URL (`scheme://user:pass@host/...` -> `scheme://user:***@host/...`),
 * in a URL alone or in every URL inside free text (an error message, a note). Pure, linear time.
 *
 * The authority of a URL ends at the first `/`, `?`, `#`, whitespace, quote or bracket; its
 * userinfo is everything before the authority's last `@` (as URL parsers read it, so a password
 * holding an `@` is hidden whole). Only a userinfo with a `:` has a password: `user@host` is left
 * as it is. Text without `://` comes back unchanged (the same string).
 */

/** Where an authority ends inside free text. */
const AUTHORITY_END = new Set(['/', '?', '#', '\\', '"', "'", '<', '>', '(', ')', '[', ']', '{', '}', '`']);
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;

/** Where the authority starting at `from` ends, and its last `@` (-1 when none). */
function scanAuthority(text: string, from: number): { end: number; lastAt: number } {
  let lastAt = -1;
  let i = from;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (AUTHORITY_END.has(ch) || ch.trim() === '') break;
    if (ch === '@') lastAt = i;
  }
  return { end: i, lastAt };
}

/** `user:***` for a userinfo with a password, the userinfo itself otherwise. */
function maskUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  return colon < 0 ? userinfo : `${userinfo.slice(0, colon)}:***`;
}

/**
 * Every `scheme://user:password@` in `text` with the password replaced by `***`.
 * Works on a URL alone and on URLs inside a sentence.
 */
export function redactUrls(text: string): string {
  let out = '';
  let from = 0;
  let at = text.indexOf('://');
  // Invariant: text[0, from) is already in `out`, redacted.
  while (at >= 0) {
    const start = at + 3;
    const { end, lastAt } = scanAuthority(text, start);
    const hasScheme = at > 0 && SCHEME_CHAR.test(text[at - 1]);
    if (hasScheme && lastAt >= 0) {
      const userinfo = text.slice(start, lastAt);
      const masked = maskUserinfo(userinfo);
      if (masked !== userinfo) {
        out += text.slice(from, start) + masked;
        from = lastAt;
      }
    }
    at = text.indexOf('://', Math.max(end, start));
  }
  return from === 0 ? text : out + text.slice(from);
}

/** A URL with its password hidden: `ftp://ann:***@host/f`. The same as `redactUrls` on one URL. */
export function redactUrl(url: string): string {
  return redactUrls(url);
}
