/**
 * Every option of the `ferry` command line, one entry each: its names, value, help section and
 * text, default, and how it is stored. The one source of parsing (args.ts), `--help` (help.ts),
 * completion (completion.ts) and the man page (man.ts). Pure.
 */
import { FerryError } from '../core/errors.js';
import { normalizeOutputPath, STDOUT_OUT } from '../core/filename.js';
import { readBoolean, readChecksum, readHeader, readInteger, readMilliseconds, readSize } from '../core/input-file-values.js';
import { DEFAULT_OPTIONS, MAX_CONNECTIONS } from '../core/options.js';
import { readNoProxy, readProxyLogin, readProxyUrl, splitProxyUser } from '../core/proxy-values.js';
import { formatBytes } from '../core/units.js';
import type { ParsedArgs } from './args.js';

/** A section of `--help` and of the man page. */
export type Group = 'Input' | 'Queue' | 'Output' | 'Connections' | 'Retries and timeouts' | 'HTTP and TLS' | 'FTP' | 'Proxy' | 'Display';

/** The sections in the order `--help` and the man page show them. */
export const GROUPS: readonly Group[] = ['Input', 'Queue', 'Output', 'Connections', 'Retries and timeouts', 'HTTP and TLS', 'FTP', 'Proxy', 'Display'];

/** The shells `--completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** One option: the single source of its parsing, its help line, its completion and its man page entry. */
export interface OptionSpec {
  /** Short names first (if any), then long names; the first long name is the canonical one. */
  names: readonly string[];
  /** Placeholder shown in help; absent for a flag that takes no value. FILE and DIR complete as paths. */
  value?: string;
  /** A flag that may also take a value after `=` (`--flag` or `--flag=VALUE`, never a separate word). */
  optionalValue?: string;
  /** The only values accepted, offered by completion. */
  choices?: readonly string[];
  group: Group;
  /** One or more lines of help (split on `\n`), without the default. */
  help: string;
  /** The default as help shows it (`(default: ...)`); absent when there is none worth saying. */
  default?: string;
  /** Store the option; `flag` is the spelling the user typed, for messages. */
  apply(args: ParsedArgs, value: string, flag: string): void;
}

export const usage = (message: string): FerryError => new FerryError('USAGE', message);

/** A user's value for a one-line message: control characters escaped, long values cut. */
export function esc(value: string): string {
  // \p{Cc}: C0 controls, DEL and C1 controls.
  const escaped = value.replace(/[\p{Cc}\u2028\u2029]/gu, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > 80 ? `${escaped.slice(0, 77)}...` : escaped;
}

/** A user's value, quoted and escaped for a message. */
export const q = (value: string): string => `'${esc(value)}'`;

/** True when `value` holds a control character that may not appear in a header value (tab is allowed). */
function hasBadFieldChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

function header(args: ParsedArgs, value: string, flag: string): void {
  const [name, headerValue] = readHeader(flag, value);
  const headers = { ...args.options.headers };
  // Header names are case-insensitive: a repeated name replaces the earlier one.
  for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
  headers[name] = headerValue;
  args.options.headers = headers;
}

function text(flag: string, value: string, what: string): string {
  if (value === '' || /[\r\n\0]/.test(value)) throw usage(`${flag} needs ${what}, got ${q(value)}`);
  return value;
}

/** A secret value: checked like `text`, but never echoed in the message. */
function secretText(flag: string, value: string, what: string): string {
  if (/[\r\n\0]/.test(value)) throw usage(`${flag} needs ${what} without line breaks or NUL characters`);
  return value;
}

/** `--user USER:PASS` (curl and wget spelling): the user up to the first `:`, the password after it. */
function userAndPassword(args: ParsedArgs, value: string, flag: string): void {
  const colon = value.indexOf(':');
  const user = colon < 0 ? value : value.slice(0, colon);
  if (user === '') throw usage(`${flag} needs USER:PASSWORD with a user name before the ':'`);
  args.options.httpUser = secretText(flag, user, 'a user name');
  if (colon >= 0) args.options.httpPassword = secretText(flag, value.slice(colon + 1), 'a password');
}

const D = DEFAULT_OPTIONS;

/** Every option ferry accepts. Order within a group is the order of `--help`. */
export const OPTIONS: readonly OptionSpec[] = [
  {
    names: ['-u', '--url'],
    value: 'URL',
    group: 'Input',
    help: 'a URL to download (repeatable)',
    apply: (a, v, f) => {
      a.urls.push(text(f, v, 'a URL'));
    },
  },
  {
    names: ['-i', '--input-file'],
    value: 'FILE',
    group: 'Input',
    help: 'read more URLs from FILE',
    apply: (a, v, f) => {
      a.inputFile = text(f, v, 'a file name');
    },
  },
  {
    names: ['-j', '--max-concurrent-downloads'],
    value: 'N',
    group: 'Queue',
    help: 'downloads at once',
    default: '3',
    apply: (a, v, f) => {
      a.maxActive = readInteger(f, v, 1, 1000);
    },
  },
  {
    names: ['--max-overall-download-limit'],
    value: 'SIZE',
    group: 'Queue',
    help: 'at most SIZE/s over all downloads',
    apply: (a, v, f) => {
      a.overallLimit = readSize(f, v, 0);
    },
  },
  {
    names: ['--save-session'],
    value: 'FILE',
    group: 'Queue',
    help: 'keep unfinished downloads in FILE',
    apply: (a, v, f) => {
      a.saveSession = text(f, v, 'a file name');
    },
  },
  {
    names: ['-o', '--output'],
    value: 'FILE',
    group: 'Output',
    help: 'save as FILE; - for stdout (one URL)',
    apply: (a, v) => {
      a.options.out = v === STDOUT_OUT ? STDOUT_OUT : normalizeOutputPath(v);
    },
  },
  {
    names: ['-d', '--dir'],
    value: 'DIR',
    group: 'Output',
    help: 'save into DIR',
    default: D.dir,
    apply: (a, v, f) => {
      a.options.dir = text(f, v, 'a directory');
    },
  },
  {
    names: ['-O', '--remote-name'],
    group: 'Output',
    help: "use the server's file name (as always)",
    apply: () => {
      // curl's -O: ferry already takes the name from the server unless -o says otherwise.
    },
  },
  {
    names: ['--overwrite'],
    group: 'Output',
    help: 'replace an existing file',
    apply: (a) => {
      a.options.overwrite = true;
    },
  },
  {
    names: ['-c', '--continue'],
    group: 'Output',
    help: 'continue a partial file made elsewhere',
    apply: (a) => {
      a.options.continuePartial = true;
    },
  },
  {
    names: ['--auto-file-renaming'],
    optionalValue: 'true|false',
    group: 'Output',
    help: 'a taken name: save as NAME.1;\n=false: fail instead',
    default: 'true',
    apply: (a, v, f) => {
      a.options.autoFileRenaming = v === '' ? true : readBoolean(f, v);
    },
  },
  {
    names: ['--no-fsync'],
    group: 'Output',
    help: 'skip disk syncs (unsafe on power cut)',
    apply: (a) => {
      a.options.fsync = false;
    },
  },
  {
    names: ['--checksum'],
    value: 'ALGO=HEX',
    group: 'Output',
    help: 'verify: sha-256, sha-1, md5 or sha-512',
    apply: (a, v, f) => {
      a.options.checksum = readChecksum(f, v);
    },
  },
  {
    names: ['-n', '-s', '--concurrency', '--connections', '--split'],
    value: 'N',
    group: 'Connections',
    help: `connections per file, 1-${MAX_CONNECTIONS}`,
    default: String(D.connections),
    apply: (a, v, f) => {
      a.options.connections = readInteger(f, v, 1, MAX_CONNECTIONS);
    },
  },
  {
    names: ['--max-connections-per-host'],
    value: 'N',
    group: 'Connections',
    help: 'per host, all files',
    default: String(D.maxConnectionsPerHost),
    apply: (a, v, f) => {
      a.options.maxConnectionsPerHost = readInteger(f, v, 1);
    },
  },
  {
    names: ['--min-split-size'],
    value: 'SIZE',
    group: 'Connections',
    help: 'smallest split',
    default: formatBytes(D.minSplitSize),
    apply: (a, v, f) => {
      a.options.minSplitSize = readSize(f, v, 1);
    },
  },
  {
    names: ['--limit-rate'],
    value: 'SIZE',
    group: 'Connections',
    help: 'at most SIZE per second, e.g. 500k, 2M',
    apply: (a, v, f) => {
      a.options.limitRate = readSize(f, v, 0);
    },
  },
  {
    names: ['-t', '--max-tries', '--tries'],
    value: 'N',
    group: 'Retries and timeouts',
    help: 'per request, 0 = unlimited',
    default: String(D.maxTries),
    apply: (a, v, f) => {
      a.options.maxTries = readInteger(f, v, 0);
    },
  },
  {
    names: ['--retry-wait'],
    value: 'SECONDS',
    group: 'Retries and timeouts',
    help: 'first wait between tries',
    default: String(D.retryWaitMs / 1000),
    apply: (a, v, f) => {
      a.options.retryWaitMs = readMilliseconds(f, v, false);
    },
  },
  {
    names: ['-T', '--timeout'],
    value: 'SECONDS',
    group: 'Retries and timeouts',
    help: 'connect and stall timeout in one\n(--connect-timeout wins)',
    default: String(D.timeoutMs / 1000),
    apply: (a, v, f) => {
      a.options.timeoutMs = readMilliseconds(f, v, true);
    },
  },
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

/** Every option name (`-n`, `--connections`, ...), for completion and tests. */
export const OPTION_NAMES: readonly string[] = OPTIONS.flatMap((o) => o.names);
