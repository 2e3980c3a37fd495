import { describe, expect, it } from 'vitest';
import { parseContentDisposition } from '../../src/core/content-disposition.js';

/** A UTF-8 string as a header value arrives in JavaScript: one ISO-8859-1 char per byte. */
const asLatin1Header = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('parseContentDisposition', () => {
  const cases: [string | undefined, string | undefined][] = [
    ['attachment; filename="report.pdf"', 'report.pdf'],
    ['attachment; filename=report.pdf', 'report.pdf'],
    ['inline; filename = "a b.txt" ', 'a b.txt'],
    ['attachment; FILENAME="upper.txt"', 'upper.txt'],
    ['attachment; filename="quoted \\"escapes\\" and \\\\ slash"', 'quoted "escapes" and \\ slash'],
    ['attachment; filename="semi;colon.txt"; size=3', 'semi;colon.txt'],
    ["attachment; filename*=UTF-8''percent%20encoded", 'percent encoded'],
    ["attachment; filename*=utf-8''%E2%82%AC%20rates.txt", '€ rates.txt'],
    ["attachment; filename*=UTF-8'en'na%C3%AFve.txt", 'naïve.txt'],
    ["attachment; filename*=ISO-8859-1''%A3%20rates.txt", '£ rates.txt'],
    ['attachment; filename="fallback.txt"; filename*=UTF-8\'\'%E2%82%AC.txt', '€.txt'],
    ['attachment; filename*=UTF-8\'\'%E2%82%AC.txt; filename="fallback.txt"', '€.txt'],
    ['attachment; filename*="UTF-8\'\'quoted%20ext.txt"', 'quoted ext.txt'],
    // Bad percent-encoding or unknown charsets fall back to filename.
    ['attachment; filename*=UTF-8\'\'bad%ZZ.txt; filename="fallback.txt"', 'fallback.txt'],
    ["attachment; filename*=UTF-8''bad%E2%82.txt; filename=fallback.txt", 'fallback.txt'],
    ["attachment; filename*=UTF-8''trailing%; filename=fallback.txt", 'fallback.txt'],
    ["attachment; filename*=ISO-8859-1''bad%G1; filename=fallback.txt", 'fallback.txt'],
    ["attachment; filename*=KOI8-R''%C1; filename=fallback.txt", 'fallback.txt'],
    ['attachment; filename*=no-quotes-at-all; filename=fallback.txt', 'fallback.txt'],
    ["attachment; filename*=UTF-8''%E2%82%AC", '€'],
    ["attachment; filename*=UTF-8''bad%ZZ", undefined],
    // Not sanitized: path parts and dot-dot come back as sent.
    ['attachment; filename="../../etc/passwd"', '../../etc/passwd'],
    ["attachment; filename*=UTF-8''..%2F..%2Fx", '../../x'],
    // Raw UTF-8 bytes in a quoted filename are decoded like browsers do; invalid UTF-8 stays Latin-1.
    [`attachment; filename="${asLatin1Header('données.csv')}"`, 'données.csv'],
    ['attachment; filename="caf\xe9.txt"', 'caf\xe9.txt'],
    // Lenient parsing.
    ['filename="no-type.bin"', 'no-type.bin'],
    ['attachment; filename="unterminated.txt', 'unterminated.txt'],
    ['attachment; filename="junk-after.txt"garbage; x=1', 'junk-after.txt'],
    // Nothing to find.
    ['attachment', undefined],
    ['attachment; filename=""', undefined],
    ['attachment; filename=', undefined],
    ['attachment; name="field"', undefined],
    ['', undefined],
    [';;;==;"', undefined],
    [undefined, undefined],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(parseContentDisposition(input)).toBe(expected);
  });

  it('never throws on hostile input', () => {
    const hostile = [
      '"'.repeat(10_000),
      '\\'.repeat(10_001),
      `filename*=${'%'.repeat(5000)}`,
      `filename*=UTF-8''${'%FF'.repeat(5000)}`,
      'filename="\\',
      `filename=${'\u0000\uffff\ud800'.repeat(100)}`,
      `${'; filename'.repeat(2000)}=`,
    ];
    for (const h of hostile) expect(() => parseContentDisposition(h)).not.toThrow();
    expect(parseContentDisposition(`attachment; filename="${'a'.repeat(100_000)}"`)).toHaveLength(100_000);
  });
});
