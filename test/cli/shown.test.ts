import { describe, expect, it } from 'vitest';
import { shown, shownDeep } from '../../src/cli/shown.js';

describe('shown', () => {
  it('hides URL passwords and makes text terminal-safe in one pass', () => {
    expect(shown('ftp://ann:s3cret@h/\u001b]0;t\u0007f.bin: 550 gone\u009b2J')).toBe('ftp://ann:***@h/f.bin: 550 gone');
    expect(shown('plain')).toBe('plain');
  });

  it('shownDeep cleans every string of a JSON event at any depth, and keeps the rest', () => {
    const event = {
      event: 'result',
      downloads: [
        { url: 'https://ann:s3cret@h/a', urls: ['https://ann:s3cret@h/a', 'http://m/\u001b[2Jb'], totalBytes: 0, ok: true, none: null, missing: undefined },
      ],
    };
    expect(shownDeep(event)).toEqual({
      event: 'result',
      downloads: [{ url: 'https://ann:***@h/a', urls: ['https://ann:***@h/a', 'http://m/b'], totalBytes: 0, ok: true, none: null, missing: undefined }],
    });
    expect(JSON.stringify(shownDeep(event))).not.toContain('s3cret');
  });
});
