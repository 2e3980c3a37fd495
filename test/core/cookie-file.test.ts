import { describe, expect, it } from 'vitest';
import { type FileCookie, formatCookieFile, parseCookieFile } from '../../src/core/cookie-file.js';

const base: FileCookie = {
  domain: 'example.com',
  includeSubdomains: false,
  path: '/',
  secure: false,
  httpOnly: false,
  expires: 0,
  name: 'a',
  value: 'b',
};

describe('parseCookieFile', () => {
  it.each<[string, string, Partial<FileCookie> | undefined]>([
    ['host-only session cookie', 'example.com\tFALSE\t/\tFALSE\t0\ta\tb', {}],
    [
      'domain cookie',
      '.example.com\tTRUE\t/p\tTRUE\t1900000000\tsid\tx=y',
      { includeSubdomains: true, path: '/p', secure: true, expires: 1900000000, name: 'sid', value: 'x=y' },
    ],
    ['leading dot means subdomains whatever the flag', '.Example.COM\tFALSE\t/\tFALSE\t0\ta\tb', { includeSubdomains: true }],
    ['#HttpOnly_ prefix', '#HttpOnly_example.com\tFALSE\t/\tFALSE\t0\ta\tb', { httpOnly: true }],
    ['#HttpOnly_ with a domain cookie', '#HttpOnly_.example.com\tTRUE\t/\tFALSE\t0\ta\tb', { httpOnly: true, includeSubdomains: true }],
    ['empty value, field kept', 'example.com\tFALSE\t/\tFALSE\t0\ta\t', { value: '' }],
    ['empty value, field lost', 'example.com\tFALSE\t/\tFALSE\t0\ta', { value: '' }],
    ['CRLF line end', 'example.com\tFALSE\t/\tFALSE\t0\ta\tb\r', {}],
    ['lowercase flags', 'example.com\tfalse\t/\ttrue\t0\ta\tb', { secure: true }],
    ['value with spaces', 'example.com\tFALSE\t/\tFALSE\t0\ta\tb c', { value: 'b c' }],
    ['bad flag', 'example.com\tMAYBE\t/\tFALSE\t0\ta\tb', undefined],
    ['bad expiry', 'example.com\tFALSE\t/\tFALSE\t-1\ta\tb', undefined],
    ['too few fields', 'example.com\tFALSE\t/\tFALSE', undefined],
    ['spaces instead of tabs', 'example.com FALSE / FALSE 0 a b', undefined],
    ['no name', 'example.com\tFALSE\t/\tFALSE\t0\t\tb', undefined],
  ])('%s', (_name, line, want) => {
    const parsed = parseCookieFile(`# Netscape HTTP Cookie File\n\n${line}\n`);
    if (want === undefined) {
      expect(parsed).toEqual({ cookies: [], badLines: [3] });
    } else {
      expect(parsed).toEqual({ cookies: [{ ...base, ...want }], badLines: [] });
    }
  });

  it('skips comments and blank lines, and reads every cookie of a file', () => {
    const text = ['# comment', '', 'a.example\tFALSE\t/\tFALSE\t0\tx\t1', '   ', '# another', '.b.example\tTRUE\t/\tFALSE\t0\ty\t2'].join('\n');
    const { cookies, badLines } = parseCookieFile(text);
    expect(cookies.map((c) => `${c.domain}:${c.name}=${c.value}`)).toEqual(['a.example:x=1', 'b.example:y=2']);
    expect(badLines).toEqual([]);
  });

  it('is empty for an empty file', () => {
    expect(parseCookieFile('')).toEqual({ cookies: [], badLines: [] });
  });
});

describe('formatCookieFile', () => {
  it('writes the header and one TAB-separated line per cookie, as curl does', () => {
    const text = formatCookieFile([
      { ...base },
      { ...base, domain: 'd.example', includeSubdomains: true, secure: true, httpOnly: true, expires: 1900000000.7, name: 'n', value: 'v' },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('# Netscape HTTP Cookie File');
    expect(lines).toContain('example.com\tFALSE\t/\tFALSE\t0\ta\tb');
    expect(lines).toContain('#HttpOnly_.d.example\tTRUE\t/\tTRUE\t1900000000\tn\tv');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('leaves out a cookie that could not be read back', () => {
    const text = formatCookieFile([
      { ...base, value: 'a\tb' },
      { ...base, name: 'x\ny' },
      { ...base, name: 'ok' },
    ]);
    expect(parseCookieFile(text).cookies.map((c) => c.name)).toEqual(['ok']);
  });

  it('reads back what it wrote, every flag combination', () => {
    const cookies: FileCookie[] = [];
    for (const includeSubdomains of [false, true])
      for (const secure of [false, true])
        for (const httpOnly of [false, true])
          cookies.push({ ...base, includeSubdomains, secure, httpOnly, expires: secure ? 2000000000 : 0, name: `c${cookies.length}` });
    expect(parseCookieFile(formatCookieFile(cookies))).toEqual({ cookies, badLines: [] });
  });
});
