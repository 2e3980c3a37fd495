import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MeasureOptions, measure, parseGnuTime } from '../lib/measure.js';

const TIME = '/usr/bin/time';

describe('parseGnuTime', () => {
  it('reads the four numbers, also after a status line', () => {
    expect(parseGnuTime('1.23 0.50 0.10 40960\n')).toEqual({ elapsedSec: 1.23, userSec: 0.5, sysSec: 0.1, maxRssKiB: 40960 });
    expect(parseGnuTime('Command exited with non-zero status 3\n0.00 0.00 0.00 1234\n')?.maxRssKiB).toBe(1234);
    expect(parseGnuTime('Command terminated by signal 9\n')).toBeUndefined();
    expect(parseGnuTime('')).toBeUndefined();
  });
});

describe('measure (real processes)', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-bench-measure-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const opts = (cmd: string, args: string[], more: Partial<MeasureOptions> = {}): MeasureOptions => ({
    cmd,
    args,
    cwd: dir,
    timeFile: join(dir, 't'),
    timeBin: TIME,
    timeoutMs: 10_000,
    ...more,
  });

  it('reports exit status, CPU and RSS through GNU time', async () => {
    const m = await measure(opts('sh', ['-c', 'echo oops >&2; exit 3']));
    expect(m.exitCode).toBe(3);
    expect(m.timedOut).toBe(false);
    expect(m.killed).toBe(false);
    expect(m.stderrTail).toContain('oops');
    expect(m.time?.maxRssKiB).toBeGreaterThan(0);
    expect(m.time?.userSec).toBeGreaterThanOrEqual(0);
    expect(m.wallSec).toBeGreaterThan(0);
  });

  it('counts the CPU of the whole child tree', async () => {
    const burn = 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done';
    const m = await measure(opts('sh', ['-c', `sh -c '${burn}'`]));
    expect(m.exitCode).toBe(0);
    expect((m.time?.userSec ?? 0) + (m.time?.sysSec ?? 0)).toBeGreaterThan(0.05);
  });

  it('measures without GNU time too (no CPU, no RSS)', async () => {
    const m = await measure(opts('sh', ['-c', 'exit 0'], { timeBin: undefined }));
    expect(m.exitCode).toBe(0);
    expect(m.time).toBeUndefined();
  });

  it('kills the whole process group on timeout', async () => {
    // The grandchild holds stderr open: close only comes early if the group was killed.
    const m = await measure(opts('sh', ['-c', 'sleep 30 & wait'], { timeoutMs: 300 }));
    expect(m.timedOut).toBe(true);
    expect(m.killed).toBe(false);
    expect(m.wallSec).toBeLessThan(5);
  });

  it('kills on purpose after killAfterMs and says so', async () => {
    const m = await measure(opts('sh', ['-c', 'sleep 30 & wait'], { killAfterMs: 300 }));
    expect(m.killed).toBe(true);
    expect(m.timedOut).toBe(false);
    expect(m.exitCode).not.toBe(0);
    expect(m.wallSec).toBeGreaterThanOrEqual(0.29);
    expect(m.wallSec).toBeLessThan(5);
  });

  it('stops the child when the signal aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const m = await measure(opts('sleep', ['30'], { signal: ac.signal }));
    expect(m.exitCode).not.toBe(0);
    expect(m.wallSec).toBeLessThan(5);
  });

  it('reports a program that does not exist', async () => {
    const m = await measure(opts('/nonexistent/ferry-bench-x', [], { timeBin: undefined }));
    expect(m.exitCode).not.toBe(0);
    expect(m.stderrTail).toMatch(/ENOENT/);
  });
});
