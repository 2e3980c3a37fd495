/**
 * The HTTP login of one source: which credentials, for which origin, and how to answer a 401.
 * Every connection of the source shares it, so a Digest challenge answered once serves every
 * later range request (with the nonce count going up) instead of costing a 401 each.
 */

import { FerryError } from '../../core/errors.js';
import { type AuthChoice, basicAuthorization, chooseChallenge, digestAuthorization, parseChallenges } from '../../core/http-auth.js';
import { cryptoModule } from '../../lazy-builtins.js';
import { lookupNetrc, type NetrcOptions } from '../netrc-lookup.js';

/** A user and password. */
export interface HttpCredentials {
  user: string;
  password: string;
}

/** Where credentials come from besides the URL. */
export interface HttpLoginOptions extends NetrcOptions {
  httpUser?: string;
  httpPassword?: string;
}

/** What a request carried, so that a 401 to it can be judged. */
export type SentAuth = { scheme: 'none' } | { scheme: 'basic' } | { scheme: 'digest'; nonce: string };

/** The most 401s answered for one request (Basic -> Digest, then a stale nonce): more is a refusal. */
export const MAX_AUTH_ANSWERS = 3;

const HOW = 'use --http-user/--http-passwd or --user';

/** The 401 of a server that wants credentials ferry does not have. */
export function needsLoginError(host: string): FerryError {
  return new FerryError('HTTP_STATUS', `${host}: the server needs a login: ${HOW} (HTTP 401)`, { status: 401 });
}

/** The 401 of a server that refused the credentials ferry sent. */
export function loginRefusedError(host: string): FerryError {
  return new FerryError('HTTP_STATUS', `${host}: the server refused the login: check the user and password (HTTP 401)`, {
    status: 401,
    hint: HOW,
  });
}

/** Percent-decode URL userinfo; a malformed escape is kept as written. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A URL host name as netrc names it: no port, no IPv6 brackets. */
const netrcHost = (u: URL): string => u.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * The login state for `origin` (the URL the user gave): credentials from its userinfo, else the
 * options, else (only when a server asks) the netrc entry for its host. Credentials given
 * explicitly are sent with Basic from the first request (as curl and aria2 do); netrc
 * credentials only once the server asked. Nothing is ever sent to another origin.
 */
export class HttpLogin {
  private readonly origin: string | undefined;
  private readonly explicit: { user?: string; password?: string };
  private credentials?: Promise<HttpCredentials | undefined>;
  /** The scheme in use once known; undefined: send nothing until a server asks. */
  private choice: AuthChoice | undefined;
  /** The last nonce count sent with the current Digest nonce. */
  private nc = 0;

  constructor(
    private readonly userUrl: URL | undefined,
    private readonly options: HttpLoginOptions,
    private readonly cnonce: () => string = () => cryptoModule().randomBytes(12).toString('hex'),
  ) {
    this.origin = userUrl?.origin;
    const urlUser = userUrl !== undefined && userUrl.username !== '' ? safeDecode(userUrl.username) : undefined;
    const urlPassword = urlUser !== undefined && userUrl?.password !== '' ? safeDecode(userUrl?.password ?? '') : undefined;
    const user = urlUser ?? options.httpUser;
    // A password given for another user is not used for this one.
    const password = urlPassword ?? (options.httpUser === undefined || options.httpUser === user ? options.httpPassword : undefined);
    this.explicit = { user, password };
    if (user !== undefined) this.choice = { scheme: 'basic' };
  }

  /** True for a URL of the origin these credentials belong to. */
  covers(u: URL): boolean {
    return u.origin === this.origin;
  }

  private resolve(): Promise<HttpCredentials | undefined> {
    this.credentials ??= (async () => {
      const { user, password } = this.explicit;
      if (user !== undefined && password !== undefined) return { user, password };
      if (this.userUrl === undefined) return undefined;
      const entry = await lookupNetrc(netrcHost(this.userUrl), this.options, user);
      const login = user ?? entry?.login;
      if (login === undefined) return undefined;
      const fromNetrc = entry !== undefined && (entry.login === undefined || entry.login === login) ? entry.password : undefined;
      return { user: login, password: fromNetrc ?? '' };
    })();
    return this.credentials;
  }

  /** The Authorization value for `GET target` on `u` and what it was, or none. */
  async authorization(u: URL, target: string): Promise<{ header?: string; sent: SentAuth }> {
    const choice = this.choice;
    if (!this.covers(u) || choice === undefined) return { sent: { scheme: 'none' } };
    const creds = await this.resolve();
    if (creds === undefined) return { sent: { scheme: 'none' } };
    if (choice.scheme === 'basic') return { header: basicAuthorization(creds.user, creds.password), sent: { scheme: 'basic' } };
    // Invariant: every request with one nonce gets its own, higher count (concurrent ones too).
    this.nc++;
    const header = digestAuthorization(choice.digest, { ...creds, method: 'GET', uri: target, nc: this.nc, cnonce: this.cnonce() });
    return { header, sent: { scheme: 'digest', nonce: choice.digest.nonce } };
  }

  /**
   * A 401 from this origin answered a request that carried `sent`: learn the challenge and say
   * whether to send the request again. Throws the one-line login error when there is nothing
   * better to send (no credentials, or the same ones refused).
   */
  async answer(wwwAuthenticate: string | undefined, sent: SentAuth, host: string): Promise<void> {
    const choice = chooseChallenge(parseChallenges(wwwAuthenticate));
    if (choice === undefined) {
      throw new FerryError('HTTP_STATUS', `${host}: the server asks for a login ferry cannot give (HTTP 401, no Basic or Digest challenge)`, {
        status: 401,
      });
    }
    const creds = await this.resolve();
    if (creds === undefined) throw needsLoginError(host);
    if (choice.scheme === 'basic') {
      if (sent.scheme === 'basic') throw loginRefusedError(host);
      if (this.choice?.scheme !== 'digest') this.choice = choice;
      return;
    }
    if (sent.scheme === 'digest' && !choice.digest.stale) {
      const current = this.choice?.scheme === 'digest' ? this.choice.digest.nonce : undefined;
      // Another connection learned a newer nonce meanwhile: try that one, else it is a refusal.
      if (current !== undefined && current !== sent.nonce) return;
      throw loginRefusedError(host);
    }
    if (this.choice?.scheme !== 'digest' || this.choice.digest.nonce !== choice.digest.nonce) {
      this.choice = choice;
      this.nc = 0;
    }
  }
}
