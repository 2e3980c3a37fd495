/**
 * The kill -9 resume scenario: start a capped download, SIGKILL its process group after
 * `killAfterMs`, run the very same command again, verify the file, and count what the server
 * sent for both attempts (nginx access log, body bytes, by run tag). Everything beyond the file
 * size was downloaded twice; it is also expressed in seconds of transfer at the observed speed
 * (all body bytes / both attempts' wall time).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { measure, timeFilePath } from './measure.js';
import type { Job, Participant } from './participants.js';
import { commandFor, exitFailure, type RunContext, runInterleaved, type Target, verifyOutput } from './runner.js';
import type { ResumeRecord } from './types.js';

export interface ResumeTarget extends Target {
  killAfterMs: number;
  /** Body bytes the server has logged for a tag. */
  bodyBytesFor(tag: string): Promise<number>;
}

/** Poll the counter until two reads 250 ms apart agree (the server logs a response when it ends). */
async function settledBytes(read: () => Promise<number>, maxWaitMs = 5000): Promise<number> {
  let last = await read();
  for (let waited = 0; waited < maxWaitMs; waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await read();
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** Both attempts of one participant, measured. */
export async function resumeOnce(ctx: RunContext, p: Participant, t: ResumeTarget, run: number): Promise<ResumeRecord> {
  const dir = await mkdtemp(join(ctx.workDir, `resume-${p.name}-`));
  const tag = `resume-${p.name}-${run}-${Date.now().toString(36)}`;
  const empty = { run, killedAtSec: 0, rerunWallSec: 0, bytesSent: 0, redownloadedBytes: 0, observedBytesPerSec: 0, redownloadedSec: 0 };
  try {
    const job: Job = { url: t.url(tag), dir, file: 'out.bin', connections: ctx.connections };
    const { cmd, args } = commandFor(p, job);
    const common = { cmd, args, cwd: dir, timeFile: timeFilePath(ctx.workDir, tag), timeBin: ctx.timeBin, signal: ctx.signal };
    const first = await measure({ ...common, timeoutMs: t.timeoutMs, killAfterMs: t.killAfterMs });
    if (!first.killed || first.exitCode === 0) {
      const why = exitFailure(first, t.timeoutMs) ?? 'finished before the kill (raise --size resume or lower --resume-cap)';
      return { ...empty, ok: false, failure: `first attempt: ${why}`, killedAtSec: first.wallSec };
    }
    const second = await measure({ ...common, timeoutMs: t.timeoutMs });
    const failure = exitFailure(second, t.timeoutMs);
    const v = failure === undefined ? await verifyOutput(join(dir, job.file), t.size, t.sha256) : { ok: false, failure };
    const bytesSent = await settledBytes(() => t.bodyBytesFor(tag));
    const seconds = first.wallSec + second.wallSec;
    const observed = seconds > 0 ? bytesSent / seconds : 0;
    const redownloaded = bytesSent - t.size;
    return {
      run,
      ok: v.ok,
      failure: v.ok ? undefined : `rerun: ${v.failure}`,
      killedAtSec: first.wallSec,
      rerunWallSec: second.wallSec,
      bytesSent,
      redownloadedBytes: redownloaded,
      observedBytesPerSec: observed,
      redownloadedSec: observed > 0 ? redownloaded / observed : 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** All resume runs, interleaved like the matrix; returns records per participant name. */
export function runResume(ctx: RunContext, t: ResumeTarget, ps: Participant[], runs: number): Promise<Map<string, ResumeRecord[]>> {
  const say = (r: ResumeRecord): string =>
    r.ok
      ? `killed at ${r.killedAtSec.toFixed(2)} s, rerun ${r.rerunWallSec.toFixed(2)} s, re-downloaded ${(r.redownloadedBytes / 1048576).toFixed(1)} MiB = ${r.redownloadedSec.toFixed(2)} s`
      : `FAIL (${r.failure})`;
  return runInterleaved(ctx, 'resume'.padEnd(12), ps, runs, (p, run) => resumeOnce(ctx, p, t, run), say);
}
