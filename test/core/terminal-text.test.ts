import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../src/core/terminal-text.js';
import { unsafeIn } from '../helpers/terminal.js';

describe('terminalSafe', () => {
  it.each([
    ['plain text', 'report-2024.iso', 'report-2024.iso'],
    ['non-ASCII text', 'résumé 日本語 🎉', 'résumé 日本語 🎉'],
    ['empty', '', ''],
    ['CSI colour', 'a\u001b[31mred\u001b[0mz', 'aredz'],
    ['CSI cursor move with parameters', 'x\u001b[2;5Hy', 'xy'],
    ['CSI private mode', 'a\u001b[?25lb', 'ab'],
    ['CSI erase line then fake text', 'ok\u001b[2K\rFAKE', 'ok FAKE'],
    ['OSC window title ended by BEL', 'Not\u001b]0;pwned\u0007 Found', 'Not Found'],
    ['OSC 52 clipboard ended by ST', 'a\u001b]52;c;ZWNobyBoaQ==\u001b\\b', 'ab'],
    ['OSC 8 hyperlink', '\u001b]8;;http://evil/\u001b\\click\u001b]8;;\u001b\\', 'click'],
    ['unterminated OSC swallows the rest', 'head\u001b]0;title and more', 'head'],
    ['DCS payload', 'a\u001bPq#0;2;0;0;0\u001b\\b', 'ab'],
    ['APC payload', 'a\u001b_Gf=100;AAAA\u001b\\b', 'ab'],
    ['PM payload', 'a\u001b^private\u001b\\b', 'ab'],
    ['SOS payload', 'a\u001bXstring\u001b\\b', 'ab'],
    ['string ended by CAN', 'a\u001b]0;t\u0018b', 'ab'],
    ['ESC inside a string starts a new sequence', 'a\u001b]0;t\u001b[31mb', 'ab'],
    ['two-character escape (reset)', 'a\u001bcb', 'ab'],
    ['two-character escape (save cursor)', 'a\u001b7b', 'ab'],
    ['nF escape (charset)', 'a\u001b(Bb', 'ab'],
    ['lone ESC at the end', 'abc\u001b', 'abc'],
    ['lone ESC before a control', 'a\u001b\u0001b', 'a?b'],
    ['lone ESC before non-ASCII', 'a\u001bé', 'aé'],
    ['CSI cut by a control', 'a\u001b[12\u0007b', 'a?b'],
    ['8-bit CSI', 'a\u009b31mb', 'ab'],
    ['8-bit OSC ended by 8-bit ST', 'a\u009d0;title\u009cb', 'ab'],
    ['8-bit DCS ended by BEL', 'a\u0090payload\u0007b', 'ab'],
    ['8-bit APC', 'a\u009fx\u009cb', 'ab'],
    ['other C1 controls', 'a\u0085b\u0080c\u009ad', 'a?b?c?d'],
    ['NUL, BEL, backspace', 'a\u0000b\u0007c\u0008d', 'a?b?c?d'],
    ['DEL', 'a\u007fb', 'a?b'],
    ['tab, newline, CR become spaces', 'a\tb\nc\rd\u000be\u000cf', 'a b c d e f'],
    ['bidi override (fakes file extensions)', 'evil\u202egpj.exe', 'evil?gpj.exe'],
    ['bidi embeddings and isolates', '\u202aa\u202bb\u202cc\u202dd\u2066e\u2067f\u2068g\u2069', '?a?b?c?d?e?f?g?'],
    ['marks and zero-width characters', 'a\u200bb\u200ec\u200fd\u061ce\ufefff\u2028g', 'a?b?c?d?e?f?g'],
  ])('%s', (_what, input, expected) => {
    const out = terminalSafe(input);
    expect(out).toBe(expected);
    expect(unsafeIn(out)).toEqual([]);
  });

  it('never leaves an unsafe character, whatever the input (every pair of unsafe/ASCII code points)', () => {
    const interesting = ['\u001b', '[', ']', 'P', '\\', '\u0007', '\u009b', '\u009c', '\u009d', '\u0090', 'a', '1', ';', '\u202e', '\u0018', ' '];
    for (const a of interesting) for (const b of interesting) for (const c of interesting) expect(unsafeIn(terminalSafe(`${a}${b}${c}x`))).toEqual([]);
  });

  it('returns safe text unchanged (the same string)', () => {
    const s = 'nothing to do here: https://example.com/a.iso';
    expect(terminalSafe(s)).toBe(s);
  });

  it('runs in linear time on hostile input (no backtracking)', () => {
    const n = 200_000;
    const inputs = [
      '\u001b['.repeat(n),
      '\u001b]'.repeat(n),
      `\u001b[${'1;'.repeat(n)}`,
      '\u009b'.repeat(n),
      `\u001b]${'a'.repeat(n * 2)}`,
      'a\u0001'.repeat(n),
    ];
    for (const s of inputs) {
      const t0 = performance.now();
      const out = terminalSafe(s);
      // Generous: a quadratic scan of 400k characters takes minutes; this takes milliseconds.
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(unsafeIn(out)).toEqual([]);
    }
  });
});
