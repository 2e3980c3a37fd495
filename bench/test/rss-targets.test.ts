import { describe, expect, it } from 'vitest';
import { peakRssTargets } from '../lib/rss-targets.js';
import { renderTargets } from '../lib/table.js';
import type { CellSummary, DaemonRow, ScenarioName } from '../lib/types.js';

const cell = (scenario: ScenarioName, participant: string, rss: number | undefined, status: CellSummary['status'] = 'ok'): CellSummary => ({
  scenario,
  participant,
  status,
  runs: [],
  medianWallSec: 1,
  medianRssMiB: rss,
});

const daemonRow = (participant: string, clients: number, rss: number | undefined, status: DaemonRow['status'] = 'ok'): DaemonRow => ({
  participant,
  clients,
  status,
  runs: [],
  peakRssMiB: rss,
});

describe('peak RSS targets beyond the single-file scenarios', () => {
  it("judges each present scenario on the row its other targets judge, the peers' rows aside", () => {
    const cells = [
      cell('files-500', 'ferry', 59.8),
      cell('files-500', 'curl', 120),
      cell('files-500-latency', 'ferry', 64),
      cell('ftp', 'ferry-n1', 30),
      cell('ftp', 'ferry-n4', 64.1),
      cell('ftps', 'ferry-n4', 56.1),
      cell('mirrors', 'ferry', 40),
      cell('no-ranges', 'ferry', undefined),
      // judged elsewhere (single-file-targets.ts)
      cell('capped', 'ferry', 99),
    ];
    expect(peakRssTargets(cells, undefined).map((c) => [c.target, c.pass])).toEqual([
      ['files-500: peak RSS <= 64 MiB', true],
      ['files-500-latency: peak RSS <= 64 MiB', true],
      ['ftp (ferry-n4): peak RSS <= 64 MiB', false],
      ['ftps (ferry-n4): peak RSS <= 64 MiB', true],
      ['no-ranges: peak RSS <= 64 MiB', undefined],
      ['mirrors: peak RSS <= 64 MiB', true],
    ]);
  });

  it('a failed ferry cell cannot be judged', () => {
    const [c] = peakRssTargets([cell('files-500', 'ferry', 20, 'FAIL')], undefined);
    expect(renderTargets([c])).toBe('- n/a  files-500: peak RSS <= 64 MiB (ferry n/a MiB)');
  });

  it("judges the daemon at each load, and not aria2c's or the floor's", () => {
    const rows = [
      daemonRow('ferry', 0, 87.6),
      daemonRow('ferry', 50, 101.2),
      daemonRow('aria2c', 0, 38),
      daemonRow('floor', 50, 40),
      daemonRow('ferry', 10, 50, 'FAIL'),
    ];
    const checks = peakRssTargets([], rows);
    expect(checks.map((c) => [c.target, c.pass])).toEqual([
      ['daemon-load, 0 clients: peak RSS <= 64 MiB', false],
      ['daemon-load, 50 clients: peak RSS <= 64 MiB', false],
      ['daemon-load, 10 clients: peak RSS <= 64 MiB', undefined],
    ]);
    expect(renderTargets([checks[1]])).toBe('- MISS daemon-load, 50 clients: peak RSS <= 64 MiB (ferry 101.2 MiB)');
  });
});
