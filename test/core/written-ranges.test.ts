import { describe, expect, it } from 'vitest';
import type { ByteRange } from '../../src/core/types.js';
import { rangeBytes, rangesWithout, trustedRanges, writtenTrust } from '../../src/core/written-ranges.js';
import { seededRandom } from '../helpers/seeded-random.js';

const r = (pairs: Array<[number, number]>): ByteRange[] => pairs.map(([start, end]) => ({ start, end }));
const BOOT = 'b0a1c2d3-0000-4000-8000-000000000001';
const OTHER = 'b0a1c2d3-0000-4000-8000-000000000002';

describe('writtenTrust', () => {
  it.each([
    { name: 'no written ranges', rec: { done: r([[0, 10]]) }, boot: BOOT, want: 'none' },
    { name: 'empty written ranges', rec: { done: [], written: [], boot: BOOT }, boot: BOOT, want: 'none' },
    { name: 'same boot', rec: { done: [], written: r([[0, 1]]), boot: BOOT }, boot: BOOT, want: 'trusted' },
    { name: 'another boot (a reboot since)', rec: { done: [], written: r([[0, 1]]), boot: OTHER }, boot: BOOT, want: 'other-boot' },
    { name: 'no boot id now', rec: { done: [], written: r([[0, 1]]), boot: BOOT }, boot: undefined, want: 'no-boot-id' },
    { name: 'an empty boot id now', rec: { done: [], written: r([[0, 1]]), boot: '' }, boot: '', want: 'no-boot-id' },
    { name: 'a record without boot id', rec: { done: [], written: r([[0, 1]]) }, boot: BOOT, want: 'no-boot-id' },
  ])('$name: $want', ({ rec, boot, want }) => {
    expect(writtenTrust(rec, boot)).toBe(want);
  });
});

describe('trustedRanges', () => {
  it.each([
    { name: 'only done', done: [[0, 10]], written: undefined, boot: BOOT, want: [[0, 10]] },
    { name: 'adjacent written merged', done: [[0, 10]], written: [[10, 20]], boot: BOOT, want: [[0, 20]] },
    {
      name: 'disjoint written kept apart, sorted',
      done: [[50, 60]],
      written: [
        [0, 1],
        [70, 80],
      ],
      boot: BOOT,
      want: [
        [0, 1],
        [50, 60],
        [70, 80],
      ],
    },
    { name: 'overlapping written merged', done: [[0, 10]], written: [[5, 15]], boot: BOOT, want: [[0, 15]] },
    { name: 'written of another boot dropped', done: [[0, 10]], written: [[10, 20]], boot: OTHER, want: [[0, 10]] },
    { name: 'written without a boot id now dropped', done: [[0, 10]], written: [[10, 20]], boot: undefined, want: [[0, 10]] },
    { name: 'nothing done, one byte written', done: [], written: [[0, 1]], boot: BOOT, want: [[0, 1]] },
  ])('$name', ({ done, written, boot, want }) => {
    const rec = { done: r(done as Array<[number, number]>), written: written && r(written as Array<[number, number]>), boot: BOOT };
    expect(trustedRanges(rec, boot)).toEqual(r(want as Array<[number, number]>));
  });

  it('never returns less than done, whatever the written ranges and boot ids', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = seededRandom(seed);
      const pick = (): ByteRange[] => {
        const out: ByteRange[] = [];
        for (let pos = rand(5); pos < 100; pos += 1 + rand(20)) {
          const end = Math.min(100, pos + 1 + rand(10));
          out.push({ start: pos, end });
          pos = end;
        }
        return out;
      };
      const done = pick();
      const written = pick();
      const boot = rand(2) === 0 ? BOOT : OTHER;
      const got = trustedRanges({ done, written, boot }, BOOT);
      for (const d of done) expect(got.some((g) => g.start <= d.start && g.end >= d.end)).toBe(true);
      expect(rangeBytes(got)).toBeGreaterThanOrEqual(rangeBytes(done));
      if (boot === OTHER) expect(rangeBytes(got)).toBe(rangeBytes(done));
      for (let i = 1; i < got.length; i++) expect(got[i].start).toBeGreaterThan(got[i - 1].end);
    }
  });
});

describe('rangesWithout', () => {
  it.each([
    { all: [[0, 100]], minus: [], want: [[0, 100]] },
    { all: [[0, 100]], minus: [[0, 100]], want: [] },
    { all: [[0, 100]], minus: [[0, 40]], want: [[40, 100]] },
    {
      all: [[0, 100]],
      minus: [
        [10, 20],
        [30, 40],
      ],
      want: [
        [0, 10],
        [20, 30],
        [40, 100],
      ],
    },
    { all: [[0, 1]], minus: [[1, 2]], want: [[0, 1]] },
  ])('$all without $minus', ({ all, minus, want }) => {
    const got = rangesWithout(r(all as Array<[number, number]>), r(minus as Array<[number, number]>));
    expect(got).toEqual(r(want as Array<[number, number]>));
  });
});
