import { describe, expect, it } from 'vitest';
import { isFerryError } from '../../src/core/errors.js';
import {
  connectionVariables,
  describeRoute,
  extraCaFileOf,
  noProxyMatches,
  type ProxyEnv,
  type ProxySettings,
  parseProxyUrl,
  proxyEnvFrom,
  proxyRouteFor,
} from '../../src/core/proxy-route.js';

/** The route of `url` as `kind://host:port` (or `direct`). */
function via(url: string, settings: ProxySettings = {}, env: ProxyEnv = {}): string {
  const r = proxyRouteFor(new URL(url), settings, env);
  return r === undefined ? 'direct' : `${r.kind}://${r.label}`;
}

describe('proxyEnvFrom: the variables as curl reads them', () => {
  it.each<[Record<string, string>, ProxyEnv]>([
    [{ http_proxy: 'a' }, { http: 'a' }],
    // Upper-case HTTP_PROXY is ignored (a CGI request can set it from a "Proxy:" header).
    [{ HTTP_PROXY: 'a' }, {}],
    [{ HTTPS_PROXY: 'b' }, { https: 'b' }],
    [{ https_proxy: 'low', HTTPS_PROXY: 'up' }, { https: 'low' }],
    [
      { ALL_PROXY: 'c', FTP_PROXY: 'f' },
      { all: 'c', ftp: 'f' },
    ],
    [
      { all_proxy: 'c', ftp_proxy: 'f' },
      { all: 'c', ftp: 'f' },
    ],
    [{ NO_PROXY: 'x', no_proxy: 'y' }, { noProxy: 'y' }],
  ])('%o', (env, want) => {
    const got = Object.fromEntries(Object.entries(proxyEnvFrom(env)).filter(([, v]) => v !== undefined));
    expect(got).toEqual(want);
    // The copy an engine keeps reads the same.
    expect(proxyEnvFrom(connectionVariables(env))).toEqual(proxyEnvFrom(env));
  });

  it('connectionVariables keeps every proxy variable, empty ones too, the extra CA file, and nothing else', () => {
    const env = {
      http_proxy: 'a',
      HTTP_PROXY: 'ignored-by-curl',
      https_proxy: 'b',
      HTTPS_PROXY: 'B',
      ftp_proxy: '',
      FTP_PROXY: 'F',
      all_proxy: 'c',
      ALL_PROXY: 'C',
      no_proxy: 'd',
      NO_PROXY: 'D',
      FERRY_EXTRA_CA_CERTS: '/etc/extra.pem',
      NODE_EXTRA_CA_CERTS: '/etc/node.pem',
      PATH: '/bin',
      HOME: '/root',
    };
    const { HTTP_PROXY: _, PATH: _p, HOME: _h, NODE_EXTRA_CA_CERTS: _n, ...kept } = env;
    expect(connectionVariables(env)).toEqual(kept);
    expect(proxyEnvFrom(connectionVariables(env))).toEqual(proxyEnvFrom(env));
    expect(extraCaFileOf(connectionVariables(env))).toBe('/etc/extra.pem');
  });

  it('extraCaFileOf: the file FERRY_EXTRA_CA_CERTS names; unset or empty is none', () => {
    expect(extraCaFileOf({ FERRY_EXTRA_CA_CERTS: '/x.pem' })).toBe('/x.pem');
    expect(extraCaFileOf({ FERRY_EXTRA_CA_CERTS: '' })).toBeUndefined();
    expect(extraCaFileOf({ NODE_EXTRA_CA_CERTS: '/x.pem' })).toBeUndefined();
  });
});

describe('proxyRouteFor: precedence', () => {
  const env: ProxyEnv = { http: 'envhttp:1', https: 'envhttps:2', ftp: 'envftp:3', all: 'envall:4' };
  it.each<[string, string, ProxySettings, ProxyEnv, string]>([
    ['nothing set', 'http://h/', {}, {}, 'direct'],
    ['scheme variable', 'http://h/', {}, env, 'http://envhttp:1'],
    ['https variable', 'https://h/', {}, env, 'http://envhttps:2'],
    ['ftp variable, also for ftps', 'ftps://h/', {}, env, 'http://envftp:3'],
    ['all_proxy when no scheme variable', 'https://h/', {}, { all: 'socks5h://s' }, 'socks5h://s:1080'],
    ['an empty variable counts as unset', 'http://h/', {}, { http: '', all: 'a:9' }, 'http://a:9'],
    ['--all-proxy beats every variable', 'http://h/', { allProxy: 'opt:5' }, env, 'http://opt:5'],
    ['the scheme option beats --all-proxy', 'https://h/', { allProxy: 'opt:5', httpsProxy: 'https://s' }, env, 'https://s:443'],
    ['another scheme option does not apply', 'http://h/', { httpsProxy: 's:1' }, env, 'http://envhttp:1'],
    ['an empty option means no proxy', 'http://h/', { allProxy: '' }, env, 'direct'],
    ['an empty scheme option beats --all-proxy', 'ftp://h/', { ftpProxy: '', allProxy: 'a:1' }, {}, 'direct'],
    ['no_proxy sends a host direct', 'http://h.lan/', {}, { ...env, noProxy: '.lan' }, 'direct'],
    ['no_proxy also for an explicit proxy (curl)', 'http://h.lan/', { allProxy: 'a:1' }, { noProxy: 'lan' }, 'direct'],
    ['--no-proxy replaces no_proxy', 'http://h.lan/', { noProxy: 'other' }, { ...env, noProxy: 'lan' }, 'http://envhttp:1'],
    ['--no-proxy "" replaces no_proxy', 'http://h.lan/', { noProxy: '' }, { ...env, noProxy: '*' }, 'http://envhttp:1'],
    ['no_proxy * sends every host direct', 'https://x.y/', {}, { ...env, noProxy: '*' }, 'direct'],
    ['unsupported URL schemes go direct', 'file:///x', { allProxy: 'a:1' }, {}, 'direct'],
  ])('%s', (_name, url, settings, e, want) => {
    expect(via(url, settings, e)).toBe(want);
  });

  it('takes the login from the URL, replaced by --proxy-user/--proxy-password', () => {
    expect(proxyRouteFor(new URL('http://h/'), { allProxy: 'http://a%40b:p%3Aw@p:1' })).toMatchObject({ user: 'a@b', password: 'p:w' });
    expect(proxyRouteFor(new URL('http://h/'), { allProxy: 'http://a:b@p:1', proxyUser: 'u', proxyPassword: 'v' })).toMatchObject({ user: 'u', password: 'v' });
    expect(proxyRouteFor(new URL('http://h/'), { allProxy: 'http://a:b@p:1', proxyPassword: 'v' })).toMatchObject({ user: 'a', password: 'v' });
    expect(proxyRouteFor(new URL('http://h/'), { allProxy: 'p:1', proxyUser: 'u' })).toMatchObject({ user: 'u', password: '' });
  });

  it('describes a route without its password', () => {
    const r = proxyRouteFor(new URL('http://h/'), { allProxy: 'socks5://ann:secret@127.0.0.1:1080' });
    expect(describeRoute(r, 'SOCKS5')).toBe('via socks5 proxy 127.0.0.1:1080 as ann (SOCKS5)');
    expect(describeRoute(r)).not.toContain('secret');
    expect(describeRoute(undefined)).toBe('direct');
  });
});

describe('parseProxyUrl', () => {
  it.each<[string, string, number]>([
    ['proxy', 'http', 1080],
    ['proxy:3128', 'http', 3128],
    ['http://proxy', 'http', 1080],
    ['HTTPS://proxy', 'https', 443],
    ['socks4://p', 'socks4', 1080],
    ['socks4a://p:9', 'socks4a', 9],
    ['socks5h://[::1]:7', 'socks5h', 7],
  ])('%s', (text, kind, port) => {
    expect(parseProxyUrl(text, '--all-proxy')).toMatchObject({ kind, port });
  });

  it.each([
    ['ftp://p', '--all-proxy: unsupported proxy scheme "ftp"'],
    ['http://p:99999', '--all-proxy: not a valid proxy URL'],
    ['http://', '--all-proxy: not a valid proxy URL'],
  ])('%s is refused in one line', (text, message) => {
    let err: unknown;
    try {
      parseProxyUrl(text, '--all-proxy');
    } catch (e) {
      err = e;
    }
    expect(isFerryError(err) && err.code === 'USAGE' && err.message).toBe(message);
  });
});

describe('noProxyMatches', () => {
  it.each<[string, number, string, boolean]>([
    ['example.com', 80, 'example.com', true],
    ['www.example.com', 80, 'example.com', true],
    ['www.example.com', 80, '.example.com', true],
    ['badexample.com', 80, 'example.com', false],
    ['EXAMPLE.com', 80, 'example.COM', true],
    ['example.com.', 80, 'example.com', true],
    ['a.b', 80, 'x, a.b ,y', true],
    ['a.b', 80, 'x a.b', true],
    ['anything', 1, '*', true],
    ['a.b', 80, '', false],
    ['10.1.2.3', 80, '10.0.0.0/8', true],
    ['11.1.2.3', 80, '10.0.0.0/8', false],
    ['192.168.1.200', 80, '192.168.1.128/25', true],
    ['192.168.1.100', 80, '192.168.1.128/25', false],
    ['127.0.0.1', 80, '127.0.0.1', true],
    ['127.0.0.2', 80, '127.0.0.1', false],
    ['::1', 80, '::1', true],
    ['::1', 80, '[::1]', true],
    ['fd00::5', 80, 'fd00::/8', true],
    ['fe80::5', 80, 'fd00::/8', false],
    ['::ffff:10.0.0.1', 80, '::ffff:10.0.0.0/120', true],
    ['10.0.0.1', 80, 'fd00::/8', false],
    ['host', 8080, 'host:8080', true],
    ['host', 8081, 'host:8080', false],
    ['::1', 8080, '[::1]:8080', true],
    ['::1', 80, '[::1]:8080', false],
    ['1.2.3.4', 80, '1.2.3.4/33', false],
  ])('%s:%i in "%s": %s', (host, port, list, want) => {
    expect(noProxyMatches(host, port, list)).toBe(want);
  });
});

describe('proxy keys of input files, session files and RPC', () => {
  it('aria2 keys read into the proxy options; the login is written back once, under all-proxy-user', async () => {
    const { parseInputFile } = await import('../../src/core/input-file.js');
    const { writeDownloadOptions } = await import('../../src/rpc/options.js');
    const text = 'http://h/a\n  all-proxy=socks5h://p:1080\n  no-proxy=.lan\n  https-proxy-user=ann\n  https-proxy-passwd=pw\n';
    const options = parseInputFile(text, 'list.txt').entries[0].options;
    expect(options).toEqual({ allProxy: 'socks5h://p:1080', noProxy: '.lan', proxyUser: 'ann', proxyPassword: 'pw' });
    expect(writeDownloadOptions(options)).toEqual({ 'all-proxy': 'socks5h://p:1080', 'no-proxy': '.lan', 'all-proxy-user': 'ann', 'all-proxy-passwd': 'pw' });
  });

  it('a bad proxy URL in an input file is one line naming the key', async () => {
    const { parseInputFile } = await import('../../src/core/input-file.js');
    expect(() => parseInputFile('http://h/a\n  http-proxy=gopher://p\n', 'list.txt')).toThrow(/^list\.txt:2: http-proxy: unsupported proxy scheme "gopher"$/);
  });
});
