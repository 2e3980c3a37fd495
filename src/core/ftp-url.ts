import { FerryError } from './errors.js';
import { redactUrls } from './redact.js';

/** An `ftp://` or `ftps://` URL taken apart. */
export interface FtpUrl {
  /** `ftps` = implicit TLS from the first byte; `ftp` = plain (optionally upgraded with AUTH TLS). */
  scheme: 'ftp' | 'ftps';
  /** Host name or IP address, without IPv6 brackets. */
  host: string;
  port: number;
  /**
   * The path sent in SIZE/MDTM/RETR commands. As in curl, a URL path is relative to the login
   * directory (`ftp://h/a/b` -> `a/b`); an encoded leading slash makes it absolute
   * (`ftp://h/%2Fetc/f` -> `/etc/f`).
   */
  path: string;
  /** Percent-decoded user from the URL, if any. */
  user?: string;
  /** Percent-decoded password from the URL, if any. */
  password?: string;
  /** Last path segment, decoded; empty when the URL names a directory. */
  filename: string;
  /** The URL without credentials, for messages. */
  display: string;
}

/** Default control port for each scheme. */
export const FTP_DEFAULT_PORT = { ftp: 21, ftps: 990 } as const;

/**
 * Parse an FTP URL. Throws FerryError USAGE for another scheme, a missing host, a path that is
 * a directory (ends with `/`), or control characters that could inject FTP commands.
 */
export function parseFtpUrl(url: string): FtpUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FerryError('USAGE', `invalid URL: ${redactUrls(url)}`);
  }
  const scheme = u.protocol === 'ftp:' ? 'ftp' : u.protocol === 'ftps:' ? 'ftps' : undefined;
  if (scheme === undefined) throw new FerryError('USAGE', `not an FTP URL: ${redactUrls(url)}`);
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  if (host === '') throw new FerryError('USAGE', `FTP URL without a host: ${redactUrls(url)}`);
  const port = u.port === '' ? FTP_DEFAULT_PORT[scheme] : Number(u.port);
  // RFC 1738 `;type=i|a|d` suffix: ferry always transfers in binary mode.
  const rawPath = u.pathname.replace(/;type=[aid]$/i, '');
  const segments = rawPath
    .split('/')
    .slice(1)
    .map((s) => decode(s, url));
  const path = segments.join('/');
  const filename = segments[segments.length - 1] ?? '';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const display = `${scheme}://${hostPart}${u.port === '' ? '' : `:${u.port}`}${rawPath}`;
  if (filename === '') throw new FerryError('USAGE', `FTP URL names a directory, not a file: ${display}`);
  if (/[\r\n\0]/.test(path)) throw new FerryError('USAGE', `FTP path contains control characters: ${display}`);
  return {
    scheme,
    host,
    port,
    path,
    user: u.username === '' ? undefined : decode(u.username, url),
    password: u.password === '' ? undefined : decode(u.password, url),
    filename,
    display,
  };
}

function decode(s: string, url: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new FerryError('USAGE', `bad percent-encoding in URL: ${redactUrls(url)}`);
  }
}
