import { describe, expect, it } from 'vitest';
import { PieceMap } from '../../src/core/piece-map.js';
import { plan } from '../../src/core/planner.js';

const MiB = 1024 * 1024;
const unknown = () => undefined;

describe('plan: gaps', () => {
  it('divides a fresh file evenly among sharers', () => {
    const m = new PieceMap(16 * MiB);
    const ranges = [];
    for (let id = 0; id < 4; id++) {
      const p = plan(m, { id, minSplitSize: MiB, speedOf: unknown, sharers: 4 - id });
      expect(p.kind).toBe('gap');
      if (p.kind !== 'gap') return;
      m.assign(id, p.range);
      ranges.push([p.range.start, p.range.end]);
    }
    expect(ranges).toEqual([
      [0, 4 * MiB],
      [4 * MiB, 8 * MiB],
      [8 * MiB, 12 * MiB],
      [12 * MiB, 16 * MiB],
    ]);
  });

  it('never gives less than the minimum split to a sharer (small files use fewer connections)', () => {
    const m = new PieceMap(MiB + 1);
    const p = plan(m, { id: 0, minSplitSize: MiB, speedOf: unknown, sharers: 8 });
    expect(p).toEqual({ kind: 'gap', range: { start: 0, end: MiB } });
  });

  it('takes the holes left by done ranges and released claims first', () => {
    const m = new PieceMap(100, [{ start: 0, end: 40 }]);
    m.assign(1, { start: 40, end: 100 });
    m.receive(1, 10);
    m.release(1);
    expect(plan(m, { id: 2, minSplitSize: 1, speedOf: unknown })).toEqual({ kind: 'gap', range: { start: 50, end: 100 } });
  });

  it('a resume with many holes gives each connection about an even share of what is missing', () => {
    // Holes of 1 MiB at every other MiB: 8 MiB missing in 8 holes, 4 connections -> 2 MiB each.
    const done = Array.from({ length: 8 }, (_, i) => ({ start: (2 * i + 1) * MiB, end: (2 * i + 2) * MiB }));
    const m = new PieceMap(16 * MiB, done);
    const taken: number[] = [];
    for (let id = 0; id < 4; id++) {
      const p = plan(m, { id, minSplitSize: 64 * 1024, speedOf: unknown, sharers: 4 - id });
      if (p.kind !== 'gap') throw new Error('expected a gap');
      m.assign(id, p.range);
      taken.push(p.range.end - p.range.start);
    }
    // Each hole is smaller than a share: every connection takes a whole hole, none a sliver.
    expect(taken).toEqual([MiB, MiB, MiB, MiB]);
  });

  it('a 1-byte file is one gap', () => {
    expect(plan(new PieceMap(1), { id: 0, minSplitSize: MiB, speedOf: unknown, sharers: 8 })).toEqual({
      kind: 'gap',
      range: { start: 0, end: 1 },
    });
  });

  it('a complete file has nothing to do', () => {
    expect(plan(new PieceMap(10, [{ start: 0, end: 10 }]), { id: 0, minSplitSize: 1, speedOf: unknown })).toEqual({ kind: 'none' });
  });
});

describe('plan: splitting', () => {
  it('halves the largest remaining claim when speeds are unknown', () => {
    const m = new PieceMap(100 * MiB);
    m.assign(1, { start: 0, end: 40 * MiB });
    m.assign(2, { start: 40 * MiB, end: 100 * MiB });
    m.receive(2, 20 * MiB);
    const p = plan(m, { id: 3, minSplitSize: MiB, speedOf: unknown });
    expect(p).toEqual({ kind: 'split', from: 1, range: { start: 20 * MiB, end: 40 * MiB } });
  });

  it('splits in proportion to speeds so both finish together', () => {
    const m = new PieceMap(30 * MiB);
    m.assign(1, { start: 0, end: 30 * MiB });
    const speeds: Record<number, number> = { 1: 10, 2: 20 };
    const p = plan(m, { id: 2, minSplitSize: MiB, speedOf: (id) => speeds[id] });
    expect(p).toEqual({ kind: 'split', from: 1, range: { start: 10 * MiB, end: 30 * MiB } });
  });

  it('counts the request latency: a helper gets less, and nothing when the owner would finish first', () => {
    const make = () => {
      const m = new PieceMap(10 * MiB);
      m.assign(1, { start: 0, end: 10 * MiB });
      return m;
    };
    const speeds: Record<number, number> = { 1: MiB, 2: MiB }; // 10 s left for the owner
    const give = (latencyMs: number) => {
      const p = plan(make(), { id: 2, minSplitSize: 64 * 1024, speedOf: (id) => speeds[id], requestLatencyMs: latencyMs });
      return p.kind === 'split' ? p.range.end - p.range.start : 0;
    };
    expect(give(0)).toBe(5 * MiB);
    expect(give(2000)).toBe(4 * MiB); // (10 - 2) / 2
    expect(give(10_000)).toBe(0);
  });

  it('helps the slowest connection, not the one with the most bytes', () => {
    const m = new PieceMap(70 * MiB);
    m.assign(1, { start: 0, end: 50 * MiB }); // fast: 50 MiB at 100/s
    m.assign(2, { start: 50 * MiB, end: 70 * MiB }); // slow: 20 MiB at 1/s
    const speeds: Record<number, number> = { 1: 100, 2: 1 };
    const p = plan(m, { id: 3, minSplitSize: MiB, speedOf: (id) => speeds[id] });
    expect(p.kind === 'split' && p.from).toBe(2);
  });

  it('does not split below the minimum size', () => {
    const m = new PieceMap(3 * MiB);
    m.assign(1, { start: 0, end: 3 * MiB });
    m.receive(1, 2 * MiB - 10);
    expect(plan(m, { id: 2, minSplitSize: MiB, speedOf: unknown })).toEqual({ kind: 'none' });
  });

  it('takes all of a stalled claim while others move, however small', () => {
    const m = new PieceMap(1000);
    m.assign(1, { start: 0, end: 500 });
    m.assign(2, { start: 500, end: 1000 });
    m.receive(2, 100);
    const speeds: Record<number, number> = { 1: 0, 2: 5000 };
    const p = plan(m, { id: 3, minSplitSize: MiB, speedOf: (id) => speeds[id] });
    expect(p).toEqual({ kind: 'split', from: 1, range: { start: 0, end: 500 } });
  });

  it('the only other connection takes over a stall when it moves itself (two connections)', () => {
    const m = new PieceMap(500);
    m.assign(1, { start: 0, end: 500 });
    m.receive(1, 10);
    const speeds: Record<number, number> = { 1: 0, 2: 5000 };
    const p = plan(m, { id: 2, minSplitSize: MiB, speedOf: (id) => speeds[id] });
    expect(p).toEqual({ kind: 'split', from: 1, range: { start: 10, end: 500 } });
  });

  it('nobody takes over a stall when nothing moves at all (a dead server is left to the read timeout)', () => {
    const m = new PieceMap(500);
    m.assign(1, { start: 0, end: 500 });
    m.receive(1, 10);
    expect(plan(m, { id: -1, minSplitSize: MiB, speedOf: (id) => (id === 1 ? 0 : undefined) })).toEqual({ kind: 'none' });
  });

  it('a split shrinks the owner, whose surplus bytes are refused', () => {
    const m = new PieceMap(100);
    m.assign(1, { start: 0, end: 100 });
    m.receive(1, 10);
    m.assign(2, { start: 60, end: 100 }, 1);
    expect(m.getClaim(1)).toMatchObject({ pos: 10, end: 60 });
    expect(m.receive(1, 70)).toEqual({ offset: 10, accepted: 50 });
    expect(m.receive(1, 5)).toEqual({ offset: 60, accepted: 0 });
    expect(m.gaps()).toEqual([]);
  });
});

describe('PieceMap', () => {
  it('done only after markDone; complete when all written', () => {
    const m = new PieceMap(10);
    m.assign(0, { start: 0, end: 10 });
    m.receive(0, 10);
    expect(m.complete).toBe(false);
    expect(m.receivedBytes).toBe(10);
    m.markDone(0, 10);
    expect(m.complete).toBe(true);
  });
  it('a 0-byte file is complete from the start', () => {
    expect(new PieceMap(0).complete).toBe(true);
  });
  it('clips restored ranges to the size', () => {
    expect(new PieceMap(5, [{ start: 3, end: 9 }]).done.toArray()).toEqual([{ start: 3, end: 5 }]);
  });
});
