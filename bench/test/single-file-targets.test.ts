import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { measureNodeStartup } from '../lib/node-startup.js';
import { type SizedScenario, singleFileTargets } from '../lib/single-file-targets.js';
import { renderTargets } from '../lib/table.js';
import type { CellSummary, ScenarioName } from '../lib/types.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

const cell = (scenario: ScenarioName, participant: string, wall: number, size: number, extra: Partial<CellSummary> = {}): CellSummary => ({
  scenario,
  participant,
  status: 'ok',
  runs: [],
  medianWallSec: wall,
  mibPerSec: size / MIB / wall,
  medianRssMiB: 10,
  ...extra,
});

describe('single-file targets', () => {
  it('judges 1 GiB capped and latency on throughput against axel and lftp', () => {
    const s = (name: ScenarioName, ferryWall: number): SizedScenario => ({
      name,
      size: GIB,
      cells: [cell(name, 'ferry', ferryWall, GIB, { medianRssMiB: 64 }), cell(name, 'axel', 3.3, GIB), cell(name, 'lftp', 3.4, GIB)],
    });
    const checks = singleFileTargets([s('capped', 3.3), s('latency', 3.35)], 0.06);
    expect(checks.map((c) => [c.target, c.pass])).toEqual([
      ["capped (1 GiB+): at least axel's throughput", true],
      ["capped (1 GiB+): at least lftp's throughput", true],
      ['capped: peak RSS <= 64 MiB', true],
      ["latency (1 GiB+): at least axel's throughput", false],
      ["latency (1 GiB+): at least lftp's throughput", true],
      ['latency: peak RSS <= 64 MiB', true],
    ]);
  });

  it('judges smaller files on wall time within node -e 0 of the fastest peer, ferry variants aside', () => {
    const size = 256 * MIB;
    const cells = [
      cell('capped', 'ferry', 0.9, size, { medianRssMiB: 64.5 }),
      cell('capped', 'ferry-nofsync', 0.5, size),
      cell('capped', 'axel', 0.85, size),
      cell('capped', 'lftp', 0.86, size),
      cell('capped', 'aria2c', 0.8, size, { status: 'FAIL' }),
    ];
    const [wall, rss] = singleFileTargets([{ name: 'capped', size, cells }], 0.06);
    expect(wall.pass).toBe(true); // 0.9 <= 0.85 + 0.06
    expect(wall.detail).toBe('ferry 0.90 s, axel 0.85 s, node -e 0 0.06 s');
    expect(rss.pass).toBe(false);
    expect(singleFileTargets([{ name: 'capped', size, cells }], 0.04)[0].pass).toBe(false);
    expect(singleFileTargets([{ name: 'capped', size, cells }], undefined)[0].pass).toBeUndefined();
    expect(renderTargets([rss])).toBe('- MISS capped: peak RSS <= 64 MiB (ferry 64.5 MiB)');
  });

  it('never takes the dd conv=fdatasync for the best peer, and names it beside the peer', () => {
    const size = 256 * MIB;
    const cells = [cell('capped', 'ferry', 0.9, size), cell('capped', 'lftp', 0.86, size), cell('capped', 'dd-fdatasync', 0.5, size)];
    const [wall] = singleFileTargets([{ name: 'capped', size, cells }], 0.06);
    expect(wall.pass).toBe(true);
    expect(wall.detail).toBe('ferry 0.90 s, lftp 0.86 s, node -e 0 0.06 s, dd conv=fdatasync 0.50 s');
  });

  it('checks only the RSS of unthrottled, ignores other scenarios, and cannot judge without ferry', () => {
    const checks = singleFileTargets(
      [
        { name: 'unthrottled', size: GIB, cells: [cell('unthrottled', 'ferry', 1, GIB, { medianRssMiB: 63 })] },
        { name: 'no-ranges', size: GIB, cells: [cell('no-ranges', 'ferry', 1, GIB)] },
        { name: 'capped', size: GIB, cells: [cell('capped', 'axel', 1, GIB), cell('capped', 'ferry', 1, GIB, { status: 'FAIL' })] },
      ],
      0.06,
    );
    expect(checks.map((c) => [c.target, c.pass])).toEqual([
      ['unthrottled: peak RSS <= 64 MiB', true],
      ["capped (1 GiB+): at least axel's throughput", undefined],
      ["capped (1 GiB+): at least lftp's throughput", undefined],
      ['capped: peak RSS <= 64 MiB', undefined],
    ]);
  });

  it('measures node -e 0 as a positive time below a few seconds', async () => {
    const t = await measureNodeStartup(process.execPath, 3);
    expect(t).toBeGreaterThan(0);
    expect(t).toBeLessThan(10);
    // A program that cannot start gives no time.
    expect(await measureNodeStartup('/nonexistent/node', 2)).toBeUndefined();
    expect(execFileSync(process.execPath, ['-e', 'process.stdout.write("x")']).toString()).toBe('x');
  });
});
