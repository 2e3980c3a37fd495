/**
 * What the daemon helpers share: the {@link RpcDaemon} shape the client-command tests take, one
 * raw JSON-RPC call, and {@link spawnRpcDaemon}, which starts a daemon child process on a free
 * loopback port and waits until it answers `aria2.getVersion`.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';

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

/** One raw JSON-RPC call (for test set-up and checks, independent of ferry's client). */
export async function rawCall(url: string, method: string, params: unknown[]): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 'test', method, params }) });
  return (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
}

/** How to start one daemon process. */
export interface RpcDaemonSpawn {
  /** Named in the error when it does not start: `NAME did not start: STDERR`. */
  name: string;
  command: string;
  /** Its arguments, for the port it is to listen on. */
  args(port: number): string[];
  /** The secret its `getVersion` answer is asked with. */
  secret: string;
  /** Listen on this port (no retry on another one); default: a free port, retried up to 3 times. */
  port?: number;
  /** How long one start may take to answer. */
  startMs: number;
  env?: SpawnOptions['env'];
}

/** A daemon process that answered `getVersion`. */
export interface RpcDaemonProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code when the process has exited. */
  exited: Promise<number | null>;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGKILL it when still running, and wait until it has exited. */
  halt(): Promise<void>;
}

/**
 * Spawn `spec.command` (stdin and stdout ignored, stderr kept) and poll `aria2.getVersion` every
 * 50 ms until it answers. A process that exits or does not answer within `spec.startMs` is killed;
 * then, unless the port was given, another free port is tried (the port may have been taken between
 * freePort() and the daemon's bind), up to 4 attempts in all.
 */
export async function spawnRpcDaemon(spec: RpcDaemonSpawn): Promise<RpcDaemonProcess> {
  for (let attempt = 0; ; attempt++) {
    const port = spec.port ?? (await freePort());
    const child = spawn(spec.command, spec.args(port), { stdio: ['ignore', 'ignore', 'pipe'], env: spec.env });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let gone = false;
    void exited.then(() => (gone = true));
    const halt = async (): Promise<void> => {
      if (!gone) child.kill('SIGKILL');
      await exited;
    };
    const url = `http://127.0.0.1:${port}/jsonrpc`;
    const deadline = Date.now() + spec.startMs;
    while (!gone && Date.now() < deadline) {
      try {
        const answer = await rawCall(url, 'aria2.getVersion', [`token:${spec.secret}`]);
        if (answer.result !== undefined) return { url, port, child, exited, stderr: () => stderr, halt };
      } catch {
        // Not listening yet.
      }
      await sleep(50);
    }
    await halt();
    if (spec.port !== undefined || attempt >= 3) throw new Error(`${spec.name} did not start: ${stderr}`);
  }
}
