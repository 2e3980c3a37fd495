/**
 * Run one command and measure it: wall time (monotonic clock, around the whole child), and,
 * through GNU time (`/usr/bin/time -f '%e %U %S %M'`), user and system CPU seconds of the child
 * and every descendant it waited for, plus the peak resident set (the largest single process of
 * that tree, KiB). Without GNU time, CPU and RSS are reported as undefined (n/a).
 *
 * The child runs in its own process group, so a timeout, a planned kill or an abort SIGKILLs
 * the whole tree (the command and anything it forked), never anything else.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** What GNU time reports with `-f '%e %U %S %M'`. */
export interface GnuTime {
  elapsedSec: number;
  userSec: number;
  sysSec: number;
  maxRssKiB: number;
}

export interface MeasureOptions {
  cmd: string;
  args: string[];
  cwd: string;
  /** A scratch file path for GNU time's report (removed afterwards). */
  timeFile: string;
  /** Path of GNU time, or undefined to run the command bare. */
  timeBin?: string;
  /** SIGKILL the tree and report timedOut after this long. */
  timeoutMs: number;
  /** SIGKILL the tree after this long on purpose (the resume scenario); reported as killed. */
  killAfterMs?: number;
  signal?: AbortSignal;
}

export interface Measurement {
  exitCode: number | null;
  /** Set when the child died of a signal. */
  signal: string | null;
  wallSec: number;
  timedOut: boolean;
  /** True when killAfterMs fired before the command ended by itself. */
  killed: boolean;
  time?: GnuTime;
  /** The last few hundred bytes of stderr, for failure messages. */
  stderrTail: string;
}

/** Parse GNU time's `-o` file: the last line that has the four numbers (a status line may precede it). */
export function parseGnuTime(text: string): GnuTime | undefined {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/.exec(line.trim());
    if (m) return { elapsedSec: Number(m[1]), userSec: Number(m[2]), sysSec: Number(m[3]), maxRssKiB: Number(m[4]) };
  }
  return undefined;
}

const TAIL = 600;

/** Run and measure one command; never rejects for the command's own failure. */
export async function measure(o: MeasureOptions): Promise<Measurement> {
  const [cmd, args] = o.timeBin ? [o.timeBin, ['-f', '%e %U %S %M', '-o', o.timeFile, o.cmd, ...o.args]] : [o.cmd, o.args];
  const started = process.hrtime.bigint();
  const child = spawn(cmd, args, { cwd: o.cwd, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderrTail = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderrTail = (stderrTail + d.toString('utf8')).slice(-TAIL);
  });
  let timedOut = false;
  let killed = false;
  const killTree = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  };
  const timers = [
    setTimeout(() => {
      timedOut = true;
      killTree();
    }, o.timeoutMs),
  ];
  if (o.killAfterMs !== undefined) {
    timers.push(
      setTimeout(() => {
        killed = true;
        killTree();
      }, o.killAfterMs),
    );
  }
  if (o.signal?.aborted) killTree();
  o.signal?.addEventListener('abort', killTree, { once: true });
  const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.on('error', (e) => {
      stderrTail += String(e);
      resolve({ code: null, signal: null });
    });
    child.on('close', (c, s) => resolve({ code: c, signal: s }));
  });
  const wallSec = Number(process.hrtime.bigint() - started) / 1e9;
  for (const t of timers) clearTimeout(t);
  o.signal?.removeEventListener('abort', killTree);
  let time: GnuTime | undefined;
  if (o.timeBin) {
    time = parseGnuTime(await readFile(o.timeFile, 'utf8').catch(() => ''));
    await rm(o.timeFile, { force: true });
  }
  // GNU time exits with the child's status; a child killed by a signal shows up as 128+n there.
  return { exitCode: code, signal, wallSec, timedOut, killed: killed && !timedOut, time, stderrTail };
}

/** Where a scratch time file for `name` goes inside `dir`. */
export function timeFilePath(dir: string, name: string): string {
  return join(dir, `.${name}.time`);
}
