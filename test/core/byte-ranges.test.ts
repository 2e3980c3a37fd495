import { describe, expect, it } from 'vitest';
import { RangeSet } from '../../src/core/byte-ranges.js';

const r = (pairs: Array<[number, number]>) => pairs.map(([start, end]) => ({ start, end }));

describe('RangeSet.add', () => {
  it.each([
    { name: 'empty range ignored', adds: [[5, 5]], want: [] },
    { name: 'single', adds: [[0, 10]], want: [[0, 10]] },
    {
      name: 'disjoint kept sorted',
      adds: [
        [20, 30],
        [0, 10],
      ],
      want: [
        [0, 10],
        [20, 30],
      ],
    },
    {
      name: 'adjacent merged',
      adds: [
        [0, 10],
        [10, 20],
      ],
      want: [[0, 20]],
    },
    {
      name: 'overlap merged',
      adds: [
        [0, 10],
        [5, 15],
      ],
      want: [[0, 15]],
    },
    {
      name: 'bridging merges three',
      adds: [
        [0, 5],
        [10, 15],
        [20, 25],
        [4, 21],
      ],
      want: [[0, 25]],
    },
    {
      name: 'contained is a no-op',
      adds: [
        [0, 100],
        [10, 20],
      ],
      want: [[0, 100]],
    },
    {
      name: 'one byte pieces',
      adds: [
        [1, 2],
        [0, 1],
        [2, 3],
      ],
      want: [[0, 3]],
    },
  ] as Array<{ name: string; adds: Array<[number, number]>; want: Array<[number, number]> }>)('$name', ({ adds, want }) => {
    const s = new RangeSet();
    for (const [a, b] of adds) s.add(a, b);
    expect(s.toArray()).toEqual(r(want));
  });
});

describe('RangeSet queries', () => {
  const s = new RangeSet(
    r([
      [0, 10],
      [20, 30],
    ]),
  );
  it('covers', () => {
    expect(s.covers(0, 10)).toBe(true);
    expect(s.covers(5, 6)).toBe(true);
    expect(s.covers(9, 11)).toBe(false);
    expect(s.covers(10, 20)).toBe(false);
    expect(s.covers(20, 30)).toBe(true);
    expect(s.covers(29, 30)).toBe(true);
    expect(s.covers(30, 31)).toBe(false);
    expect(s.covers(3, 3)).toBe(true);
  });
  it('size, gaps and prefix', () => {
    expect(s.size).toBe(20);
    expect(s.gaps(40)).toEqual(
      r([
        [10, 20],
        [30, 40],
      ]),
    );
    expect(s.gaps(25)).toEqual(r([[10, 20]]));
    expect(new RangeSet().gaps(7)).toEqual(r([[0, 7]]));
    expect(new RangeSet().gaps(0)).toEqual([]);
    expect(s.prefixLength()).toBe(10);
    expect(new RangeSet(r([[1, 3]])).prefixLength()).toBe(0);
  });
  it('remove splits ranges', () => {
    const t = new RangeSet(
      r([
        [0, 10],
        [20, 30],
      ]),
    );
    t.remove(5, 25);
    expect(t.toArray()).toEqual(
      r([
        [0, 5],
        [25, 30],
      ]),
    );
    t.remove(0, 100);
    expect(t.toArray()).toEqual([]);
  });
});
