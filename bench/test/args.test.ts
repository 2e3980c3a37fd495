import { describe, expect, it } from 'vitest';
import { FULL_SIZES, parseArgs, QUICK_SIZES } from '../lib/args.js';
import type { BenchConfig } from '../lib/types.js';

const parse = (...argv: string[]): BenchConfig => {
  const c = parseArgs(argv, '/results');
  if (c === 'help') throw new Error('unexpected help');
  return c;
};

describe('parseArgs', () => {
  it('has the documented defaults', () => {
    const c = parse();
    expect(c.only).toEqual([
      'unthrottled',
      'capped',
      'latency',
      'no-ranges',
      'resume',
      'mirrors',
      'mirrors-mixed',
      'kill-waste',
      'files-500',
      'files-500-latency',
      'ftp',
      'ftps',
      'daemon-load',
    ]);
    expect(c.runs).toBe(3);
    expect(c.sizes).toEqual(FULL_SIZES);
    expect(c.sizes.unthrottled).toBe(1024 ** 3);
    expect(c.capBytesPerSec).toBe(20 * 1024 * 1024);
    expect(c.connections).toBe(16);
    expect(c.firstByteDelayMs).toBe(50);
    expect(c.killAfterMs).toBe(3000);
    expect(c.resumeCapBytesPerSec).toBe(2 * 1024 * 1024);
    expect(c.latencyServer).toBe('auto');
    expect(c.resultsDir).toBe('/results');
    expect(c.participants).toBeUndefined();
    expect(c.listFiles).toBe(500);
    expect(c.listJobs).toBe(16);
    expect(c.listDelayMs).toBe(20);
    expect(c.sizes['files-500']).toBe(64 * 1024);
    expect(c.sizes['files-500-latency']).toBe(64 * 1024);
    expect(c.sizes.ftp).toBe(256 * 1024 * 1024);
    expect(c.sizes.ftps).toBe(256 * 1024 * 1024);
    expect(c.sizes.mirrors).toBe(200 * 1024 * 1024);
  });
  it('reads the list and FTP knobs', () => {
    const c = parse('--only', 'ftps,files-500-latency', '--list-files', '1', '--jobs=4', '--list-delay-ms', '0', '--size', 'files-500=0', '--size', 'ftp=1');
    expect(c.only).toEqual(['files-500-latency', 'ftps']);
    expect(c.listFiles).toBe(1);
    expect(c.listJobs).toBe(4);
    expect(c.listDelayMs).toBe(0);
    expect(c.sizes['files-500']).toBe(0);
    expect(c.sizes.ftp).toBe(1);
    expect(parse('--quick').sizes.ftp).toBe(64 * 1024 * 1024);
    expect(parse('--quick').listFiles).toBe(500);
    expect(() => parse('--list-files', '0')).toThrow(/--list-files needs a positive integer/);
    expect(() => parse('--jobs', '1.5')).toThrow(/--jobs needs a positive integer/);
    expect(() => parse('--list-delay-ms', '-1')).toThrow(/--list-delay-ms needs a whole number/);
  });
  it('--quick shrinks sizes and runs, explicit flags still win', () => {
    const q = parse('--quick');
    expect(q.sizes).toEqual(QUICK_SIZES);
    expect(q.runs).toBe(1);
    expect(q.killAfterMs).toBe(1500);
    const r = parse('--quick', '--runs', '2', '--size', 'capped=1', '--kill-after=0.5');
    expect(r.runs).toBe(2);
    expect(r.sizes.capped).toBe(1);
    expect(r.sizes.latency).toBe(QUICK_SIZES.latency);
    expect(r.killAfterMs).toBe(500);
  });
  it('selects scenarios in canonical order, from lists and repeats', () => {
    expect(parse('--only', 'resume,capped').only).toEqual(['capped', 'resume']);
    expect(parse('--only', 'latency', '--only=unthrottled').only).toEqual(['unthrottled', 'latency']);
    expect(parse('--participants', 'ferry, curl').participants).toEqual(['ferry', 'curl']);
  });
  it('reads sizes, rates and the other knobs', () => {
    const c = parse(
      '--size',
      'no-ranges=0',
      '--cap',
      '1m',
      '--connections',
      '4',
      '--delay-ms',
      '0',
      '--latency-server',
      'own',
      '--timeout',
      '7',
      '--data-dir',
      '/d',
    );
    expect(c.sizes['no-ranges']).toBe(0);
    expect(c.capBytesPerSec).toBe(1024 * 1024);
    expect(c.connections).toBe(4);
    expect(c.firstByteDelayMs).toBe(0);
    expect(c.latencyServer).toBe('own');
    expect(c.timeoutMs).toBe(7000);
    expect(c.dataDir).toBe('/d');
  });
  it('answers help and rejects bad input with a clear message', () => {
    expect(parseArgs(['--help'], '/r')).toBe('help');
    expect(parseArgs(['-h'], '/r')).toBe('help');
    expect(() => parse('--only', 'fast')).toThrow(/unknown scenario "fast"/);
    expect(() => parse('--runs', '0')).toThrow(/positive integer/);
    expect(() => parse('--runs')).toThrow(/needs a value/);
    expect(() => parse('--bogus', '1')).toThrow(/unknown flag --bogus/);
    expect(() => parse('capped')).toThrow(/unexpected argument/);
    expect(() => parse('--size', 'capped')).toThrow(/NAME=SIZE/);
    expect(() => parse('--latency-server', 'x')).toThrow(/auto, helper, own/);
    expect(() => parse('--delay-ms', '-5')).toThrow(/milliseconds/);
    expect(() => parse('--kill-after', '0')).toThrow(/positive/);
  });
});
