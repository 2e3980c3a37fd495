import { describe, expect, it } from 'vitest';
import { statusError } from '../../src/sources/http/status-errors.js';
import { quoted, toFerryError } from '../../src/sources/net/network-errors.js';
import { unsafeIn } from '../helpers/terminal.js';

const host = '127.0.0.1:8080';
const signal = new AbortController().signal;

describe('http error messages carry no terminal controls', () => {
  it.each([
    ['an OSC window title', 'Not\u001b]0;pwned\u0007 Found', 'Not Found'],
    ['an OSC 52 clipboard write', 'Gone\u001b]52;c;ZWNobyBoaQ==\u001b\\', 'Gone'],
    ['a CSI that erases the line', 'Bad\u001b[2K\u001b[1A Gateway', 'Bad Gateway'],
    ['8-bit CSI and C1 controls', 'Busy\u009b31m\u0085 now', 'Busy? now'],
    ['a bidi override', 'Forbidden\u202e', 'Forbidden?'],
  ])('a reason phrase with %s', (_what, reason, clean) => {
    const e = statusError(404, reason, host, undefined, 0);
    expect(e.message).toBe(`${host}: HTTP 404 ${clean}`);
    expect(unsafeIn(e.message)).toEqual([]);
  });

  it('a socket error quoting server bytes', () => {
    const err = Object.assign(new Error('bad \u001b]0;x\u0007thing\u0007'), { code: 'EWHATEVER' });
    const e = toFerryError(err, host, signal);
    expect(e.message).toBe(`${host}: bad thing?`);
  });

  it('a TLS error message', () => {
    const err = Object.assign(new Error('cert for \u001b[31mevil\u001b[0m'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(unsafeIn(toFerryError(err, host, signal).message)).toEqual([]);
  });

  it('quoted(): a URL (a Location header, a user URL) with its password hidden and no controls', () => {
    expect(quoted('https://ann:s3cret@h/x')).toBe('https://ann:***@h/x');
    expect(quoted('http://h/\u001b]0;t\u0007x')).toBe('http://h/x');
  });
});
