/**
 * The options of the protocols (HTTP and TLS, FTP, proxies) and of the display. Order within a
 * group is the order of `--help`.
 */

import { COMPLETION_SHELLS, hasBadFieldChar, header, type OptionSpec, q, secretText, text, usage, userAndPassword } from './cli-option-spec.js';
import { readInteger, readMilliseconds } from './input-file-values.js';
import { DEFAULT_OPTIONS } from './options.js';
import { readNoProxy, readProxyLogin, readProxyUrl, splitProxyUser } from './proxy-values.js';

const D = DEFAULT_OPTIONS;

export const PROTOCOL_OPTIONS: readonly OptionSpec[] = [
  {
    names: ['--connect-timeout'],
    value: 'SECONDS',
    group: 'Retries and timeouts',
    help: 'time allowed to connect',
    default: String(D.connectTimeoutMs / 1000),
    apply: (a, v, f) => {
      a.options.connectTimeoutMs = readMilliseconds(f, v, true);
    },
  },
  { names: ['-H', '--header'], value: "'NAME: VALUE'", group: 'HTTP and TLS', help: 'send a header (repeatable)', apply: header },
  {
    names: ['-A', '--user-agent'],
    value: 'UA',
    group: 'HTTP and TLS',
    help: 'User-Agent',
    default: D.userAgent,
    apply: (a, v, f) => {
      if (hasBadFieldChar(v)) throw usage(`${f} needs a user agent without control characters, got ${q(v)}`);
      a.options.userAgent = text(f, v, 'a user agent');
    },
  },
  {
    names: ['--max-redirects'],
    value: 'N',
    group: 'HTTP and TLS',
    help: 'follow at most N',
    default: String(D.maxRedirects),
    apply: (a, v, f) => {
      a.options.maxRedirects = readInteger(f, v, 0);
    },
  },
  {
    names: ['--allow-downgrade'],
    group: 'HTTP and TLS',
    help: 'follow redirects from https to http',
    apply: (a) => {
      a.options.allowDowngrade = true;
    },
  },
  {
    names: ['-k', '--insecure'],
    group: 'HTTP and TLS',
    help: 'do not verify TLS certificates',
    apply: (a) => {
      a.options.insecure = true;
    },
  },
  {
    names: ['--ca-certificate'],
    value: 'FILE',
    group: 'HTTP and TLS',
    help: 'also trust the CAs in FILE (PEM)',
    apply: (a, v, f) => {
      a.options.caCertificate = text(f, v, 'a file name');
    },
  },
  {
    names: ['--http-user'],
    value: 'USER',
    group: 'HTTP and TLS',
    help: 'HTTP login user (Basic or Digest)',
    apply: (a, v, f) => {
      a.options.httpUser = text(f, v, 'a user name');
    },
  },
  {
    names: ['--http-passwd'],
    value: 'PASS',
    group: 'HTTP and TLS',
    help: 'HTTP password',
    default: 'from netrc',
    apply: (a, v, f) => {
      a.options.httpPassword = secretText(f, v, 'a password');
    },
  },
  {
    names: ['--user'],
    value: 'USER:PASS',
    group: 'HTTP and TLS',
    help: 'HTTP login, as curl -u and wget --user',
    apply: userAndPassword,
  },
  {
    names: ['--referer'],
    value: 'URL',
    group: 'HTTP and TLS',
    help: "send Referer: URL; '*': the URL each\nrequest came from (redirects)",
    apply: (a, v, f) => {
      if (hasBadFieldChar(v)) throw usage(`${f} needs a URL without control characters, got ${q(v)}`);
      a.options.referer = text(f, v, 'a URL or *');
    },
  },
  {
    names: ['--load-cookies'],
    value: 'FILE',
    group: 'HTTP and TLS',
    help: 'cookies from FILE (Netscape format)',
    apply: (a, v, f) => {
      a.options.loadCookies = text(f, v, 'a file name');
    },
  },
  {
    names: ['--save-cookies'],
    value: 'FILE',
    group: 'HTTP and TLS',
    help: 'write the cookies to FILE at the end',
    apply: (a, v, f) => {
      a.options.saveCookies = text(f, v, 'a file name');
    },
  },
  {
    names: ['--ftp-user'],
    value: 'USER',
    group: 'FTP',
    help: 'FTP user',
    default: 'netrc or anonymous',
    apply: (a, v, f) => {
      a.options.ftpUser = text(f, v, 'a user name');
    },
  },
  {
    names: ['--ftp-password'],
    value: 'PASS',
    group: 'FTP',
    help: 'FTP password',
    default: 'from netrc',
    apply: (a, v, f) => {
      a.options.ftpPassword = text(f, v, 'a password');
    },
  },
  {
    names: ['--ftp-ssl'],
    group: 'FTP',
    help: 'TLS on ftp:// when the server offers it',
    apply: (a) => {
      a.options.ftpSsl = true;
    },
  },
  {
    names: ['--ftp-ssl-required'],
    group: 'FTP',
    help: 'TLS on ftp://, or fail',
    apply: (a) => {
      a.options.ftpSslRequired = true;
    },
  },
  {
    names: ['--netrc-file'],
    value: 'FILE',
    group: 'FTP',
    help: 'FTP and HTTP logins',
    default: '~/.netrc',
    apply: (a, v, f) => {
      a.options.netrcPath = text(f, v, 'a file name');
    },
  },
  {
    // -x is curl's proxy (aria2's -x, max connections per server, is --max-connections-per-host).
    names: ['-x', '--all-proxy', '--proxy'],
    value: 'URL',
    group: 'Proxy',
    help: 'proxy for all URLs; "" for none\n[SCHEME://][USER:PASS@]HOST[:PORT] with\nSCHEME http, https, socks4, socks4a,\nsocks5, socks5h (default: $all_proxy)',
    apply: (a, v, f) => {
      a.options.allProxy = readProxyUrl(f, v);
    },
  },
  {
    names: ['--http-proxy'],
    value: 'URL',
    group: 'Proxy',
    help: 'proxy for http:// ($http_proxy)',
    apply: (a, v, f) => {
      a.options.httpProxy = readProxyUrl(f, v);
    },
  },
  {
    names: ['--https-proxy'],
    value: 'URL',
    group: 'Proxy',
    help: 'proxy for https:// ($https_proxy)',
    apply: (a, v, f) => {
      a.options.httpsProxy = readProxyUrl(f, v);
    },
  },
  {
    names: ['--ftp-proxy'],
    value: 'URL',
    group: 'Proxy',
    help: 'proxy for ftp:// and ftps://\n(default: $ftp_proxy)',
    apply: (a, v, f) => {
      a.options.ftpProxy = readProxyUrl(f, v);
    },
  },
  {
    names: ['--no-proxy', '--noproxy'],
    value: 'LIST',
    group: 'Proxy',
    help: 'hosts that go direct: suffixes, IPs,\nCIDR, HOST:PORT, * (default: $no_proxy)',
    apply: (a, v, f) => {
      a.options.noProxy = readNoProxy(f, v);
    },
  },
  {
    names: ['--proxy-user'],
    value: 'USER[:PASS]',
    group: 'Proxy',
    help: 'proxy login (Basic, SOCKS5 user/pass)',
    apply: (a, v, f) => {
      const { user, password } = splitProxyUser(f, v);
      a.options.proxyUser = user;
      if (password !== undefined) a.options.proxyPassword = password;
    },
  },
  {
    names: ['--proxy-password'],
    value: 'PASS',
    group: 'Proxy',
    help: 'the proxy password',
    apply: (a, v, f) => {
      a.options.proxyPassword = readProxyLogin(f, v, 'a password');
    },
  },
  {
    names: ['-q', '--quiet'],
    group: 'Display',
    help: 'print errors only',
    apply: (a) => {
      a.quiet = true;
    },
  },
  {
    names: ['--json'],
    group: 'Display',
    help: 'print events as JSON lines',
    apply: (a) => {
      a.json = true;
    },
  },
  {
    names: ['--debug'],
    group: 'Display',
    help: 'print details and stack traces',
    apply: (a) => {
      a.debug = true;
    },
  },
  {
    names: ['--completion'],
    value: 'SHELL',
    choices: COMPLETION_SHELLS,
    group: 'Display',
    help: 'print a completion script: bash, zsh or fish',
    apply: (a, v, f) => {
      const shell = COMPLETION_SHELLS.find((c) => c === v);
      if (shell === undefined) throw usage(`${f} needs bash, zsh or fish, got ${q(v)}`);
      a.completion = shell;
    },
  },
  {
    names: ['-h', '--help'],
    group: 'Display',
    help: 'show this help',
    apply: (a) => {
      a.help = true;
    },
  },
  {
    names: ['-V', '--version'],
    group: 'Display',
    help: 'show the version',
    apply: (a) => {
      a.version = true;
    },
  },
];
