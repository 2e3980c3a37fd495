import type { FtpUrl } from '../../core/ftp-url.js';
import { lookupNetrc } from '../netrc-lookup.js';

/** Where FTP credentials may come from besides the URL. */
export interface FtpCredentialOptions {
  ftpUser?: string;
  ftpPassword?: string;
  /** Default `<homeDir>/.netrc`. */
  netrcPath?: string;
  /** Default `os.homedir()`. */
  homeDir?: string;
}

/** The password sent for anonymous logins (an e-mail-like token, as the convention asks). */
export const ANONYMOUS_PASSWORD = 'ferry@';

/**
 * Resolve user and password, first match wins: URL credentials, then `ftpUser`/`ftpPassword`,
 * then the netrc entry for the host (or its `default`), then anonymous. A password is never
 * taken from a source that names a different user. A missing default netrc file is not an
 * error; an explicit `netrcPath` that cannot be read is.
 */
export async function resolveFtpCredentials(url: FtpUrl, options: FtpCredentialOptions): Promise<{ user: string; password: string }> {
  let user = url.user ?? options.ftpUser;
  let password = url.password ?? (options.ftpUser === undefined || options.ftpUser === user ? options.ftpPassword : undefined);
  if (password === undefined) {
    const entry = await lookupNetrc(url.host, options, user);
    if (entry) {
      user ??= entry.login;
      if (entry.login === undefined || entry.login === user) password = entry.password;
    }
  }
  user ??= 'anonymous';
  const anonymous = user === 'anonymous' || user === 'ftp';
  return { user, password: password ?? (anonymous ? ANONYMOUS_PASSWORD : '') };
}
