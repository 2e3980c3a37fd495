import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { parseInputFile } from '../../src/core/input-file.js';
import { OPTION_KEYS } from '../../src/core/input-file-keys.js';
import type { DownloadOptions } from '../../src/core/options.js';
import { encodeSession, type SessionEntry } from '../../src/core/session-file.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** Encode, read back, and drop the line numbers. */
function roundTrip(entries: SessionEntry[]): SessionEntry[] {
  const parsed = parseInputFile(encodeSession(entries), 'session');
  expect(parsed.warnings).toEqual([]);
  return parsed.entries.map(({ urls, options }) => ({ urls, options }));
}

const SHA512 = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';

const TABLE: SessionEntry[] = [
  { urls: ['http://h/a'], options: {} },
  { urls: ['https://h/p?a=b&c=d#frag', 'ftp://user:pw@h:2121/dir/f', 'ftps://h/a b'], options: {} },
  {
    urls: ['https://example.com/big.iso'],
    options: {
      out: 'sub dir/ü "q" #1=x.bin',
      dir: 'C:\\My Downloads\\#tmp=1\ta',
      connections: 64,
      maxConnectionsPerHost: 100,
      minSplitSize: 1,
      limitRate: 0,
      maxTries: 0,
      retryWaitMs: 1500,
      timeoutMs: 250,
      connectTimeoutMs: 15000,
      checksum: { algorithm: 'sha-512', hex: SHA512 },
      headers: { Authorization: 'Bearer a=b#c', 'X-Empty': '', 'X-Tab': 'a\tb', Cookie: 'k="v"; x=y' },
      userAgent: 'Mozilla/5.0 (X11; Linux) "quoted" #x \\ \'s',
      insecure: true,
      caCertificate: '/etc/ssl/ca bundle.pem',
      maxRedirects: 0,
      allowDowngrade: true,
      overwrite: false,
      autoFileRenaming: false,
      continuePartial: true,
    },
  },
  {
    urls: ['ftp://h/f'],
    options: {
      out: '-dash.bin',
      dir: '#not-a-comment',
      connections: 1,
      maxConnectionsPerHost: 1,
      minSplitSize: 1024 * 1024,
      limitRate: 2 ** 50,
      maxTries: Number.MAX_SAFE_INTEGER,
      retryWaitMs: 0,
      timeoutMs: 1,
      connectTimeoutMs: 1000,
      checksum: { algorithm: 'md5', hex: '098f6bcd4621d373cade4e832627b4f6' },
      headers: { 'x-lower': 'v' },
      userAgent: '日本語',
      insecure: false,
      caCertificate: 'ca.pem',
      maxRedirects: 20,
      allowDowngrade: false,
      overwrite: true,
    },
  },
  {
    urls: ['ftp://ftp.example.com/pub/f.iso', 'ftps://mirror.example.com/f.iso'],
    options: {
      ftpUser: 'alice smith',
      ftpPassword: 'p=a#s:s w\'o"r\\d\t!',
      ftpSsl: true,
      ftpSslRequired: true,
      netrcPath: '/home/alice/.netrc',
    },
  },
  { urls: ['ftp://h/f'], options: { ftpUser: 'anonymous', ftpPassword: 'ferry@', ftpSsl: false, ftpSslRequired: false } },
  {
    urls: ['https://example.com/private/f.zip'],
    options: {
      httpUser: 'ann lee',
      httpPassword: 'p=a#s:s w\'o"r\\d\t!',
      referer: '*',
      loadCookies: '/home/ann/cookies in.txt',
      saveCookies: '/home/ann/cookies out.txt',
    },
  },
  { urls: ['http://bücher.example/ä/日本語.bin'], options: { out: '日本語/ファイル.bin', headers: { 'X-U': 'ü' } } },
  { urls: ['http://h/a'], options: { checksum: { algorithm: 'sha-256', hex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } } },
  { urls: ['http://h/a'], options: { checksum: { algorithm: 'sha-1', hex: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' } } },
  {
    urls: ['https://h/a'],
    options: {
      allProxy: 'socks5h://127.0.0.1:1080',
      httpProxy: 'http://proxy:3128',
      httpsProxy: 'https://p%40x:pw@proxy',
      ftpProxy: 'socks4a://proxy',
      noProxy: 'localhost,.lan,10.0.0.0/8',
      proxyUser: 'ann',
      proxyPassword: 'p:w =#',
    },
  },
];

describe('encodeSession', () => {
  it('covers every option that has a key', () => {
    const covered = new Set(TABLE.flatMap((e) => Object.keys(e.options)));
    // Several keys may read into one option (aria2's per-scheme proxy logins).
    expect([...covered].sort()).toEqual([...new Set(OPTION_KEYS.map((k) => k.option))].sort());
  });

  it('round-trips every entry of the table exactly', () => {
    expect(roundTrip(TABLE)).toEqual(TABLE);
  });

  it.each(TABLE.map((entry, i) => [i, entry] as const))('round-trips entry %i on its own', (_i, entry) => {
    expect(roundTrip([entry])).toEqual([entry]);
  });

  it('round-trips generated entries (seeded)', () => {
    // The same entries on every run.
    const next = seededRandom(12345);
    const pick = <T>(values: readonly T[]): T => values[next(values.length)];
    const pools: { [K in keyof DownloadOptions]?: ReadonlyArray<DownloadOptions[K]> } = {
      out: ['a', 'a b/c.bin', '.hidden', 'x=y', 'é'],
      dir: ['.', '/', 'a b', 'C:\\x', '\u00a0nbsp\u00a0'],
      connections: [1, 2, 63, 64],
      maxConnectionsPerHost: [1, 16, 1000],
      minSplitSize: [1, 1023, 1024, 1025],
      limitRate: [0, 1, 999_999],
      maxTries: [0, 1, 99],
      retryWaitMs: [0, 1, 999, 1000, 1001, 60_000],
      timeoutMs: [1, 999, 1000, 30_000],
      connectTimeoutMs: [1, 1500, 2000],
      checksum: [
        { algorithm: 'md5', hex: '0'.repeat(32) },
        { algorithm: 'sha-1', hex: 'f'.repeat(40) },
      ],
      headers: [{ A: '' }, { A: '1', b: '2' }, { 'X-Y': 'p: q' }],
      userAgent: ['u', 'a b', 'x=y: z'],
      insecure: [true, false],
      caCertificate: ['c', 'c d.pem'],
      maxRedirects: [0, 1, 50],
      overwrite: [true, false],
      ftpUser: ['u', 'user name', 'a@b'],
      ftpPassword: ['p', '#x=y', 'p w:d@'],
      ftpSsl: [true, false],
      ftpSslRequired: [true, false],
      netrcPath: ['n', '/a b/.netrc'],
    };
    const urls = ['http://a/1', 'https://b:8443/2?q', 'ftp://c/3', 'ftps://d/4#f'];
    const entries: SessionEntry[] = [];
    for (let i = 0; i < 200; i++) {
      const options: Record<string, unknown> = {};
      for (const [name, pool] of Object.entries(pools)) if (next(2) === 0) options[name] = pick(pool as unknown[]);
      entries.push({ urls: urls.slice(0, 1 + next(urls.length)), options: options as Partial<DownloadOptions> });
    }
    expect(roundTrip(entries)).toEqual(entries);
  });

  it('writes aria2 lines: tab-separated URIs, then one indented key=value per option, in key order', () => {
    const text = encodeSession([
      {
        urls: ['http://a/x', 'ftp://b/x'],
        options: { insecure: true, headers: { A: '1', B: '' }, timeoutMs: 1500, connections: 4, out: 'x.bin' },
      },
      { urls: ['http://c/y'], options: { timeoutMs: 30_000, retryWaitMs: 0, overwrite: true, insecure: false } },
    ]);
    expect(text).toBe(
      'http://a/x\tftp://b/x\n out=x.bin\n split=4\n timeout=1500ms\n header=A: 1\n header=B:\n check-certificate=false\n' +
        'http://c/y\n retry-wait=0\n timeout=30\n check-certificate=true\n allow-overwrite=true\n',
    );
  });

  it("writes the FTP keys aria2 knows (ftp-user, ftp-passwd) and ferry's TLS and netrc keys", () => {
    const text = encodeSession([
      {
        urls: ['ftp://h/f'],
        options: { netrcPath: '/n', ftpSslRequired: true, ftpSsl: false, ftpPassword: 'pw', ftpUser: 'u', connections: 2 },
      },
    ]);
    expect(text).toBe('ftp://h/f\n split=2\n ftp-user=u\n ftp-passwd=pw\n ftp-ssl=false\n ftp-ssl-required=true\n netrc-path=/n\n');
  });

  it('points each read-back entry at its URI line', () => {
    const text = encodeSession(TABLE);
    const lines = text.split('\n');
    parseInputFile(text, 'session').entries.forEach((entry, i) => {
      expect(lines[entry.line - 1]).toBe(TABLE[i].urls.join('\t'));
    });
  });

  it('writes nothing for no entries', () => {
    expect(encodeSession([])).toBe('');
    expect(parseInputFile(encodeSession([]), 's').entries).toEqual([]);
  });

  it('leaves out options without a key, undefined options and empty header records', () => {
    const entry: SessionEntry = { urls: ['http://h/a'], options: { checkpointIntervalMs: 500, out: undefined, headers: {} } };
    expect(encodeSession([entry])).toBe('http://h/a\n');
  });

  const entry = (options: Partial<DownloadOptions>, urls = ['http://h/a']): SessionEntry => ({ urls, options });
  it.each<[string, SessionEntry, string]>([
    ['no URL', { urls: [], options: {} }, 'cannot save entry 1: it has no URL'],
    ['a line break in a URL', entry({}, ['http://h/a\nb']), "cannot save entry 1 ('http://h/a\\nb'): not a valid URL: 'http://h/a\\nb'"],
    ['a tab in a URL', entry({}, ['http://h/ok', 'http://h/a\tb']), "cannot save entry 1 ('http://h/ok'): not a valid URL: 'http://h/a\\tb'"],
    ['a blank before a URL', entry({}, [' http://h/a']), "cannot save entry 1 (' http://h/a'): not a valid URL: ' http://h/a'"],
    [
      'a scheme ferry does not download',
      entry({}, ['file:///x']),
      "cannot save entry 1 ('file:///x'): unsupported URL scheme 'file' in 'file:///x' (use http, https, ftp or ftps)",
    ],
    ['a line break in out', entry({ out: 'a\nb' }), "cannot save entry 1 ('http://h/a'): out 'a\\nb' contains a line break"],
    ['a carriage return in dir', entry({ dir: 'a\rb' }), "cannot save entry 1 ('http://h/a'): dir 'a\\rb' contains a line break"],
    ['a line break in a header', entry({ headers: { X: 'a\nb' } }), "cannot save entry 1 ('http://h/a'): header 'X: a\\nb' contains a line break"],
    ['a trailing blank', entry({ userAgent: 'ua ' }), "cannot save entry 1 ('http://h/a'): user-agent 'ua ' starts or ends with a blank"],
    ['a leading tab', entry({ dir: '\tx' }), "cannot save entry 1 ('http://h/a'): dir '\\tx' starts or ends with a blank"],
    ['an empty dir', entry({ dir: '' }), "cannot save entry 1 ('http://h/a'): dir needs a value"],
    ['0 connections', entry({ connections: 0 }), "cannot save entry 1 ('http://h/a'): split needs a number from 1 to 64, got '0'"],
    ['65 connections', entry({ connections: 65 }), "cannot save entry 1 ('http://h/a'): split needs a number from 1 to 64, got '65'"],
    ['a zero timeout', entry({ timeoutMs: 0 }), "cannot save entry 1 ('http://h/a'): timeout needs a time above 0, got '0'"],
    ['a fractional rate', entry({ limitRate: 1.5 }), "cannot save entry 1 ('http://h/a'): limitRate 1.5 would read back as 2"],
    ['fractional milliseconds', entry({ retryWaitMs: 1.5 }), "cannot save entry 1 ('http://h/a'): retryWaitMs 1.5 would read back as 2"],
    ['an out that is not normalized', entry({ out: 'a/./b' }), 'cannot save entry 1 (\'http://h/a\'): out "a/./b" would read back as "a/b"'],
    ['an out naming a directory', entry({ out: '../x/' }), "cannot save entry 1 ('http://h/a'): out: output path '../x/' names a directory, not a file"],
    [
      'header names differing in case',
      entry({ headers: { 'X-A': '1', 'x-a': '2' } }),
      'cannot save entry 1 (\'http://h/a\'): headers {"X-A":"1","x-a":"2"} would read back as {"x-a":"2"}',
    ],
    [
      'an upper-case digest',
      entry({ checksum: { algorithm: 'md5', hex: 'AB'.repeat(16) } }),
      `cannot save entry 1 ('http://h/a'): checksum {"algorithm":"md5","hex":"${'AB'.repeat(16)}"} would read back as ` +
        `{"algorithm":"md5","hex":"${'ab'.repeat(16)}"}`,
    ],
    [
      'a line break in an FTP password',
      entry({ ftpPassword: 'a\r\nDELE f' }),
      "cannot save entry 1 ('http://h/a'): ftp-passwd 'a\\r\\nDELE f' contains a line break",
    ],
    ['an FTP password with a leading blank', entry({ ftpPassword: ' pw' }), "cannot save entry 1 ('http://h/a'): ftp-passwd ' pw' starts or ends with a blank"],
    ['an empty FTP user', entry({ ftpUser: '' }), "cannot save entry 1 ('http://h/a'): ftp-user needs a value"],
    [
      'a NUL in an FTP user',
      entry({ ftpUser: 'a\u0000b' }),
      "cannot save entry 1 ('http://h/a'): ftp-user must not contain control characters, got 'a\\u0000b'",
    ],
    [
      'a short digest',
      entry({ checksum: { algorithm: 'sha-256', hex: 'abc' } }),
      "cannot save entry 1 ('http://h/a'): checksum: a sha-256 digest has 64 hex digits, got 3",
    ],
  ])('refuses %s', (_name, bad, message) => {
    expect(() => encodeSession([bad])).toThrow(new FerryError('USAGE', message));
  });

  it('names the entry that cannot be saved', () => {
    let caught: unknown;
    try {
      encodeSession([entry({}), entry({ connections: 0 }, ['http://h/second'])]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FerryError);
    expect((caught as FerryError).code).toBe('USAGE');
    expect((caught as FerryError).message).toBe("cannot save entry 2 ('http://h/second'): split needs a number from 1 to 64, got '0'");
  });
});
