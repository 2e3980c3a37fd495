/**
 * ferry's own daemon as a child process (`node dist/cli/ferry.cjs daemon ...`, the built CLI) on a
 * free loopback port, with a secret, its own state directory and download directory. Build first
 * (`npm run build`). It can be killed (SIGKILL) and started again on the same directories.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort, type RpcDaemon, rawCall } from '../helpers/aria2-daemon.js';

export const BIN = fileURLToPath(new URL('../../dist/cli/ferry.cjs', import.meta.url));

/** A ferry daemon process and what it was started with. */
export interface FerryDaemon extends RpcDaemon {
  port: number;
  stateDir: string;
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Send a signal. */
  kill(signal: NodeJS.Signals): void;
  /** Stop it (SIGKILL when still running) without removing its directories. */
  halt(): Promise<void>;
}

export interface FerryDaemonOptions {
  /** Reuse these directories (a restart); default: new temp ones. */
  dir?: string;
  stateDir?: string;
  port?: number;
  secret?: string;
  /** More daemon arguments. */
  args?: string[];
  env?: Record<string, string>;
}

/** Start `ferry daemon` and wait until it answers `getVersion`. */
export async function startFerryDaemon(options: FerryDaemonOptions = {}): Promise<FerryDaemon> {
  const base = options.dir === undefined || options.stateDir === undefined ? await mkdtemp(path.join(tmpdir(), 'ferry-daemon-')) : undefined;
  const dir = options.dir ?? path.join(base as string, 'dl');
  const stateDir = options.stateDir ?? path.join(base as string, 'state');
  const secret = options.secret ?? `s3cret-${process.pid}`;
  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? (await freePort());
    const child = spawn(
      process.execPath,
      [BIN, 'daemon', '--rpc-listen-port', String(port), '--rpc-secret', secret, '-d', dir, '--state-dir', stateDir, ...(options.args ?? [])],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XDG_CONFIG_HOME: path.join(stateDir, 'no-config'), ...options.env } },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let gone = false;
    void exited.then(() => (gone = true));
    const url = `http://127.0.0.1:${port}/jsonrpc`;
    const deadline = Date.now() + 20_000;
    while (!gone && Date.now() < deadline) {
      try {
        const answer = await rawCall(url, 'aria2.getVersion', [`token:${secret}`]);
        if (answer.result !== undefined) {
          const halt = async (): Promise<void> => {
            if (!gone) child.kill('SIGKILL');
            await exited;
          };
          return {
            url,
            port,
            secret,
            dir,
            stateDir,
            child,
            exited,
            stderr: () => stderr,
            kill: (signal) => child.kill(signal),
            halt,
            async stop() {
              await halt();
              if (base !== undefined) await rm(base, { recursive: true, force: true });
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
    if (options.port !== undefined || attempt >= 3) throw new Error(`ferry daemon did not start: ${stderr}`);
  }
}

/** One JSON-RPC call with the daemon's token; throws the error message on an error answer. */
export async function call<T = unknown>(d: { url: string; secret: string }, method: string, ...params: unknown[]): Promise<T> {
  const answer = await rawCall(d.url, method, [`token:${d.secret}`, ...params]);
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result as T;
}

/** Poll `cond` every 50 ms until it holds (or throw after `ms`). */
export async function until(cond: () => Promise<boolean> | boolean, ms = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms`);
    await sleep(50);
  }
}
