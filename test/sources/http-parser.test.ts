import { describe, expect, it } from 'vitest';
import { HeadReader } from '../../src/sources/http/head.js';
import { bodyFraming, findHeadEnd, keepsAlive, MAX_HEAD_BYTES, ProtocolError, parseResponseHead, type ResponseHead } from '../../src/sources/http/parser.js';

const head = (lines: string[], end = '\r\n'): string => lines.map((l) => l + end).join('') + end;

describe('findHeadEnd', () => {
  it.each([
    ['HTTP/1.1 200 OK\r\n\r\n', 19],
    ['HTTP/1.1 200 OK\r\nA: b\r\n\r\nBODY', 25],
    ['HTTP/1.1 200 OK\n\n', 17],
    ['HTTP/1.1 200 OK\nA: b\n\nrest', 22],
    ['HTTP/1.1 200 OK\r\nA: b\r\n', -1],
    ['HTTP/1.1 200 OK\r\nA: b\r\n\r', -1],
    ['', -1],
  ])('%j -> %d', (text, want) => {
    const buf = Buffer.from(text, 'latin1');
    expect(findHeadEnd(buf, 0, buf.length)).toBe(want);
  });

  it('respects the end bound and a start inside the head', () => {
    const buf = Buffer.from('HTTP/1.1 200 OK\r\n\r\n', 'latin1');
    expect(findHeadEnd(buf, 0, buf.length - 1)).toBe(-1);
    expect(findHeadEnd(buf, 15, buf.length)).toBe(19);
  });
});

describe('parseResponseHead', () => {
  it.each<[string, Partial<ResponseHead>]>([
    [head(['HTTP/1.1 200 OK']), { minor: 1, statusCode: 200, statusText: 'OK', headers: {} }],
    [head(['HTTP/1.0 404 Not Found']), { minor: 0, statusCode: 404, statusText: 'Not Found' }],
    [head(['HTTP/1.1 206']), { statusCode: 206, statusText: '' }],
    [head(['HTTP/1.1 206 ']), { statusCode: 206, statusText: '' }],
    [head(['HTTP/1.1 503 Busy \u00e9t\u00e9\tnow']), { statusCode: 503, statusText: 'Busy \u00e9t\u00e9\tnow' }],
    [head(['HTTP/1.1 599 x'], '\n'), { statusCode: 599 }],
  ])('status line of %j', (text, want) => {
    expect(parseResponseHead(text)).toMatchObject(want);
  });

  it('lowercases names, trims values, keeps inner spaces, joins repeats', () => {
    const h = parseResponseHead(head(['HTTP/1.1 200 OK', 'Content-Length: 10', 'ETag:"v1"', 'X-Many: a', 'x-many:  b  ', 'Empty:', 'Spaced: a  b\t']));
    expect(h.headers).toEqual({ 'content-length': '10', etag: '"v1"', 'x-many': 'a, b', empty: '', spaced: 'a  b' });
  });

  it('keeps Set-Cookie fields apart with a line break (their values hold commas)', () => {
    const h = parseResponseHead(
      head([
        'HTTP/1.1 200 OK',
        'Set-Cookie: a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT',
        'set-cookie: b=2',
        'WWW-Authenticate: Basic',
        'WWW-Authenticate: Digest nonce=x',
      ]),
    );
    expect(h.headers['set-cookie'].split('\n')).toEqual(['a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT', 'b=2']);
    expect(h.headers['www-authenticate']).toBe('Basic, Digest nonce=x');
  });

  it('keeps latin1 bytes of values as they are', () => {
    expect(parseResponseHead(head(['HTTP/1.1 200 OK', 'Content-Disposition: attachment; filename="\u00e9.bin"'])).headers['content-disposition']).toBe(
      'attachment; filename="\u00e9.bin"',
    );
  });

  it.each([
    ['no status line', head([''])],
    ['HTTP/2', head(['HTTP/2 200 OK'])],
    ['HTTP/1.2', head(['HTTP/1.2 200 OK'])],
    ['lowercase http', head(['http/1.1 200 OK'])],
    ['two-digit status', head(['HTTP/1.1 20 OK'])],
    ['status 600', head(['HTTP/1.1 600 OK'])],
    ['status 099', head(['HTTP/1.1 099 OK'])],
    ['control char in reason', head(['HTTP/1.1 200 O\x01K'])],
    ['obsolete folding (space)', head(['HTTP/1.1 200 OK', 'A: b', ' c'])],
    ['obsolete folding (tab)', head(['HTTP/1.1 200 OK', 'A: b', '\tc'])],
    ['space before colon', head(['HTTP/1.1 200 OK', 'A : b'])],
    ['no colon', head(['HTTP/1.1 200 OK', 'Nonsense'])],
    ['empty name', head(['HTTP/1.1 200 OK', ': b'])],
    ['bad name character', head(['HTTP/1.1 200 OK', 'A(b): c'])],
    ['NUL in a value', head(['HTTP/1.1 200 OK', 'A: b\x00c'])],
    ['DEL in a value', head(['HTTP/1.1 200 OK', 'A: b\x7fc'])],
    ['bare CR inside a line', head(['HTTP/1.1 200 OK', 'A: b\rc'])],
    ['duplicate Content-Length', head(['HTTP/1.1 200 OK', 'Content-Length: 5', 'content-length: 5'])],
    ['no blank line', 'HTTP/1.1 200 OK\r\nA: b\r\n'],
  ])('refuses %s', (_name, text) => {
    expect(() => parseResponseHead(text)).toThrow(ProtocolError);
  });

  it('takes every latin1 character in a value and the reason but a C0 control other than HTAB, and DEL', () => {
    for (let c = 0; c < 256; c++) {
      if (c === 0x0a || c === 0x0d) continue; // line ends: the line structure, tested above
      const ch = String.fromCharCode(c);
      const control = (c < 0x20 && c !== 0x09) || c === 0x7f;
      for (const text of [head(['HTTP/1.1 200 OK', `A: b${ch}c`]), head([`HTTP/1.1 200 O${ch}K`])]) {
        if (control) expect(() => parseResponseHead(text), `0x${c.toString(16)}`).toThrow(ProtocolError);
        else expect(() => parseResponseHead(text), `0x${c.toString(16)}`).not.toThrow();
      }
    }
  });

  it('refuses a head larger than the limit', () => {
    const big = head(['HTTP/1.1 200 OK', `X: ${'a'.repeat(MAX_HEAD_BYTES)}`]);
    expect(() => parseResponseHead(big)).toThrow(/larger than/);
  });
});

describe('bodyFraming and keepsAlive', () => {
  const parse = (status: string, ...fields: string[]): ResponseHead => parseResponseHead(head([status, ...fields]));

  it.each([
    [parse('HTTP/1.1 200 OK', 'Content-Length: 0'), { kind: 'length', length: 0 }],
    [parse('HTTP/1.1 206 Partial', 'Content-Length: 9007199254740991'), { kind: 'length', length: 9007199254740991 }],
    [parse('HTTP/1.1 200 OK', 'Transfer-Encoding: chunked'), { kind: 'chunked' }],
    [parse('HTTP/1.1 200 OK', 'Transfer-Encoding: Chunked'), { kind: 'chunked' }],
    [parse('HTTP/1.1 200 OK'), { kind: 'close' }],
    [parse('HTTP/1.1 204 No Content', 'Content-Length: 5'), { kind: 'none' }],
    [parse('HTTP/1.1 304 Not Modified', 'Transfer-Encoding: chunked'), { kind: 'none' }],
  ])('%#: framing', (h, want) => {
    expect(bodyFraming(h)).toEqual(want);
  });

  it.each([
    ['both lengths', parse('HTTP/1.1 200 OK', 'Content-Length: 3', 'Transfer-Encoding: chunked')],
    ['gzip coding', parse('HTTP/1.1 200 OK', 'Transfer-Encoding: gzip, chunked')],
    ['two TE fields', parse('HTTP/1.1 200 OK', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked')],
    ['signed length', parse('HTTP/1.1 200 OK', 'Content-Length: +3')],
    ['list length', parse('HTTP/1.1 200 OK', 'Content-Length: 3, 3')],
    ['huge length', parse('HTTP/1.1 200 OK', 'Content-Length: 9007199254740993')],
    ['empty length', parse('HTTP/1.1 200 OK', 'Content-Length:')],
  ])('refuses %s', (_name, h) => {
    expect(() => bodyFraming(h)).toThrow(ProtocolError);
  });

  it.each([
    [parse('HTTP/1.1 200 OK', 'Content-Length: 1'), true],
    [parse('HTTP/1.1 200 OK', 'Content-Length: 1', 'Connection: close'), false],
    [parse('HTTP/1.1 200 OK', 'Content-Length: 1', 'Connection: Keep-Alive, CLOSE'), false],
    [parse('HTTP/1.1 200 OK', 'Content-Length: 1', 'Connection: keep-alive'), true],
    [parse('HTTP/1.1 200 OK'), false],
    [parse('HTTP/1.0 200 OK', 'Content-Length: 1', 'Connection: keep-alive'), false],
  ])('%#: keep-alive %s', (h, want) => {
    expect(keepsAlive(h, bodyFraming(h))).toBe(want);
  });
});

describe('HeadReader', () => {
  const response = Buffer.from(
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-3/10\r\nContent-Length: 4\r\n\r\nbody',
    'latin1',
  );

  it('finds the final head and the body after it, split at every byte boundary (and in three)', () => {
    for (let i = 0; i <= response.length; i++) {
      for (const j of [i, Math.min(response.length, i + 7)]) {
        const reader = new HeadReader();
        const pieces = [response.subarray(0, i), response.subarray(i, j), response.subarray(j)];
        let got: ReturnType<HeadReader['push']>;
        let body = '';
        for (const piece of pieces) {
          // Each read arrives in a fresh buffer, as from a socket.
          const copy = Buffer.from(piece);
          if (got !== undefined) body += copy.toString('latin1');
          else {
            got = reader.push(copy, 0, copy.length);
            if (got !== undefined) body += got.buf.toString('latin1', got.rest, got.end);
          }
        }
        expect(got?.head).toMatchObject({ statusCode: 206, headers: { 'content-length': '4' } });
        expect(body).toBe('body');
      }
    }
  });

  it('refuses 101 and an endless head', () => {
    expect(() => new HeadReader().push(Buffer.from('HTTP/1.1 101 Switching\r\n\r\n'), 0, 26)).toThrow(/101/);
    const reader = new HeadReader();
    const line = Buffer.from(`X: ${'a'.repeat(1000)}\r\n`);
    expect(reader.push(Buffer.from('HTTP/1.1 200 OK\r\n'), 0, 17)).toBeUndefined();
    expect(() => {
      for (let i = 0; i < 100; i++) reader.push(line, 0, line.length);
    }).toThrow(/larger than/);
  });
});

describe('parseResponseHead on hostile whitespace', () => {
  const N = 60_000;
  it.each([
    ['a value with 60 000 inner spaces', `X-A: a${' '.repeat(N)}x`, `a${' '.repeat(N)}x`],
    ['60 000 spaces then x', `X-A:${' '.repeat(N)}x`, 'x'],
    ['60 000 tabs and spaces on both sides', `X-A:${' \t'.repeat(N / 4)}x${'\t '.repeat(N / 4)}`, 'x'],
  ])('%s: parsed in bounded time', (_what, line, value) => {
    const text = head(['HTTP/1.1 200 OK', line]);
    const t0 = performance.now();
    const parsed = parseResponseHead(text);
    const ms = performance.now() - t0;
    expect(parsed.headers['x-a']).toBe(value);
    expect(ms).toBeLessThan(50);
  });

  it('a line of 60 000 spaces and an x (no colon) is refused in bounded time', () => {
    const t0 = performance.now();
    expect(() => parseResponseHead(head(['HTTP/1.1 200 OK', `X${' '.repeat(N)}x`]))).toThrow(ProtocolError);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it.each(['X A: b', ': b', 'X\u00e9: b', 'X(: b'])('still refuses the bad field name in %j', (line) => {
    expect(() => parseResponseHead(head(['HTTP/1.1 200 OK', line]))).toThrow(ProtocolError);
  });
});
