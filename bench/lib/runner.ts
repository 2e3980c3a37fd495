/**
 * Runs participants against one target, `runs` times each, interleaved (run 1 of everyone, then
 * run 2, ...) so slow drifts of a noisy machine spread over all participants. Every run gets a
 * fresh output directory, removed after its file was hashed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashFile } from './data.js';
import { type Measurement, measure, timeFilePath } from './measure.js';
import type { Job, Participant } from './participants.js';
import type { RunRecord } from './types.js';

/** What the runs of a scenario share. */
export interface RunContext {
  workDir: string;
  /** GNU time, if installed. */
  timeBin?: string;
  signal: AbortSignal;
  connections: number;
  /** Progress lines (stderr). */
  log(line: string): void;
  /**
   * Runs before each run's command, untimed: the benchmark flushes the page cache's dirty data
   * (`sync`) so that a participant that syncs its file does not also wait for the previous
   * participants' unsynced copies (measured: 3.5 s instead of 2.0-2.5 s for ferry over FTPS;
   * 1 GiB unthrottled runs 2 and 3 at 2.6-3.7 s against 1.5 s for the first).
   */
  beforeRun?: () => Promise<void>;
}

/** A file to download: its URL for a run tag, and the reference it must equal. */
export interface Target {
  label: string;
  url(tag: string): string;
  size: number;
  sha256: string;
  timeoutMs: number;
  /** The local file the server serves (for the dd conv=fdatasync), when there is one. */
  sourcePath?: string;
}

/** Full argv of a participant for a job. */
export function commandFor(p: Participant, job: Job): { cmd: string; args: string[] } {
  return { cmd: p.program, args: [...p.prefixArgs, ...p.args(job)] };
}

/** Why a finished command is not a success, from its exit alone (undefined: exited 0). */
export function exitFailure(m: Measurement, timeoutMs: number): string | undefined {
  if (m.timedOut) return `timeout after ${(timeoutMs / 1000).toFixed(0)} s`;
  if (m.exitCode === 0) return undefined;
  const tail = m.stderrTail.trim().split('\n').at(-1)?.slice(0, 160) ?? '';
  const how = m.signal !== null ? `killed by ${m.signal}` : `exit ${m.exitCode}`;
  return tail ? `${how}: ${tail}` : how;
}

/** Check the output against the reference: size first (cheap), then SHA-256. */
export async function verifyOutput(path: string, size: number, sha256: string): Promise<{ ok: boolean; failure?: string; sha256?: string }> {
  const st = await stat(path).catch(() => undefined);
  if (st === undefined) return { ok: false, failure: 'no output file' };
  if (st.size !== size) return { ok: false, failure: `wrong size ${st.size} (expected ${size})` };
  const got = await hashFile(path);
  return got === sha256 ? { ok: true, sha256: got } : { ok: false, failure: 'SHA-256 mismatch', sha256: got };
}

/**
 * Run `cmd args` in `dir`, measured (GNU time into the file of `tag`, the target's timeout, the
 * scenario's abort): the run's timings, and why its exit is a failure (undefined: exit 0).
 */
export async function measuredRun(
  ctx: RunContext,
  command: { cmd: string; args: string[]; dir: string; tag: string; timeoutMs: number },
  run: number,
): Promise<{ base: Omit<RunRecord, 'ok'>; failure?: string }> {
  const m = await measure({
    cmd: command.cmd,
    args: command.args,
    cwd: command.dir,
    timeFile: timeFilePath(ctx.workDir, command.tag),
    timeBin: ctx.timeBin,
    timeoutMs: command.timeoutMs,
    signal: ctx.signal,
  });
  const base = { run, wallSec: m.wallSec, userSec: m.time?.userSec, sysSec: m.time?.sysSec, maxRssKiB: m.time?.maxRssKiB };
  return { base, failure: exitFailure(m, command.timeoutMs) };
}

/** One download by one participant, measured and verified. */
export async function runOnce(ctx: RunContext, p: Participant, target: Target, run: number, tag: string): Promise<RunRecord> {
  const dir = await mkdtemp(join(ctx.workDir, `${p.name}-`));
  try {
    const job: Job = { url: target.url(tag), dir, file: 'out.bin', connections: ctx.connections, source: target.sourcePath };
    const { cmd, args } = commandFor(p, job);
    await ctx.beforeRun?.();
    const { base, failure } = await measuredRun(ctx, { cmd, args, dir, tag, timeoutMs: target.timeoutMs }, run);
    if (failure !== undefined) return { ...base, ok: false, failure };
    const v = await verifyOutput(join(dir, job.file), target.size, target.sha256);
    return { ...base, ...v };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Every run of every participant, interleaved (run 1 of everyone, then run 2, ...): `once` runs
 * one, `say` words its result for the progress line `LABEL NAME run i/n  SAY`. Stops at the
 * scenario's abort (a run ended by the abort is not a result). Returns the records by name.
 */
export async function runInterleaved<P extends { name: string }, R>(
  ctx: RunContext,
  label: string,
  ps: P[],
  runs: number,
  once: (p: P, run: number) => Promise<R>,
  say: (r: R) => string,
): Promise<Map<string, R[]>> {
  const out = new Map<string, R[]>(ps.map((p) => [p.name, []]));
  for (let run = 1; run <= runs; run++) {
    for (const p of ps) {
      if (ctx.signal.aborted) return out;
      const r = await once(p, run);
      if (ctx.signal.aborted) return out; // killed by the abort, not a result
      out.get(p.name)?.push(r);
      ctx.log(`${label} ${p.name.padEnd(7)} run ${run}/${runs}  ${say(r)}`);
    }
  }
  return out;
}

/** All runs of all participants against one target; returns runs per participant name. */
export function runMatrix(ctx: RunContext, target: Target, ps: Participant[], runs: number): Promise<Map<string, RunRecord[]>> {
  const tag = (p: Participant, run: number): string => `${target.label}-${p.name}-${run}-${Date.now().toString(36)}`;
  const say = (r: RunRecord): string =>
    r.ok ? `${r.wallSec.toFixed(2)} s  ${(target.size / 1048576 / r.wallSec).toFixed(1)} MiB/s  ok` : `FAIL (${r.failure})`;
  return runInterleaved(ctx, target.label.padEnd(12), ps, runs, (p, run) => runOnce(ctx, p, target, run, tag(p, run)), say);
}

/** Write every file system's dirty data to disk (`sync`), so that a run starts with none pending. */
export function flushDirtyData(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sync', (err) => (err ? reject(new Error(`sync: ${err.message}`)) : resolve()));
  });
}
