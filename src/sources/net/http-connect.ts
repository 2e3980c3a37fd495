/**
 * A tunnel through an HTTP (or HTTPS) proxy: `CONNECT host:port`, the proxy's answer read and
 * checked, and the socket handed back positioned at the first byte from the destination.
 */
import type net from 'node:net';
import { FerryError } from '../../core/errors.js';
import type { ProxyRoute } from '../../core/proxy-route.js';
import { terminalSafe } from '../../core/terminal-text.js';

/** The largest CONNECT answer head ferry reads. */
const MAX_HEAD_BYTES = 16 * 1024;

/** `Basic ...` for the proxy's login, or undefined when the route has no user. */
export function proxyAuthorization(route: ProxyRoute): string | undefined {
  if (route.user === undefined) return undefined;
  return `Basic ${Buffer.from(`${route.user}:${route.password ?? ''}`).toString('base64')}`;
}

/** `host:port` as a request target (IPv6 in brackets). */
export function authority(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The error for a proxy's refusal status (407: it wants a login, or refused ours). */
export function proxyStatusError(route: ProxyRoute, status: number, text: string, what: string): FerryError {
  const where = `${route.kind} proxy ${route.label}`;
  // Some proxies (tinyproxy) answer a wrong login with 401: on CONNECT, every answer is the proxy's.
  if (status === 407 || (status === 401 && what.startsWith('CONNECT'))) {
    return route.user === undefined
      ? new FerryError('HTTP_STATUS', `${where}: the proxy needs a login: use --proxy-user`, { status, hint: 'give --proxy-user USER --proxy-password PASS' })
      : new FerryError('HTTP_STATUS', `${where}: the proxy refused the login of ${terminalSafe(route.user)}`, {
          status,
          hint: 'check --proxy-user and --proxy-password',
        });
  }
  const retryable = status === 502 || status === 503 || status === 504;
  return new FerryError('HTTP_STATUS', `${where}: refused ${what} (HTTP ${status}${text === '' ? '' : ` ${terminalSafe(text)}`})`, { status, retryable });
}

/**
 * Send `CONNECT host:port` on `socket` (connected to the proxy) and wait for a 2xx answer.
 * Bytes after the answer's head stay in the socket (unshifted). Rejects with a FerryError for a
 * refusal (407 in words), BAD_RESPONSE for an answer that is not HTTP, NETWORK when the proxy
 * closes the connection first.
 */
export function httpConnect(socket: net.Socket, route: ProxyRoute, host: string, port: number): Promise<net.Socket> {
  const target = authority(host, port);
  const auth = proxyAuthorization(route);
  const head = `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth === undefined ? '' : `Proxy-Authorization: ${auth}\r\n`}\r\n`;
  const where = `${route.kind} proxy ${route.label}`;
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const done = (err?: Error): void => {
      socket.removeListener('readable', onReadable);
      socket.removeListener('end', onEnd);
      socket.removeListener('error', onError);
      if (err === undefined) resolve(socket);
      else reject(err);
    };
    const onEnd = (): void => done(new FerryError('NETWORK', `${where}: closed the connection before answering CONNECT ${target}`, { retryable: true }));
    const onError = (err: Error): void => done(err);
    /** The outcome once the answer's head is complete: undefined for a 2xx, else the error; `pending` before. */
    const answer = (): Error | undefined | 'pending' => {
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return got.length > MAX_HEAD_BYTES ? new FerryError('BAD_RESPONSE', `${where}: answer to CONNECT too long`) : 'pending';
      const rest = got.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      const status = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]*))?\r\n/.exec(got.toString('latin1', 0, end + 2));
      if (status === null) return new FerryError('BAD_RESPONSE', `${where}: not an HTTP answer to CONNECT`);
      const code = Number(status[1]);
      if (code >= 200 && code < 300) return undefined;
      return proxyStatusError(route, code, status[2] ?? '', `CONNECT ${target}`);
    };
    const onReadable = (): void => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
        got = Buffer.concat([got, chunk]);
        const outcome = answer();
        if (outcome !== 'pending') {
          done(outcome);
          return;
        }
      }
    };
    socket.on('readable', onReadable);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.write(head, 'latin1');
  });
}
