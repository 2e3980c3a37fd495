/**
 * The daemons of `daemon-load`: ferry's (`ferry daemon`) and aria2c with `--enable-rpc`, each as
 * a command line built from one job, and how to start one and stop it. Both listen on 127.0.0.1
 * only, take a secret, and save into a fresh directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Participant } from './participants.js';
import { exited, waitForPort } from './ports.js';

/** One daemon to start. */
export interface DaemonJob {
  port: number;
  secret: string;
  /** The download directory (fresh for every run). */
  dir: string;
  /** Where the daemon keeps its own state (fresh for every run). */
  stateDir: string;
  /** Downloads active at once. */
  jobs: number;
  /** Downloads queued in the run (finished results the daemon must keep for the final check). */
  files: number;
}

export interface DaemonParticipant extends Pick<Participant, 'name' | 'program' | 'prefixArgs' | 'requires' | 'versionArgs'> {
  args(job: DaemonJob): string[];
}

/**
 * ferry's daemon and aria2c. aria2c: `--rpc-max-request-size` is raised (the adds are sent in
 * batches), `--max-download-result` keeps every finished download so all can be checked, and
 * `--no-conf` keeps the user's aria2.conf out; everything else is left at its defaults, as it is
 * for ferry.
 */
export function daemonParticipants(ferryCommand: string): DaemonParticipant[] {
  return [
    {
      name: 'ferry',
      program: ferryCommand,
      prefixArgs: [],
      requires: ferryCommand,
      versionArgs: ['--version'],
      args: (j) => ['daemon', '--rpc-listen-port', String(j.port), '--rpc-secret', j.secret, '-d', j.dir, '-j', String(j.jobs), '--state-dir', j.stateDir],
    },
    {
      name: 'aria2c',
      program: 'aria2c',
      prefixArgs: [],
      versionArgs: ['--version'],
      args: (j) => [
        '--enable-rpc',
        `--rpc-listen-port=${j.port}`,
        `--rpc-secret=${j.secret}`,
        `--dir=${j.dir}`,
        '--no-conf',
        `--max-concurrent-downloads=${j.jobs}`,
        '--rpc-max-request-size=64M',
        `--max-download-result=${Math.max(1000, j.files)}`,
        '--quiet=true',
        '--summary-interval=0',
        '--console-log-level=error',
      ],
    },
  ];
}

/** A daemon that listens, or why it does not. */
export type StartedDaemon =
  | { ok: true; pid: number; child: ChildProcess; stderrTail(): string; stop(): Promise<void> }
  | { ok: false; unavailable: boolean; reason: string };

/** A daemon that says this build has none is `n/a`; any other failure to start is a FAIL. */
export function isUnavailableMessage(stderr: string): boolean {
  return /not available in this build|unknown (sub)?command|no such command/i.test(stderr);
}

/**
 * Start `p` for `job` in its own process group and wait (up to 5 s) for its port. `stop` asks
 * nothing of the daemon: the caller shuts it down over RPC first; stop then waits a second,
 * SIGTERMs and finally SIGKILLs the group.
 */
export async function startDaemon(p: DaemonParticipant, job: DaemonJob): Promise<StartedDaemon> {
  const child = spawn(p.program, [...p.prefixArgs, ...p.args(job)], { cwd: job.dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString('utf8')).slice(-600);
  });
  const spawnError = new Promise<string>((resolve) => child.once('error', (e) => resolve(e.message)));
  const signalGroup = (sig: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  // aria2c takes about 4 s to exit after a forceShutdown; the run is measured by then, so after
  // a second the group gets SIGTERM (and SIGKILL if that is not enough).
  const stop = async (): Promise<void> => {
    if (await exited(child, 1000)) return;
    signalGroup('SIGTERM');
    if (await exited(child, 3000)) return;
    signalGroup('SIGKILL');
    await exited(child, 3000);
  };
  const listening = await Promise.race([waitForPort(job.port, child), spawnError.then(() => false)]);
  if (!listening || child.pid === undefined) {
    signalGroup('SIGKILL');
    await exited(child, 3000);
    const why = tail.trim().split('\n').at(-1) ?? '';
    const code = child.exitCode !== null ? `exit ${child.exitCode}` : 'did not listen within 5 s';
    return { ok: false, unavailable: isUnavailableMessage(tail), reason: why ? `${code}: ${why}` : code };
  }
  return { ok: true, pid: child.pid, child, stderrTail: () => tail, stop };
}
