import { describe, expect, it } from 'vitest';
import { LATER_FLAGS, optimizeNow, START_FLAGS, startCompilerTiers, type TierHost, TURBOFAN_AFTER_MS, usesTls } from '../../src/cli/jit-tiers.js';

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

describe('usesTls', () => {
  const none = { urls: [], options: [], env: {} };
  it.each<[string, Parameters<typeof usesTls>[0], boolean]>([
    ['an https URL', { ...none, urls: ['http://a/x', 'HTTPS://b/y'] }, true],
    ['an ftps URL', { ...none, urls: ['ftps://a/x'] }, true],
    ['plain http and ftp', { ...none, urls: ['http://a/x', 'ftp://b/y'] }, false],
    ['FTP with --ftp-ssl', { ...none, urls: ['ftp://a/x'], options: [{ ftpSsl: true }] }, true],
    ['FTP with --ftp-ssl-required in one entry', { ...none, urls: ['ftp://a/x'], options: [{}, { ftpSslRequired: true }] }, true],
    ['an https proxy option', { ...none, urls: ['http://a/x'], options: [{ httpProxy: 'https://proxy:3128' }] }, true],
    ['an http proxy option', { ...none, urls: ['http://a/x'], options: [{ allProxy: 'http://proxy:3128' }] }, false],
    ['an https proxy in the environment', { ...none, urls: ['http://a/x'], env: { all_proxy: 'https://proxy:3128' } }, true],
    ['an http proxy in the environment', { ...none, urls: ['http://a/x'], env: { http_proxy: 'http://proxy:3128' } }, false],
    ['a host named https', { ...none, urls: ['http://https/x'] }, false],
  ])('%s', (_name, work, expected) => {
    expect(usesTls(work)).toBe(expected);
  });
});
