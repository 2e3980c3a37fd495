import { describe, expect, it } from 'vitest';
import { median, percent } from '../lib/stats.js';
import { fmt, formatBytes, parseRate, parseSize } from '../lib/units.js';

describe('parseSize', () => {
  it('reads plain bytes and binary suffixes', () => {
    expect(parseSize('0')).toBe(0);
    expect(parseSize('1')).toBe(1);
    expect(parseSize('512k')).toBe(512 * 1024);
    expect(parseSize('256M')).toBe(256 * 1024 * 1024);
    expect(parseSize('1G')).toBe(1024 ** 3);
    expect(parseSize('1.5m')).toBe(1.5 * 1024 * 1024);
    expect(parseSize('20MiB')).toBe(20 * 1024 * 1024);
    expect(parseSize('3b')).toBe(3);
  });
  it('refuses garbage and fractions of a byte', () => {
    expect(() => parseSize('')).toThrow(/not a size/);
    expect(() => parseSize('-1')).toThrow(/not a size/);
    expect(() => parseSize('12x')).toThrow(/not a size/);
    expect(() => parseSize('1.5')).toThrow(/whole number/);
  });
  it('refuses a zero rate', () => {
    expect(parseRate('20m')).toBe(20 * 1024 * 1024);
    expect(() => parseRate('0')).toThrow(/positive/);
  });
});

describe('formatting', () => {
  it('formats bytes with binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1)).toBe('1 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(256 * 1024 * 1024)).toBe('256 MiB');
    expect(formatBytes(1024 ** 3)).toBe('1 GiB');
  });
  it('prints n/a for missing numbers', () => {
    expect(fmt(undefined, 2)).toBe('n/a');
    expect(fmt(Number.NaN, 2)).toBe('n/a');
    expect(fmt(1.005, 1)).toBe('1.0');
  });
});

describe('median and percent', () => {
  it('takes the middle of odd counts and averages even counts, ignoring gaps', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
    expect(median([undefined, 7, Number.NaN])).toBe(7);
    expect(median([])).toBeUndefined();
  });
  it('computes percentages only against a positive whole', () => {
    expect(percent(1, 4)).toBe(25);
    expect(percent(1, 0)).toBeUndefined();
    expect(percent(undefined, 4)).toBeUndefined();
  });
});
