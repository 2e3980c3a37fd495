/**
 * The `daemon-load` scenario: a daemon (ferry's, aria2c's) gets `daemonFiles` downloads queued at
 * once, `daemonJobs` active at a time, from nginx on 127.0.0.1 with no limits, once without RPC
 * clients and once while `daemonClients` pollers each call tellActive() and tellWaiting(0, 1000)
 * `daemonPollHz` times a second. Every download is a distinct URL of the same data file (the
 * `?run=` tag differs), saved under its own name (`out=f0001.bin`), and checked with SHA-256.
 */
import { type DaemonParticipant, daemonParticipants } from './daemon-participants.js';
import { type DaemonRunContext, type DaemonTarget, runDaemonOnce } from './daemon-run.js';
import { naDaemonRow, summariseDaemonRuns, withBaseline } from './daemon-summary.js';
import { ensureDataFile } from './data.js';
import { setFileName } from './file-set.js';
import { isSelected, unavailable } from './participants.js';
import { clockTicks } from './proc-stats.js';
import type { ScenarioEnv } from './scenario-env.js';
import { describe } from './scenarios.js';
import type { BenchConfig, DaemonRow, DaemonRunRecord, DaemonScenarioResult } from './types.js';
import { fmt, MIB } from './units.js';

/**
 * The floor row: ferry's daemon downloading with no clients while the same pollers poll a replay
 * server (answers of the same sizes, built by nobody; see replay-server.ts). Its throughput against
 * ferry's unloaded row is what the load alone costs this machine.
 */
export const FLOOR = 'floor';

/** The loads of a run, in the order they run: none, then the configured pollers (if any). */
export function loadsOf(c: Pick<BenchConfig, 'daemonClients'>): number[] {
  return c.daemonClients > 0 ? [0, c.daemonClients] : [0];
}

/** A progress line for one run. */
export function runLine(p: string, r: DaemonRunRecord, runs: number): string {
  const head = `daemon-load  ${p.padEnd(7)} clients ${String(r.clients).padStart(3)}  run ${r.run}/${runs}`;
  if (!r.ok) return `${head}  FAIL (${r.failure})`;
  const lat = r.latency ? `  p50 ${fmt(r.latency.all.p50, 1)} ms  p99 ${fmt(r.latency.all.p99, 1)} ms  ${fmt(r.requestsPerSec, 0)} req/s` : '';
  const cut = r.cutAtSec !== undefined ? `  cut: ${r.filesDone}/${r.files} done` : '';
  return `${head}  ${r.wallSec.toFixed(2)} s  ${fmt(r.bytes / MIB / r.wallSec, 1)} MiB/s  CPU ${fmt(r.cpuSec, 2)} s (harness ${fmt(r.clientCpuSec, 2)} s)  queued in ${fmt(r.addedSec, 2)} s${lat}${cut}  ok`;
}

/** Run the scenario with every selected participant; unavailable ones get n/a rows. */
export async function runDaemonScenario(env: ScenarioEnv): Promise<DaemonScenarioResult> {
  const { config, ctx } = env;
  const loads = loadsOf(config);
  const members = daemonParticipants(env.ferryCommand).filter((p) => isSelected(config.participants, p.name));
  const why = new Map<string, string>();
  for (const p of members) {
    const w = (await unavailable(p)) ?? (env.nginx === undefined ? 'nginx not installed' : undefined);
    if (w !== undefined) why.set(p.name, w);
  }
  const size = config.sizes['daemon-load'];
  const runs = new Map<string, DaemonRunRecord[]>();
  const nginx = env.nginx;
  if (nginx !== undefined && members.some((p) => !why.has(p.name))) {
    const data = await ensureDataFile(env.dataDir, size);
    const target: DaemonTarget = {
      url: (i, tag) => `${nginx.baseUrl}/plain/${data.name}?run=${tag}-${i + 1}`,
      files: Array.from({ length: config.daemonFiles }, (_, i) => ({ name: setFileName(i, config.daemonFiles), size, sha256: data.sha256 })),
      jobs: config.daemonJobs,
      pollHz: config.daemonPollHz,
      warmupMs: 1000,
      stallMs: config.timeoutMs ?? 60_000,
      limitMs: config.daemonLimitMs,
    };
    const rctx: DaemonRunContext = { workDir: ctx.workDir, signal: ctx.signal, ticksPerSec: await clockTicks(), log: ctx.log };
    await runAll(rctx, members, why, target, loads, config.daemonRuns, runs);
  }
  const rows: DaemonRow[] = [];
  for (const p of members) {
    for (const clients of loads) {
      const w = why.get(p.name);
      rows.push(w !== undefined ? naDaemonRow(p.name, clients, w) : summariseDaemonRuns(p.name, clients, runs.get(`${p.name}/${clients}`) ?? []));
    }
  }
  for (const clients of loads) {
    const floor = runs.get(`${FLOOR}/${clients}`);
    if (floor !== undefined) rows.push({ ...summariseDaemonRuns(FLOOR, clients, floor), baseline: 'ferry' });
  }
  return { description: describe('daemon-load', config), files: config.daemonFiles, size, clients: config.daemonClients, rows: withBaseline(rows) };
}

/** Every run, interleaved: run 1 of every participant and load, then run 2, ... */
async function runAll(
  ctx: DaemonRunContext,
  members: DaemonParticipant[],
  why: Map<string, string>,
  target: DaemonTarget,
  loads: number[],
  count: number,
  out: Map<string, DaemonRunRecord[]>,
): Promise<void> {
  for (let run = 1; run <= count; run++) {
    for (const p of members) {
      for (const clients of loads) {
        if (ctx.signal.aborted || why.has(p.name)) continue;
        const outcome = await runDaemonOnce(ctx, p, target, clients, run);
        if (ctx.signal.aborted) return;
        if ('unavailable' in outcome) {
          why.set(p.name, outcome.unavailable);
          ctx.log(`daemon-load  ${p.name} is n/a (${outcome.unavailable})`);
          continue;
        }
        const key = `${p.name}/${clients}`;
        out.set(key, [...(out.get(key) ?? []), outcome.record]);
        ctx.log(runLine(p.name, outcome.record, count));
        if (p.name !== 'ferry' || clients === 0) continue;
        // The floor: the same pollers on a replay server while ferry's daemon downloads alone.
        const floor = await runDaemonOnce(ctx, p, target, clients, run, true);
        if (ctx.signal.aborted || 'unavailable' in floor) continue;
        out.set(`${FLOOR}/${clients}`, [...(out.get(`${FLOOR}/${clients}`) ?? []), floor.record]);
        ctx.log(runLine(FLOOR, floor.record, count));
      }
    }
  }
}
