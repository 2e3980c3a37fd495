import { describe, expect, it } from 'vitest';
import { findNetrcEntry, parseNetrc } from '../../src/core/netrc.js';

describe('parseNetrc', () => {
  it('reads machine entries on one or several lines, and default', () => {
    const text = [
      '# comment line',
      'machine a.example login alice password secret1',
      'machine b.example',
      '  login bob',
      '  account ignored',
      '  password "with space\\"q"',
      'default login anonymous password me@',
    ].join('\n');
    expect(parseNetrc(text)).toEqual([
      { machine: 'a.example', login: 'alice', password: 'secret1' },
      { machine: 'b.example', login: 'bob', password: 'with space"q' },
      { login: 'anonymous', password: 'me@' },
    ]);
  });

  it('skips macdef bodies up to the empty line', () => {
    const text = 'machine m login u password p\nmacdef init\nmachine evil login x password y\n\nmachine n login v password q\n';
    expect(parseNetrc(text)).toEqual([
      { machine: 'm', login: 'u', password: 'p' },
      { machine: 'n', login: 'v', password: 'q' },
    ]);
  });

  it('is empty for empty text', () => {
    expect(parseNetrc('')).toEqual([]);
  });
});

describe('findNetrcEntry', () => {
  const entries = parseNetrc('machine Host.Example login a password 1\nmachine host.example login b password 2\ndefault login d password 3');

  it('matches the host case-insensitively, first entry wins', () => {
    expect(findNetrcEntry(entries, 'host.example')?.password).toBe('1');
  });

  it('matches the login when given', () => {
    expect(findNetrcEntry(entries, 'host.example', 'b')?.password).toBe('2');
  });

  it('falls back to default, unless the login differs', () => {
    expect(findNetrcEntry(entries, 'other')?.password).toBe('3');
    expect(findNetrcEntry(entries, 'other', 'zed')).toBeUndefined();
  });
});
