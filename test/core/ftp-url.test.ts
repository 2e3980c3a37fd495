import { describe, expect, it } from 'vitest';
import { parseFtpUrl } from '../../src/core/ftp-url.js';

describe('parseFtpUrl', () => {
  it('takes apart a plain URL with defaults', () => {
    expect(parseFtpUrl('ftp://example.org/pub/file.iso')).toEqual({
      scheme: 'ftp',
      host: 'example.org',
      port: 21,
      path: 'pub/file.iso',
      user: undefined,
      password: undefined,
      filename: 'file.iso',
      display: 'ftp://example.org/pub/file.iso',
    });
  });

  it('uses port 990 for ftps and keeps an explicit port', () => {
    expect(parseFtpUrl('ftps://h/f').port).toBe(990);
    expect(parseFtpUrl('ftps://h:2990/f').port).toBe(2990);
    expect(parseFtpUrl('ftp://h:2121/f').port).toBe(2121);
  });

  it('percent-decodes credentials and path, and hides credentials in display', () => {
    const u = parseFtpUrl('ftp://us%40er:p%3Ass%2Fw@127.0.0.1:2121/a%20dir/f%23.bin');
    expect(u.user).toBe('us@er');
    expect(u.password).toBe('p:ss/w');
    expect(u.path).toBe('a dir/f#.bin');
    expect(u.filename).toBe('f#.bin');
    expect(u.display).toBe('ftp://127.0.0.1:2121/a%20dir/f%23.bin');
  });

  it('makes an encoded leading slash an absolute path', () => {
    expect(parseFtpUrl('ftp://h/%2Fetc/motd').path).toBe('/etc/motd');
  });

  it('drops a ;type= suffix', () => {
    expect(parseFtpUrl('ftp://h/f.bin;type=i').path).toBe('f.bin');
  });

  it('strips IPv6 brackets', () => {
    const u = parseFtpUrl('ftp://[::1]:2121/f');
    expect(u.host).toBe('::1');
    expect(u.display).toBe('ftp://[::1]:2121/f');
  });

  it('rejects other schemes, directories and command injection', () => {
    expect(() => parseFtpUrl('http://h/f')).toThrow(/not an FTP URL/);
    expect(() => parseFtpUrl('ftp://h/dir/')).toThrow(/directory/);
    expect(() => parseFtpUrl('ftp://h/f%0D%0ADELE%20x')).toThrow(/control characters/);
    expect(() => parseFtpUrl('nonsense')).toThrow(/invalid URL/);
    try {
      parseFtpUrl('ftp://h/%E0%A4%A');
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('USAGE');
    }
  });

  it('never quotes a password in its error messages', () => {
    for (const url of ['http://ann:s3cret@h/f', 'ftp://ann:s3cret@h/%zz', 'ftp://ann:s3cret@/f']) {
      expect(() => parseFtpUrl(url)).toThrow(/ann:\*\*\*@/);
      expect(() => parseFtpUrl(url)).not.toThrow(/s3cret/);
    }
  });
});
