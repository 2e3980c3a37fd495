/**
 * The targets of the list and FTP scenarios (docs/benchmarks.md), judged on the medians. Pure.
 *
 * - list scenarios: ferry's files/s at least curl's (the Node floor's given beside), and ferry
 *   faster than aria2c;
 * - ftp: ferry with 4 connections at least the throughput of aria2c (-x4) and lftp (pget -n 4),
 *   the same number of connections, and of curl (one connection); ftps: the same against lftp
 *   and curl (aria2 has no FTPS);
 * - mirrors: ferry at least 95 % of the 60 MB/s the three mirrors offer, and faster than aria2c;
 *   mirrors-mixed: faster than aria2c (its % of the offer is given beside);
 * - daemon-load: with the pollers, ferry's RPC p99 below 20 ms and its throughput within 5 % of
 *   its own throughput without them (aria2c's numbers are given beside, for comparison).
 */
import { DURABLE_COPY } from './durable-copy.js';
import { LIST_FLOOR } from './list-participants.js';
import { type CellSummary, type DaemonRow, LIST_SCENARIOS, type ScenarioName } from './types.js';

/** One target check; `pass` undefined = could not be judged (ferry or the reference missing). */
export interface TargetCheck {
  target: string;
  pass: boolean | undefined;
  detail: string;
}

/** One decimal, or n/a. */
export const f1 = (x: number | undefined): string => (x === undefined ? 'n/a' : x.toFixed(1));

/** One target check. */
export function check(target: string, pass: boolean | undefined, detail: string): TargetCheck {
  return { target, pass, detail };
}

/** The checks for the list and FTP scenarios present in `cells`. */
export function listAndFtpTargets(cells: CellSummary[]): TargetCheck[] {
  const cell = (s: ScenarioName, p: string): CellSummary | undefined => cells.find((c) => c.scenario === s && c.participant === p && c.status === 'ok');
  const present = new Set(cells.map((c) => c.scenario));
  const out: TargetCheck[] = [];
  for (const s of LIST_SCENARIOS) {
    if (!present.has(s)) continue;
    const f = cell(s, 'ferry')?.filesPerSec;
    const c = cell(s, 'curl')?.filesPerSec;
    const a = cell(s, 'aria2c')?.filesPerSec;
    const floor = cell(s, LIST_FLOOR)?.filesPerSec;
    const floorNote = floor === undefined ? '' : `; ${LIST_FLOOR} (node:http and the same durable file work in a bare script) ${f1(floor)} files/s`;
    out.push(
      check(`${s}: files/s at least curl's`, f !== undefined && c !== undefined ? f >= c : undefined, `ferry ${f1(f)}, curl ${f1(c)} files/s${floorNote}`),
    );
    out.push(check(`${s}: faster than aria2c`, f !== undefined && a !== undefined ? f > a : undefined, `ferry ${f1(f)}, aria2c ${f1(a)} files/s`));
  }
  for (const s of ['ftp', 'ftps'] as const) {
    if (!present.has(s)) continue;
    const f = cell(s, 'ferry-n4')?.mibPerSec;
    const f8 = cell(s, 'ferry-n8')?.mibPerSec;
    const copy = cell(s, DURABLE_COPY)?.mibPerSec;
    const copyNote = copy === undefined ? '' : `; dd conv=fdatasync ${f1(copy)} MiB/s`;
    for (const peer of s === 'ftp' ? ['aria2c', 'lftp', 'curl'] : ['lftp', 'curl']) {
      const p = cell(s, peer)?.mibPerSec;
      out.push(
        check(
          `${s}: ferry -n 4 at least ${peer}'s throughput`,
          f !== undefined && p !== undefined ? f >= p : undefined,
          `ferry-n4 ${f1(f)} MiB/s (ferry-n8 ${f1(f8)}), ${peer} ${f1(p)} MiB/s${copyNote}`,
        ),
      );
    }
  }
  return out;
}

/** Share of the mirrors' offer ferry must reach in `mirrors`, percent. */
export const MIRRORS_MIN_PCT = 95;

/** MB/s (10^6 bytes) of a cell, from its MiB/s. */
const mbPerSec = (c: CellSummary | undefined): string => (c?.mibPerSec === undefined ? 'n/a' : ((c.mibPerSec * 1048576) / 1e6).toFixed(1));

/** The checks of the mirror scenarios present in `cells`. */
export function mirrorTargets(cells: CellSummary[]): TargetCheck[] {
  const cell = (s: ScenarioName, p: string): CellSummary | undefined => cells.find((c) => c.scenario === s && c.participant === p && c.status === 'ok');
  const present = new Set(cells.map((c) => c.scenario));
  const out: TargetCheck[] = [];
  for (const s of ['mirrors', 'mirrors-mixed'] as const) {
    if (!present.has(s)) continue;
    const f = cell(s, 'ferry');
    const a = cell(s, 'aria2c');
    const pct = `ferry ${mbPerSec(f)} MB/s = ${f1(f?.pctIdeal)} % of 60 MB/s`;
    if (s === 'mirrors')
      out.push(check(`mirrors: >= ${MIRRORS_MIN_PCT} % of 60 MB/s`, f?.pctIdeal === undefined ? undefined : f.pctIdeal >= MIRRORS_MIN_PCT, pct));
    const faster = f?.medianWallSec !== undefined && a?.medianWallSec !== undefined ? f.medianWallSec < a.medianWallSec : undefined;
    out.push(check(`${s}: faster than aria2c`, faster, `${pct}, aria2c ${mbPerSec(a)} MB/s = ${f1(a?.pctIdeal)} %`));
  }
  return out;
}

/** The RPC latency target of `daemon-load`, ms (p99). */
export const DAEMON_P99_MS = 20;
/** The largest throughput loss under RPC load that meets the target, percent. */
export const DAEMON_MAX_LOSS_PCT = 5;

/** The checks of `daemon-load`, from its rows (none when the scenario did not run or had no pollers). */
export function daemonTargets(rows: readonly DaemonRow[] | undefined): TargetCheck[] {
  const loaded = rows?.find((r) => r.clients > 0)?.clients;
  if (rows === undefined || loaded === undefined) return [];
  const row = (p: string, clients: number): DaemonRow | undefined => rows.find((r) => r.participant === p && r.clients === clients && r.status === 'ok');
  const f = row('ferry', loaded);
  const a = row('aria2c', loaded);
  const floor = row('floor', loaded);
  const ms = (x: number | undefined): string => (x === undefined ? 'n/a' : `${x.toFixed(1)} ms`);
  const pct = (x: number | undefined): string => (x === undefined ? 'n/a' : `${x.toFixed(1)} %`);
  const floorNote = (text: string): string => (floor === undefined ? '' : `; floor (the load on a replay server that builds nothing) ${text}`);
  return [
    check(
      `daemon-load: RPC p99 below ${DAEMON_P99_MS} ms with ${loaded} clients`,
      f?.p99Ms === undefined ? undefined : f.p99Ms < DAEMON_P99_MS,
      `ferry ${ms(f?.p99Ms)}, aria2c ${ms(a?.p99Ms)}${floorNote(ms(floor?.p99Ms))}`,
    ),
    check(
      `daemon-load: throughput with ${loaded} clients within ${DAEMON_MAX_LOSS_PCT} % of none`,
      f?.pctOfNoClients === undefined ? undefined : f.pctOfNoClients >= 100 - DAEMON_MAX_LOSS_PCT,
      `ferry ${pct(f?.pctOfNoClients)} of its ${f1(row('ferry', 0)?.mibPerSec)} MiB/s, aria2c ${pct(a?.pctOfNoClients)} of its ${f1(row('aria2c', 0)?.mibPerSec)} MiB/s${floorNote(`${pct(floor?.pctOfNoClients)} of ferry's`)}`,
    ),
  ];
}
