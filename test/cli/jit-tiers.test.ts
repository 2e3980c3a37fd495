import { describe, expect, it } from 'vitest';
import {
  HTTPS_TURBOFAN_MIN_BYTES,
  LATER_FLAGS,
  optimizeNow,
  optimizer,
  START_FLAGS,
  startCompilerTiers,
  type TierHost,
  TURBOFAN_AFTER_MS,
  worthOptimizing,
} from '../../src/cli/jit-tiers.js';

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

describe('optimizeNow', () => {
  it('turns TurboFan on', () => {
    const h = host();
    expect(optimizeNow(h)).toBe(true);
    expect(h.set).toEqual([LATER_FLAGS]);
  });

  it('leaves a TurboFan flag of Node itself alone', () => {
    const h = host(['--no-turbofan']);
    expect(optimizeNow(h)).toBe(false);
    expect(h.set).toEqual([]);
  });
});

describe('optimizer', () => {
  it('turns TurboFan on at its first call only', () => {
    const h = host();
    const optimize = optimizer(h);
    optimize();
    optimize();
    expect(h.set).toEqual([LATER_FLAGS]);
  });
});

describe('worthOptimizing', () => {
  const big = HTTPS_TURBOFAN_MIN_BYTES;
  it.each<[string, Parameters<typeof worthOptimizing>[0], boolean]>([
    ['an https download of the threshold', { url: 'https://a/x', totalBytes: big }, true],
    ['the scheme in capitals', { url: 'HTTPS://a/x', totalBytes: big + 1 }, true],
    ['one byte less', { url: 'https://a/x', totalBytes: big - 1 }, false],
    ['a large resumed download with little left', { url: 'https://a/x', totalBytes: 2 * big, resumedBytes: big + 1 }, false],
    ['an unknown size', { url: 'https://a/x' }, false],
    ['plain http', { url: 'http://a/x', totalBytes: 4 * big }, false],
    ['ftps', { url: 'ftps://a/x', totalBytes: 4 * big }, false],
    ['a host named https', { url: 'http://https/x', totalBytes: 4 * big }, false],
  ])('%s', (_name, start, expected) => {
    expect(worthOptimizing(start)).toBe(expected);
  });
});
