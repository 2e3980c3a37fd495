/**
 * Debian's tinyproxy (an HTTP proxy with CONNECT) in the foreground on 127.0.0.1 for tests: a
 * temp config and log, a free port, optional Basic auth; stopped by PID. Its log proves which
 * requests went through it. Also a TLS front (an "HTTPS proxy") that terminates TLS and relays
 * the bytes to the proxy behind it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { freePort } from './free-port.js';
import { requireInstalled, startListening, stopChild } from './listening-child.js';

export const TINYPROXY_PATH = process.env.TINYPROXY ?? '/usr/bin/tinyproxy';

export interface Tinyproxy {
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The whole log file. */
  log(): Promise<string>;
  /** The request lines the proxy received (`GET http://...`, `CONNECT host:port`), in order. */
  requests(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface TinyproxyOptions {
  /** Require this login (tinyproxy answers 407 without it). */
  basicAuth?: { user: string; password: string };
  /** Allow CONNECT to these ports only (default: any port). */
  connectPorts?: number[];
}

/** Start tinyproxy; fails with a clear message when it is not installed. */
export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  await requireInstalled('tinyproxy', TINYPROXY_PATH);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-tinyproxy-'));
  const logFile = path.join(dir, 'tinyproxy.log');
  const port = await freePort();
  const lines = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    'MaxClients 100',
    // No ConnectPort line: CONNECT to any port (the test servers use random ones).
  ];
  if (options.basicAuth) lines.push(`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`);
  for (const p of options.connectPorts ?? []) lines.push(`ConnectPort ${p}`);
  const conf = path.join(dir, 'tinyproxy.conf');
  await writeFile(conf, `${lines.join('\n')}\n`);
  const { child } = await startListening('tinyproxy', TINYPROXY_PATH, ['-d', '-c', conf], port);
  const log = async (): Promise<string> => readFile(logFile, 'utf8').catch(() => '');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    log,
    async requests() {
      return [...(await log()).matchAll(/Request \(file descriptor \d+\): (\S+ \S+)/g)].map((m) => m[1]);
    },
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TlsFront {
  port: number;
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** TLS connections accepted. */
  connections: number;
  close(): Promise<void>;
}

/** A TLS server on 127.0.0.1 that relays each connection's plain bytes to 127.0.0.1:`targetPort`. */
export async function startTlsFront(targetPort: number, certs: { certPem: string; keyPem: string }): Promise<TlsFront> {
  const sockets = new Set<net.Socket>();
  const front: TlsFront = { port: 0, url: '', connections: 0, close: async () => undefined };
  const server = tls.createServer({ cert: certs.certPem, key: certs.keyPem }, (client) => {
    front.connections++;
    const back = net.connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, back]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        back.destroy();
      });
    }
    client.pipe(back).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  front.port = (server.address() as net.AddressInfo).port;
  front.url = `https://127.0.0.1:${front.port}`;
  front.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return front;
}
