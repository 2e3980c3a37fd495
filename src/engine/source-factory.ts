import { FerryError } from '../core/errors.js';
import type { DownloadOptions } from '../core/options.js';
import type { Source } from '../core/types.js';
import { createHttpSource } from '../sources/http-source.js';

export type SourceFactory = (url: string, options: DownloadOptions) => Source;

/** The source for a URL's scheme. */
export const createSource: SourceFactory = (url, options) => {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new FerryError('USAGE', `not a valid URL: ${url}`, { hint: 'give a full URL such as https://host/path' });
  }
  const net = { ...options, connections: Math.min(options.connections, options.maxConnectionsPerHost) };
  if (scheme === 'http:' || scheme === 'https:') return createHttpSource(url, net);
  throw new FerryError('UNSUPPORTED', `unsupported protocol ${scheme.replace(/:$/, '')} in ${url}`, {
    hint: 'ferry downloads http, https, ftp and ftps URLs',
  });
};
