/**
 * Runs list participants against one list of files, `runs` times each, interleaved like the
 * single-file matrix. Every run gets a fresh output directory and its own list file; after the
 * tool exits, every file of the list is checked (size, then SHA-256): one wrong or missing file
 * makes the run a failure.
 *
 * A run's output directory is left in the work directory (removed with it when the benchmark
 * ends), not deleted after the run. On ext4 without a journal (this machine's disk) the kernel
 * passes over inodes freed in the last seconds when it allocates one (`recently_deleted` in
 * `find_inode_bit`), scanning every such inode on each create: right after the previous run's 500
 * files were deleted, each create took about 1 ms (`strace -T`) instead of 0.1 ms, and curl's
 * list took 0.52-0.64 s instead of 0.17 s. Which participant paid depended on whether the
 * deletion fell in the same second as its creates; kept directories give every run fresh inodes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SetFile } from './file-set.js';
import type { ListEntry, ListParticipant } from './list-participants.js';
import { measuredRun, type RunContext, runInterleaved, verifyOutput } from './runner.js';
import type { RunRecord } from './types.js';

/** A list to download and the reference every file must equal (`files[i]` is `entries[i]`). */
export interface ListTarget {
  label: string;
  entries: ListEntry[];
  files: SetFile[];
  /** Downloads at once. */
  jobs: number;
  timeoutMs: number;
}

/** How many reasons a failure message lists before `...`. */
const SHOWN = 3;

/**
 * Check every file of the list in `dir`; undefined when all are right, else a short reason
 * (`2/500 files wrong: f0001.bin no output file; f0002.bin SHA-256 mismatch`).
 */
export async function verifyList(dir: string, files: readonly SetFile[]): Promise<string | undefined> {
  const bad: string[] = [];
  for (const f of files) {
    const v = await verifyOutput(join(dir, f.name), f.size, f.sha256);
    if (!v.ok) bad.push(`${f.name} ${v.failure ?? 'wrong'}`);
  }
  if (bad.length === 0) return undefined;
  const more = bad.length > SHOWN ? '; ...' : '';
  return `${bad.length}/${files.length} files wrong: ${bad.slice(0, SHOWN).join('; ')}${more}`;
}

/** One download of the whole list by one participant, measured and verified. */
export async function runListOnce(ctx: RunContext, p: ListParticipant, target: ListTarget, run: number, tag: string): Promise<RunRecord> {
  const dir = await mkdtemp(join(ctx.workDir, `${p.name}-`));
  const listFile = join(ctx.workDir, `${tag}.list`);
  try {
    await writeFile(listFile, p.list(target.entries));
    const args = [...p.prefixArgs, ...p.args({ listFile, dir, jobs: target.jobs })];
    await ctx.beforeRun?.();
    const m = await measuredRun(ctx, { cmd: p.program, args, dir, tag, timeoutMs: target.timeoutMs }, run);
    const failure = m.failure ?? (await verifyList(dir, target.files));
    return failure === undefined ? { ...m.base, ok: true } : { ...m.base, ok: false, failure };
  } finally {
    await rm(listFile, { force: true });
  }
}

/** All runs of all list participants; returns runs per participant name. */
export function runListMatrix(ctx: RunContext, target: ListTarget, ps: ListParticipant[], runs: number): Promise<Map<string, RunRecord[]>> {
  const tag = (p: ListParticipant, run: number): string => `${target.label}-${p.name}-${run}-${Date.now().toString(36)}`;
  const n = target.files.length;
  const say = (r: RunRecord): string => (r.ok ? `${r.wallSec.toFixed(2)} s  ${(n / r.wallSec).toFixed(0)} files/s  ok` : `FAIL (${r.failure})`);
  return runInterleaved(ctx, target.label.padEnd(17), ps, runs, (p, run) => runListOnce(ctx, p, target, run, tag(p, run)), say);
}
