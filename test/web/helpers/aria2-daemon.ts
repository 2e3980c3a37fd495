/**
 * A real `aria2c --enable-rpc` on a free loopback port with a secret and a temp download dir, for
 * driving the web page against it; and a tiny JSON-RPC over HTTP client for checking what it did.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../helpers/free-port.js';

export interface Aria2Daemon {
  port: number;
  secret: string;
  /** The download directory. */
  dir: string;
  /** `http://127.0.0.1:PORT/jsonrpc` */
  url: string;
  /** Call a method over HTTP (the token is added); rejects with aria2's message on an error answer. */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Stop the process (SIGTERM, then wait for it to exit). */
  stop(): Promise<void>;
  /** Start it again on the same port and dir. */
  start(): Promise<void>;
}

/** Start aria2c and wait until its RPC answers. */
export async function startAria2(secret = 'test-secret'): Promise<Aria2Daemon> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ferry-web-aria2-'));
  const url = `http://127.0.0.1:${port}/jsonrpc`;
  let child: ChildProcess | undefined;
  let id = 0;

  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const all = method.startsWith('system.') ? params : [`token:${secret}`, ...params];
    const res = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params: all }) });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error !== undefined) throw new Error(body.error.message);
    return body.result as T;
  };

  const start = async (): Promise<void> => {
    const args = [
      '--enable-rpc',
      `--rpc-listen-port=${port}`,
      `--rpc-secret=${secret}`,
      '--no-conf',
      '--rpc-allow-origin-all',
      `--dir=${dir}`,
      '--quiet=true',
      '--disable-ipv6=true',
      '--file-allocation=none',
      '--auto-file-renaming=false',
      '--allow-overwrite=true',
      '--max-tries=1',
      '--split=4',
      '--min-split-size=1M',
      '--summary-interval=0',
      '--log-level=error',
    ];
    child = spawn('/usr/bin/aria2c', args, { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await rpc('aria2.getVersion');
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`aria2c did not answer on port ${port}: ${(e as Error).message}`);
        await sleep(50);
      }
    }
  };

  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    const forced = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(forced);
  };

  await start();
  return { port, secret, dir, url, rpc, stop, start };
}
