import { describe, expect, it } from 'vitest';
import { parseArgs, USAGE } from '../lib/args.js';
import { loadsOf } from '../lib/scenario-daemon.js';
import { describe as describeScenario } from '../lib/scenarios.js';
import type { BenchConfig } from '../lib/types.js';

const parse = (...argv: string[]): BenchConfig => {
  const c = parseArgs(argv, '/results');
  if (c === 'help') throw new Error('unexpected help');
  return c;
};

describe('daemon-load flags', () => {
  it('has the documented defaults: 1000 x 6 MiB, 8 active, 50 clients at 10 Hz, 1 run, cut at 120 s', () => {
    const c = parse('--only', 'daemon-load');
    expect(c.only).toEqual(['daemon-load']);
    expect(c.sizes['daemon-load']).toBe(6 * 1024 * 1024);
    expect(parse('--quick').sizes['daemon-load']).toBe(4 * 1024 * 1024);
    expect([c.daemonFiles, c.daemonJobs, c.daemonClients, c.daemonPollHz, c.daemonRuns, c.daemonLimitMs]).toEqual([1000, 8, 50, 10, 1, 120_000]);
    expect(loadsOf(c)).toEqual([0, 50]);
  });
  it('--quick queues fewer downloads and cuts sooner; explicit flags win', () => {
    const q = parse('--quick', '--only=daemon-load');
    expect([q.daemonFiles, q.daemonClients, q.daemonLimitMs]).toEqual([200, 50, 60_000]);
    const c = parse(
      '--quick',
      '--daemon-files',
      '3',
      '--daemon-jobs=2',
      '--daemon-clients',
      '0',
      '--poll-hz',
      '4',
      '--daemon-runs',
      '2',
      '--daemon-limit',
      '0.5',
      '--size',
      'daemon-load=1',
    );
    expect([c.daemonFiles, c.daemonJobs, c.daemonClients, c.daemonPollHz, c.daemonRuns, c.daemonLimitMs, c.sizes['daemon-load']]).toEqual([
      3, 2, 0, 4, 2, 500, 1,
    ]);
    expect(loadsOf(c)).toEqual([0]);
  });
  it('refuses bad values with one clear line', () => {
    expect(() => parse('--daemon-files', '0')).toThrow(/^--daemon-files needs a positive integer, got "0"$/);
    expect(() => parse('--daemon-clients', '-1')).toThrow(/^--daemon-clients needs a whole number >= 0, got "-1"$/);
    expect(() => parse('--poll-hz', 'fast')).toThrow(/^--poll-hz needs a positive integer/);
    expect(() => parse('--daemon-limit', '0')).toThrow(/^--daemon-limit needs a positive number of seconds$/);
  });
  it('are in the usage text, and the scenario describes its load', () => {
    for (const flag of ['--daemon-files', '--daemon-jobs', '--daemon-clients', '--poll-hz', '--daemon-runs', '--daemon-limit']) expect(USAGE).toContain(flag);
    const text = describeScenario('daemon-load', parse('--only', 'daemon-load'));
    expect(text).toContain('1000 downloads of 6 MiB (5.86 GiB in all)');
    expect(text).toContain('50 pollers (25 over HTTP keep-alive, 25 over WebSocket)');
    expect(text).toContain('tellWaiting(0, 1000) 10 times a second');
  });
});
