import { describe, expect, it } from 'vitest';
import { mapFromBitfield, mapFromSegments, pieceDone, type RpcSegment } from '../../web/src/lib/segment-map.js';

const seg = (id: number, start: number, end: number, received: number, state = 'active'): RpcSegment => ({
  id,
  state,
  start: String(start),
  end: String(end),
  received: String(received),
  speed: '100',
});

describe('pieceDone', () => {
  it('reads the most significant bit of each byte first', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => pieceDone('a0', i))).toEqual([true, false, true, false, false, false, false, false]);
    expect(pieceDone('0001', 15)).toBe(true);
    expect(pieceDone('0001', 14)).toBe(false);
    expect(pieceDone('ff', 8)).toBe(false);
  });
});

describe('mapFromBitfield', () => {
  it('gives one cell per piece when there are fewer pieces than cells', () => {
    const m = mapFromBitfield('a0', 3, 120);
    expect(m.cells.map((c) => c.done)).toEqual([1, 0, 1]);
    expect(m.doneFraction).toBeCloseTo(2 / 3);
    expect(m.source).toBe('pieces');
  });
  it('averages pieces into cells when there are more', () => {
    // 16 pieces, first 8 done, into 4 cells.
    const m = mapFromBitfield('ff00', 16, 4);
    expect(m.cells.map((c) => c.done)).toEqual([1, 1, 0, 0]);
    expect(m.cells.map((c) => c.at)).toEqual([0, 1, 2, 3]);
  });
  it('knows nothing without pieces', () => {
    expect(mapFromBitfield('', 0, 10).source).toBe('none');
    expect(mapFromBitfield('', 0, 10).cells).toHaveLength(10);
  });
});

describe('mapFromSegments', () => {
  it('fills cells from each connection and marks where each one works', () => {
    const m = mapFromSegments([seg(2, 500, 1000, 250), seg(1, 0, 500, 500, 'done')], 1000, 10);
    expect(m.cells.map((c) => Number(c.done.toFixed(2)))).toEqual([1, 1, 1, 1, 1, 1, 1, 0.5, 0, 0]);
    expect(m.cells[7].owner).toBe('2');
    expect(m.cells.filter((c) => c.owner !== undefined)).toHaveLength(1);
    expect(m.doneFraction).toBe(0.75);
    expect(m.segments.map((s) => [s.id, s.leftPercent, s.widthPercent])).toEqual([
      ['1', 0, 50],
      ['2', 50, 50],
    ]);
  });
  it('fills a cell partly at a piece boundary', () => {
    const m = mapFromSegments([seg(1, 0, 100, 15)], 100, 10);
    expect(m.cells[0].done).toBe(1);
    expect(m.cells[1].done).toBeCloseTo(0.5);
    expect(m.cells[2].done).toBe(0);
  });
  it('clamps what a daemon reports beyond a segment and ignores an unknown total', () => {
    const m = mapFromSegments([seg(1, 0, 10, 50)], 10, 2);
    expect(m.doneFraction).toBe(1);
    expect(m.cells.every((c) => c.done <= 1)).toBe(true);
    expect(mapFromSegments([seg(1, 0, 10, 5)], 0, 4).doneFraction).toBe(0);
  });
  it('handles a 1-byte file', () => {
    const m = mapFromSegments([seg(1, 0, 1, 1, 'done')], 1, 120);
    expect(m.doneFraction).toBe(1);
    expect(m.cells).toEqual([{ at: 0, done: 1 }]);
  });
});
