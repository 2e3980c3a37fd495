import { describe, expect, it } from 'vitest';
import { killWasteArgs } from '../lib/kill-waste.js';
import {
  KILL_MAX_MS,
  KILL_MIN_MS,
  KILLS,
  type KillWasteRecord,
  killMoments,
  killWasteTargets,
  renderKillWaste,
  summariseKillWaste,
} from '../lib/kill-waste-plan.js';
import { participants } from '../lib/participants.js';

const rec = (run: number, ratio: number, ok = true): KillWasteRecord => ({
  run,
  ok,
  kills: 5,
  bytesSent: ratio * 100,
  ratio,
  wallSec: 3,
  failure: ok ? undefined : 'exit 1',
});

describe('killMoments', () => {
  it('is the same for every call of one run, differs between runs, and stays in the window', () => {
    expect(killMoments(1)).toEqual(killMoments(1));
    expect(killMoments(1)).not.toEqual(killMoments(2));
    for (const run of [1, 2, 3, 50]) {
      const m = killMoments(run);
      expect(m).toHaveLength(KILLS);
      for (const t of m) {
        expect(t).toBeGreaterThanOrEqual(KILL_MIN_MS);
        expect(t).toBeLessThanOrEqual(KILL_MAX_MS);
      }
    }
  });
});

describe('summariseKillWaste and its target', () => {
  it('medians and the worst run; the target judges the worst run', () => {
    const s = summariseKillWaste('ferry', [rec(1, 1.02), rec(2, 1.08), rec(3, 1.04)]);
    expect(s.status).toBe('ok');
    expect(s.medianRatio).toBeCloseTo(1.04);
    expect(s.maxRatio).toBeCloseTo(1.08);
    expect(killWasteTargets([s])[0].pass).toBe(true);
    const over = summariseKillWaste('ferry', [rec(1, 1.02), rec(2, 1.11)]);
    expect(killWasteTargets([over])[0].pass).toBe(false);
  });

  it('a failed run is a FAIL; no ferry row cannot be judged', () => {
    const s = summariseKillWaste('ferry', [rec(1, 1.0), rec(2, 1.0, false)]);
    expect(s.status).toBe('FAIL');
    expect(s.note).toBe('run 2: exit 1; the other runs sent 1.000x');
    expect(killWasteTargets([s])[0].pass).toBeUndefined();
    expect(killWasteTargets(undefined)).toEqual([]);
  });

  it('renders one row per participant', () => {
    const table = renderKillWaste([
      summariseKillWaste('ferry', [rec(1, 1.034)]),
      { participant: 'axel', status: 'n/a', note: 'not installed: axel', runs: [] },
    ]);
    expect(table).toContain('| ferry | 1.034x | 1.034x | 5 |');
    expect(table).toContain('not installed: axel');
  });
});

describe('killWasteArgs', () => {
  const job = { url: 'http://127.0.0.1:1/f?run=x', dir: '/d', file: 'out.bin', connections: 8 };
  const all = participants('ferry');
  const get = (name: string) => all.find((p) => p.name === name) as (typeof all)[number];

  it('curl resumes with -C - on one connection; aria2c gets -c before the URL; ferry and axel as elsewhere', () => {
    expect(killWasteArgs(get('curl'), job).args).toEqual(['-sS', '-f', '-C', '-', '-o', '/d/out.bin', job.url]);
    const aria = killWasteArgs(get('aria2c'), job).args;
    expect(aria.slice(-2)).toEqual(['-c', job.url]);
    expect(aria).toContain('-x8');
    expect(aria).toContain('-s8');
    expect(killWasteArgs(get('axel'), job).args).toEqual(['-n', '8', '-q', '-o', '/d/out.bin', job.url]);
    expect(killWasteArgs(get('ferry'), job).args).toEqual([job.url, '-n', '8', '-o', 'out.bin', '-d', '/d', '-q']);
  });

  it('the participants of the scenario are ferry, aria2c, axel and curl', () => {
    expect(all.filter((p) => p.scenarios.includes('kill-waste')).map((p) => p.name)).toEqual(['ferry', 'aria2c', 'axel', 'curl']);
  });
});
