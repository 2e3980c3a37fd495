import net from 'node:net';
import type tls from 'node:tls';
import { abortedError, FerryError, isFerryError } from '../../core/errors.js';
import { type FtpUrl, parseFtpUrl } from '../../core/ftp-url.js';
import type { NetworkOptions } from '../../core/options.js';
import { type ConnectionContext, describeRoute, proxyRouteFor } from '../../core/proxy-route.js';
import { terminalSafe } from '../../core/terminal-text.js';
import type { ByteStream, ProbeResult, Source, Validators } from '../../core/types.js';
import { tunnelHow } from '../net/dial.js';
import { type TrustContexts, trustedContext, trustFor } from '../net/trust.js';
import { BatchPool } from '../stream/batch-pool.js';
import { type FtpCredentialOptions, resolveFtpCredentials } from './credentials.js';
import { replyError } from './errors.js';
import { FtpPool } from './pool.js';
import { startRetrieve } from './retrieve.js';
import { type FtpServerFacts, FtpSession, type FtpSessionConfig, type FtpStat } from './session.js';
import { ftpsCiphers } from './tls-ciphers.js';
import { createTransferStream } from './transfer.js';

/** Options of the FTP/FTPS source. */
export type FtpSourceOptions = NetworkOptions &
  FtpCredentialOptions & {
    /** Connections for this file; also the number of idle logged-in sessions kept. */
    connections: number;
    /** Explicit TLS on `ftp://` (AUTH TLS). CLI `--ftp-ssl`. */
    ftpSsl?: boolean;
    /**
     * Explicit TLS that must succeed: a server that refuses it is an error (implies `ftpSsl`).
     * CLI `--ftp-ssl-required`.
     */
    ftpSslRequired?: boolean;
  };

/**
 * Size of the batches data bytes are read into: 1 MiB (HTTP uses 256 KiB). Each batch is one
 * positional write, so fewer, larger writes and socket pauses: ferry's CPU for 256 MiB over 4
 * connections from vsftpd went from 0.64 s to 0.49 s (FTPS: 0.85 s to 0.71 s); 4 MiB batches cost
 * more again (0.76 s).
 */
export const FTP_BATCH_BYTES = 1024 * 1024;

/** Longest wait for the final reply of a transfer cut at its range end (ms). */
const SETTLE_MS = 5000;

/**
 * A Source for `ftp://` and `ftps://` URLs. Every concurrent read runs on its own logged-in
 * control connection, taken from a per-source pool (idle sessions are reused after a clean
 * transfer). A read checks SIZE/MDTM (or MLST) against the validators, then REST + RETR (sent
 * together once the server answered them; see startRetrieve), and yields exactly the requested bytes.
 * `contexts` makes its TLS context (an engine's sources share theirs, see sharedTrustContexts).
 */
export function createFtpSource(url: string, options: FtpSourceOptions, context: ConnectionContext = {}, contexts: TrustContexts = trustedContext): Source {
  const target = parseFtpUrl(url);
  const where = target.display;
  const facts: FtpServerFacts = {};
  // Batches of data-connection bytes, reused across the reads of this source.
  const batches = new BatchPool(FTP_BATCH_BYTES);
  let config: Promise<FtpSessionConfig> | undefined;
  const getConfig = () => (config ??= buildConfig(target, options, url, context, contexts));
  const pool = new FtpPool(async (signal) => FtpSession.login(await getConfig(), facts, signal), Math.max(1, options.connections));

  /**
   * Run `step` on a session with `signal` bound to it. A reused session that turns out to be
   * dead (closed by the server while idle) is replaced by a fresh login once.
   */
  async function lease<T>(signal: AbortSignal, step: (s: FtpSession) => Promise<T>) {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw abortedError();
      const { session, reused } = await pool.acquire(signal);
      // One listener per operation: it stops the data connection (if any) and the control one.
      const onAbort = () => session.stop(abortedError());
      signal.addEventListener('abort', onAbort);
      const unbind = () => signal.removeEventListener('abort', onAbort);
      try {
        return { session, unbind, value: await step(session) };
      } catch (err) {
        unbind();
        pool.release(session, !session.control.broken);
        if (signal.aborted) throw abortedError();
        const stale = isFerryError(err) && (err.code === 'NETWORK' || err.status === 421);
        if (reused && attempt === 0 && stale) continue;
        throw err;
      }
    }
  }

  function expectFile(stat: FtpStat): { size?: number; lastModified?: string } {
    if (stat.kind === 'missing') throw replyError(where, 'lookup', stat.reply);
    if (stat.kind === 'dir') throw new FerryError('FTP', `${where}: is a directory, not a file`);
    return stat;
  }

  /** The check of the file's facts before a read, or undefined when there are no validators. */
  function validatorCheck(v: Validators): ((stat: FtpStat) => void) | undefined {
    if (v.size === undefined && v.lastModified === undefined) return undefined;
    return (stat) => {
      const now = expectFile(stat);
      const sizeChanged = v.size !== undefined && now.size !== undefined && now.size !== v.size;
      const timeChanged = v.lastModified !== undefined && now.lastModified !== undefined && now.lastModified !== v.lastModified;
      if (sizeChanged || timeChanged) {
        const was = `${v.size ?? '?'} bytes, ${v.lastModified ?? '?'}`;
        const is = `${now.size ?? '?'} bytes, ${now.lastModified ?? '?'}`;
        throw new FerryError('CHANGED', `${where}: the file changed on the server (was ${terminalSafe(was)}; now ${terminalSafe(is)})`);
      }
    };
  }

  return {
    async probe(signal: AbortSignal): Promise<ProbeResult> {
      const { session, unbind, value } = await lease(signal, async (s) => {
        const stat = expectFile(await s.stat(target.path));
        return { ...stat, acceptsRanges: await s.supportsRest() };
      });
      unbind();
      pool.release(session, true);
      return {
        url,
        size: value.size,
        lastModified: value.lastModified,
        acceptsRanges: value.acceptsRanges,
        filename: target.filename,
      };
    },

    async read(range, validators, signal): Promise<ByteStream> {
      const { start, end } = range;
      const badEnd = end !== undefined && (!Number.isSafeInteger(end) || end < start);
      if (!Number.isSafeInteger(start) || start < 0 || badEnd) {
        throw new FerryError('USAGE', `${where}: invalid byte range ${start}-${end ?? ''}`);
      }
      if (signal.aborted) throw abortedError();
      if (end === start) return emptyStream();
      const check = validatorCheck(validators);
      const length = end === undefined ? undefined : end - start;
      // Bytes past the range end are never read into batches (nor waited for).
      const { session, unbind, value } = await lease(signal, (s) =>
        startRetrieve(s, { path: target.path, offset: start, length, check, pool: batches, signal }),
      );
      const { reader } = value;
      session.stopData = (err) => reader.fail(err);
      if (signal.aborted) reader.fail(abortedError());
      return createTransferStream({
        where,
        reader,
        control: session.control,
        expected: end === undefined ? undefined : end - start,
        finalReply: value.finalReply,
        settleMs: Math.min(options.timeoutMs, SETTLE_MS),
        release(clean) {
          session.stopData = undefined;
          unbind();
          pool.release(session, clean);
        },
        onSettling: (done) => pool.track(session, done),
      });
    },

    async close(): Promise<void> {
      pool.close();
      batches.clear();
    },
  };
}

function emptyStream(): ByteStream {
  return {
    async *[Symbol.asyncIterator]() {},
    cancel() {},
  };
}

async function buildConfig(
  target: FtpUrl,
  options: FtpSourceOptions,
  url: string,
  context: ConnectionContext,
  contexts: TrustContexts,
): Promise<FtpSessionConfig> {
  const { user, password } = await resolveFtpCredentials(target, options);
  if (/[\r\n\0]/.test(user + password)) {
    throw new FerryError('USAGE', `${target.display}: FTP user or password contains control characters`);
  }
  const proxy = proxyRouteFor(new URL(url), options, context.proxyEnv);
  const implicitTls = target.scheme === 'ftps';
  const explicitTls = target.scheme === 'ftp' && (options.ftpSsl === true || options.ftpSslRequired === true);
  const trust = trustFor(options, context.extraCaFile);
  // One context per source (built only when TLS is used) serves its control and data connections.
  const ciphers = ftpsCiphers();
  const tlsOptions: tls.ConnectionOptions = {
    ciphers,
    rejectUnauthorized: trust.verify,
    servername: net.isIP(target.host) === 0 ? target.host : undefined,
    secureContext: implicitTls || explicitTls ? contexts(trust, { ciphers }) : undefined,
  };
  const proxyTls = {
    secureContext: proxy?.kind === 'https' ? contexts(trust) : undefined,
    rejectUnauthorized: trust.verify,
  };
  const route = describeRoute(proxy, proxy === undefined ? undefined : tunnelHow(proxy));
  const debug = context.debug;
  return {
    log: debug === undefined ? undefined : (what) => debug(`${target.display}: new ${what} ${route}`),
    proxy,
    proxyTls,
    host: target.host,
    port: target.port,
    where: target.display,
    timeoutMs: options.timeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    implicitTls,
    explicitTls,
    tlsRequired: target.scheme === 'ftps' || options.ftpSslRequired === true,
    tlsOptions,
    user,
    password,
  };
}
