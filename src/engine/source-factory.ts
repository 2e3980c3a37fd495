import { FerryError } from '../core/errors.js';
import type { DownloadOptions } from '../core/options.js';
import type { Source } from '../core/types.js';
import { createFtpSource } from '../sources/ftp-source.js';
import { createHttpSource } from '../sources/http-source.js';

/** Makes the Source for one download's URL; the engine's single point of protocol choice. */
export type SourceFactory = (url: string, options: DownloadOptions) => Source;

/**
 * The source for a URL's scheme: `http:`/`https:` -> HTTP(S), `ftp:`/`ftps:` -> FTP(S).
 * Either source keeps at most min(connections, maxConnectionsPerHost) connections of its own.
 * @throws FerryError USAGE for a malformed URL, UNSUPPORTED for another scheme.
 */
export const createSource: SourceFactory = (url, options) => {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new FerryError('USAGE', `not a valid URL: ${url}`, { hint: 'give a full URL such as https://host/path' });
  }
  const net = { ...options, connections: Math.min(options.connections, options.maxConnectionsPerHost) };
  if (scheme === 'http:' || scheme === 'https:') return createHttpSource(url, net);
  if (scheme === 'ftp:' || scheme === 'ftps:') return createFtpSource(url, net);
  throw new FerryError('UNSUPPORTED', `unsupported protocol ${scheme.replace(/:$/, '')} in ${url}`, {
    hint: 'ferry downloads http, https, ftp and ftps URLs',
  });
};
