/**
 * The targets of the list and FTP scenarios (docs/benchmarks.md), judged on the medians. Pure.
 *
 * - list scenarios: ferry's files/s at least curl's, and ferry faster than aria2c;
 * - ftp: ferry with 4 connections at least the throughput of aria2c (-x4) and lftp (pget -n 4),
 *   the same number of connections; ftps: the same against lftp (aria2 has no FTPS).
 */
import { type CellSummary, LIST_SCENARIOS, type ScenarioName } from './types.js';

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
    out.push(check(`${s}: files/s at least curl's`, f !== undefined && c !== undefined ? f >= c : undefined, `ferry ${f1(f)}, curl ${f1(c)} files/s`));
    out.push(check(`${s}: faster than aria2c`, f !== undefined && a !== undefined ? f > a : undefined, `ferry ${f1(f)}, aria2c ${f1(a)} files/s`));
  }
  for (const s of ['ftp', 'ftps'] as const) {
    if (!present.has(s)) continue;
    const f = cell(s, 'ferry-n4')?.mibPerSec;
    const f8 = cell(s, 'ferry-n8')?.mibPerSec;
    for (const peer of s === 'ftp' ? ['aria2c', 'lftp'] : ['lftp']) {
      const p = cell(s, peer)?.mibPerSec;
      out.push(
        check(
          `${s}: ferry -n 4 at least ${peer}'s throughput`,
          f !== undefined && p !== undefined ? f >= p : undefined,
          `ferry-n4 ${f1(f)} MiB/s (ferry-n8 ${f1(f8)}), ${peer} ${f1(p)} MiB/s`,
        ),
      );
    }
  }
  return out;
}
