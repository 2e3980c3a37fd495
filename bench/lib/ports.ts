/** Loopback ports and child processes of the local servers (nginx, vsftpd). */
import type { ChildProcess } from 'node:child_process';
import { canConnect } from '../../test/helpers/free-port.js';

export { canConnect, freePort, freePortRange } from '../../test/helpers/free-port.js';

/** Wait up to 5 s for `port` to accept connections; false as soon as `child` has exited. */
export async function waitForPort(port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await canConnect(port)) return true;
    if (child.exitCode !== null || child.signalCode !== null) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return canConnect(port);
}

/** Resolves true once `child` has exited, false after `ms`. */
export function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}
