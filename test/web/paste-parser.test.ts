import { describe, expect, it } from 'vitest';
import { parsePaste, toRpcOptions } from '../../web/src/lib/paste-parser.js';

describe('parsePaste', () => {
  it('turns plain links into one request each, with the form defaults', () => {
    const r = parsePaste('http://a/x\n\nhttps://b/y\n', { dir: '/data', split: '4', limit: '1024', paused: true });
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([
      { uris: ['http://a/x'], options: { dir: '/data', split: '4', 'max-download-limit': '1024', pause: 'true' }, line: 1 },
      { uris: ['https://b/y'], options: { dir: '/data', split: '4', 'max-download-limit': '1024', pause: 'true' }, line: 3 },
    ]);
  });

  it("reads aria2's format: TAB-separated mirrors and indented options", () => {
    const r = parsePaste('http://a/x\thttp://m/x\n  out=x.iso\n  split=2\n  header=A: 1\n  header=B: 2\n');
    expect(r.requests).toEqual([{ uris: ['http://a/x', 'http://m/x'], options: { out: 'x.iso', split: '2', header: ['A: 1', 'B: 2'] }, line: 1 }]);
  });

  it("reads ferry's -u lines, and what a line says wins over the form", () => {
    const r = parsePaste('-u http://a/x -o one.bin -n 3 --limit-rate 1M', { split: '8', dir: 'd' });
    expect(r.requests).toEqual([
      { uris: ['http://a/x'], options: { dir: 'd', split: '3', out: 'one.bin', 'max-download-limit': String(1024 * 1024) }, line: 1 },
    ]);
  });

  it('lists every bad line, by number, and returns nothing to add', () => {
    const r = parsePaste('http://ok/1\nnot a link\n  split=zero\nmailto:x@y\n');
    expect(r.requests).toEqual([]);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4]);
    for (const e of r.errors) expect(e.message).not.toMatch(/^pasted:/);
  });

  it('warns about unknown aria2 options and still adds', () => {
    const r = parsePaste('http://a/x\n  bt-max-peers=3\n');
    expect(r.requests).toHaveLength(1);
    expect(r.warnings).toEqual([{ line: 2, message: 'unknown option "bt-max-peers" ignored' }]);
  });

  it('refuses a file name for several links, a name with a slash, and bad connections', () => {
    expect(parsePaste('http://a/1\nhttp://a/2', { out: 'x' }).errors[0].message).toMatch(/applies to one link, but 2/);
    expect(parsePaste('http://a/1', { out: 'a/b' }).errors[0].message).toMatch(/must not contain "\/"/);
    expect(parsePaste('http://a/1', { split: '0' }).errors[0].message).toMatch(/connections "0"/);
    expect(parsePaste('http://a/1', { out: 'x.bin' }).requests[0].options.out).toBe('x.bin');
  });

  it('gives nothing for empty text', () => {
    expect(parsePaste('  \n# only a comment\n')).toEqual({ requests: [], errors: [], warnings: [] });
  });

  it('writes options back with the keys of ferry and aria2', () => {
    expect(toRpcOptions({ connections: 2, insecure: true, retryWaitMs: 3000, headers: {} })).toEqual({
      split: '2',
      'retry-wait': '3',
      'check-certificate': 'false',
    });
  });
});
