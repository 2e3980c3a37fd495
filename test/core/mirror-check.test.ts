import { describe, expect, it } from 'vitest';
import { laneOrder, mirrorMismatch } from '../../src/core/mirror-check.js';

describe('mirrorMismatch', () => {
  it.each([
    [{ size: 456, acceptsRanges: true }, undefined],
    [{ size: 123, acceptsRanges: true }, 'mirror M reports 123 bytes, not 456: not used'],
    [{ size: 0, acceptsRanges: true }, 'mirror M reports 0 bytes, not 456: not used'],
    [{ size: undefined, acceptsRanges: true }, 'mirror M does not say the size, not 456 bytes: not used'],
    [{ size: 456, acceptsRanges: false }, 'mirror M does not support ranges: not used'],
  ])('%o -> %s', (probe, why) => {
    expect(mirrorMismatch('M', 456, probe)).toBe(why);
  });
});

describe('laneOrder', () => {
  const lane = (active: number, speed?: number, limit = 2, alive = true) => ({ active, speed, limit, alive });

  it('the least loaded first, then list order', () => {
    expect(laneOrder([lane(1), lane(0), lane(0)])).toEqual([1, 2, 0]);
  });

  it('full and dropped lanes are left out', () => {
    expect(laneOrder([lane(2), lane(0, undefined, 2, false), lane(1)])).toEqual([2]);
    expect(laneOrder([lane(2), lane(2)])).toEqual([]);
  });

  it('equal load: the faster per connection first; an unmeasured lane counts as the best', () => {
    expect(laneOrder([lane(1, 100), lane(1, 900), lane(1, 500)])).toEqual([1, 2, 0]);
    expect(laneOrder([lane(1, 100), lane(1, undefined), lane(1, 900)])).toEqual([1, 2, 0]);
  });
});
