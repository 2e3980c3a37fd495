/**
 * Login- and cookie-protected paths for the test HTTP server (`startTestServer({ gate })`).
 * The Digest side checks each answer properly, with its own hashing: realm, a nonce it issued,
 * `uri` equal to the request target, the algorithm of the path, qop=auth, a cnonce, a nonce count
 * never used before with that nonce, and the response hash itself.
 *
 * Paths (the rest of the path is the file served):
 * - `/basic/<file>`: Basic.
 * - `/digest/<md5|md5-sess|sha-256>/<file>`: Digest with that algorithm.
 * - `/digest-any/<file>`: offers Digest SHA-256 and MD5 and Basic; takes any right answer.
 * - `/cookie/<file>`: 403 unless the request carries the cookie `session=<token>`.
 * - `/login?next=<path>`: sets `session=<token>` (Path=/, HttpOnly) and redirects to `next`.
 */
import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';

/** What the gate saw. */
export interface GateStats {
  /** 401 answers sent. */
  unauthorized: number;
  /** Requests let through after a login check. */
  authorized: number;
  /** Digest answers that were well-formed but wrong (bad hash, replayed nc, ...), with why. */
  rejected: string[];
  /** `nonce/nc` of every accepted Digest answer. */
  digestUses: string[];
}

export interface AuthGate {
  /** The `gate` hook of startTestServer: the file path to serve, or undefined when it has answered. */
  gate(req: http.IncomingMessage, res: http.ServerResponse, url: URL): string | undefined;
  stats: GateStats;
  /** Make every nonce issued so far stale: the next answer with one gets `stale=true`. */
  expireNonces(): void;
  /** The cookie value `/login` sets and `/cookie/` asks for. */
  readonly token: string;
}

type Algorithm = 'MD5' | 'MD5-sess' | 'SHA-256';
const BY_SEGMENT: Record<string, Algorithm> = { md5: 'MD5', 'md5-sess': 'MD5-sess', 'sha-256': 'SHA-256' };

function parseParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)) {
    out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  }
  return out;
}

const hex = (alg: Algorithm, s: string): string =>
  createHash(alg === 'SHA-256' ? 'sha256' : 'md5')
    .update(s)
    .digest('hex');

/** A gate for `user` / `password` in realm `realm`. */
export function createAuthGate(user: string, password: string, realm = 'ferry-test'): AuthGate {
  const stats: GateStats = { unauthorized: 0, authorized: 0, rejected: [], digestUses: [] };
  // nonce -> nonce counts used; `stale` ones get stale=true.
  const nonces = new Map<string, { used: Set<number>; stale: boolean }>();
  const token = randomBytes(8).toString('hex');

  const challenge = (alg: Algorithm, stale: boolean): string => {
    const nonce = randomBytes(12).toString('base64');
    nonces.set(nonce, { used: new Set(), stale: false });
    return `Digest realm="${realm}", qop="auth", algorithm=${alg}, nonce="${nonce}", opaque="op-${alg}"${stale ? ', stale=true' : ''}`;
  };

  function deny(res: http.ServerResponse, challenges: string[]): undefined {
    stats.unauthorized++;
    const text = 'login first';
    res.writeHead(401, { 'WWW-Authenticate': challenges, 'Content-Type': 'text/plain', 'Content-Length': text.length });
    res.end(text);
    return undefined;
  }

  function basicOk(header: string | undefined): boolean {
    const m = /^Basic +(.+)$/i.exec(header ?? '');
    return m !== null && Buffer.from(m[1], 'base64').toString('utf8') === `${user}:${password}`;
  }

  /** 'ok', 'stale' (right password, expired nonce) or 'bad'. */
  function digestCheck(header: string | undefined, target: string, allowed: Algorithm[]): 'ok' | 'stale' | 'bad' {
    const m = /^Digest +(.+)$/i.exec(header ?? '');
    if (m === null) return 'bad';
    const p = parseParams(m[1]);
    const alg = (p.algorithm ?? 'MD5') as Algorithm;
    const reject = (why: string): 'bad' => {
      stats.rejected.push(why);
      return 'bad';
    };
    if (!allowed.includes(alg)) return reject(`algorithm ${alg}`);
    const state = nonces.get(p.nonce ?? '');
    if (state === undefined) return reject('unknown nonce');
    if (p.username !== user || p.realm !== realm) return reject('user or realm');
    if (p.uri !== target) return reject(`uri ${p.uri} for ${target}`);
    if (p.qop !== 'auth' || p.cnonce === undefined || !/^[0-9a-f]{8}$/.test(p.nc ?? '')) return reject('qop, cnonce or nc');
    if (p.opaque !== `op-${alg}`) return reject('opaque');
    let ha1 = hex(alg, `${user}:${realm}:${password}`);
    if (alg === 'MD5-sess') ha1 = hex(alg, `${ha1}:${p.nonce}:${p.cnonce}`);
    const want = hex(alg, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${hex(alg, `GET:${target}`)}`);
    if (p.response !== want) return reject('response hash');
    const nc = Number.parseInt(p.nc ?? '', 16);
    if (state.used.has(nc)) return reject(`replayed nc ${p.nc}`);
    if (state.stale) return 'stale';
    state.used.add(nc);
    stats.digestUses.push(`${p.nonce}/${nc}`);
    return 'ok';
  }

  function gate(req: http.IncomingMessage, res: http.ServerResponse, url: URL): string | undefined {
    const path = url.pathname;
    const target = req.url ?? '/';
    const auth = req.headers.authorization;
    let m = /^\/basic(\/.*)$/.exec(path);
    if (m !== null) {
      if (!basicOk(auth)) return deny(res, [`Basic realm="${realm}"`]);
      stats.authorized++;
      return m[1];
    }
    m = /^\/digest\/([a-z0-9-]+)(\/.*)$/.exec(path);
    if (m !== null) {
      const alg = BY_SEGMENT[m[1]];
      const verdict = digestCheck(auth, target, [alg]);
      if (verdict !== 'ok') return deny(res, [challenge(alg, verdict === 'stale')]);
      stats.authorized++;
      return m[2];
    }
    m = /^\/digest-any(\/.*)$/.exec(path);
    if (m !== null) {
      const verdict = basicOk(auth) ? 'ok' : digestCheck(auth, target, ['SHA-256', 'MD5']);
      if (verdict !== 'ok') return deny(res, [challenge('MD5', verdict === 'stale'), challenge('SHA-256', verdict === 'stale'), `Basic realm="${realm}"`]);
      stats.authorized++;
      return m[1];
    }
    m = /^\/cookie(\/.*)$/.exec(path);
    if (m !== null) {
      const cookies = (req.headers.cookie ?? '').split(/; */);
      if (!cookies.includes(`session=${token}`)) {
        res.writeHead(403, { 'Content-Length': 0 });
        res.end();
        return undefined;
      }
      stats.authorized++;
      return m[1];
    }
    if (path === '/login') {
      res.writeHead(302, {
        Location: url.searchParams.get('next') ?? '/',
        'Set-Cookie': [`session=${token}; Path=/; HttpOnly`, 'visited=yes; Path=/; Expires=Wed, 21 Oct 2099 07:28:00 GMT'],
        'Content-Length': 0,
      });
      res.end();
      return undefined;
    }
    return path;
  }

  return {
    gate,
    stats,
    token,
    expireNonces() {
      for (const state of nonces.values()) state.stale = true;
    },
  };
}
