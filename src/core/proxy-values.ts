/**
 * Reading proxy option values (from the command line or an input file): one clear line for a
 * value that cannot be used.
 */
import { FerryError } from './errors.js';
import { parseProxyUrl } from './proxy-route.js';

/** No control characters (a value may hold a password, so it is not quoted back). */
function plain(name: string, value: string): string {
  if (/[\p{Cc}]/u.test(value)) throw new FerryError('USAGE', `${name} must not contain control characters`);
  return value;
}

/** A proxy URL, checked now so that a typo fails before any download; `""` means no proxy. */
export function readProxyUrl(name: string, value: string): string {
  const v = plain(name, value).trim();
  if (v !== '') parseProxyUrl(v, name);
  return v;
}

/** A no_proxy list (`""` allowed: every host goes through the proxy). */
export function readNoProxy(name: string, value: string): string {
  return plain(name, value).trim();
}

/** A proxy user or password (not empty). */
export function readProxyLogin(name: string, value: string, what: string): string {
  if (value === '') throw new FerryError('USAGE', `${name} needs ${what}`);
  return plain(name, value);
}

/**
 * curl's `--proxy-user USER[:PASSWORD]`: split at the first colon. The password part is
 * undefined when there is no colon.
 */
export function splitProxyUser(name: string, value: string): { user: string; password?: string } {
  const v = readProxyLogin(name, value, 'a user name');
  const colon = v.indexOf(':');
  if (colon < 0) return { user: v };
  if (colon === 0) throw new FerryError('USAGE', `${name} needs a user name before the colon`);
  return { user: v.slice(0, colon), password: v.slice(colon + 1) };
}
