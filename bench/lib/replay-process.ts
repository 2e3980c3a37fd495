/**
 * The replay server of `daemon-load`'s floor row in a process of its own (like a daemon), so that
 * its work and the pollers' never share one event loop.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RpcEndpoint } from './rpc-client.js';

export interface ReplayProcess {
  endpoint: RpcEndpoint;
  pid: number;
  stop(): Promise<void>;
}

/** Start `replay-server.ts` for the daemon at `daemon`; resolves once it listens. */
export function startReplayProcess(daemon: RpcEndpoint, maxEntries: number): Promise<ReplayProcess> {
  const script = fileURLToPath(new URL('./replay-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(daemon.port), daemon.secret, String(maxEntries)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`replay server exited (${code}) before it listened`)));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^(\d+)\n/.exec(out);
      if (m === null || child.pid === undefined) return;
      child.removeAllListeners('exit');
      resolve({
        endpoint: { port: Number(m[1]), secret: daemon.secret },
        pid: child.pid,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 2000).unref();
          }),
      });
    });
  });
}
