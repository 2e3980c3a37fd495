import { FerryError } from '../core/errors.js';
import type { DownloadOptions } from '../core/options.js';
import type { ConnectionContext } from '../core/proxy-route.js';
import { redactUrl, redactUrls } from '../core/redact.js';
import type { Source } from '../core/types.js';
import { createFtpSource } from '../sources/ftp-source.js';
import { createHttpTransport, type HttpTransport } from '../sources/http-client.js';
import { createHttpSource } from '../sources/http-source.js';

/**
 * Makes the Source for one download's URL; the engine's single point of protocol choice.
 * `context`: the environment's proxies and a debug log, from the owner of the download.
 */
export type SourceFactory = (url: string, options: DownloadOptions, context?: ConnectionContext) => Source;

function schemeOf(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    throw new FerryError('USAGE', `not a valid URL: ${redactUrls(url)}`, { hint: 'give a full URL such as https://host/path' });
  }
}

/**
 * The source for a URL's scheme: `http:`/`https:` -> HTTP(S), `ftp:`/`ftps:` -> FTP(S).
 * Either source keeps at most min(connections, maxConnectionsPerHost) connections of its own.
 * @throws FerryError USAGE for a malformed URL, UNSUPPORTED for another scheme.
 */
export const createSource: SourceFactory = (url, options, context) => {
  const scheme = schemeOf(url);
  const net = { ...options, connections: Math.min(options.connections, options.maxConnectionsPerHost) };
  if (scheme === 'http:' || scheme === 'https:') return createHttpSource(url, net, undefined, context);
  if (scheme === 'ftp:' || scheme === 'ftps:') return createFtpSource(url, net, context);
  throw new FerryError('UNSUPPORTED', `unsupported protocol ${scheme.replace(/:$/, '')} in ${redactUrl(url)}`, {
    hint: 'ferry downloads http, https, ftp and ftps URLs',
  });
};

/**
 * A factory for an engine: HTTP(S) sources with the same connection settings share one transport,
 * so the files of a queue reuse each other's keep-alive connections (the per-host limit is kept by
 * the engine's host slots). `close()` closes the shared connections.
 */
export function createSharedSourceFactory(): { createSource: SourceFactory; close(): void } {
  const transports = new Map<string, HttpTransport>();
  return {
    createSource(url, options, context) {
      const scheme = schemeOf(url);
      if (scheme !== 'http:' && scheme !== 'https:') return createSource(url, options, context);
      const net = { ...options, connections: options.maxConnectionsPerHost };
      const key = JSON.stringify([net.connections, net.timeoutMs, net.connectTimeoutMs, net.insecure, net.caCertificate ?? null]);
      let transport = transports.get(key);
      if (!transport) {
        transport = createHttpTransport(net);
        transports.set(key, transport);
      }
      return createHttpSource(url, net, transport, context);
    },
    close() {
      for (const t of transports.values()) t.close();
      transports.clear();
    },
  };
}
