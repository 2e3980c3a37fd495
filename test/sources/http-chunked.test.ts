import { describe, expect, it } from 'vitest';
import { ChunkedDecoder } from '../../src/sources/http/chunked.js';
import { ProtocolError } from '../../src/sources/http/parser.js';

/** Decode `input` fed in `pieces` (cut points); returns the data and the bytes left after the body. */
function decode(input: string, cuts: number[] = []): { data: string; rest: string; done: boolean } {
  const buf = Buffer.from(input, 'latin1');
  const d = new ChunkedDecoder();
  let data = '';
  let rest = '';
  const bounds = [0, ...cuts, buf.length];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const piece = Buffer.from(buf.subarray(bounds[k], bounds[k + 1]));
    const stop = d.decode(piece, 0, piece.length, (b, s, e) => {
      data += Buffer.from(b.subarray(s, e)).toString('latin1');
    });
    rest += piece.toString('latin1', stop);
  }
  return { data, rest, done: d.done };
}

describe('ChunkedDecoder', () => {
  it.each([
    ['one chunk', '5\r\nhello\r\n0\r\n\r\n', 'hello'],
    ['empty body', '0\r\n\r\n', ''],
    ['hex sizes, both cases', 'a\r\n0123456789\r\nB\r\nabcdefghijk\r\n0\r\n\r\n', '0123456789abcdefghijk'],
    ['leading zeros', '0005\r\nhello\r\n000\r\n\r\n', 'hello'],
    ['extensions', '5;name=value;flag\r\nhello\r\n0;last="yes"\r\n\r\n', 'hello'],
    ['whitespace before an extension', '5 ;a=b\r\nhello\r\n0\r\n\r\n', 'hello'],
    ['tabs and spaces before an extension', '5 \t ;a=b\r\nhello\r\n0\t;x\r\n\r\n', 'hello'],
    ['whitespace before the line end', '5 \r\nhello\r\n0\t\r\n\r\n', 'hello'],
    ['trailers', '5\r\nhello\r\n0\r\nDigest: x\r\nOther:y\r\n\r\n', 'hello'],
    ['bare LF line ends', '5\nhello\n0\nT: v\n\n', 'hello'],
    ['CRLF inside data', '4\r\n\r\n\r\n\r\n0\r\n\r\n', '\r\n\r\n'],
  ])('%s', (_name, input, want) => {
    expect(decode(input)).toEqual({ data: want, rest: '', done: true });
  });

  it('stops at the end of the body and leaves what follows', () => {
    expect(decode('3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK')).toEqual({ data: 'abc', rest: 'HTTP/1.1 200 OK', done: true });
  });

  it('gives the same result split at every byte boundary (and into single bytes)', () => {
    const input = '1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n1\r\n!\r\n0;x\r\nTrailer-One: 1\r\nT2: two\r\n\r\n';
    const want = { data: 'abcdefghijklmnopqrstuvwxyz!', rest: '', done: true };
    for (let i = 0; i <= input.length; i++) {
      for (let j = i; j <= input.length; j += 5) expect(decode(input, [i, j])).toEqual(want);
    }
    expect(
      decode(
        input,
        Array.from({ length: input.length }, (_, i) => i),
      ),
    ).toEqual(want);
  });

  it('is not done before the final blank line', () => {
    expect(decode('5\r\nhello\r\n0\r\n').done).toBe(false);
    expect(decode('5\r\nhello\r\n0\r\nT: v\r\n').done).toBe(false);
    expect(decode('5\r\nhel').done).toBe(false);
  });

  it.each([
    ['no size', '\r\nhello\r\n0\r\n\r\n'],
    ['bad size character', '5x\r\nhello\r\n0\r\n\r\n'],
    ['a chunk-size line "1 2"', '1 2\r\nh\r\n0\r\n\r\n'],
    ['a second size after a tab', '5\t5\r\nhello\r\n0\r\n\r\n'],
    ['junk after the size and whitespace', '5 x;a\r\nhello\r\n0\r\n\r\n'],
    ['a last chunk "0 0"', '5\r\nhello\r\n0 0\r\n\r\n'],
    ['endless whitespace after a size', `5${' '.repeat(5000)}\r\nhello\r\n0\r\n\r\n`],
    ['negative size', '-5\r\nhello\r\n0\r\n\r\n'],
    ['size too large', 'fffffffffffffff\r\n'],
    ['data longer than its size', '3\r\nhello\r\n0\r\n\r\n'],
    ['CR without LF after a size', '5\rhello\r\n0\r\n\r\n'],
    ['CR without LF after data', '5\r\nhello\rX0\r\n\r\n'],
    ['control character in an extension', '5;a=\x01\r\nhello\r\n0\r\n\r\n'],
    ['extension too long', `5;${'a'.repeat(5000)}\r\nhello\r\n0\r\n\r\n`],
    ['trailer without a colon', '0\r\nNonsense\r\n\r\n'],
    ['trailer with an empty name', '0\r\n: v\r\n\r\n'],
    ['folded trailer', '0\r\nA: b\r\n c\r\n\r\n'],
    ['bare CR in a trailer', '0\r\nA: b\rc\r\n\r\n'],
    ['trailer section too large', `0\r\n${'X: yyyyyyyy\r\n'.repeat(7000)}\r\n`],
  ])('refuses %s', (_name, input) => {
    expect(() => decode(input)).toThrow(ProtocolError);
  });

  it('accepts data read by the caller through skipData', () => {
    const d = new ChunkedDecoder();
    const head = Buffer.from('6\r\n');
    expect(d.decode(head, 0, head.length, () => {})).toBe(head.length);
    expect(d.dataRemaining).toBe(6);
    d.skipData(4);
    expect(d.dataRemaining).toBe(2);
    let data = '';
    const rest = Buffer.from('ef\r\n0\r\n\r\n');
    d.decode(rest, 0, rest.length, (b, s, e) => (data += Buffer.from(b.subarray(s, e)).toString()));
    expect([data, d.done, d.dataRemaining]).toEqual(['ef', true, 0]);
    expect(() => d.skipData(1)).toThrow(ProtocolError);
  });
});
