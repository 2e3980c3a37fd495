import { describe, expect, it } from 'vitest';
import { avoidOwnSuffixes, chooseFilename } from '../../src/core/filename.js';
import { decideResume, isControlFor, withoutUserinfo } from '../../src/core/resume.js';

describe('names that look like ferry’s own files', () => {
  it.each([
    ['x.part', 'x.part_'],
    ['X.PART', 'X.PART_'],
    ['x.ferry', 'x.ferry_'],
    ['x.ferry.tmp-123', 'x.ferry.tmp-123_'],
    ['x.ferry.tmp', 'x.ferry.tmp_'],
    ['x.ferry-tmp', 'x.ferry-tmp_'],
    ['X.FERRY-TMP', 'X.FERRY-TMP_'],
    ['x.ferry-tmpl', 'x.ferry-tmpl'],
    ['x.partial', 'x.partial'],
    ['x.part.iso', 'x.part.iso'],
  ])('%s -> %s', (name, want) => {
    expect(avoidOwnSuffixes(name)).toBe(want);
  });

  it('applies to server and URL names, never to an explicit -o', () => {
    expect(chooseFilename({ url: 'http://h/a.ferry' })).toBe('a.ferry_');
    expect(chooseFilename({ url: 'http://h/x', contentDispositionName: 'b.part' })).toBe('b.part_');
    expect(chooseFilename({ url: 'http://h/x', out: 'mine.part' })).toBe('mine.part');
  });
});

describe('control files and URLs', () => {
  it('userinfo is dropped, the rest kept', () => {
    expect(withoutUserinfo('https://u:p@h:8080/a?b#c')).toBe('https://h:8080/a?b#c');
    expect(withoutUserinfo('ftp://anon@h/f')).toBe('ftp://h/f');
    expect(withoutUserinfo('https://h/a')).toBe('https://h/a');
    expect(withoutUserinfo('not a url')).toBe('not a url');
  });

  it('a control file is for a download when any URL it records is one of the download’s, userinfo aside', () => {
    expect(isControlFor(['https://h/a'], ['https://u:p@h/a'])).toBe(true);
    expect(isControlFor([undefined, 'https://h/b'], ['https://h/a', 'https://h/b'])).toBe(true);
    expect(isControlFor(['https://h/a'], ['https://h/a?x'])).toBe(false);
  });

  it('resume needs the partial file at the recorded size, or shorter but holding every claimed byte', () => {
    const remote = { url: 'http://h/f', size: 100, acceptsRanges: true, etag: '"e"' };
    const saved = { size: 100, etag: '"e"', done: [{ start: 0, end: 50 }] };
    expect(decideResume(saved, remote, 100)).toEqual({ resume: true, done: saved.done });
    // A file taken over with -c, renamed to the .part before it was extended.
    expect(decideResume(saved, remote, 60)).toEqual({ resume: true, done: saved.done });
    expect(decideResume(saved, remote, 50)).toEqual({ resume: true, done: saved.done });
    expect(decideResume(saved, remote, 49)).toEqual({ resume: false, reason: 'the partial file has 49 bytes, expected 100' });
    expect(decideResume(saved, remote, 120)).toEqual({ resume: false, reason: 'the partial file has 120 bytes, expected 100' });
    const split = {
      ...saved,
      done: [
        { start: 0, end: 10 },
        { start: 70, end: 80 },
      ],
    };
    expect(decideResume(split, remote, 75)).toEqual({ resume: false, reason: 'the partial file has 75 bytes, expected 100' });
  });
});
