/**
 * A tunnel through a SOCKS proxy (SOCKS4, SOCKS4a, SOCKS5 with an RFC 1929 login), the handshake
 * done by the `socks` package over a socket ferry opened. Refusals become one line in words.
 */
import net from 'node:net';
import { FerryError } from '../../core/errors.js';
import type { ProxyRoute } from '../../core/proxy-route.js';
import { dnsModule } from '../../lazy-builtins.js';
import { runTimeImport } from '../../run-time-import.js';

/** SOCKS5 reply codes (RFC 1928) and SOCKS4 ones, as the `socks` package names them, in words. */
const REFUSALS: Record<string, [string, boolean]> = {
  Failure: ['general failure of the SOCKS server', true],
  NotAllowed: ["connection not allowed by the proxy's rules", false],
  NetworkUnreachable: ['network unreachable', true],
  HostUnreachable: ['host unreachable', true],
  ConnectionRefused: ['connection refused by the destination host', true],
  TTLExpired: ['TTL expired', true],
  CommandNotSupported: ['command not supported by the proxy', false],
  AddressNotSupported: ['address type not supported by the proxy', false],
  Failed: ['request rejected or failed', true],
  Rejected: ['request rejected or failed', true],
  RejectedIdent: ['request rejected: the proxy could not check the user (identd)', false],
};

/** The FerryError for a failed SOCKS handshake (`err` from the `socks` package). */
export function socksError(route: ProxyRoute, target: string, err: unknown): FerryError {
  const where = `${route.kind} proxy ${route.label}`;
  const message = err instanceof Error ? err.message : String(err);
  if (/Authentication failed/i.test(message)) {
    return new FerryError('NETWORK', `${where}: the proxy refused the login of ${route.user ?? ''}`, {
      hint: 'check --proxy-user and --proxy-password',
      cause: err,
    });
  }
  if (/no accepted authentication type/i.test(message)) {
    return new FerryError('NETWORK', `${where}: the proxy needs a login: use --proxy-user`, {
      hint: 'give --proxy-user USER --proxy-password PASS',
      cause: err,
    });
  }
  const name = / - \(?(\w+)\)?$/.exec(message)?.[1];
  const refusal = name === undefined ? undefined : REFUSALS[name];
  if (refusal !== undefined) {
    return new FerryError('NETWORK', `${where}: ${refusal[0]} (${target})`, { retryable: refusal[1], cause: err });
  }
  if (/timed out/i.test(message)) return new FerryError('TIMEOUT', `${where}: no answer to the SOCKS handshake`, { retryable: true, cause: err });
  return new FerryError('NETWORK', `${where}: SOCKS handshake failed (${message})`, { retryable: true, cause: err });
}

/**
 * Ask the SOCKS proxy that `socket` is connected to for a connection to `host:port`. socks5 and
 * socks4 resolve the name here (socks4 knows IPv4 only); socks5h and socks4a send the name to
 * the proxy. Resolves with the same socket, now a stream to the destination.
 */
export async function socksConnect(socket: net.Socket, route: ProxyRoute, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  const target = `${host}:${port}`;
  let address = host;
  if ((route.kind === 'socks5' || route.kind === 'socks4') && net.isIP(host) === 0) {
    try {
      const { lookup } = dnsModule().promises;
      address = (await lookup(host, { family: route.kind === 'socks4' ? 4 : 0 })).address;
    } catch (err) {
      throw new FerryError('NETWORK', `${host}: cannot resolve the host name`, { retryable: true, cause: err });
    }
  }
  const type = route.kind === 'socks5' || route.kind === 'socks5h' ? 5 : 4;
  try {
    // Loaded on first use: a download without a SOCKS proxy never parses the package.
    const { SocksClient } = await runTimeImport<typeof import('socks')>('socks');
    const { socket: tunnel } = await SocksClient.createConnection({
      proxy: { host: route.host, port: route.port, type, userId: route.user, password: route.password },
      command: 'connect',
      destination: { host: address, port },
      timeout: timeoutMs,
      existing_socket: socket,
    });
    return await inOrder(tunnel as net.Socket);
  } catch (err) {
    throw socksError(route, target, err);
  }
}

/**
 * The tunnel with its first bytes in order. `socks` re-emits bytes that arrived with the proxy's
 * answer as a 'data' event on the next turn of the event loop and resumes the socket, so a
 * destination that speaks first (an FTP data connection whose RETR went out already) would see
 * its first bytes land after later ones, or before anyone listens. Resolves once that turn is
 * over, with every byte received so far put back at the front of the paused socket.
 */
function inOrder(tunnel: net.Socket): Promise<net.Socket> {
  const early: Buffer[] = [];
  const keep = (chunk: Buffer): void => void early.push(chunk);
  tunnel.on('data', keep);
  return new Promise((resolve) => {
    setImmediate(() => {
      tunnel.pause();
      tunnel.removeListener('data', keep);
      if (early.length > 0) tunnel.unshift(Buffer.concat(early));
      resolve(tunnel);
    });
  });
}
