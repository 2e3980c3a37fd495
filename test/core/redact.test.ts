import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrls } from '../../src/core/redact.js';

describe('redactUrl', () => {
  it.each([
    ['https://ann:s3cret@example.com/a.iso', 'https://ann:***@example.com/a.iso'],
    ['ftp://ann:s3cret@127.0.0.1:2121/dir/f.bin', 'ftp://ann:***@127.0.0.1:2121/dir/f.bin'],
    ['ftps://ann:p@ss@host/f', 'ftps://ann:***@host/f'],
    ['ftp://ann:@host/f', 'ftp://ann:***@host/f'],
    ['http://ann:s3cret@host', 'http://ann:***@host'],
    ['http://ann:s3cret@host?q=1', 'http://ann:***@host?q=1'],
    ['http://ann:s3cret@host#frag', 'http://ann:***@host#frag'],
    ['HTTP://Ann:X@Host/', 'HTTP://Ann:***@Host/'],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it.each([
    ['no userinfo', 'https://example.com/a.iso'],
    ['a user without a password', 'ftp://anonymous@host/f'],
    ['an @ in the path only', 'https://host/users/@me:x'],
    ['an @ in the query only', 'https://host/?mail=a:b@c'],
    ['not a URL', 'user:pass@host'],
    ['no scheme before ://', '://a:b@host'],
    ['empty', ''],
  ])('leaves %s unchanged', (_what, input) => {
    expect(redactUrl(input)).toBe(input);
  });
});

describe('redactUrls', () => {
  it('hides every password inside free text', () => {
    expect(redactUrls('not a valid URL: ftp://a:b@h/x; trying mirror https://c:d@m/y (and http://e@f/)')).toBe(
      'not a valid URL: ftp://a:***@h/x; trying mirror https://c:***@m/y (and http://e@f/)',
    );
  });

  it('stops the authority at whitespace and quotes', () => {
    expect(redactUrls('"ftp://a:b@h" user@example.com:1')).toBe('"ftp://a:***@h" user@example.com:1');
    expect(redactUrls('ftp://a:b@h and x@y')).toBe('ftp://a:***@h and x@y');
  });

  it('runs in linear time on hostile input', () => {
    const inputs = ['a://'.repeat(100_000), `x://${'@:'.repeat(200_000)}`, 'a://b:c@'.repeat(50_000)];
    for (const s of inputs) {
      const t0 = performance.now();
      redactUrls(s);
      expect(performance.now() - t0).toBeLessThan(2000);
    }
  });
});
