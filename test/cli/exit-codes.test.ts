import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { abortedError, type ErrorCode, FerryError } from '../../src/core/errors.js';

describe('EXIT', () => {
  it('has the documented values', () => {
    expect(EXIT).toEqual({
      success: 0,
      failure: 1,
      usage: 2,
      network: 3,
      http: 4,
      checksum: 5,
      fileSystem: 6,
      ftp: 7,
      output: 23,
      interrupted: 130,
    });
  });

  it('every code appears in the doc-comment table', () => {
    const source = readFileSync(new URL('../../src/cli/exit-codes.ts', import.meta.url), 'utf8');
    const documented = [...source.matchAll(/^ \* \|\s+(\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });
});

describe('exitCodeFor', () => {
  it.each<[ErrorCode, number]>([
    ['USAGE', 2],
    ['NETWORK', 3],
    ['TIMEOUT', 3],
    ['TLS', 3],
    ['REDIRECT', 3],
    ['HTTP_STATUS', 4],
    ['BAD_RESPONSE', 4],
    ['CHANGED', 4],
    ['CHECKSUM', 5],
    ['FILE_SYSTEM', 6],
    ['FILE_EXISTS', 6],
    ['FTP', 7],
    ['OUTPUT', 23],
    ['ABORTED', 130],
    ['UNSUPPORTED', 1],
  ])('FerryError %s -> %d', (code, exit) => {
    expect(exitCodeFor(new FerryError(code, 'x', { retryable: true, status: 503 }))).toBe(exit);
  });

  it('an aborted download exits 130', () => {
    expect(exitCodeFor(abortedError())).toBe(130);
  });

  it('recognizes a FerryError from another copy of the module by shape', () => {
    expect(exitCodeFor({ name: 'FerryError', code: 'CHECKSUM', message: 'm' })).toBe(5);
    expect(exitCodeFor({ name: 'FerryError', code: 'NOT_A_CODE', message: 'm' })).toBe(1);
    expect(exitCodeFor({ name: 'FerryError', code: 'toString', message: 'm' })).toBe(1);
  });

  it.each([
    ['ECONNREFUSED', 3],
    ['ENOTFOUND', 3],
    ['ETIMEDOUT', 3],
    ['ENOENT', 6],
    ['EACCES', 6],
    ['ENOSPC', 6],
    ['EWHATEVER', 1],
    ['constructor', 1],
  ])('an unwrapped Node error %s -> %d', (code, exit) => {
    const e = Object.assign(new Error(code), { code });
    expect(exitCodeFor(e)).toBe(exit);
  });

  it('AbortError -> 130', () => {
    const e = new Error('The operation was aborted');
    e.name = 'AbortError';
    expect(exitCodeFor(e)).toBe(130);
    expect(exitCodeFor(AbortSignal.abort().reason)).toBe(130);
  });

  it.each([new Error('boom'), new TypeError('bad'), 'a string', 42, null, undefined, {}])('anything else (%s) -> 1', (e) => {
    expect(exitCodeFor(e)).toBe(1);
  });
});
