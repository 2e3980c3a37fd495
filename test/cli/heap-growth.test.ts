import { describe, expect, it } from 'vitest';
import { HEAP_GROWTH_FLAGS, type HeapHost, limitHeapGrowth } from '../../src/cli/heap-growth.js';

function host(execArgv: string[] = []): HeapHost & { set: string[] } {
  const set: string[] = [];
  return { execArgv, set, setFlags: (f) => set.push(f) };
}

describe('limitHeapGrowth', () => {
  it("fixes V8's heap growth factor", () => {
    const h = host(['--max-semi-space-size=2']);
    expect(limitHeapGrowth(h)).toBe(true);
    expect(h.set).toEqual([HEAP_GROWTH_FLAGS]);
    expect(HEAP_GROWTH_FLAGS).toBe('--heap-growing-percent=50');
  });

  it.each([['--heap-growing-percent=80'], ['--heap_growing_percent=80'], ['--heap-growing-percent']])('leaves the choice to Node given %s', (flag) => {
    const h = host(['--max-old-space-size=100', flag]);
    expect(limitHeapGrowth(h)).toBe(false);
    expect(h.set).toEqual([]);
  });

  it('does not take another heap flag for it', () => {
    const h = host(['--max-old-space-size=100', '--heap-growing-percentile=3']);
    expect(limitHeapGrowth(h)).toBe(true);
  });
});
