import { describe, expect, it } from 'vitest';
import { evaluateTargets, summariseCell, summariseResume, withPercentages } from '../lib/summary.js';
import { markdownTable, renderCells, renderResume, renderTargets } from '../lib/table.js';
import type { CellSummary, ResumeRecord, RunRecord } from '../lib/types.js';

const MIB = 1024 * 1024;
const run = (n: number, wallSec: number, extra: Partial<RunRecord> = {}): RunRecord => ({
  run: n, ok: true, wallSec, userSec: 0.5, sysSec: 0.25, maxRssKiB: 10 * 1024, ...extra,
});

describe('summariseCell', () => {
  it('reports medians, speed and CPU = user + sys', () => {
    const c = summariseCell('capped', 'x', [run(1, 2), run(2, 1, { userSec: 1, maxRssKiB: 30 * 1024 }), run(3, 4)], 256 * MIB);
    expect(c.status).toBe('ok');
    expect(c.medianWallSec).toBe(2);
    expect(c.mibPerSec).toBe(128);
    expect(c.medianCpuSec).toBe(0.75);
    expect(c.medianRssMiB).toBe(10);
  });
  it('turns any failed run into FAIL with no numbers', () => {
    const c = summariseCell('capped', 'x', [run(1, 1), run(2, 0.5, { ok: false, failure: 'SHA-256 mismatch' })], MIB);
    expect(c.status).toBe('FAIL');
    expect(c.note).toBe('1/2 runs: SHA-256 mismatch');
    expect(c.medianWallSec).toBeUndefined();
    expect(c.mibPerSec).toBeUndefined();
    const table = renderCells(withPercentages([c], MIB, 10 * MIB), '% of ideal');
    expect(table).toContain('| x | FAIL | FAIL | FAIL | FAIL | FAIL | FAIL: 1/2 runs: SHA-256 mismatch | 2 |');
    expect(table).not.toContain('0.50');
  });
  it('leaves CPU and RSS undefined without GNU time', () => {
    const c = summariseCell('unthrottled', 'x', [run(1, 1, { userSec: undefined, sysSec: undefined, maxRssKiB: undefined })], MIB);
    expect(c.medianCpuSec).toBeUndefined();
    expect(c.medianRssMiB).toBeUndefined();
    expect(renderCells([c], '% of fastest')).toContain('| x | 1.00 | 1.0 | n/a | n/a | n/a | ok | 1 |');
  });
});

describe('withPercentages', () => {
  const a = summariseCell('unthrottled', 'a', [run(1, 2)], 64 * MIB);
  const b = summariseCell('unthrottled', 'b', [run(1, 4)], 64 * MIB);
  const f = summariseCell('unthrottled', 'f', [run(1, 1, { ok: false, failure: 'exit 1' })], 64 * MIB);
  it('is relative to the fastest successful participant without an ideal', () => {
    const [pa, pb, pf] = withPercentages([a, b, f], 64 * MIB);
    expect(pa.pctIdeal).toBe(100);
    expect(pb.pctIdeal).toBe(50);
    expect(pf.pctIdeal).toBeUndefined();
  });
  it('is relative to the ideal speed when given (may exceed 100)', () => {
    const [pa, pb] = withPercentages([a, b], 64 * MIB, 16 * MIB);
    expect(pa.pctIdeal).toBe(200);
    expect(pb.pctIdeal).toBe(100);
  });
});

describe('resume summary', () => {
  const rec = (n: number, sec: number, ok = true): ResumeRecord => ({
    run: n, ok, failure: ok ? undefined : 'rerun: exit 1', killedAtSec: 3, rerunWallSec: 5 + n, bytesSent: 0,
    redownloadedBytes: sec * MIB, observedBytesPerSec: MIB, redownloadedSec: sec,
  });
  it('takes medians of the re-downloaded amount', () => {
    const s = summariseResume('ferry', [rec(1, 0.5), rec(2, 0.1), rec(3, 2)]);
    expect(s.status).toBe('ok');
    expect(s.medianRedownloadedSec).toBe(0.5);
    expect(s.medianRerunWallSec).toBe(7);
    expect(renderResume([s])).toContain('| ferry | 3.00 | 7.00 | 512 KiB | 0.50 | ok | 3 |');
  });
  it('fails as a whole when one pair fails', () => {
    const s = summariseResume('ferry', [rec(1, 0.5), rec(2, 0, false)]);
    expect(s.status).toBe('FAIL');
    expect(renderResume([s])).toContain('FAIL: 1/2 runs: rerun: exit 1');
  });
});

describe('targets', () => {
  const cell = (scenario: CellSummary['scenario'], participant: string, wall: number, extra: Partial<CellSummary> = {}): CellSummary => ({
    scenario, participant, status: 'ok', runs: [], medianWallSec: wall, mibPerSec: 256 / wall, ...extra,
  });
  it('judges ferry against the ideal and the peers', () => {
    const checks = evaluateTargets(
      [
        cell('capped', 'ferry', 0.82, { pctIdeal: 97.5 }),
        cell('capped', 'aria2c', 0.9, { pctIdeal: 88 }),
        cell('latency', 'ferry', 1, { pctIdeal: 90 }),
        cell('unthrottled', 'ferry', 1, { medianCpuSec: 0.9, medianRssMiB: 81 }),
        cell('unthrottled', 'curl', 1.1),
        cell('unthrottled', 'aria2c', 2, { medianCpuSec: 1 }),
      ],
      [{ participant: 'ferry', status: 'ok', runs: [], medianRedownloadedSec: 0.4 }],
    );
    expect(checks.map((c) => [c.target, c.pass])).toEqual([
      ['capped: >= 97% of ideal', true],
      ['capped: faster than aria2c', true],
      ['latency: >= 93% of ideal', false],
      ['unthrottled: wall no worse than curl', true],
      ['unthrottled: CPU no worse than aria2c', true],
      ['unthrottled: peak RSS <= 80 MiB', false],
      ['resume: re-downloads <= ~1 s of data', true],
    ]);
    expect(renderTargets(checks)).toContain('- MISS latency: >= 93% of ideal (ferry 90.0 %)');
  });
  it('cannot judge without ferry', () => {
    const checks = evaluateTargets([cell('capped', 'aria2c', 1), { scenario: 'capped', participant: 'ferry', status: 'n/a', runs: [] }], undefined);
    expect(checks.every((c) => c.pass === undefined)).toBe(true);
    expect(renderTargets(checks)).toMatch(/^- n\/a {2}capped/);
  });
});

describe('markdownTable', () => {
  it('aligns numbers right and escapes pipes', () => {
    expect(markdownTable(['a', 'b'], [['x|y', '1']], ['l', 'r'])).toBe('| a | b |\n| --- | ---: |\n| x\\|y | 1 |');
  });
});
