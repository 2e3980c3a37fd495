import { describe, expect, it } from 'vitest';
import { LATER_FLAGS, START_FLAGS, startCompilerTiers, type TierHost, TURBOFAN_AFTER_MS } from '../../src/cli/jit-tiers.js';

/** A host that records the flags set and holds the timer for the test to fire. */
function host(execArgv: string[] = []): TierHost & { set: string[]; timers: { fn: () => void; ms: number }[] } {
  const set: string[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  return { execArgv, set, timers, setFlags: (f) => set.push(f), later: (fn, ms) => timers.push({ fn, ms }) };
}

describe('startCompilerTiers', () => {
  it('starts with TurboFan off and turns it on after the delay', () => {
    const h = host(['--require', 'x.cjs']);
    expect(startCompilerTiers(h)).toBe(true);
    expect(h.set).toEqual([START_FLAGS]);
    expect(h.timers.map((t) => t.ms)).toEqual([TURBOFAN_AFTER_MS]);
    h.timers[0]?.fn();
    expect(h.set).toEqual([START_FLAGS, LATER_FLAGS]);
  });

  it('keeps TurboFan off to the end for the code-cache run', () => {
    const h = host();
    expect(startCompilerTiers(h, true)).toBe(true);
    expect(h.set).toEqual([START_FLAGS]);
    expect(h.timers).toEqual([]);
  });

  it.each([['--opt'], ['--no-opt'], ['--turbofan'], ['--no-turbofan'], ['--always-turbofan']])('leaves the choice to Node given %s', (flag) => {
    const h = host(['--max-old-space-size=100', flag]);
    expect(startCompilerTiers(h)).toBe(false);
    expect(h.set).toEqual([]);
    expect(h.timers).toEqual([]);
  });

  it('does not mistake another flag that starts alike for a TurboFan flag', () => {
    const h = host(['--turbo-filter=foo', '--optimize-for-size']);
    expect(startCompilerTiers(h)).toBe(true);
  });
});
