/**
 * The `kill-waste` scenario: one file from the paced server (a per-connection rate cap), each
 * participant killed with SIGKILL (its whole process group) at the same seeded moments, rerun
 * after each kill with the very same command, then run to the end. What counts is the server's
 * body bytes for all the attempts, as a multiple of the file size: 1.00x wastes nothing. The
 * numbers, the summary and the table are in kill-waste-plan.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataFile } from './data.js';
import {
  describeKillWaste,
  KILL_WASTE_CAP,
  KILL_WASTE_CONNECTIONS,
  type KillWasteRecord,
  type KillWasteResult,
  type KillWasteSummary,
  killMoments,
  summariseKillWaste,
} from './kill-waste-plan.js';
import { measure, timeFilePath } from './measure.js';
import { startPacedServer } from './paced-server.js';
import { isSelected, type Job, type Participant, participants, unavailable } from './participants.js';
import { commandFor, exitFailure, type RunContext, runInterleaved, type Target, verifyOutput } from './runner.js';
import { inOrder, once, type ScenarioEnv } from './scenario-env.js';

export interface KillWasteTarget extends Target {
  /** Body bytes the server has sent so far (all responses). */
  bytesSent(): number;
}

/** The command line of a participant here: the same as elsewhere, with its resume switch where it needs one. */
export function killWasteArgs(p: Participant, job: Job): { cmd: string; args: string[] } {
  const { cmd, args } = commandFor(p, job);
  if (p.name === 'aria2c') return { cmd, args: [...args.slice(0, -1), '-c', ...args.slice(-1)] };
  if (p.name === 'curl') return { cmd, args: ['-sS', '-f', '-C', '-', '-o', join(job.dir, job.file), job.url] };
  return { cmd, args };
}

/** Poll the counter until two reads 250 ms apart agree (a killed client's responses wind down). */
async function settled(read: () => number, maxWaitMs = 3000): Promise<number> {
  let last = read();
  for (let waited = 0; waited < maxWaitMs; waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    const now = read();
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** Every attempt of one participant's run, measured. */
export async function killWasteOnce(ctx: RunContext, p: Participant, t: KillWasteTarget, run: number): Promise<KillWasteRecord> {
  const dir = await mkdtemp(join(ctx.workDir, `killwaste-${p.name}-`));
  const tag = `killwaste-${p.name}-${run}-${Date.now().toString(36)}`;
  const before = await settled(() => t.bytesSent());
  let kills = 0;
  let wallSec = 0;
  const result = (ok: boolean, failure?: string): KillWasteRecord => {
    const bytesSent = t.bytesSent() - before;
    return { run, ok, failure, kills, bytesSent, ratio: bytesSent / t.size, wallSec };
  };
  try {
    const job: Job = { url: t.url(tag), dir, file: 'out.bin', connections: ctx.connections };
    const { cmd, args } = killWasteArgs(p, job);
    const common = { cmd, args, cwd: dir, timeFile: timeFilePath(ctx.workDir, tag), timeBin: ctx.timeBin, signal: ctx.signal, timeoutMs: t.timeoutMs };
    let finished = false;
    for (const at of killMoments(run)) {
      const m = await measure({ ...common, killAfterMs: at });
      wallSec += m.wallSec;
      if (!m.killed) {
        const why = exitFailure(m, t.timeoutMs);
        if (why !== undefined) return result(false, `attempt ${kills + 1}: ${why}`);
        finished = true;
        break;
      }
      kills++;
      await settled(() => t.bytesSent(), 1000);
    }
    if (!finished) {
      const last = await measure(common);
      wallSec += last.wallSec;
      const why = exitFailure(last, t.timeoutMs);
      if (why !== undefined) return result(false, `last attempt: ${why}`);
    }
    const v = await verifyOutput(join(dir, job.file), t.size, t.sha256);
    await settled(() => t.bytesSent());
    return result(v.ok, v.failure);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** All runs, interleaved (run 1 of everyone, then run 2, ...); records per participant name. */
export function runKillWaste(ctx: RunContext, t: KillWasteTarget, ps: Participant[], runs: number): Promise<Map<string, KillWasteRecord[]>> {
  const say = (r: KillWasteRecord): string =>
    r.ok ? `${r.kills} kills, sent ${r.ratio.toFixed(3)}x the file in ${r.wallSec.toFixed(1)} s` : `FAIL (${r.failure})`;
  return runInterleaved(ctx, 'kill-waste'.padEnd(12), ps, runs, (p, run) => killWasteOnce(ctx, p, t, run), say);
}

/** Run the scenario over `file`. */
export async function runKillWasteScenario(env: ScenarioEnv, file: DataFile): Promise<KillWasteResult> {
  const { config } = env;
  const ctx = { ...env.ctx, connections: KILL_WASTE_CONNECTIONS };
  const members = participants(env.ferryCommand).filter((p) => p.scenarios.includes('kill-waste') && isSelected(config.participants, p.name));
  const why = new Map<string, string>();
  for (const p of members) {
    const w = await unavailable(p);
    if (w !== undefined) why.set(p.name, w);
  }
  const runnable: Participant[] = members.filter((p) => !why.has(p.name));
  const server = await startPacedServer({ files: { '/f': await readFile(file.path) }, rateBytesPerSec: KILL_WASTE_CAP, firstByteDelayMs: 0 });
  const close = once(() => server.close());
  env.onCleanup(close);
  const rows: KillWasteSummary[] = [];
  try {
    // One connection at the cap needs size / cap; give it three times that, and the kills.
    const timeoutMs = Math.round(30_000 + (3 * file.size * 1000) / KILL_WASTE_CAP);
    const target = {
      label: 'kill-waste',
      url: (tag: string) => `${server.url('/f')}?run=${tag}`,
      size: file.size,
      sha256: file.sha256,
      timeoutMs,
      bytesSent: () => server.bytesSent(),
    };
    const runs = await runKillWaste(ctx, target, runnable, config.runs);
    for (const p of runnable) rows.push(summariseKillWaste(p.name, runs.get(p.name) ?? []));
  } finally {
    await close();
  }
  for (const [name, w] of why) rows.push({ participant: name, status: 'n/a', note: w, runs: [] });
  return {
    description: describeKillWaste(file.size),
    size: file.size,
    rows: inOrder(
      rows,
      members.map((p) => p.name),
    ),
  };
}
