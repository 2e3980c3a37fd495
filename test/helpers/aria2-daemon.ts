/**
 * A JSON-RPC daemon for the client-command tests: Debian's real `aria2c --enable-rpc` on a free
 * loopback port, with a secret, no config file, and a temp download directory. Tests take the
 * daemon as a parameter ({@link RpcDaemon}) so the same tests can run against ferry's own daemon.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A running daemon that speaks aria2's JSON-RPC. */
export interface RpcDaemon {
  /** `http://127.0.0.1:PORT/jsonrpc`. */
  url: string;
  secret: string;
  /** Where downloads go by default. */
  dir: string;
  /** Resolves when the daemon process has exited (by `stop()` or by an RPC shutdown). */
  exited: Promise<number | null>;
  /** Stop it (if still running) and remove its directory. */
  stop(): Promise<void>;
}

/** Starts an RpcDaemon. */
export type StartRpcDaemon = () => Promise<RpcDaemon>;

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One raw JSON-RPC call (for test set-up and checks, independent of ferry's client). */
export async function rawCall(url: string, method: string, params: unknown[]): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 'test', method, params }) });
  return (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
}

/** Start `aria2c --enable-rpc` and wait until it answers. */
export async function startAria2Daemon(): Promise<RpcDaemon> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-aria2-'));
  const secret = `s3cret-${process.pid}-${Date.now()}`;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      '/usr/bin/aria2c',
      [
        '--enable-rpc',
        '--no-conf',
        `--rpc-listen-port=${port}`,
        `--rpc-secret=${secret}`,
        '--rpc-listen-all=false',
        `--dir=${dir}`,
        '--file-allocation=none',
        '--console-log-level=warn',
        '--summary-interval=0',
        '--auto-file-renaming=false',
        '--disable-ipv6=true',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let gone = false;
    void exited.then(() => (gone = true));
    const url = `http://127.0.0.1:${port}/jsonrpc`;
    const deadline = Date.now() + 15_000;
    while (!gone && Date.now() < deadline) {
      try {
        const answer = await rawCall(url, 'aria2.getVersion', [`token:${secret}`]);
        if (answer.result !== undefined) {
          return {
            url,
            secret,
            dir,
            exited,
            async stop() {
              if (!gone) {
                child.kill('SIGKILL');
                await exited;
              }
              await rm(dir, { recursive: true, force: true });
            },
          };
        }
      } catch {
        // Not listening yet.
      }
      await sleep(50);
    }
    if (!gone) child.kill('SIGKILL');
    await exited;
    // The port may have been taken between freePort() and aria2c's bind: try another.
    if (attempt >= 3) throw new Error(`aria2c did not start: ${stderr}`);
  }
}
