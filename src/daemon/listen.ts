/**
 * The daemon's listeners: 127.0.0.1 and ::1 by default (the second only where the machine has
 * IPv6), or every interface with `--rpc-listen-all` (one dual-stack `::` listener, else 0.0.0.0).
 */
import { FerryError } from '../core/errors.js';
import { type RpcServer, type RpcServerOptions, startRpcServer } from '../rpc/server.js';

/** Errors of an address family the machine does not have. */
const NO_FAMILY = new Set(['EAFNOSUPPORT', 'EADDRNOTAVAIL', 'EINVAL']);

function listenError(e: unknown, host: string, port: number): FerryError {
  const code = (e as NodeJS.ErrnoException).code;
  const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  if (code === 'EADDRINUSE') {
    return new FerryError('USAGE', `cannot listen on ${where}: the port is in use`, { hint: 'stop the other daemon, or choose another --rpc-listen-port' });
  }
  if (code === 'EACCES') return new FerryError('USAGE', `cannot listen on ${where}: permission denied`, { hint: 'choose a port above 1023' });
  return new FerryError('NETWORK', `cannot listen on ${where}: ${code ?? (e as Error).message}`, { cause: e });
}

async function start(options: RpcServerOptions, host: string, port: number): Promise<RpcServer> {
  try {
    return await startRpcServer({ ...options, host, port });
  } catch (e) {
    if (e instanceof FerryError) throw e;
    throw Object.assign(listenError(e, host, port), { errno: (e as NodeJS.ErrnoException).code });
  }
}

const familyMissing = (e: unknown): boolean => NO_FAMILY.has(String((e as { errno?: string }).errno));

/**
 * Start the listeners on `port` (0: a free one, the same for every address).
 * @throws FerryError USAGE when the port is taken or not allowed
 */
export async function listenAll(opts: { all: boolean; port: number; server: Omit<RpcServerOptions, 'host' | 'port'> }): Promise<RpcServer[]> {
  if (opts.all) {
    try {
      return [await start(opts.server, '::', opts.port)];
    } catch (e) {
      if (!familyMissing(e)) throw e;
      return [await start(opts.server, '0.0.0.0', opts.port)];
    }
  }
  const v4 = await start(opts.server, '127.0.0.1', opts.port);
  try {
    return [v4, await start(opts.server, '::1', v4.port)];
  } catch (e) {
    if (familyMissing(e)) return [v4];
    await v4.close();
    throw e;
  }
}
