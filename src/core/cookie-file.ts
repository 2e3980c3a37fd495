/**
 * The Netscape / Mozilla cookie file, as curl (`-b FILE`, `-c FILE`), wget and aria2 read and
 * write it: one cookie per line, seven TAB-separated fields
 *
 *   domain  includeSubdomains  path  secure  expires  name  value
 *
 * `includeSubdomains` and `secure` are `TRUE`/`FALSE`; `expires` is seconds since the epoch, 0 for
 * a session cookie. A domain written `#HttpOnly_example.com` marks an HttpOnly cookie; any other
 * line starting with `#` is a comment. Pure: text in, text out.
 */

/** One cookie of a cookie file. */
export interface FileCookie {
  /** Lowercase host or domain, without a leading dot. */
  domain: string;
  /** True: the cookie also goes to subdomains (a `Domain=` cookie); false: to this host only. */
  includeSubdomains: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  /** Seconds since the epoch; 0 for a session cookie (it ends with the program). */
  expires: number;
  name: string;
  value: string;
}

/** What a cookie file held: its cookies, and the numbers (1-based) of the lines that were not cookies. */
export interface ParsedCookieFile {
  cookies: FileCookie[];
  badLines: number[];
}

const HTTP_ONLY = '#HttpOnly_';
const HEADER = '# Netscape HTTP Cookie File';

/** `TRUE`/`FALSE` in any case; undefined for anything else. */
function flag(text: string): boolean | undefined {
  const t = text.toUpperCase();
  return t === 'TRUE' ? true : t === 'FALSE' ? false : undefined;
}

/** One line as a cookie, or undefined when it is not one. */
function parseLine(raw: string): FileCookie | undefined {
  let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  let httpOnly = false;
  if (line.startsWith(HTTP_ONLY)) {
    httpOnly = true;
    line = line.slice(HTTP_ONLY.length);
  }
  const fields = line.split('\t');
  // A cookie with an empty value may lose its last (empty) field in files edited by hand.
  if (fields.length === 6) fields.push('');
  if (fields.length !== 7) return undefined;
  const [rawDomain, sub, path, secure, expires, name, value] = fields;
  const includeSubdomains = flag(sub);
  const isSecure = flag(secure);
  if (includeSubdomains === undefined || isSecure === undefined || !/^[0-9]+$/.test(expires) || name === '') return undefined;
  const domain = rawDomain.replace(/^\./, '').toLowerCase();
  if (domain === '') return undefined;
  return {
    domain,
    // `.example.com` always means the domain and its subdomains, whatever the flag says.
    includeSubdomains: includeSubdomains || rawDomain.startsWith('.'),
    path: path === '' ? '/' : path,
    secure: isSecure,
    httpOnly,
    expires: Number(expires),
    name,
    value,
  };
}

/** Parse a cookie file. Never throws: lines that are not cookies are listed in `badLines`. */
export function parseCookieFile(text: string): ParsedCookieFile {
  const cookies: FileCookie[] = [];
  const badLines: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || (line.startsWith('#') && !line.startsWith(HTTP_ONLY))) continue;
    const cookie = parseLine(line);
    if (cookie === undefined) badLines.push(i + 1);
    else cookies.push(cookie);
  }
  return { cookies, badLines };
}

/** True when a field would break the line format (a TAB or a line break). */
const unsafe = (text: string): boolean => /[\t\r\n]/.test(text);

/**
 * The text of a cookie file holding `cookies`, in the order given, with the usual header. A
 * cookie whose fields hold a TAB or a line break is left out (it could not be read back).
 * Domain cookies are written `.example.com TRUE`, host-only ones `example.com FALSE`, as curl does.
 */
export function formatCookieFile(cookies: readonly FileCookie[]): string {
  const lines = [HEADER, '# Written by ferry. Edit at your own risk.', ''];
  for (const c of cookies) {
    if ([c.domain, c.path, c.name, c.value].some(unsafe) || c.name === '' || c.domain === '') continue;
    const domain = `${c.httpOnly ? HTTP_ONLY : ''}${c.includeSubdomains ? '.' : ''}${c.domain}`;
    const expires = Math.max(0, Math.floor(c.expires));
    lines.push([domain, c.includeSubdomains ? 'TRUE' : 'FALSE', c.path, c.secure ? 'TRUE' : 'FALSE', String(expires), c.name, c.value].join('\t'));
  }
  return `${lines.join('\n')}\n`;
}
