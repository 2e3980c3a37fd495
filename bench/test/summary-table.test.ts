import { describe, expect, it } from 'vitest';
import { evaluateTargets, naCell, summariseCell, summariseResume, withPercentages } from '../lib/summary.js';
import { markdownTable, renderCells, renderListCells, renderResume, renderTargets } from '../lib/table.js';
import type { CellSummary, ResumeRecord, RunRecord } from '../lib/types.js';

const MIB = 1024 * 1024;
const run = (n: number, wallSec: number, extra: Partial<RunRecord> = {}): RunRecord => ({
  run: n,
  ok: true,
  wallSec,
  userSec: 0.5,
  sysSec: 0.25,
  maxRssKiB: 10 * 1024,
  ...extra,
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
  it('leaves the dd conv=fdatasync out of the fastest (it is not a downloader)', () => {
    const copy = summariseCell('unthrottled', 'dd-fdatasync', [run(1, 1)], 64 * MIB);
    const [pa, pb, pcopy] = withPercentages([a, b, copy], 64 * MIB);
    expect(pa.pctIdeal).toBe(100);
    expect(pb.pctIdeal).toBe(50);
    expect(pcopy.pctIdeal).toBe(200);
  });
  it('is relative to the ideal speed when given (may exceed 100)', () => {
    const [pa, pb] = withPercentages([a, b], 64 * MIB, 16 * MIB);
    expect(pa.pctIdeal).toBe(200);
    expect(pb.pctIdeal).toBe(100);
  });
});

describe('resume summary', () => {
  const rec = (n: number, sec: number, ok = true): ResumeRecord => ({
    run: n,
    ok,
    failure: ok ? undefined : 'rerun: exit 1',
    killedAtSec: 3,
    rerunWallSec: 5 + n,
    bytesSent: 0,
    redownloadedBytes: sec * MIB,
    observedBytesPerSec: MIB,
    redownloadedSec: sec,
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
    scenario,
    participant,
    status: 'ok',
    runs: [],
    medianWallSec: wall,
    mibPerSec: 256 / wall,
    ...extra,
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

describe('list and FTP cells', () => {
  it('reports files/s for a list, and FAIL without numbers', () => {
    const c = summariseCell('files-500', 'curl', [run(1, 2), run(2, 0.5), run(3, 1)], 500 * 64 * 1024, 500);
    expect(c.filesPerSec).toBe(500);
    expect(c.mibPerSec).toBeCloseTo(31.25, 9);
    const single = summariseCell('ftp', 'curl', [run(1, 1)], MIB);
    expect(single.filesPerSec).toBeUndefined();
    const f = summariseCell('files-500', 'ferry', [run(1, 1, { ok: false, failure: '1/500 files wrong: f0001.bin no output file' })], MIB, 500);
    const table = renderListCells(
      withPercentages([c, f, { scenario: 'files-500', participant: 'wget', status: 'n/a', note: 'not installed: wget', runs: [] }], 500 * 64 * 1024),
    );
    expect(table).toContain('| participant | wall s | files/s | MiB/s | % of fastest | CPU s | peak RSS MiB | SHA-256 | runs |');
    expect(table).toContain('| curl | 1.00 | 500 | 31.3 | 100.0 | 0.75 | 10.0 | ok | 3 |');
    expect(table).toContain('| ferry | FAIL | FAIL | FAIL | FAIL | FAIL | FAIL | FAIL: 1/1 runs: 1/500 files wrong: f0001.bin no output file | 1 |');
    expect(table).toContain('| wget | n/a | n/a | n/a | n/a | n/a | n/a | not installed: wget | 0 |');
  });

  it('judges ferry in the list and FTP scenarios', () => {
    const list = (s: CellSummary['scenario'], p: string, fps: number): CellSummary => ({
      scenario: s,
      participant: p,
      status: 'ok',
      runs: [],
      medianWallSec: 500 / fps,
      filesPerSec: fps,
    });
    const ftp = (s: CellSummary['scenario'], p: string, mibs: number): CellSummary => ({
      scenario: s,
      participant: p,
      status: 'ok',
      runs: [],
      medianWallSec: 256 / mibs,
      mibPerSec: mibs,
    });
    const checks = evaluateTargets(
      [
        list('files-500', 'ferry', 900),
        list('files-500', 'curl', 900),
        list('files-500', 'aria2c', 899),
        list('files-500-latency', 'ferry', 300),
        list('files-500-latency', 'curl', 600),
        list('files-500-latency', 'aria2c', 300),
        list('files-500-latency', 'node-floor', 250),
        ftp('ftp', 'ferry-n4', 400),
        ftp('ftp', 'ferry-n8', 500),
        ftp('ftp', 'aria2c', 400),
        ftp('ftp', 'lftp', 401),
        ftp('ftps', 'ferry-n4', 100),
        { scenario: 'ftps', participant: 'aria2c', status: 'n/a', runs: [] },
        { scenario: 'ftps', participant: 'lftp', status: 'FAIL', runs: [] },
      ],
      undefined,
    );
    expect(checks.map((c) => [c.target, c.pass])).toEqual([
      ["files-500: files/s at least curl's", true],
      ['files-500: faster than aria2c', true],
      ["files-500-latency: files/s at least curl's", false],
      ['files-500-latency: faster than aria2c', false],
      ["ftp: ferry -n 4 at least aria2c's throughput", true],
      ["ftp: ferry -n 4 at least lftp's throughput", false],
      ["ftp: ferry -n 4 at least curl's throughput", undefined],
      ["ftps: ferry -n 4 at least lftp's throughput", undefined],
      ["ftps: ferry -n 4 at least curl's throughput", undefined],
    ]);
    expect(renderTargets(checks)).toContain("- MISS ftp: ferry -n 4 at least lftp's throughput (ferry-n4 400.0 MiB/s (ferry-n8 500.0), lftp 401.0 MiB/s)");
    expect(renderTargets(checks)).toContain(
      "- MISS files-500-latency: files/s at least curl's (ferry 300.0, curl 600.0 files/s; node-floor (node:http and the same durable file work in a bare script) 250.0 files/s)",
    );
    expect(renderTargets(checks)).toContain("- PASS files-500: files/s at least curl's (ferry 900.0, curl 900.0 files/s)");
  });

  it('makes n/a cells', () => {
    expect(naCell('ftps', 'aria2c', 'aria2 has no FTPS')).toEqual({
      scenario: 'ftps',
      participant: 'aria2c',
      status: 'n/a',
      note: 'aria2 has no FTPS',
      runs: [],
    });
  });
});
