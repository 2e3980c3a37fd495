import { describe, expect, it } from 'vitest';
import {
  acceptsByteRanges,
  isEncodedBody,
  isWeakEtag,
  parseContentLength,
  parseContentRange,
  parseHttpDate,
  parseRetryAfter,
} from '../../src/core/http-headers.js';

describe('parseContentRange', () => {
  const cases: [string | undefined, ReturnType<typeof parseContentRange>][] = [
    ['bytes 0-99/1000', { start: 0, end: 100, size: 1000 }],
    ['bytes 999-999/1000', { start: 999, end: 1000, size: 1000 }],
    ['bytes 0-0/1', { start: 0, end: 1, size: 1 }],
    ['bytes 5-9/*', { start: 5, end: 10 }],
    ['bytes */1000', { unsatisfied: true, size: 1000 }],
    ['bytes */0', { unsatisfied: true, size: 0 }],
    ['  bytes 0-99/1000  ', { start: 0, end: 100, size: 1000 }],
    ['Bytes 0-99/1000', { start: 0, end: 100, size: 1000 }],
    ['bytes 007-009/010', { start: 7, end: 10, size: 10 }],
    ['bytes 0-9007199254740990/9007199254740991', { start: 0, end: 9007199254740991, size: 9007199254740991 }],
    [undefined, undefined],
    ['', undefined],
    ['bytes', undefined],
    ['bytes */*', undefined],
    ['bytes 10-5/100', undefined],
    ['bytes 0-100/100', undefined],
    ['bytes 0-0/0', undefined],
    ['bytes -1-5/10', undefined],
    ['bytes 0-5', undefined],
    ['bytes 0-5/', undefined],
    ['bytes 0-5/10x', undefined],
    ['bytes 0x1-5/10', undefined],
    ['bytes 1.5-5/10', undefined],
    ['bytes=0-5/10', undefined],
    ['items 0-5/10', undefined],
    ['bytes 0-5/10, bytes 6-7/10', undefined],
    ['bytes 0-99999999999999999999/100000000000000000000', undefined],
    ['bytes 0-9007199254740991/*', undefined],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(parseContentRange(input)).toEqual(expected);
  });
});

describe('parseContentLength', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    [' 42 ', 42],
    ['', undefined],
    ['-1', undefined],
    ['1e3', undefined],
    ['12, 12', undefined],
    ['99999999999999999999', undefined],
    [undefined, undefined],
  ] as const)('%j', (input, expected) => {
    expect(parseContentLength(input)).toBe(expected);
  });
});

describe('parseHttpDate', () => {
  const t = Date.UTC(1994, 10, 6, 8, 49, 37);
  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', t],
    ['Sunday, 06-Nov-94 08:49:37 GMT', t],
    ['Sun Nov  6 08:49:37 1994', t],
    ['sun, 06 nov 1994 08:49:37 gmt', t],
    ['Thu, 01 Jan 1970 00:00:00 GMT', 0],
    ['Tue, 29 Feb 2000 12:00:00 GMT', Date.UTC(2000, 1, 29, 12)],
    ['Mon, 31 Feb 2000 12:00:00 GMT', undefined],
    ['Sun, 06 Foo 1994 08:49:37 GMT', undefined],
    ['Sun, 06 Nov 1994 25:49:37 GMT', undefined],
    ['Sun, 06 Nov 1994 08:49:37 PST', undefined],
    ['1994-11-06T08:49:37Z', undefined],
    ['2020', undefined],
    ['', undefined],
  ] as const)('%j', (input, expected) => {
    expect(parseHttpDate(input)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2024, 0, 1, 0, 0, 0);
  it.each([
    ['0', 0],
    ['1', 1000],
    ['120', 120_000],
    [' 5 ', 5000],
    ['Mon, 01 Jan 2024 00:00:30 GMT', 30_000],
    ['Mon, 01 Jan 2024 00:00:00 GMT', 0],
    ['Sun, 31 Dec 2023 23:00:00 GMT', 0],
    ['99999999999999999999999', Number.MAX_SAFE_INTEGER],
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ] as const)('%j', (input, expected) => {
    expect(parseRetryAfter(input, now)).toBe(expected);
  });
});

describe('isWeakEtag', () => {
  it.each([
    ['W/"abc"', true],
    ['w/"abc"', true],
    ['"abc"', false],
    ['"W/abc"', false],
    ['abc', false],
    ['', false],
  ] as const)('%j', (input, expected) => {
    expect(isWeakEtag(input)).toBe(expected);
  });
});

describe('acceptsByteRanges', () => {
  it.each([
    ['bytes', true],
    ['Bytes', true],
    ['none, bytes', true],
    ['none', false],
    ['bytesx', false],
    ['', false],
    [undefined, false],
  ] as const)('%j', (input, expected) => {
    expect(acceptsByteRanges(input)).toBe(expected);
  });
});

describe('isEncodedBody', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['identity', false],
    ['Identity', false],
    ['gzip', true],
    ['identity, br', true],
  ] as const)('%j', (input, expected) => {
    expect(isEncodedBody(input)).toBe(expected);
  });
});
