import { describe, expect, it } from 'vitest';
import { decideResume, isAlreadyComplete } from '../../src/core/resume.js';

const remote = { url: 'http://h/f', size: 100, acceptsRanges: true, etag: '"a"', lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT' };
const saved = { size: 100, etag: '"a"', lastModified: remote.lastModified, done: [{ start: 0, end: 50 }] };

describe('decideResume', () => {
  it.each([
    { name: 'same file resumes', s: saved, r: remote, part: 100, want: true },
    { name: 'no control, no part: fresh, silent', s: undefined, r: remote, part: undefined, want: false, reason: undefined },
    { name: 'part without control', s: undefined, r: remote, part: 10, want: false, reason: /without a control/ },
    { name: 'part missing', s: saved, r: remote, part: undefined, want: false, reason: /missing/ },
    { name: 'size changed', s: saved, r: { ...remote, size: 101 }, part: 100, want: false, reason: /size changed/ },
    { name: 'etag changed', s: saved, r: { ...remote, etag: '"b"' }, part: 100, want: false, reason: /ETag/ },
    {
      name: 'last-modified changed',
      s: { ...saved, etag: undefined },
      r: { ...remote, etag: undefined, lastModified: 'Thu, 22 Oct 2015 07:28:00 GMT' },
      part: 100,
      want: false,
      reason: /Last-Modified/,
    },
    { name: 'ranges gone', s: saved, r: { ...remote, acceptsRanges: false }, part: 100, want: false, reason: /ranges/ },
    {
      name: 'etag disappeared, no date',
      s: { ...saved, lastModified: undefined },
      r: { ...remote, etag: undefined, lastModified: undefined },
      part: 100,
      want: false,
      reason: /validator/,
    },
    { name: 'no validators at all, same size', s: { size: 100, done: [] }, r: { url: 'x', size: 100, acceptsRanges: true }, part: 100, want: true },
  ])('$name', ({ s, r, part, want, reason }) => {
    const d = decideResume(s, r, part);
    expect(d.resume).toBe(want);
    if (!d.resume && reason instanceof RegExp) expect(d.reason).toMatch(reason);
    if (!d.resume && reason === undefined) expect(d.reason).toBeUndefined();
  });
});

describe('isAlreadyComplete', () => {
  const mtimeMs = Date.parse(remote.lastModified);
  it('matches size and mtime to the second', () => {
    expect(isAlreadyComplete({ size: 100, mtimeMs: mtimeMs + 400 }, remote)).toBe(true);
    expect(isAlreadyComplete({ size: 99, mtimeMs }, remote)).toBe(false);
    expect(isAlreadyComplete({ size: 100, mtimeMs: mtimeMs + 5000 }, remote)).toBe(false);
    expect(isAlreadyComplete({ size: 100, mtimeMs }, { ...remote, lastModified: undefined })).toBe(false);
  });
});
