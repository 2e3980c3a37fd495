/**
 * SOCKS proxies for tests on 127.0.0.1: the real microsocks (SOCKS5, with a login), started on
 * a free port and stopped by PID, whose stderr lists every connection it made; and a minimal
 * SOCKS4/4a server of ours (microsocks speaks SOCKS5 only) that records every request and can
 * refuse them.
 */
import net from 'node:net';
import { freePort } from './free-port.js';
import { requireInstalled, startListening, stopChild } from './listening-child.js';

export const MICROSOCKS_PATH = process.env.MICROSOCKS ?? '/usr/bin/microsocks';

export interface Microsocks {
  port: number;
  /** `SCHEME://[user:password@]127.0.0.1:PORT` */
  url(scheme: 'socks5' | 'socks5h', withLogin?: boolean): string;
  /** The destinations it connected to (`127.0.0.1:8080`), in order, from its log. */
  connections(): string[];
  stop(): Promise<void>;
}

/** Start microsocks requiring `user`/`password`. */
export async function startMicrosocks(login: { user: string; password: string }): Promise<Microsocks> {
  await requireInstalled('microsocks', MICROSOCKS_PATH);
  const port = await freePort();
  const { child, stderr } = await startListening(
    'microsocks',
    MICROSOCKS_PATH,
    ['-i', '127.0.0.1', '-p', String(port), '-u', login.user, '-P', login.password],
    port,
  );
  return {
    port,
    url: (scheme, withLogin = true) =>
      `${scheme}://${withLogin ? `${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@` : ''}127.0.0.1:${port}`,
    connections: () => [...stderr().matchAll(/connected to (\S+)/g)].map((m) => m[1]),
    stop: () => stopChild(child),
  };
}

/** One request a SOCKS4 server received. */
export interface Socks4Request {
  /** `4a` when the client sent a host name (0.0.0.x address), else `4`. */
  version: '4' | '4a';
  host: string;
  port: number;
  user: string;
}

export interface Socks4Server {
  port: number;
  url(scheme: 'socks4' | 'socks4a'): string;
  requests: Socks4Request[];
  /** Answer every request with 91 (rejected or failed) instead of connecting. */
  refuse: boolean;
  close(): Promise<void>;
}

/** A minimal SOCKS4/4a server: CONNECT only, then relays bytes both ways. */
export async function startSocks4Server(): Promise<Socks4Server> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const state: Socks4Server = { port: 0, url: () => '', requests: [], refuse: false, close: async () => undefined };
  const server = net.createServer((client) => {
    track(client);
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk]);
      if (got.length < 9) return;
      if (got[0] !== 4 || got[1] !== 1) return void client.destroy();
      const userEnd = got.indexOf(0, 8);
      if (userEnd < 0) return;
      const ip = [...got.subarray(4, 8)];
      const is4a = ip[0] === 0 && ip[1] === 0 && ip[2] === 0 && ip[3] !== 0;
      let host = ip.join('.');
      let end = userEnd + 1;
      if (is4a) {
        const hostEnd = got.indexOf(0, end);
        if (hostEnd < 0) return;
        host = got.toString('latin1', end, hostEnd);
        end = hostEnd + 1;
      }
      client.removeListener('data', onData);
      const port = got.readUInt16BE(2);
      state.requests.push({ version: is4a ? '4a' : '4', host, port, user: got.toString('latin1', 8, userEnd) });
      const reply = (code: number): Buffer => Buffer.from([0, code, 0, 0, 0, 0, 0, 0]);
      if (state.refuse) {
        client.end(reply(91));
        return;
      }
      const back = net.connect({ host, port });
      track(back);
      back.once('connect', () => {
        client.write(reply(90));
        const rest = got.subarray(end);
        if (rest.length > 0) back.write(rest);
        client.pipe(back).pipe(client);
      });
      back.once('error', () => client.end(reply(91)));
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as net.AddressInfo).port;
  state.url = (scheme) => `${scheme}://127.0.0.1:${state.port}`;
  state.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}
