import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { FerryError } from '../core/errors.js';
import type { DownloadOptions } from '../core/options.js';
import type { ConnectionContext } from '../core/proxy-route.js';
import { redactUrl, redactUrls } from '../core/redact.js';
import type { Source } from '../core/types.js';
import { writeFileAtomic } from '../disk/atomic-write.js';
import { createFtpSource } from '../sources/ftp/source.js';
import { createHttpTransport, type HttpSourceOptions, type HttpTransport } from '../sources/http/client.js';
import { createHttpCookies, type HttpCookies } from '../sources/http/cookies.js';
import { createHttpSource } from '../sources/http/source.js';
import { sharedTrustContexts } from '../sources/net/trust.js';

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
  const net = ownConnections(options);
  if (scheme === 'http:' || scheme === 'https:') return httpSource(url, net, undefined, createHttpCookies(), cookieSaver(), context);
  if (scheme === 'ftp:' || scheme === 'ftps:') return createFtpSource(url, net, context);
  throw new FerryError('UNSUPPORTED', `unsupported protocol ${scheme.replace(/:$/, '')} in ${redactUrl(url)}`, {
    hint: 'ferry downloads http, https, ftp and ftps URLs',
  });
};

/** A source's own connection limit: its connections, within the per-host limit. */
function ownConnections(options: DownloadOptions): DownloadOptions {
  return { ...options, connections: Math.min(options.connections, options.maxConnectionsPerHost) };
}

/** Writes cookie files one at a time per path (two saves of one file never overlap). */
type CookieSaver = (file: string, cookies: HttpCookies) => Promise<void>;

function cookieSaver(): CookieSaver {
  const queue = new Map<string, Promise<void>>();
  return (file, cookies) => {
    const run = (queue.get(file) ?? Promise.resolve()).then(async () => writeFileAtomic(file, await cookies.fileText(), { durable: false, mode: 0o600 }));
    const settled = run.catch(() => undefined);
    queue.set(file, settled);
    void settled.then(() => queue.get(file) === settled && queue.delete(file));
    return run;
  };
}

/** Fail early (before any request) when the directory of the `--save-cookies` file cannot be written. */
async function checkWritable(file: string): Promise<void> {
  try {
    accessSync(path.dirname(path.resolve(file)), constants.W_OK);
  } catch (err) {
    throw new FerryError('USAGE', `cannot write the cookie file ${file}: ${(err as Error).message}`, { hint: 'check the path given to --save-cookies' });
  }
}

/**
 * An HTTP source whose close also writes the jar to `--save-cookies` (mode 0600: cookies are
 * secrets). Its first probe checks that the file can be written, since close() errors go unheard.
 */
function httpSource(
  url: string,
  options: HttpSourceOptions,
  transport: HttpTransport | undefined,
  cookies: HttpCookies,
  save: CookieSaver,
  context: ConnectionContext | undefined,
): Source {
  const source = createHttpSource(url, options, transport, cookies, context);
  const file = options.saveCookies;
  if (file === undefined) return source;
  let writable: Promise<void> | undefined;
  return {
    ...source,
    async probe(...args) {
      writable ??= checkWritable(file);
      await writable;
      return source.probe(...args);
    },
    async close() {
      await source.close();
      await save(file, cookies);
    },
  };
}

/**
 * A factory for an engine: HTTP(S) sources with the same connection settings share one transport,
 * so the files of a queue reuse each other's keep-alive connections (the per-host limit is kept by
 * the engine's host slots), and one cookie jar, so a cookie one download receives goes with the
 * next downloads' requests (by RFC 6265 rules). Every source, HTTP(S) and FTP(S), takes its TLS
 * contexts from one cache (a CA file is parsed once per engine, also for transports whose other
 * settings differ). `close()` closes the shared connections.
 */
export function createSharedSourceFactory(): { createSource: SourceFactory; close(): void } {
  const transports = new Map<string, HttpTransport>();
  const cookies = createHttpCookies();
  const save = cookieSaver();
  const contexts = sharedTrustContexts();
  return {
    createSource(url, options, context) {
      const scheme = schemeOf(url);
      if (scheme === 'ftp:' || scheme === 'ftps:') return createFtpSource(url, ownConnections(options), context, contexts);
      if (scheme !== 'http:' && scheme !== 'https:') return createSource(url, options, context);
      const net = { ...options, connections: options.maxConnectionsPerHost };
      const extraCa = context?.extraCaFile;
      const key = JSON.stringify([net.connections, net.timeoutMs, net.connectTimeoutMs, net.insecure, net.caCertificate ?? null, extraCa ?? null]);
      let transport = transports.get(key);
      if (!transport) {
        transport = createHttpTransport(net, extraCa, contexts);
        transports.set(key, transport);
      }
      return httpSource(url, net, transport, cookies, save, context);
    },
    close() {
      for (const t of transports.values()) t.close();
      transports.clear();
    },
  };
}
