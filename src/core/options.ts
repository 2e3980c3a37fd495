/**
 * Every option of a download, with its default, its command-line flag and its RPC key, in one place.
 * The same names are used by the library, the CLI, input files and the RPC interface.
 */

/** `algorithm=hex`, algorithm one of sha-256, sha-1, md5 (also sha-512). */
export interface Checksum {
  algorithm: 'sha-256' | 'sha-1' | 'md5' | 'sha-512';
  hex: string;
}

/** Options that reach a Source (network behaviour). */
export interface NetworkOptions {
  /** Extra request headers, `Name: value` pairs. CLI `-H/--header` (repeatable); RPC `header`. */
  headers: Record<string, string>;
  /** CLI `--user-agent`; RPC `user-agent`. */
  userAgent: string;
  /** Abort a connection that receives no bytes for this long (ms). CLI `--timeout` (s); RPC `timeout`. */
  timeoutMs: number;
  /** TCP/TLS connect timeout (ms). CLI `--connect-timeout` (s); RPC `connect-timeout`. */
  connectTimeoutMs: number;
  /** Skip TLS certificate verification. CLI `--insecure`/`-k`; RPC `check-certificate=false`. */
  insecure: boolean;
  /** PEM file with extra CA certificates. CLI `--ca-certificate`; RPC `ca-certificate`. */
  caCertificate?: string;
  /** Maximum redirects followed. CLI `--max-redirects`; RPC `max-redirects`. */
  maxRedirects: number;
  /**
   * Follow a redirect from https to plain http (refused by default: the rest of the exchange
   * would not be encrypted). CLI `--allow-downgrade`; RPC `allow-downgrade`. Default false.
   */
  allowDowngrade: boolean;
  /**
   * FTP user when the URL names none. CLI `--ftp-user`; RPC `ftp-user`.
   * Default: the netrc entry for the host, else `anonymous`.
   */
  ftpUser?: string;
  /**
   * FTP password when the URL gives none (used with `ftpUser`, or with the URL's user when
   * `ftpUser` is not given). CLI `--ftp-password`; RPC `ftp-passwd`. Default: the netrc entry,
   * else `ferry@` for anonymous logins.
   */
  ftpPassword?: string;
  /**
   * Upgrade `ftp://` control and data connections to TLS with AUTH TLS when the server offers it
   * (plain FTP when it does not). CLI `--ftp-ssl`; RPC `ftp-ssl`. Default false.
   */
  ftpSsl: boolean;
  /**
   * Like `ftpSsl`, but a server that refuses TLS is an error: no credentials or data ever go in
   * the clear. CLI `--ftp-ssl-required`; RPC `ftp-ssl-required`. Default false.
   * (`ftps://` URLs always use implicit TLS, whatever these two say.)
   */
  ftpSslRequired: boolean;
  /** netrc file with FTP and HTTP credentials by host. CLI `--netrc-file`; RPC `netrc-path`. Default `~/.netrc` (when it exists). */
  netrcPath?: string;
  /**
   * HTTP(S) user (Basic or Digest) when the URL names none; sent to the URL's origin only.
   * CLI `--http-user` or `--user USER:PASS`; RPC `http-user`. Default: the netrc entry for the host.
   */
  httpUser?: string;
  /** HTTP(S) password. CLI `--http-passwd` or `--user USER:PASS`; RPC `http-passwd`. Default: the netrc entry. */
  httpPassword?: string;
  /**
   * The `Referer` sent; `*` sends the URL each request came from (the download's own URL first,
   * then each redirect's source). CLI `--referer`; RPC `referer`.
   */
  referer?: string;
  /** Netscape-format cookie file read before the first request. CLI `--load-cookies`; RPC `load-cookies`. */
  loadCookies?: string;
  /** Where the cookies are written (Netscape format, mode 0600) when the download ends. CLI `--save-cookies`; RPC `save-cookies`. */
  saveCookies?: string;
  /**
   * Proxy for every scheme, `[http|https|socks4|socks4a|socks5|socks5h://][user:pass@]host[:port]`
   * (no scheme: http); `""` means no proxy. Below the per-scheme options, above the environment.
   * CLI `--all-proxy`, `-x/--proxy`; RPC `all-proxy`. Default: the environment (`all_proxy`).
   */
  allProxy?: string;
  /** Proxy for http URLs. CLI `--http-proxy`; RPC `http-proxy`. Default: `http_proxy`. */
  httpProxy?: string;
  /** Proxy for https URLs. CLI `--https-proxy`; RPC `https-proxy`. Default: `https_proxy`/`HTTPS_PROXY`. */
  httpsProxy?: string;
  /** Proxy for ftp and ftps URLs. CLI `--ftp-proxy`; RPC `ftp-proxy`. Default: `ftp_proxy`/`FTP_PROXY`. */
  ftpProxy?: string;
  /**
   * Hosts that go direct whatever the proxy options and variables say: comma-separated host
   * suffixes, IPs, CIDR blocks, `host:port`, `*`. CLI `--no-proxy`; RPC `no-proxy`. Default: `no_proxy`/`NO_PROXY`.
   */
  noProxy?: string;
  /** Proxy login (replaces one in the proxy URL). CLI `--proxy-user`; RPC `all-proxy-user`. */
  proxyUser?: string;
  /** Proxy password. CLI `--proxy-password`; RPC `all-proxy-passwd`. */
  proxyPassword?: string;
}

export interface DownloadOptions extends NetworkOptions {
  /** Directory for the output. CLI `-d/--dir`; RPC `dir`. */
  dir: string;
  /** Output file name (inside `dir`). CLI `-o/--output`; RPC `out`. Default: derived from the server. */
  out?: string;
  /** Connections for this file, 1..64. CLI `-n/--concurrency/--connections`; RPC `split`. */
  connections: number;
  /** Connections to one host across all downloads. CLI `--max-connections-per-host`; RPC `max-connection-per-server`. */
  maxConnectionsPerHost: number;
  /** Do not split ranges smaller than this (bytes). CLI `--min-split-size`; RPC `min-split-size`. */
  minSplitSize: number;
  /** Attempts per request before giving up (0 = unlimited). CLI `--max-tries`; RPC `max-tries`. */
  maxTries: number;
  /** Base delay between attempts (ms), doubled each try, with jitter. CLI `--retry-wait` (s); RPC `retry-wait`. */
  retryWaitMs: number;
  /** Bytes per second for this download, 0 = unlimited. CLI `--limit-rate`; RPC `max-download-limit`. */
  limitRate: number;
  /** Verify after download. CLI `--checksum`; RPC `checksum`. */
  checksum?: Checksum;
  /** Replace an existing output file. CLI `--overwrite`; RPC `allow-overwrite`. */
  overwrite: boolean;
  /**
   * When a name from the server or the URL is taken (a file on disk, or another download of the
   * queue), save as `NAME.1`, `NAME.2`, ... instead. False: a taken name is an error (use
   * `overwrite`). An explicit `out` is never renamed. CLI `--auto-file-renaming[=true|false]`;
   * RPC `auto-file-renaming`. Default true.
   */
  autoFileRenaming: boolean;
  /**
   * Continue a partial file that ferry did not write (wget's `-c`): when the output file exists
   * without ferry's `.part`, its first bytes (as many as it has) are kept and the rest is
   * downloaded, once the server proved it supports ranges. A local file longer than the server's
   * is an error (nothing changes); one of equal length is already complete. With ferry's own
   * control file it changes nothing (a normal resume). CLI `-c/--continue`; RPC `continue`.
   * Default false.
   */
  continuePartial: boolean;
  /** How often the control file is saved (ms). */
  checkpointIntervalMs: number;
  /**
   * Sync data to stable storage before a checkpoint claims it and before the final rename, so even
   * a power cut never leaves a file that looks complete but is not. CLI `--no-fsync` turns it off
   * (a crash of ferry itself is still safe: the operating system keeps what was written).
   */
  fsync: boolean;
}

export const MAX_CONNECTIONS = 64;

export const DEFAULT_OPTIONS: DownloadOptions = {
  dir: '.',
  out: undefined,
  connections: 8,
  maxConnectionsPerHost: 16,
  minSplitSize: 1024 * 1024,
  maxTries: 5,
  retryWaitMs: 1000,
  limitRate: 0,
  checksum: undefined,
  overwrite: false,
  autoFileRenaming: true,
  continuePartial: false,
  checkpointIntervalMs: 1000,
  fsync: true,
  headers: {},
  userAgent: 'ferry/0.1',
  timeoutMs: 30_000,
  connectTimeoutMs: 15_000,
  insecure: false,
  caCertificate: undefined,
  maxRedirects: 10,
  allowDowngrade: false,
  ftpUser: undefined,
  ftpPassword: undefined,
  ftpSsl: false,
  ftpSslRequired: false,
  netrcPath: undefined,
  httpUser: undefined,
  httpPassword: undefined,
  referer: undefined,
  loadCookies: undefined,
  saveCookies: undefined,
  allProxy: undefined,
  httpProxy: undefined,
  httpsProxy: undefined,
  ftpProxy: undefined,
  noProxy: undefined,
  proxyUser: undefined,
  proxyPassword: undefined,
};

/** Fill defaults for anything not given. */
export function resolveOptions(partial: Partial<DownloadOptions> = {}): DownloadOptions {
  const merged: DownloadOptions = { ...DEFAULT_OPTIONS };
  for (const [k, v] of Object.entries(partial)) {
    if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
  }
  return merged;
}
