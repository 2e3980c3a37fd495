/**
 * CPU time and memory of a running process from Linux's /proc: `/proc/PID/stat` (utime and
 * stime, in clock ticks, of all its threads) and `/proc/PID/status` (VmRSS, VmHWM), read by a
 * sampler every 100 ms. Parsing is pure; reading and the timer are kept apart.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** CPU seconds and resident set of one process at one moment. */
export interface ProcSample {
  /** performance.now() when it was read. */
  atMs: number;
  /** utime + stime, seconds. */
  cpuSec: number;
  rssKiB: number;
  /** VmHWM: the kernel's peak resident set so far, KiB. */
  hwmKiB: number;
}

/**
 * utime and stime (fields 14 and 15, clock ticks) of a `/proc/PID/stat` line. The command name
 * (field 2) is in parentheses and may contain spaces and parentheses, so fields are counted from
 * the last `)`. Undefined when the line does not have them.
 */
export function parseProcStat(text: string): { utimeTicks: number; stimeTicks: number } | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (fields.length < 13 || !Number.isInteger(utime) || !Number.isInteger(stime)) return undefined;
  return { utimeTicks: utime, stimeTicks: stime };
}

/** VmRSS and VmHWM (KiB) of a `/proc/PID/status` text; undefined when either is missing. */
export function parseProcStatus(text: string): { rssKiB: number; hwmKiB: number } | undefined {
  const kib = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const rss = kib('VmRSS');
  const hwm = kib('VmHWM');
  return rss === undefined || hwm === undefined ? undefined : { rssKiB: rss, hwmKiB: hwm };
}

/** Clock ticks per second (`getconf CLK_TCK`; 100 when getconf is missing, Linux's usual value). */
export function clockTicks(): Promise<number> {
  return new Promise((resolve) => {
    execFile('getconf', ['CLK_TCK'], { timeout: 5000 }, (err, out) => {
      const n = Number(String(out).trim());
      resolve(!err && Number.isInteger(n) && n > 0 ? n : 100);
    });
  });
}

/** One sample of `pid`, or undefined when the process is gone (or this is not Linux). */
export async function readProcSample(pid: number, ticksPerSec: number): Promise<ProcSample | undefined> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    const cpu = parseProcStat(stat);
    const mem = parseProcStatus(status);
    if (cpu === undefined || mem === undefined) return undefined;
    return { atMs: performance.now(), cpuSec: (cpu.utimeTicks + cpu.stimeTicks) / ticksPerSec, ...mem };
  } catch {
    return undefined;
  }
}

/** Samples of one process taken every `intervalMs` until `stop`. */
export interface ProcSampler {
  /** Stop sampling and return every sample taken, oldest first. */
  stop(): ProcSample[];
}

/** Sample `pid` every `intervalMs` (default 100 ms). */
export function startProcSampler(pid: number, ticksPerSec: number, intervalMs = 100): ProcSampler {
  const samples: ProcSample[] = [];
  let reading = false;
  const timer = setInterval(() => {
    if (reading) return; // never two reads at once; a late read is simply one sample fewer
    reading = true;
    readProcSample(pid, ticksPerSec)
      .then((s) => {
        if (s !== undefined) samples.push(s);
      })
      .finally(() => {
        reading = false;
      });
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return [...samples];
    },
  };
}

/** The largest VmRSS among samples taken from `fromMs` on (KiB), undefined when there are none. */
export function peakRss(samples: readonly ProcSample[], fromMs: number): number | undefined {
  const xs = samples.filter((s) => s.atMs >= fromMs).map((s) => s.rssKiB);
  return xs.length === 0 ? undefined : Math.max(...xs);
}
