/**
 * The options an input file may set, in one table: the aria2 key (also the RPC key), the
 * `DownloadOptions` field, ferry's own flags for the same option, how a value is read and how it
 * is written back. Reading and writing sit side by side so that whatever the session file writes
 * reads back to the same value.
 */
import { FerryError } from './errors.js';
import { normalizeOutputPath, STDOUT_OUT } from './filename.js';
import { readBoolean, readChecksum, readHeader, readInteger, readMilliseconds, readSize, readText } from './input-file-values.js';
import type { DownloadOptions } from './options.js';
import { MAX_CONNECTIONS } from './options.js';
import { readNoProxy, readProxyLogin, readProxyUrl, splitProxyUser } from './proxy-values.js';

/** One option of an input file. */
export interface OptionKey {
  /** aria2's key, used in `key=value` option lines. */
  readonly key: string;
  /** The field of DownloadOptions it sets. */
  readonly option: keyof DownloadOptions;
  /** ferry-format flags that take a value for this option (none for switches such as `-k`). */
  readonly flags: readonly string[];
  /**
   * Read one non-empty value into `options`; `name` is the key or flag as the user wrote it.
   * Repeatable keys (`header`) merge; the others replace an earlier value.
   * @throws FerryError USAGE naming `name`.
   */
  read(options: Partial<DownloadOptions>, value: string, name: string): void;
  /** The values to write for the option's value, one `key=value` line each (none for an empty record). */
  write(value: NonNullable<DownloadOptions[keyof DownloadOptions]>): string[];
}

/** An option with one value, read by `parse` and written by `format`. */
function single<K extends keyof DownloadOptions>(
  key: string,
  option: K,
  flags: readonly string[],
  parse: (value: string, name: string) => DownloadOptions[K],
  format: (value: DownloadOptions[K]) => string = String,
): OptionKey {
  return {
    key,
    option,
    flags,
    read: (options, value, name) => {
      options[option] = parse(value, name);
    },
    write: (value) => [format(value as DownloadOptions[K])],
  };
}

/** Milliseconds as aria2's whole seconds when possible, else exactly as `Nms`. */
const formatMilliseconds = (ms: number): string => (ms % 1000 === 0 ? String(ms / 1000) : `${ms}ms`);

/**
 * `out`: a path to a file, absolute or relative to the download directory, normalized
 * (`a/./b` -> `a/b`). `-` (standard output) is for one URL on the command line only.
 */
function readOut(value: string, name: string): string {
  if (value === STDOUT_OUT) {
    throw new FerryError('USAGE', `${name}: '-' (standard output) works only for one URL on the command line`, {
      hint: 'give a file name (./- for a file named -)',
    });
  }
  try {
    return normalizeOutputPath(value);
  } catch (e) {
    throw new FerryError('USAGE', `${name}: ${(e as Error).message}`);
  }
}

/** A password: like readText, but the value is never echoed in the message. */
function readSecret(name: string, value: string): string {
  if (/[^\P{Cc}\t\u0080-\u009f]/u.test(value)) throw new FerryError('USAGE', `${name} must not contain control characters`);
  return value;
}

/** `header`: repeatable; a repeated name (any case) replaces the earlier value. */
const HEADER_KEY: OptionKey = {
  key: 'header',
  option: 'headers',
  flags: ['-H', '--header'],
  read: (options, value, name) => {
    const [field, text] = readHeader(name, value);
    const kept = Object.entries(options.headers ?? {}).filter(([k]) => k.toLowerCase() !== field.toLowerCase());
    // fromEntries defines own properties, so even a `__proto__` header name is kept as a header.
    options.headers = Object.fromEntries([...kept, [field, text]]);
  },
  write: (value) => Object.entries(value as Record<string, string>).map(([k, v]) => (v === '' ? `${k}:` : `${k}: ${v}`)),
};

/**
 * `all-proxy-user` (aria2: the user alone); ferry's `--proxy-user USER[:PASS]` flag is curl's,
 * with the password after the first colon.
 */
const PROXY_USER_KEY: OptionKey = {
  key: 'all-proxy-user',
  option: 'proxyUser',
  flags: ['--proxy-user'],
  read: (options, value, name) => {
    if (!name.startsWith('--')) {
      options.proxyUser = readProxyLogin(name, value, 'a user name');
      return;
    }
    const { user, password } = splitProxyUser(name, value);
    options.proxyUser = user;
    if (password !== undefined) options.proxyPassword = password;
  },
  write: (value) => [String(value)],
};

/**
 * Every option of an input file, in the order a session file writes them. Options absent here
 * (`checkpointIntervalMs`) cannot be set from an input file.
 */
export const OPTION_KEYS: readonly OptionKey[] = [
  single('out', 'out', ['-o', '--output'], readOut),
  single('dir', 'dir', ['-d', '--dir'], (v, n) => readText(n, v)),
  single('split', 'connections', ['-n', '--concurrency', '--connections'], (v, n) => readInteger(n, v, 1, MAX_CONNECTIONS)),
  single('max-connection-per-server', 'maxConnectionsPerHost', ['--max-connections-per-host'], (v, n) => readInteger(n, v, 1)),
  single('min-split-size', 'minSplitSize', ['--min-split-size'], (v, n) => readSize(n, v, 1)),
  single('max-download-limit', 'limitRate', ['--limit-rate'], (v, n) => readSize(n, v, 0)),
  single('max-tries', 'maxTries', ['--max-tries'], (v, n) => readInteger(n, v, 0)),
  single('retry-wait', 'retryWaitMs', ['--retry-wait'], (v, n) => readMilliseconds(n, v, false), formatMilliseconds),
  single('timeout', 'timeoutMs', ['--timeout'], (v, n) => readMilliseconds(n, v, true), formatMilliseconds),
  single('connect-timeout', 'connectTimeoutMs', ['--connect-timeout'], (v, n) => readMilliseconds(n, v, true), formatMilliseconds),
  single(
    'checksum',
    'checksum',
    ['--checksum'],
    (v, n) => readChecksum(n, v),
    (c) => `${c?.algorithm}=${c?.hex}`,
  ),
  HEADER_KEY,
  single('user-agent', 'userAgent', ['-A', '--user-agent'], (v, n) => readText(n, v)),
  // aria2 says whether to check; ferry stores whether not to (`-k/--insecure` in ferry lines).
  single(
    'check-certificate',
    'insecure',
    [],
    (v, n) => !readBoolean(n, v),
    (insecure) => String(!insecure),
  ),
  single('ca-certificate', 'caCertificate', ['--ca-certificate'], (v, n) => readText(n, v)),
  single('max-redirects', 'maxRedirects', ['--max-redirects'], (v, n) => readInteger(n, v, 0)),
  // ferry's key (aria2 has none): follow a redirect from https to http.
  single('allow-downgrade', 'allowDowngrade', [], (v, n) => readBoolean(n, v)),
  // `--overwrite` in ferry lines.
  single('allow-overwrite', 'overwrite', [], (v, n) => readBoolean(n, v)),
  single('auto-file-renaming', 'autoFileRenaming', [], (v, n) => readBoolean(n, v)),
  // `-c/--continue` in ferry lines.
  single('continue', 'continuePartial', [], (v, n) => readBoolean(n, v)),
  single('ftp-user', 'ftpUser', ['--ftp-user'], (v, n) => readText(n, v)),
  // Written back as given: a session file of a download with a password holds that password.
  single('ftp-passwd', 'ftpPassword', ['--ftp-password'], (v, n) => readText(n, v)),
  // ferry's keys (aria2 has no FTPS): kept in session files so that a resumed download never
  // falls back to plain FTP.
  single('ftp-ssl', 'ftpSsl', [], (v, n) => readBoolean(n, v)),
  single('ftp-ssl-required', 'ftpSslRequired', [], (v, n) => readBoolean(n, v)),
  single('netrc-path', 'netrcPath', ['--netrc-file'], (v, n) => readText(n, v)),
  single('http-user', 'httpUser', ['--http-user'], (v, n) => readText(n, v)),
  // Written back as given, as aria2 does: session files are created 0600 for this reason.
  single('http-passwd', 'httpPassword', ['--http-passwd'], (v, n) => readSecret(n, v)),
  single('referer', 'referer', ['--referer'], (v, n) => readText(n, v)),
  single('load-cookies', 'loadCookies', ['--load-cookies'], (v, n) => readText(n, v)),
  single('save-cookies', 'saveCookies', ['--save-cookies'], (v, n) => readText(n, v)),
  single('all-proxy', 'allProxy', ['-x', '--all-proxy', '--proxy'], (v, n) => readProxyUrl(n, v)),
  single('http-proxy', 'httpProxy', ['--http-proxy'], (v, n) => readProxyUrl(n, v)),
  single('https-proxy', 'httpsProxy', ['--https-proxy'], (v, n) => readProxyUrl(n, v)),
  single('ftp-proxy', 'ftpProxy', ['--ftp-proxy'], (v, n) => readProxyUrl(n, v)),
  single('no-proxy', 'noProxy', ['--no-proxy', '--noproxy'], (v, n) => readNoProxy(n, v)),
  PROXY_USER_KEY,
  // Written back as given: a session file of a download through a proxy with a login holds it.
  single('all-proxy-passwd', 'proxyPassword', ['--proxy-password'], (v, n) => readProxyLogin(n, v, 'a password')),
  // aria2's per-scheme logins: ferry has one proxy login, so these read into it; they write
  // nothing (the login is written once, under all-proxy-user / all-proxy-passwd).
  ...(['http', 'https', 'ftp'] as const).flatMap((s) => [
    { ...single(`${s}-proxy-user`, 'proxyUser', [], (v, n) => readProxyLogin(n, v, 'a user name')), write: () => [] },
    { ...single(`${s}-proxy-passwd`, 'proxyPassword', [], (v, n) => readProxyLogin(n, v, 'a password')), write: () => [] },
  ]),
];

/** The option with aria2 key `key` (case-sensitive, as aria2), if any. */
export function findKey(key: string): OptionKey | undefined {
  return OPTION_KEYS.find((k) => k.key === key);
}

/** The option read by the ferry-format flag `flag` (`-o`, `--output`, ...), if any. */
export function findFlag(flag: string): OptionKey | undefined {
  return OPTION_KEYS.find((k) => k.flags.includes(flag));
}

/**
 * Read `value` for `spec` into `options`; `name` is the key or flag as written.
 * @throws FerryError USAGE, also for an empty value.
 */
export function readOption(spec: OptionKey, options: Partial<DownloadOptions>, value: string, name: string): void {
  if (value === '') throw new FerryError('USAGE', `${name} needs a value`);
  spec.read(options, value, name);
}

/** An aria2 RPC option value: a string, or several for a repeatable key (`header`). */
export type RpcOptionValue = string | string[];

/**
 * The reverse of reading: `options` as aria2 RPC options (`{ split: "16", header: [...] }`), from
 * the same table, so that what ferry sends a daemon reads back to the same options. Only options
 * that are set appear.
 * @throws FerryError USAGE naming the first option that has no RPC key (`fsync`,
 *   `checkpointIntervalMs`): a daemon could not be told about it.
 */
export function toRpcOptions(options: Partial<DownloadOptions>): Record<string, RpcOptionValue> {
  const out: Record<string, RpcOptionValue> = {};
  for (const [field, value] of Object.entries(options) as [keyof DownloadOptions, DownloadOptions[keyof DownloadOptions]][]) {
    if (value === undefined) continue;
    const spec = OPTION_KEYS.find((k) => k.option === field);
    if (spec === undefined)
      throw new FerryError('USAGE', `the option ${field} has no RPC key, so a daemon cannot be told about it`, {
        hint: 'give it to ferry daemon as a default instead',
      });
    const lines = spec.write(value);
    if (spec === HEADER_KEY) {
      if (lines.length > 0) out[spec.key] = lines;
    } else {
      out[spec.key] = lines[0];
    }
  }
  return out;
}
