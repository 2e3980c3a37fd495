/**
 * The cookie jar of HTTP sources: RFC 6265 rules (domain, path, secure, expiry) from
 * `tough-cookie`, loaded on first use only (a download that meets no cookie never pays for it),
 * plus Netscape cookie files in and out (see core/cookie-file.ts). One jar may serve every source
 * of an engine, so the downloads of a queue share their cookies.
 */
import { readFileSync } from 'node:fs';
import type { Cookie, CookieJar } from 'tough-cookie';
import { type FileCookie, formatCookieFile, parseCookieFile } from '../../core/cookie-file.js';
import { FerryError } from '../../core/errors.js';
import { runTimeImport } from '../../run-time-import.js';

/** Cookies for requests, and from responses. */
export interface HttpCookies {
  /**
   * Read the Netscape cookie file `file` into the jar, once per file however often asked.
   * @throws FerryError USAGE for a file that cannot be read, naming it.
   */
  load(file: string): Promise<void>;
  /** The `Cookie` value for a request to `url`, or undefined when no cookie applies. */
  header(url: string): Promise<string | undefined>;
  /** Keep the cookies of a response's `Set-Cookie` fields (invalid ones are ignored, as browsers do). */
  store(url: string, setCookies: readonly string[]): Promise<void>;
  /** The jar as the text of a Netscape cookie file (unexpired cookies, session ones with expiry 0). */
  fileText(): Promise<string>;
}

function toFileCookie(c: Cookie): FileCookie | undefined {
  if (c.domain === null || c.domain === undefined) return undefined;
  const expires = c.expires instanceof Date ? Math.floor(c.expires.getTime() / 1000) : 0;
  return {
    domain: c.domain,
    includeSubdomains: c.hostOnly === false,
    path: c.path ?? '/',
    secure: c.secure,
    httpOnly: c.httpOnly,
    expires,
    name: c.key,
    value: c.value,
  };
}

/** A new, empty jar. `now` gives the time in ms (for the expiry of loaded cookies). */
export function createHttpCookies(now: () => number = Date.now): HttpCookies {
  let jar: Promise<{ jar: CookieJar; Cookie: typeof Cookie }> | undefined;
  const loads = new Map<string, Promise<void>>();
  const open = (): Promise<{ jar: CookieJar; Cookie: typeof Cookie }> => {
    jar ??= runTimeImport<typeof import('tough-cookie')>('tough-cookie').then((m) => ({ jar: new m.CookieJar(), Cookie: m.Cookie }));
    return jar;
  };

  async function loadFile(file: string): Promise<void> {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new FerryError('USAGE', `cannot read the cookie file ${file}: ${(err as Error).message}`, {
        hint: 'check the path given to --load-cookies',
        cause: err,
      });
    }
    const { jar: j, Cookie: C } = await open();
    const nowSec = now() / 1000;
    for (const fc of parseCookieFile(text).cookies) {
      if (fc.expires !== 0 && fc.expires <= nowSec) continue;
      const cookie = new C({
        key: fc.name,
        value: fc.value,
        domain: fc.domain,
        path: fc.path,
        secure: fc.secure,
        httpOnly: fc.httpOnly,
        hostOnly: !fc.includeSubdomains,
        expires: fc.expires === 0 ? 'Infinity' : new Date(fc.expires * 1000),
        creation: new Date(now()),
      });
      await j.store.putCookie(cookie);
    }
  }

  return {
    load(file) {
      let p = loads.get(file);
      if (p === undefined) {
        p = loadFile(file);
        loads.set(file, p);
      }
      return p;
    },
    async header(url) {
      if (jar === undefined) return undefined;
      const value = await (await jar).jar.getCookieString(url);
      return value === '' ? undefined : value;
    },
    async store(url, setCookies) {
      if (setCookies.length === 0) return;
      const { jar: j } = await open();
      for (const line of setCookies) await j.setCookie(line, url, { ignoreError: true });
    },
    async fileText() {
      const all = jar === undefined ? [] : await (await jar).jar.store.getAllCookies();
      const nowMs = now();
      const kept = all.filter((c) => c.TTL(nowMs) > 0).map(toFileCookie);
      return formatCookieFile(kept.filter((c): c is FileCookie => c !== undefined));
    },
  };
}
