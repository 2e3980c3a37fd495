/**
 * A loopback helper daemon (tinyproxy, microsocks) as a child process: installed or a clear error,
 * started and waited for until its port accepts connections, and stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { waitForPort } from './free-port.js';

/** A started helper daemon. */
export interface ListeningChild {
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
}

/** Throws `NAME is not installed (PATH missing): apt-get install NAME` unless `file` is executable. */
export async function requireInstalled(name: string, file: string): Promise<void> {
  try {
    await access(file, constants.X_OK);
  } catch {
    throw new Error(`${name} is not installed (${file} missing): apt-get install ${name}`);
  }
}

/**
 * Spawn `file args` (stdin and stdout ignored, stderr kept) and wait until 127.0.0.1:port accepts
 * connections; when it does not, stop the child and throw `NAME did not start: WHY` with its stderr.
 */
export async function startListening(name: string, file: string, args: string[], port: number): Promise<ListeningChild> {
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  try {
    await waitForPort(port);
  } catch (e) {
    await stopChild(child);
    throw new Error(`${name} did not start: ${(e as Error).message}\n${stderr}`);
  }
  return { child, stderr: () => stderr };
}

/** SIGTERM the child (SIGKILL after 2 s) and wait until it has exited; nothing when it has already. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, 2000);
  await exited;
  clearTimeout(timer);
}
