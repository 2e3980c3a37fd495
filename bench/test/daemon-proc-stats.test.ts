import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { clockTicks, type ProcSample, parseProcStat, parseProcStatus, peakRss, readProcSample, startProcSampler } from '../lib/proc-stats.js';

// A real /proc/PID/stat line (kernel 6.x), with a command name holding spaces and a parenthesis.
const STAT =
  '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 6403 0 0 0 137 29 0 0 20 0 11 0 123456 1234567890 12345 18446744073709551615 1 1 0 0 0 0 0 16781312 134235650 0 0 0 17 1 0 0 0 0 0';

const STATUS = `Name:\tnode
Umask:\t0022
State:\tS (sleeping)
VmPeak:\t 1234567 kB
VmHWM:\t   81234 kB
VmRSS:\t   51234 kB
RssAnon:\t   30000 kB
Threads:\t11
`;

describe('/proc parsing', () => {
  it('reads utime and stime counting from the last parenthesis', () => {
    expect(parseProcStat(STAT)).toEqual({ utimeTicks: 137, stimeTicks: 29 });
  });
  it('refuses a line without the fields', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('1 (x) S 1 2 3')).toBeUndefined();
    expect(parseProcStat('1 (x) S 1 2 3 4 5 6 7 8 9 a b')).toBeUndefined();
  });
  it('reads VmRSS and VmHWM, not VmPeak or RssAnon', () => {
    expect(parseProcStatus(STATUS)).toEqual({ rssKiB: 51234, hwmKiB: 81234 });
    expect(parseProcStatus('Name:\tkthreadd\nState:\tS\n')).toBeUndefined();
  });
  it('takes the peak of the samples from a moment on', () => {
    const s = (atMs: number, rssKiB: number): ProcSample => ({ atMs, rssKiB, cpuSec: 0, hwmKiB: 0 });
    expect(peakRss([s(0, 900), s(10, 100), s(20, 300), s(30, 200)], 10)).toBe(300);
    expect(peakRss([s(0, 900)], 10)).toBeUndefined();
  });
});

describe('/proc sampling (a real child)', () => {
  it('sees a busy child use CPU and stops cleanly once it is gone', async () => {
    const ticks = await clockTicks();
    expect(ticks).toBeGreaterThan(0);
    // Spins for about 0.6 s of CPU, then exits.
    const child = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 600) {}'], { stdio: 'ignore' });
    const pid = child.pid as number;
    const sampler = startProcSampler(pid, ticks, 50);
    const first = await readProcSample(pid, ticks);
    await new Promise((r) => child.once('exit', r));
    const samples = sampler.stop();
    expect(first).toBeDefined();
    expect(samples.length).toBeGreaterThanOrEqual(2);
    const last = samples[samples.length - 1];
    expect(last.cpuSec).toBeGreaterThan(0.2);
    expect(last.rssKiB).toBeGreaterThan(1000);
    expect(last.hwmKiB).toBeGreaterThanOrEqual(last.rssKiB);
    for (let i = 1; i < samples.length; i++) expect(samples[i].cpuSec).toBeGreaterThanOrEqual(samples[i - 1].cpuSec);
    expect(await readProcSample(pid, ticks)).toBeUndefined();
  });
});
