import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { formatBytes, formatDuration, formatSpeed, parseDuration, parseSize } from '../../src/core/units.js';

describe('parseSize', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['1048576', 1048576],
    ['100B', 100],
    ['1k', 1024],
    ['1K', 1024],
    ['512k', 524288],
    ['1.5M', 1572864],
    ['1.5m', 1572864],
    ['2G', 2 * 1024 ** 3],
    ['1T', 1024 ** 4],
    ['.5k', 512],
    ['10KiB', 10240],
    ['10MiB', 10 * 1024 ** 2],
    ['1GiB', 1024 ** 3],
    ['1 MiB', 1024 ** 2],
    ['  64k  ', 65536],
    ['1kB', 1000],
    ['5MB', 5_000_000],
    ['1GB', 1_000_000_000],
    ['0.3k', 307], // 307.2 rounded
    ['1.0009k', 1025], // 1024.9216 rounded
  ])('%j -> %d bytes', (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  it.each(['', ' ', 'abc', '-1', '-1k', '1x', '1.5.5M', 'k', '1e3', '1,5M', '1MBB', 'Infinity', 'NaN', '0x10', '99999999999T'])(
    'rejects %j with a USAGE error naming the value',
    (input) => {
      let caught: unknown;
      try {
        parseSize(input);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(FerryError);
      expect((caught as FerryError).code).toBe('USAGE');
      expect((caught as FerryError).message).toContain(`'${input}'`);
    },
  );
});

describe('messages', () => {
  it('escape control characters in the echoed value', () => {
    expect(() => parseSize('\u001b[2J')).toThrow("invalid size '\\u001b[2J'");
    expect(() => parseDuration('1\n2')).toThrow("invalid duration '1\\u000a2'");
  });
});

describe('parseDuration (milliseconds; plain numbers are seconds)', () => {
  it.each([
    ['0', 0],
    ['30', 30_000],
    ['1.5', 1500],
    ['.25', 250],
    ['500ms', 500],
    ['500 ms', 500],
    ['10s', 10_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['0.0004', 0],
    ['0.0006', 1],
    ['1MS', 1],
  ])('%j -> %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', 'x', '-1', '1d', '1.5.2', 'ms', '1e3', '30 seconds'])('rejects %j', (input) => {
    expect(() => parseDuration(input)).toThrow(FerryError);
    expect(() => parseDuration(input)).toThrow(`'${input}'`);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1023.4, '1023 B'],
    [1023.6, '1.0 KiB'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'], // 1023.999 KiB would print as 1024.0 KiB
    [1024 * 1024 - 52, '1023.9 KiB'],
    [512.3 * 1024 * 1024, '512.3 MiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
    [2.25 * 1024 ** 4, '2.3 TiB'],
    [3 * 1024 ** 5, '3.0 PiB'],
    [Number.MAX_SAFE_INTEGER, '8.0 PiB'],
  ])('%d -> %j', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it.each([-1, NaN, Infinity, -Infinity])('%d is unknown', (n) => {
    expect(formatBytes(n)).toBe('--');
  });
});

describe('formatSpeed', () => {
  it.each([
    [0, '0 B/s'],
    [999.6, '1000 B/s'],
    [4.5 * 1024 * 1024, '4.5 MiB/s'],
    [NaN, '--'],
    [-5, '--'],
  ])('%d B/s -> %j', (bps, text) => {
    expect(formatSpeed(bps)).toBe(text);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.4, '0s'],
    [3, '3s'],
    [59, '59s'],
    [59.6, '1m00s'],
    [60, '1m00s'],
    [125, '2m05s'],
    [3599, '59m59s'],
    [3600, '1h00m'],
    [3720, '1h02m'],
    [86_399, '23h59m'],
    [86_400, '1d00h'],
    [3 * 86_400 + 4 * 3600 + 59, '3d04h'],
  ])('%d s -> %j', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });

  it.each([undefined, NaN, Infinity, -1])('%s is unknown (--)', (s) => {
    expect(formatDuration(s)).toBe('--');
  });
});
