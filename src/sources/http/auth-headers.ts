/**
 * What each request of an HTTP source carries for its user besides the fixed headers: the login
 * (Authorization, for the user's origin only), the cookies of the jar, and the Referer. It also
 * takes in what responses give back: cookies, and 401 challenges.
 */
import { HttpLogin, type HttpLoginOptions, loginRefusedError, MAX_AUTH_ANSWERS, type SentAuth } from './auth.js';
import type { HttpCookies } from './cookies.js';

/** The options that shape these headers. */
export interface AuthHeaderOptions extends HttpLoginOptions {
  referer?: string;
  loadCookies?: string;
}

/**
 * The origin-form request target of `u` (`/path?query`), as requestHead() writes it: Digest's
 * `uri` must name exactly the target sent.
 */
export function requestTarget(u: URL): string {
  return `${u.pathname === '' ? '/' : u.pathname}${u.search}`;
}

/** `url` parsed, or undefined when it does not parse (one parse: no `canParse` first). */
export function parsedUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** `url` fit for a Referer: no userinfo, no fragment (RFC 9110 section 10.1.3). */
function refererText(url: string): string | undefined {
  const u = parsedUrl(url);
  if (u === undefined) return undefined;
  u.username = '';
  u.password = '';
  u.hash = '';
  return u.href;
}

/**
 * The request headers of one source for its user. `userUrl` is the URL the user gave: its origin
 * alone gets the login. The user's own `Authorization` header (from `-H`) wins over the login.
 */
export class AuthHeaders {
  readonly login: HttpLogin;
  /** For `--referer '*'`: the URL each redirect target was reached from. */
  private readonly cameFrom = new Map<string, string>();

  /** @param userUrl the URL the user gave, parsed (undefined when it does not parse). */
  constructor(
    userUrl: URL | undefined,
    private readonly options: AuthHeaderOptions,
    private readonly cookies: HttpCookies,
  ) {
    this.login = new HttpLogin(userUrl, options);
  }

  /** Remember that `to` was reached by a redirect from `from` (for `--referer '*'`). */
  redirected(from: URL, to: URL): void {
    this.cameFrom.set(to.href, from.href);
  }

  /** The Referer for a request to `u`, or undefined. Never from https to http. */
  private referer(u: URL): string | undefined {
    const option = this.options.referer;
    if (option === undefined || option === '') return undefined;
    const from = option === '*' ? (this.cameFrom.get(u.href) ?? u.href) : option;
    const text = refererText(from);
    if (text === undefined || (text.startsWith('https:') && u.protocol === 'http:')) return undefined;
    return text;
  }

  /** Add the login, cookies and Referer for `GET target` on `u` to `headers`; returns what login was sent. */
  async decorate(u: URL, target: string, headers: Record<string, string>): Promise<SentAuth> {
    if (this.options.loadCookies !== undefined) await this.cookies.load(this.options.loadCookies);
    const jar = await this.cookies.header(u.href);
    if (jar !== undefined) headers.cookie = headers.cookie === undefined ? jar : `${headers.cookie}; ${jar}`;
    const referer = this.referer(u);
    if (referer !== undefined && headers.referer === undefined) headers.referer = referer;
    if (headers.authorization !== undefined) return { scheme: 'none' };
    const { header, sent } = await this.login.authorization(u, target);
    if (header !== undefined) headers.authorization = header;
    return sent;
  }

  /**
   * Take in a response to a request to `u` that carried `sent`: keep its cookies; for a 401 from
   * the login's origin, learn the challenge. True: send the request again (with the new login).
   * Throws the one-line login error when sending again would not help.
   * @param answers 401s already answered for this request
   */
  async received(u: URL, status: number, headers: Record<string, string>, sent: SentAuth, userAuthorization: boolean, answers: number): Promise<boolean> {
    const setCookie = headers['set-cookie'];
    if (setCookie !== undefined) await this.cookies.store(u.href, setCookie.split('\n'));
    if (status !== 401 || userAuthorization || !this.login.covers(u)) return false;
    if (answers >= MAX_AUTH_ANSWERS) throw loginRefusedError(u.host);
    await this.login.answer(headers['www-authenticate'], sent, u.host);
    return true;
  }
}
