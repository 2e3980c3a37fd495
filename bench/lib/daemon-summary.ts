/**
 * The numbers of `daemon-load`: latency percentiles, one row per participant and load (medians
 * over runs), and the table of the report. Pure functions.
 * Invariant, as in summary.ts: a row with any failed run is FAIL and carries no number.
 */
import { median, percent } from './stats.js';
import { markdownTable } from './table.js';
import type { DaemonRow, DaemonRunRecord, LatencySummary } from './types.js';
import { fmt, MIB } from './units.js';

/**
 * The p-th percentile (0 < p <= 100) of `sorted` (ascending) by the nearest-rank method: the
 * smallest value such that at least p % of the values are at or below it. Undefined when empty.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** count, p50, p90, p99, max and mean of a set of latencies (ms), in any order. */
export function summariseLatencies(values: readonly number[]): LatencySummary {
  const xs = [...values].sort((a, b) => a - b);
  if (xs.length === 0) return { count: 0 };
  const sum = xs.reduce((s, x) => s + x, 0);
  return { count: xs.length, p50: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99), max: xs[xs.length - 1], mean: sum / xs.length };
}

/** Summarise the runs of one participant with one load (`pctOfNoClients` is added by `withBaseline`). */
export function summariseDaemonRuns(participant: string, clients: number, runs: DaemonRunRecord[]): DaemonRow {
  if (runs.length === 0) return { participant, clients, status: 'n/a', runs };
  const failed = runs.filter((r) => !r.ok);
  if (failed.length > 0) {
    const reasons = [...new Set(failed.map((r) => r.failure ?? 'failed'))];
    return { participant, clients, status: 'FAIL', note: `${failed.length}/${runs.length} runs: ${reasons.join('; ')}`, runs };
  }
  return {
    participant,
    clients,
    status: 'ok',
    runs,
    mibPerSec: median(runs.map((r) => (r.wallSec > 0 ? r.bytes / MIB / r.wallSec : undefined))),
    p50Ms: median(runs.map((r) => r.latency?.all.p50)),
    p99Ms: median(runs.map((r) => r.latency?.all.p99)),
    requestsPerSec: clients > 0 ? median(runs.map((r) => r.requestsPerSec)) : undefined,
    cpuSec: median(runs.map((r) => r.cpuSec)),
    peakRssMiB: median(runs.map((r) => (r.peakRssKiB === undefined ? undefined : r.peakRssKiB / 1024))),
    filesDone: median(runs.map((r) => r.filesDone)),
    files: runs[0].files,
    cutAtSec: median(runs.map((r) => r.cutAtSec)),
  };
}

/** Add `pctOfNoClients`: each loaded row's throughput against the same participant's unloaded row. */
export function withBaseline(rows: DaemonRow[]): DaemonRow[] {
  return rows.map((r) => {
    if (r.status !== 'ok') return r;
    const of = r.baseline ?? r.participant;
    const base = rows.find((b) => b.participant === of && b.clients === 0 && b.status === 'ok');
    return { ...r, pctOfNoClients: percent(r.mibPerSec, base?.mibPerSec) };
  });
}

/** An n/a row: the participant cannot run (not installed, no daemon in this build, no nginx). */
export function naDaemonRow(participant: string, clients: number, note: string): DaemonRow {
  return { participant, clients, status: 'n/a', note, runs: [] };
}

/** The cells of one row, in the order of DAEMON_HEADER. */
export function daemonRowCells(r: DaemonRow): string[] {
  const lead = [r.participant, String(r.clients)];
  const runs = String(r.runs.length);
  if (r.status !== 'ok') {
    const word = r.status === 'FAIL' ? 'FAIL' : 'n/a';
    const note = r.status === 'FAIL' ? `FAIL: ${r.note ?? ''}` : (r.note ?? 'n/a');
    return [...lead, ...DAEMON_HEADER.slice(2, -2).map(() => word), note, runs];
  }
  const lat = (x: number | undefined): string => (r.clients === 0 ? '-' : fmt(x, 1));
  return [
    ...lead,
    fmt(r.mibPerSec, 1),
    fmt(r.pctOfNoClients, 1),
    lat(r.p50Ms),
    lat(r.p99Ms),
    r.clients === 0 ? '-' : fmt(r.requestsPerSec, 0),
    fmt(r.cpuSec, 2),
    fmt(r.peakRssMiB, 1),
    filesCell(r),
    runs,
  ];
}

/** `1000/1000 ok`, or for a cut run `312/1000 ok (cut at 120 s)`: finished files, all SHA-256 checked. */
export function filesCell(r: DaemonRow): string {
  const done = `${fmt(r.filesDone, 0)}/${r.files ?? 'n/a'} ok`;
  return r.cutAtSec === undefined ? done : `${done} (cut at ${r.cutAtSec.toFixed(0)} s)`;
}

/** The columns of the daemon table. */
export const DAEMON_HEADER = [
  'participant',
  'clients',
  'MiB/s',
  '% of no clients',
  'RPC p50 ms',
  'RPC p99 ms',
  'RPC req/s',
  'CPU s',
  'peak RSS MiB',
  'files (SHA-256)',
  'runs',
];

/** The `daemon-load` table of the report. */
export function renderDaemonTable(rows: DaemonRow[]): string {
  return markdownTable(
    DAEMON_HEADER,
    rows.map(daemonRowCells),
    DAEMON_HEADER.map((h, i): 'l' | 'r' => (i === 0 || h.startsWith('files') ? 'l' : 'r')),
  );
}
