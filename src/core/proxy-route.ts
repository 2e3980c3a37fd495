/**
 * Proxy selection, as curl does it: which proxy (if any) a URL goes through, from the explicit
 * proxy options and the environment's proxy variables. Pure: the environment is read at the edge
 * (the CLI, or the library caller) and handed in as a `ProxyEnv`.
 */
import { FerryError } from './errors.js';
import type { NetworkOptions } from './options.js';
import { noProxyMatches } from './proxy-no-proxy.js';

export { noProxyMatches } from './proxy-no-proxy.js';

/** The kinds of proxy ferry speaks. */
export type ProxyKind = 'http' | 'https' | 'socks4' | 'socks4a' | 'socks5' | 'socks5h';

/** A proxy to go through. No route (undefined) means a direct connection. */
export interface ProxyRoute {
  kind: ProxyKind;
  /** Host name or IP address (no brackets). */
  host: string;
  port: number;
  /** `host:port` for messages (IPv6 in brackets); never the credentials. */
  label: string;
  user?: string;
  password?: string;
}

/** The proxy variables of an environment (see `proxyEnvFrom`). */
export interface ProxyEnv {
  http?: string;
  https?: string;
  ftp?: string;
  all?: string;
  noProxy?: string;
}

/** The proxy options of a download (documented in NetworkOptions). */
export type ProxySettings = Pick<NetworkOptions, 'allProxy' | 'httpProxy' | 'httpsProxy' | 'ftpProxy' | 'noProxy' | 'proxyUser' | 'proxyPassword'>;

/** What a source is told by its owner besides its options: the environment's proxies, a debug log. */
export interface ConnectionContext {
  /** The environment's proxy variables; used below every explicit proxy option. */
  proxyEnv?: ProxyEnv;
  /** With `--debug`: one line per new connection, saying the route it took. */
  debug?: (line: string) => void;
  /**
   * The environment's extra CA file when Node did not load it at start (see `extraCaFileOf`): TLS
   * clients add it to the default roots, as Node adds NODE_EXTRA_CA_CERTS.
   */
  extraCaFile?: string;
}

/**
 * The variable the `ferry` command (dist/cli/ferry) moves NODE_EXTRA_CA_CERTS into before it
 * starts Node, so that Node does not parse the file and its own roots at every start.
 */
export const EXTRA_CA_VARIABLE = 'FERRY_EXTRA_CA_CERTS';

/** The extra CA file `env` hands on (an empty value is none, as for Node). */
export function extraCaFileOf(env: Record<string, string | undefined>): string | undefined {
  const file = env[EXTRA_CA_VARIABLE];
  return file === undefined || file === '' ? undefined : file;
}

/** The default port of each proxy kind (curl: 1080, except 443 for an HTTPS proxy). */
const DEFAULT_PORTS: Record<ProxyKind, number> = { http: 1080, https: 443, socks4: 1080, socks4a: 1080, socks5: 1080, socks5h: 1080 };

function firstSet(env: Record<string, string | undefined>, names: string[]): string | undefined {
  for (const name of names) {
    const v = env[name];
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * The proxy variables of `env`, read as curl reads them: `http_proxy` in lower case only (an
 * upper-case `HTTP_PROXY` can be set by a CGI request header), the others in lower case first,
 * then upper case.
 */
export function proxyEnvFrom(env: Record<string, string | undefined>): ProxyEnv {
  return {
    http: firstSet(env, PROXY_NAMES.http),
    https: firstSet(env, PROXY_NAMES.https),
    ftp: firstSet(env, PROXY_NAMES.ftp),
    all: firstSet(env, PROXY_NAMES.all),
    noProxy: firstSet(env, PROXY_NAMES.noProxy),
  };
}

/** The variables proxyEnvFrom reads, in the order it reads them. */
const PROXY_NAMES: Record<keyof ProxyEnv, string[]> = {
  http: ['http_proxy'],
  https: ['https_proxy', 'HTTPS_PROXY'],
  ftp: ['ftp_proxy', 'FTP_PROXY'],
  all: ['all_proxy', 'ALL_PROXY'],
  noProxy: ['no_proxy', 'NO_PROXY'],
};

/**
 * Only the variables of `env` a download's connections read (the proxy variables and
 * `EXTRA_CA_VARIABLE`), copied once: an engine's downloads then read a small plain object instead
 * of `process.env` (each read of which is a call into the C++ side: about 17 us per download of a
 * list).
 */
export function connectionVariables(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...Object.values(PROXY_NAMES).flat(), EXTRA_CA_VARIABLE]) {
    const v = env[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Read a proxy URL: `[scheme://][user[:password]@]host[:port]`; no scheme means `http://`.
 * `where` names the option or variable for messages.
 * @throws FerryError USAGE for an unknown scheme, a missing host or a bad port.
 */
export function parseProxyUrl(text: string, where: string): ProxyRoute {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new FerryError('USAGE', `${where}: not a valid proxy URL`, { hint: 'use [http|https|socks4|socks4a|socks5|socks5h]://host:port' });
  }
  const kind = u.protocol.slice(0, -1).toLowerCase();
  if (!(kind in DEFAULT_PORTS)) {
    throw new FerryError('USAGE', `${where}: unsupported proxy scheme "${kind}"`, { hint: 'use http, https, socks4, socks4a, socks5 or socks5h' });
  }
  if (u.hostname === '') throw new FerryError('USAGE', `${where}: the proxy URL names no host`);
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const port = u.port === '' ? DEFAULT_PORTS[kind as ProxyKind] : Number(u.port);
  const route: ProxyRoute = { kind: kind as ProxyKind, host, port, label: `${u.hostname}:${port}` };
  if (u.username !== '') route.user = decode(u.username);
  if (u.password !== '') route.password = decode(u.password);
  return route;
}

/** The scheme's option and variable: http, https and ftp (ftps goes as ftp does). */
function schemeKey(protocol: string): 'http' | 'https' | 'ftp' | undefined {
  if (protocol === 'http:') return 'http';
  if (protocol === 'https:') return 'https';
  if (protocol === 'ftp:' || protocol === 'ftps:') return 'ftp';
  return undefined;
}

/**
 * The route of `url`. The proxy is the first set of: the scheme's option (`httpProxy`, ...),
 * `allProxy`, the scheme's variable, `all_proxy`. An empty value means "no proxy" and stops the
 * search (as curl's `-x ""`). Hosts that match `noProxy` (else the `no_proxy` variable) go
 * direct, whichever way the proxy was given (curl's `--noproxy`). `proxyUser`/`proxyPassword`
 * replace credentials in the proxy URL.
 * @throws FerryError USAGE for a malformed proxy URL.
 */
export function proxyRouteFor(url: URL, settings: ProxySettings, env: ProxyEnv = {}): ProxyRoute | undefined {
  const key = schemeKey(url.protocol);
  if (key === undefined) return undefined;
  const optionName = { http: '--http-proxy', https: '--https-proxy', ftp: '--ftp-proxy' }[key];
  const candidates: [string | undefined, string][] = [
    [settings[`${key}Proxy`], optionName],
    [settings.allProxy, '--all-proxy'],
    // An empty variable counts as unset; an empty option means "no proxy".
    [env[key] || undefined, `${key}_proxy`],
    [env.all || undefined, 'all_proxy'],
  ];
  const found = candidates.find(([value]) => value !== undefined);
  if (found === undefined || found[0] === undefined || found[0].trim() === '') return undefined;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const defaultPort = { http: 80, https: 443, ftp: url.protocol === 'ftps:' ? 990 : 21 }[key];
  const port = url.port === '' ? defaultPort : Number(url.port);
  if (noProxyMatches(host, port, settings.noProxy ?? env.noProxy ?? '')) return undefined;
  const route = parseProxyUrl(found[0].trim(), found[1]);
  if (settings.proxyUser !== undefined) {
    route.user = settings.proxyUser;
    route.password = settings.proxyPassword ?? '';
  } else if (settings.proxyPassword !== undefined && route.user !== undefined) {
    route.password = settings.proxyPassword;
  }
  return route;
}

/** A key that tells routes apart (kind, address and login), for pooling connections by route. */
export function routeKey(route: ProxyRoute | undefined): string {
  if (route === undefined) return 'direct';
  return JSON.stringify([route.kind, route.host, route.port, route.user ?? null, route.password ?? null]);
}

/** `via socks5h proxy 127.0.0.1:1080` (`how`, when given, in parentheses); never the password. */
export function describeRoute(route: ProxyRoute | undefined, how?: string): string {
  if (route === undefined) return 'direct';
  const who = route.user === undefined ? '' : ` as ${route.user}`;
  return `via ${route.kind} proxy ${route.label}${who}${how === undefined ? '' : ` (${how})`}`;
}
