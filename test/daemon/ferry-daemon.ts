/**
 * ferry's own daemon as a child process (`ferry daemon ...`: the built command, named in
 * helpers/cli.ts) on a free loopback port, with a secret, its own state directory and download
 * directory. Build first (`npm run build`). It can be killed (SIGKILL) and started again on the
 * same directories.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { COMMAND } from '../helpers/cli.js';
import { type RpcDaemon, rawCall, spawnRpcDaemon } from '../helpers/rpc-daemon.js';

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
  const d = await spawnRpcDaemon({
    name: 'ferry daemon',
    command: COMMAND,
    args: (port) => ['daemon', '--rpc-listen-port', String(port), '--rpc-secret', secret, '-d', dir, '--state-dir', stateDir, ...(options.args ?? [])],
    secret,
    port: options.port,
    startMs: 20_000,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(stateDir, 'no-config'), ...options.env },
  });
  return {
    url: d.url,
    port: d.port,
    secret,
    dir,
    stateDir,
    child: d.child,
    exited: d.exited,
    stderr: d.stderr,
    kill: (signal) => d.child.kill(signal),
    halt: d.halt,
    async stop() {
      await d.halt();
      if (base !== undefined) await rm(base, { recursive: true, force: true });
    },
  };
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
