import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { chooseFilename, chooseLocation, MAX_FILENAME_BYTES, normalizeOutputPath, outputLocation, sanitizeFilename } from '../../src/core/filename.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The first C0/C1 control or DEL in `s` as `\uXXXX`, or undefined (a loop: no control ranges in a regex). */
function firstControl(s: string): string | undefined {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return undefined;
}

/** Properties every sanitized name must have, whatever the input. */
function expectSafe(name: string): void {
  expect(name).not.toBe('');
  expect(name).not.toMatch(/[\\/:*?"<>|]/);
  expect(firstControl(name)).toBeUndefined();
  expect(name).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  expect(name).not.toMatch(/^[\s.]|[\s.]$/);
  expect(bytes(name)).toBeLessThanOrEqual(MAX_FILENAME_BYTES);
}

describe('sanitizeFilename', () => {
  it.each([
    ['file.bin', 'file.bin'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\x', 'x'],
    ['/abs', 'abs'],
    ['C:\\x', 'x'],
    ['C:x', 'C_x'],
    ['dir/sub\\name.txt', 'name.txt'],
    ['a\u0000b', 'ab'],
    ['\u001b[31mred\u001b[0m', '[31mred[0m'],
    ['bell\u0007.txt', 'bell.txt'],
    ['line\nbreak\r.txt', 'linebreak.txt'],
    ['del\u007f.txt', 'del.txt'],
    ['c1\u009b31m.txt', 'c131m.txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['zero\u200bwidth', 'zerowidth'],
    ['what?*<>|"x".txt', 'what______x_.txt'],
    ['.bashrc', 'bashrc'],
    ['  spaced  ', 'spaced'],
    ['trailing.', 'trailing'],
    ['. . name . .', 'name'],
    ['résumé.pdf', 'résumé.pdf'],
    ['e\u0301.txt', 'é.txt'], // NFC
    ['日本語のファイル.zip', '日本語のファイル.zip'],
    ['emoji-😀.png', 'emoji-😀.png'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['com1', '_com1'],
    ['console.log', 'console.log'],
    ['x', 'x'],
  ])('%j -> %j', (input, expected) => {
    const out = sanitizeFilename(input);
    expect(out).toBe(expected);
    expectSafe(out as string);
  });

  it.each(['', '.', '..', '...', ' ', '. .', '/', '\\', 'dir/', '../', '\u0000', '\u001b', '\u202e', 'a/..', 'x\\...'])(
    '%j -> undefined (nothing usable left)',
    (input) => {
      expect(sanitizeFilename(input)).toBeUndefined();
    },
  );

  it('bounds a 1000-character name to 200 bytes and keeps the extension', () => {
    const out = sanitizeFilename(`${'a'.repeat(1000)}.tar.gz`) as string;
    expect(out).toBe(`${'a'.repeat(MAX_FILENAME_BYTES - 3)}.gz`);
    expect(bytes(out)).toBe(MAX_FILENAME_BYTES);
  });

  it('cuts multi-byte names on code point boundaries', () => {
    // 'é' is 2 bytes, '😀' is 4 bytes (a surrogate pair in UTF-16): neither may be split.
    for (const ch of ['é', '😀', '日']) {
      const out = sanitizeFilename(`${ch.repeat(300)}.mkv`) as string;
      expectSafe(out);
      expect(out.endsWith('.mkv')).toBe(true);
      const stem = out.slice(0, -4);
      expect(Array.from(stem).every((c) => c === ch)).toBe(true);
      expect(bytes(out)).toBeGreaterThan(MAX_FILENAME_BYTES - bytes(ch));
      expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out); // no lone surrogate
    }
  });

  it('treats a very long "extension" as part of the name', () => {
    const out = sanitizeFilename(`a.${'b'.repeat(1000)}`) as string;
    expect(out).toBe(`a.${'b'.repeat(MAX_FILENAME_BYTES - 2)}`);
  });

  it('a name of exactly 200 bytes is kept, 201 is cut', () => {
    expect(sanitizeFilename('x'.repeat(200))).toBe('x'.repeat(200));
    expect(sanitizeFilename('x'.repeat(201))).toBe('x'.repeat(200));
  });

  it('re-trims after cutting (no trailing dot or space)', () => {
    expect(sanitizeFilename(`${'a'.repeat(199)} ${'b'.repeat(10)}`)).toBe('a'.repeat(199));
    expect(sanitizeFilename(`${'a'.repeat(199)}.${'b'.repeat(20)}`)).toBe('a'.repeat(199));
  });
});

describe('normalizeOutputPath', () => {
  it.each([
    ['out.bin', 'out.bin'],
    ['sub/out.bin', 'sub/out.bin'],
    ['./sub//out.bin', 'sub/out.bin'],
    ['a/./b/../c.bin', 'a/c.bin'],
    ['sub\\out.bin', 'sub/out.bin'],
    ['a/../b', 'b'],
    ['...', '...'],
    ['../x', '../x'],
    ['a/../../x', '../x'],
    ['..\\..\\x', '../../x'],
    ['/data/linux.iso', '/data/linux.iso'],
    ['//data/./sub/../linux.iso', '/data/linux.iso'],
    ['/../x', '/x'],
    ['-', './-'],
    ['./-', './-'],
    ['c:x', 'c:x'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeOutputPath(input)).toBe(expected);
  });

  it.each([
    ['..', 'names a directory'],
    ['a/../..', 'names a directory'],
    ['/', 'directory'],
    ['/..', 'names no file'],
    ['dir/', 'directory'],
    ['dir\\', 'directory'],
    ['', 'names no file'],
    ['.', 'names no file'],
    ['a/..', 'names no file'],
    ['a\u0000b', 'control'],
    ['\u001b[31mx', 'control'],
  ])('rejects %j (%s) with FerryError USAGE', (input, why) => {
    let caught: unknown;
    try {
      normalizeOutputPath(input);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FerryError);
    expect((caught as FerryError).code).toBe('USAGE');
    expect((caught as FerryError).message).toContain(why);
    expect(firstControl((caught as FerryError).message)).toBeUndefined();
  });
});

describe('outputLocation: -o as curl and wget take it (absolute ignores -d, relative is inside it)', () => {
  it.each<[string, string, { dir: string; name: string }]>([
    ['.', 'x.iso', { dir: '.', name: 'x.iso' }],
    ['.', '/data/linux.iso', { dir: '/data', name: 'linux.iso' }],
    ['/dl', '/data/linux.iso', { dir: '/data', name: 'linux.iso' }],
    ['/dl', 'sub/x.iso', { dir: '/dl/sub', name: 'x.iso' }],
    ['/dl/', 'sub/x.iso', { dir: '/dl/sub', name: 'x.iso' }],
    ['/dl', '../x.iso', { dir: '/dl/..', name: 'x.iso' }],
    ['.', '../up/x.iso', { dir: '../up', name: 'x.iso' }],
    ['rel', 'a/b/x', { dir: 'rel/a/b', name: 'x' }],
    ['.', '/x', { dir: '/', name: 'x' }],
    ['/dl', './-', { dir: '/dl', name: '-' }],
  ])('-d %j -o %j -> %j', (dir, out, expected) => {
    expect(outputLocation(dir, out)).toEqual(expected);
  });

  it('keeps a name from the server or the URL a base name inside the directory', () => {
    expect(chooseLocation('/dl', { url: 'http://h/..%2F..%2Fetc%2Fpasswd' })).toEqual({ dir: '/dl', name: 'passwd' });
    expect(chooseLocation('/dl', { url: 'http://h/x', contentDispositionName: '/etc/passwd' })).toEqual({ dir: '/dl', name: 'passwd' });
    expect(chooseLocation('/dl', { url: 'http://h/x', contentDispositionName: '../../up' })).toEqual({ dir: '/dl', name: 'up' });
  });
});

describe('chooseFilename', () => {
  it.each<[Parameters<typeof chooseFilename>[0], string]>([
    [{ out: 'mine.iso', contentDispositionName: 'server.iso', url: 'http://h/path/url.iso' }, 'mine.iso'],
    [{ out: 'sub/../mine.iso', url: 'http://h/url.iso' }, 'mine.iso'],
    [{ out: 'nested/dir/mine.iso', url: 'http://h/url.iso' }, 'mine.iso'],
    [{ out: '/data/../abs.iso', url: 'http://h/url.iso' }, 'abs.iso'],
    [{ contentDispositionName: 'server.iso', url: 'http://h/path/url.iso' }, 'server.iso'],
    [{ contentDispositionName: '../../etc/passwd', url: 'http://h/x' }, 'passwd'],
    [{ contentDispositionName: '...', url: 'http://h/path/url.iso' }, 'url.iso'],
    [{ contentDispositionName: '', url: 'http://h/path/url.iso' }, 'url.iso'],
    [{ url: 'http://h/path/url.iso?x=1#frag' }, 'url.iso'],
    [{ url: 'http://h/path/my%20file%20%E2%9C%93.txt' }, 'my file ✓.txt'],
    [{ url: 'http://h/bad%E2%28encoding.txt' }, 'bad%E2%28encoding.txt'],
    [{ url: 'http://h/100%.txt' }, '100%.txt'],
    [{ url: 'http://h/..%2F..%2Fetc%2Fpasswd' }, 'passwd'],
    [{ url: 'http://h/a%5C..%5Cb' }, 'b'],
    [{ url: 'http://h/%00%1b%5B31m' }, '[31m'],
    [{ url: 'http://h/dir/' }, 'index.html'],
    [{ url: 'http://h' }, 'index.html'],
    [{ url: 'http://h/..' }, 'index.html'],
    [{ url: 'http://h/%2E%2E' }, 'index.html'],
    [{ url: 'ftp://h/pub/file.tar.gz' }, 'file.tar.gz'],
    [{ url: 'not a url/but/name.bin?q' }, 'name.bin'],
    [{ url: 'http://h/CON' }, '_CON'],
  ])('%j -> %j', (sources, expected) => {
    expect(chooseFilename(sources)).toBe(expected);
  });

  it('never falls back from a bad explicit -o: it is a usage error', () => {
    expect(() => chooseFilename({ out: '../../', url: 'http://h/ok.bin' })).toThrow(FerryError);
    expect(() => chooseFilename({ out: '/abs/..', url: 'http://h/ok.bin' })).toThrow(/names no file/);
  });

  it('bounds a 1000-character URL segment', () => {
    const name = chooseFilename({ url: `http://h/${'n'.repeat(1000)}.iso` });
    expect(name).toBe(`${'n'.repeat(MAX_FILENAME_BYTES - 4)}.iso`);
  });
});

describe('sanitizeFilename: invisible characters and more Windows devices', () => {
  it.each([
    ['a\u061cb.txt', 'ab.txt'],
    ['a\u2060\u2061\u2062\u2063\u2064b.txt', 'ab.txt'],
    ['a\u180eb.txt', 'ab.txt'],
    ['a\ufe00\ufe0fb.txt', 'ab.txt'],
    ['a\u{e0100}\u{e01ef}b.txt', 'ab.txt'],
    ['a\u{e0000}\u{e0041}\u{e007f}b.txt', 'ab.txt'],
    ['\u2060.hidden', 'hidden'],
  ])('strips %j', (input, want) => {
    expect(sanitizeFilename(input)).toBe(want);
  });

  it('keeps neighbours of the stripped ranges', () => {
    expect(sanitizeFilename('\u061b\u2065\ufe10\u{e01f0}.txt')).toBe('\u061b\u2065\ufe10\u{e01f0}.txt');
  });

  it.each(['COM\u00b9', 'com\u00b2.txt', 'LPT\u00b3.tar.gz', 'lpt\u00b9', 'CONIN$', 'conin$.log', 'CONOUT$', 'ConOut$.txt'])(
    'prefixes the Windows device name %j',
    (name) => {
      expect(sanitizeFilename(name)).toBe(`_${name}`);
    },
  );

  it.each(['COM\u2074', 'CONIN', 'CONOUT$x', 'xCONIN$'])('leaves %j alone', (name) => {
    expect(sanitizeFilename(name)).toBe(name);
  });
});
