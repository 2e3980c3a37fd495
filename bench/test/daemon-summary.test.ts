import { describe, expect, it } from 'vitest';
import {
  DAEMON_HEADER,
  daemonRowCells,
  naDaemonRow,
  percentile,
  renderDaemonTable,
  summariseDaemonRuns,
  summariseLatencies,
  withBaseline,
} from '../lib/daemon-summary.js';
import { daemonTargets } from '../lib/targets.js';
import type { DaemonRow, DaemonRunRecord } from '../lib/types.js';
import { MIB } from '../lib/units.js';

describe('percentile (nearest rank)', () => {
  it('is undefined for no values and the value itself for one', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 100)).toBe(7);
  });
  it('picks the smallest value with at least p % at or below it', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
    expect(percentile([1, 2, 3, 4], 75)).toBe(3);
    expect(percentile([1, 2, 3, 4], 76)).toBe(4);
  });
  it('sees one slow request in a hundred at p99, not at p98', () => {
    const xs = [...Array.from({ length: 98 }, () => 1), 50, 500];
    expect(percentile(xs, 98)).toBe(1);
    expect(percentile(xs, 99)).toBe(50);
    expect(percentile(xs, 100)).toBe(500);
  });
});

describe('summariseLatencies', () => {
  it('sorts first and reports count, p50, p90, p99, max and mean', () => {
    const s = summariseLatencies([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]);
    expect(s).toEqual({ count: 10, p50: 5, p90: 9, p99: 10, max: 10, mean: 5.5 });
  });
  it('has only a count when empty', () => {
    expect(summariseLatencies([])).toEqual({ count: 0 });
  });
});

const run = (over: Partial<DaemonRunRecord>): DaemonRunRecord => ({
  run: 1,
  clients: 0,
  ok: true,
  wallSec: 10,
  bytes: 1000 * MIB,
  files: 1000,
  filesDone: 1000,
  cpuSec: 4,
  peakRssKiB: 51200,
  ...over,
});
const lat = (p50: number, p99: number) => ({ all: { count: 10, p50, p99 }, http: { count: 5 }, ws: { count: 5 } });

describe('summariseDaemonRuns and withBaseline', () => {
  it('takes medians over runs', () => {
    const r = summariseDaemonRuns('ferry', 50, [
      run({ clients: 50, wallSec: 10, latency: lat(2, 9), requestsPerSec: 990 }),
      run({ run: 2, clients: 50, wallSec: 20, latency: lat(4, 30), requestsPerSec: 900, cpuSec: 8 }),
      run({ run: 3, clients: 50, wallSec: 12.5, latency: lat(3, 12), requestsPerSec: 1000, cpuSec: 5 }),
    ]);
    expect(r.status).toBe('ok');
    expect(r.mibPerSec).toBe(80); // 1000 MiB / 12.5 s
    expect(r.p50Ms).toBe(3);
    expect(r.p99Ms).toBe(12);
    expect(r.requestsPerSec).toBe(990);
    expect(r.cpuSec).toBe(5);
    expect(r.peakRssMiB).toBe(50);
    expect(r.filesDone).toBe(1000);
  });
  it('a failed run makes the row FAIL without numbers', () => {
    const r = summariseDaemonRuns('aria2c', 0, [run({}), run({ run: 2, ok: false, failure: 'SHA-256 mismatch' })]);
    expect(r.status).toBe('FAIL');
    expect(r.note).toBe('1/2 runs: SHA-256 mismatch');
    expect(r.mibPerSec).toBeUndefined();
  });
  it('no runs is n/a', () => {
    expect(summariseDaemonRuns('ferry', 0, []).status).toBe('n/a');
  });
  it('compares each loaded row with the same participant unloaded', () => {
    const rows = withBaseline([
      summariseDaemonRuns('ferry', 0, [run({ wallSec: 10 })]),
      summariseDaemonRuns('ferry', 50, [run({ clients: 50, wallSec: 12.5, latency: lat(1, 2) })]),
      summariseDaemonRuns('aria2c', 0, [run({ wallSec: 20 })]),
      summariseDaemonRuns('aria2c', 50, [run({ clients: 50, wallSec: 20, latency: lat(1, 2) })]),
      naDaemonRow('other', 50, 'not installed: other'),
    ]);
    expect(rows.map((r) => r.pctOfNoClients)).toEqual([100, 80, 100, 100, undefined]);
  });
});

describe('the daemon table', () => {
  it('prints a row per participant and load, with - for latencies of unloaded runs', () => {
    const rows = withBaseline([
      summariseDaemonRuns('ferry', 0, [run({})]),
      summariseDaemonRuns('ferry', 50, [run({ clients: 50, wallSec: 10.5, latency: lat(1.24, 18.06), requestsPerSec: 987.4 })]),
    ]);
    expect(daemonRowCells(rows[0])).toEqual(['ferry', '0', '100.0', '100.0', '-', '-', '-', '4.00', '50.0', '1000/1000 ok', '1']);
    expect(daemonRowCells(rows[1])).toEqual(['ferry', '50', '95.2', '95.2', '1.2', '18.1', '987', '4.00', '50.0', '1000/1000 ok', '1']);
    const table = renderDaemonTable(rows).split('\n');
    expect(table[0]).toBe(`| ${DAEMON_HEADER.join(' | ')} |`);
    expect(table[1]).toBe('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
    expect(table).toHaveLength(4);
  });
  it('shows a cut run with the files done by the cut', () => {
    const r = summariseDaemonRuns('aria2c', 50, [
      run({ clients: 50, wallSec: 120, bytes: 312 * MIB, filesDone: 312, cutAtSec: 120.02, latency: lat(40, 350) }),
    ]);
    expect(daemonRowCells(r).at(-2)).toBe('312/1000 ok (cut at 120 s)');
  });
  it('shows n/a and FAIL rows with their reason and no numbers', () => {
    expect(daemonRowCells(naDaemonRow('ferry', 50, 'exit 1: ferry daemon is not available in this build'))).toEqual([
      'ferry',
      '50',
      ...Array(7).fill('n/a'),
      'exit 1: ferry daemon is not available in this build',
      '0',
    ]);
    const failed = summariseDaemonRuns('ferry', 0, [run({ ok: false, failure: 'stalled' })]);
    expect(daemonRowCells(failed)).toEqual(['ferry', '0', ...Array(7).fill('FAIL'), 'FAIL: 1/1 runs: stalled', '1']);
  });
});

describe('daemonTargets', () => {
  const rows = (ferryP99: number, ferryLoadedWall: number): DaemonRow[] =>
    withBaseline([
      summariseDaemonRuns('ferry', 0, [run({ wallSec: 10 })]),
      summariseDaemonRuns('ferry', 50, [run({ clients: 50, wallSec: ferryLoadedWall, latency: lat(1, ferryP99) })]),
      summariseDaemonRuns('aria2c', 0, [run({ wallSec: 10 })]),
      summariseDaemonRuns('aria2c', 50, [run({ clients: 50, wallSec: 100, latency: lat(40, 300) })]),
    ]);
  it('meets both at p99 19.9 ms and 95.2 % of the unloaded throughput', () => {
    const t = daemonTargets(rows(19.9, 10.5));
    expect(t.map((c) => c.pass)).toEqual([true, true]);
    expect(t[0].target).toBe('daemon-load: RPC p99 below 20 ms with 50 clients');
    expect(t[0].detail).toBe('ferry 19.9 ms, aria2c 300.0 ms');
    expect(t[1].detail).toBe('ferry 95.2 % of its 100.0 MiB/s, aria2c 10.0 % of its 100.0 MiB/s');
  });
  it('misses at p99 20 ms and at 94.3 %', () => {
    expect(daemonTargets(rows(20, 10.6)).map((c) => c.pass)).toEqual([false, false]);
  });
  it('cannot judge without ferry, and has nothing to judge without pollers or the scenario', () => {
    const noFerry = rows(1, 10).map((r) => (r.participant === 'ferry' ? naDaemonRow('ferry', r.clients, 'n/a') : r));
    expect(daemonTargets(noFerry).map((c) => c.pass)).toEqual([undefined, undefined]);
    expect(daemonTargets(undefined)).toEqual([]);
    expect(daemonTargets([summariseDaemonRuns('ferry', 0, [run({})])])).toEqual([]);
  });
});
