import { describe, expect, it } from 'vitest';
import { parseContentDisposition } from '../../src/core/content-disposition.js';
import { chooseFilename, sanitizeFilename } from '../../src/core/filename.js';
import { ftpTimeToHttpDate, parseEpsvPort, parseFtpReplies, parsePasv, parseSizeReply } from '../../src/core/ftp-reply.js';
import { parseContentLength, parseContentRange, parseHttpDate, parseRetryAfter } from '../../src/core/http-headers.js';

/**
 * Every parser of server-supplied text must stay linear: a run of 60 000 spaces (or dots, tabs,
 * digits) followed by one more character is where a backtracking expression takes seconds. The
 * bound is generous for a loaded machine and far below what a quadratic parser needs.
 */
const N = 60_000;
const LIMIT_MS = 100;

const runs = (fill: string): string[] => {
  const run = fill.repeat(N);
  return [`${run}x`, `x${run}x`, `x${run}`, `a${run}\u0001`, `${run}`];
};
const hostile = [...runs(' '), ...runs('\t'), ...runs('.'), ...runs(' .'), ...runs('1'), ...runs('0,'), ...runs('%')];

/** The best of three runs: a pause of the garbage collector or of a loaded machine hits one run, not all. */
function timeOf(f: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
    // A quadratic parser is slow on every run: no need to repeat it.
    if (best >= LIMIT_MS * 10) break;
  }
  return best;
}

const parsers: [string, (s: string) => unknown][] = [
  ['sanitizeFilename', (s) => sanitizeFilename(s)],
  ['chooseFilename (URL segment)', (s) => chooseFilename({ url: `http://h/${encodeURIComponent(s)}?q` })],
  ['parseContentDisposition', (s) => parseContentDisposition(`attachment; filename="${s}"; filename*=UTF-8''${s}`)],
  ['parseContentRange', (s) => parseContentRange(`bytes ${s}`)],
  ['parseContentLength', (s) => parseContentLength(s)],
  ['parseHttpDate', (s) => parseHttpDate(`Sun, 06 Nov 1994 08:49:37 ${s}`)],
  ['parseRetryAfter', (s) => parseRetryAfter(s, 0)],
  ['parseFtpReplies', (s) => parseFtpReplies(`213-${s}\r\n213${s}\r\n`)],
  ['parseEpsvPort', (s) => parseEpsvPort(`Entering (${s}|||`)],
  ['parsePasv', (s) => parsePasv(s)],
  ['parseSizeReply', (s) => parseSizeReply(`1${s}`)],
  ['ftpTimeToHttpDate', (s) => ftpTimeToHttpDate(`20240102030405${s}`)],
];

describe('parsers of server text stay linear on hostile input', () => {
  it.each(parsers)('%s', (_name, parse) => {
    parse('warm-up');
    for (const input of hostile) {
      const ms = timeOf(() => parse(input));
      expect(ms, `${JSON.stringify(input.slice(0, 3))}... took ${ms.toFixed(1)} ms`).toBeLessThan(LIMIT_MS);
    }
  });

  it('the file-name trimmer still trims a long run of spaces and dots at both ends', () => {
    const run = ' .'.repeat(N);
    expect(sanitizeFilename(`${run}name${run}`)).toBe('name');
    // Cut to 200 bytes, then trimmed again: no trailing space is left.
    expect(sanitizeFilename(`a${' '.repeat(N)}x`)).toBe('a');
    expect(sanitizeFilename(`a${' '.repeat(100)}x`)).toBe(`a${' '.repeat(100)}x`);
  });
});
