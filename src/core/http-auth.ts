/**
 * HTTP authentication, the pure part: reading `WWW-Authenticate` challenges (RFC 9110 section 11),
 * Basic credentials (RFC 7617) and Digest responses (RFC 7616: MD5, MD5-sess, SHA-256,
 * SHA-256-sess, qop=auth or no qop). The cnonce is given by the caller, so results are
 * deterministic and table-testable.
 */
import { cryptoModule } from '../lazy-builtins.js';

/** One challenge: the scheme (lowercase) and its parameters (names lowercase), or a token68. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
  token68?: string;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

/** A cursor over a header value. Invariant: `i` only moves forward. */
class Scanner {
  i = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.i >= this.text.length;
  }
  peek(): string {
    return this.text[this.i] ?? '';
  }
  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }
  token(): string {
    const start = this.i;
    while (!this.done && TOKEN_CHAR.test(this.peek())) this.i++;
    return this.text.slice(start, this.i);
  }
  quoted(): string {
    let value = '';
    this.i++; // the opening quote
    while (!this.done && this.peek() !== '"') {
      if (this.peek() === '\\' && this.i + 1 < this.text.length) this.i++;
      value += this.text[this.i++];
    }
    this.i++; // the closing quote (or the end)
    return value;
  }
}

/** At `s.i`: `token68` followed by the end, a comma or spaces (then returns it), else undefined (s unchanged). */
function tryToken68(s: Scanner): string | undefined {
  const start = s.i;
  let j = start;
  while (j < s.text.length && TOKEN68_CHAR.test(s.text[j])) j++;
  if (j === start) return undefined;
  while (s.text[j] === '=') j++;
  let k = j;
  while (s.text[k] === ' ' || s.text[k] === '\t') k++;
  if (k < s.text.length && s.text[k] !== ',') return undefined;
  // `a=b` is a parameter, not a token68: a token68 has only `=` after its last character.
  const value = s.text.slice(start, j);
  if (/=[^=]/.test(value)) return undefined;
  s.i = j;
  return value;
}

/** At `s.i`: `name = value` (then returns it), else undefined with `s` unchanged. */
function tryParam(s: Scanner): [string, string] | undefined {
  const start = s.i;
  const name = s.token();
  s.skipSpace();
  if (name === '' || s.peek() !== '=') {
    s.i = start;
    return undefined;
  }
  s.i++;
  s.skipSpace();
  const value = s.peek() === '"' ? s.quoted() : s.token();
  return [name.toLowerCase(), value];
}

/**
 * Every challenge of a `WWW-Authenticate` value (several headers arrive joined with ", ").
 * Lenient: what cannot be read ends the list; never throws.
 */
export function parseChallenges(header: string | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const s = new Scanner(header);
  const out: AuthChallenge[] = [];
  for (;;) {
    while (s.peek() === ',' || s.peek() === ' ' || s.peek() === '\t') s.i++;
    if (s.done) return out;
    const scheme = s.token();
    if (scheme === '') return out;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    s.skipSpace();
    const token68 = tryToken68(s);
    if (token68 !== undefined) {
      challenge.token68 = token68;
      continue;
    }
    // Parameters until one that is not `name=value`: that is the next challenge's scheme.
    let param = tryParam(s);
    while (param !== undefined) {
      challenge.params[param[0]] = param[1];
      s.skipSpace();
      if (s.peek() !== ',') break;
      const before = s.i;
      while (s.peek() === ',' || s.peek() === ' ' || s.peek() === '\t') s.i++;
      param = tryParam(s);
      if (param === undefined) s.i = before;
    }
  }
}

/** `Basic base64(user:password)` (UTF-8, as RFC 7617's `charset="UTF-8"` asks and curl sends). */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** The Digest algorithms ferry answers. */
export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

/** A Digest challenge ferry can answer. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  /** `auth` when the server offers it; undefined: the RFC 2069 form without qop. */
  qop?: 'auth';
  /** The previous nonce expired; the credentials were right. */
  stale: boolean;
}

const ALGORITHMS: Readonly<Record<string, DigestAlgorithm>> = {
  md5: 'MD5',
  'md5-sess': 'MD5-sess',
  'sha-256': 'SHA-256',
  'sha-256-sess': 'SHA-256-sess',
};

/**
 * The Digest challenge in `c`, or undefined when ferry cannot answer it (not Digest, no nonce,
 * an unknown algorithm, a qop list without `auth`, `userhash=true`).
 */
export function toDigestChallenge(c: AuthChallenge): DigestChallenge | undefined {
  if (c.scheme !== 'digest') return undefined;
  const { realm, nonce, opaque, qop, stale, userhash } = c.params;
  if (nonce === undefined || nonce === '') return undefined;
  const algorithm = ALGORITHMS[(c.params.algorithm ?? 'MD5').toLowerCase()];
  if (algorithm === undefined) return undefined;
  if (userhash?.toLowerCase() === 'true') return undefined;
  let chosen: 'auth' | undefined;
  if (qop !== undefined) {
    const offered = qop.split(',').map((q) => q.trim().toLowerCase());
    if (!offered.includes('auth')) return undefined;
    chosen = 'auth';
  }
  return { realm: realm ?? '', nonce, opaque, algorithm, qop: chosen, stale: stale?.toLowerCase() === 'true' };
}

/** How to answer a 401: the strongest scheme offered that ferry speaks. */
export type AuthChoice = { scheme: 'digest'; digest: DigestChallenge } | { scheme: 'basic' };

/** Digest with SHA-256 first, then Digest with MD5, then Basic; undefined when none is offered. */
export function chooseChallenge(challenges: readonly AuthChallenge[]): AuthChoice | undefined {
  const digests = challenges.map(toDigestChallenge).filter((d): d is DigestChallenge => d !== undefined);
  const sha = digests.find((d) => d.algorithm.startsWith('SHA-256'));
  const best = sha ?? digests[0];
  if (best !== undefined) return { scheme: 'digest', digest: best };
  if (challenges.some((c) => c.scheme === 'basic')) return { scheme: 'basic' };
  return undefined;
}

/** What one Digest answer needs besides the challenge. */
export interface DigestRequest {
  user: string;
  password: string;
  method: string;
  /** The request target as sent (`/path?query`). */
  uri: string;
  /** The nonce count: 1 for the first request with this nonce, then 2, 3, ... */
  nc: number;
  /** A fresh client nonce (hex or another token). */
  cnonce: string;
}

function hashHex(algorithm: DigestAlgorithm, text: string): string {
  return cryptoModule()
    .createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
    .update(text, 'utf8')
    .digest('hex');
}

/** `nc` as the 8 hex digits the header carries. */
export const formatNc = (nc: number): string => nc.toString(16).padStart(8, '0');

/** The `response` value of RFC 7616 section 3.4.1 for `c` and `r`. */
export function digestResponse(c: DigestChallenge, r: DigestRequest): string {
  const H = (text: string): string => hashHex(c.algorithm, text);
  let ha1 = H(`${r.user}:${c.realm}:${r.password}`);
  if (c.algorithm.endsWith('-sess')) ha1 = H(`${ha1}:${c.nonce}:${r.cnonce}`);
  const ha2 = H(`${r.method}:${r.uri}`);
  if (c.qop === undefined) return H(`${ha1}:${c.nonce}:${ha2}`);
  return H(`${ha1}:${c.nonce}:${formatNc(r.nc)}:${r.cnonce}:${c.qop}:${ha2}`);
}

/** A quoted-string: `"` and `\` escaped. */
const quote = (text: string): string => `"${text.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;

/** The `Authorization: Digest ...` value answering `c` for `r`. */
export function digestAuthorization(c: DigestChallenge, r: DigestRequest): string {
  const parts = [
    `username=${quote(r.user)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(r.uri)}`,
    `algorithm=${c.algorithm}`,
    `response=${quote(digestResponse(c, r))}`,
  ];
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.qop !== undefined) parts.push(`qop=${c.qop}`, `nc=${formatNc(r.nc)}`, `cnonce=${quote(r.cnonce)}`);
  return `Digest ${parts.join(', ')}`;
}
