import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { INPUT_FILE_HINT, type InputEntry, parseInputFile } from '../../src/core/input-file.js';
import { splitWords } from '../../src/core/input-file-ferry.js';
import { OPTION_KEYS } from '../../src/core/input-file-keys.js';
import { parseChecksumSpec } from '../../src/core/input-file-values.js';

const parse = (text: string) => parseInputFile(text, 'list.txt');

/** The lines of the error parseInputFile throws for `text` (checking its code and hint). */
function errorLines(text: string, fileName = 'list.txt'): string[] {
  let caught: unknown;
  try {
    parseInputFile(text, fileName);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(FerryError);
  const error = caught as FerryError;
  expect(error.code).toBe('USAGE');
  expect(error.retryable).toBe(false);
  expect(error.hint).toBe('fix the lines above; nothing was downloaded');
  return error.message.split('\n');
}

const SHA256 = '9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08';
const SHA1 = 'A94A8FE5CCB19BA61C4C0873D391E987982FBBD3';
const MD5 = '098F6BCD4621D373CADE4E832627B4F6';

describe('parseInputFile: ferry lines', () => {
  it.each<[string, string, Omit<InputEntry, 'line'>]>([
    ['only -u', '-u https://example.com/a.iso', { urls: ['https://example.com/a.iso'], options: {} }],
    [
      'short flags in any order',
      '-n 4 -o a.bin -u http://h/a -d downloads',
      { urls: ['http://h/a'], options: { connections: 4, out: 'a.bin', dir: 'downloads' } },
    ],
    [
      'long forms',
      '--url http://h/a --output a.bin --concurrency 16 --dir /data',
      { urls: ['http://h/a'], options: { out: 'a.bin', connections: 16, dir: '/data' } },
    ],
    ['--flag=value', '--connections=2 --url=ftp://h/a --output=x/./y.bin', { urls: ['ftp://h/a'], options: { connections: 2, out: 'x/y.bin' } }],
    ['attached short values', '-uhttp://h/a -n64 -o=a.bin', { urls: ['http://h/a'], options: { connections: 64, out: 'a.bin' } }],
    ['-n at the lower bound', '-u http://h/a -n 1', { urls: ['http://h/a'], options: { connections: 1 } }],
    ['single quotes keep spaces', "-u 'http://h/a b' -o 'my file.bin'", { urls: ['http://h/a b'], options: { out: 'my file.bin' } }],
    [
      'double quotes with escapes',
      '-u http://h/a -o "a \\"b\\".bin" -d "x \\\\ \\$y `z`"',
      { urls: ['http://h/a'], options: { out: 'a "b".bin', dir: 'x \\ $y `z`' } },
    ],
    ['other backslashes stay', '-u http://h/a -d "C:\\new" -A C:\\agent', { urls: ['http://h/a'], options: { dir: 'C:\\new', userAgent: 'C:\\agent' } }],
    ['quoted parts join', `-u http://h/a -o "my "'file'.bin`, { urls: ['http://h/a'], options: { out: 'my file.bin' } }],
    ['tabs separate, # starts a comment', '-u\thttp://h/a#frag\t-n 2   # two connections -o x', { urls: ['http://h/a#frag'], options: { connections: 2 } }],
    [
      'every per-download flag',
      `-u http://h/a --checksum SHA256=${SHA256} -H "X-A: 1" --header 'x-a: 2' -A "ferry test/1" ` +
        '--limit-rate 1.5M --max-connections-per-host 3 --min-split-size 1 --max-tries 0 --retry-wait 0 ' +
        '--timeout 1.5 --connect-timeout 500ms --max-redirects 0 --ca-certificate ca.pem -k --overwrite',
      {
        urls: ['http://h/a'],
        options: {
          checksum: { algorithm: 'sha-256', hex: SHA256.toLowerCase() },
          headers: { 'x-a': '2' },
          userAgent: 'ferry test/1',
          limitRate: 1572864,
          maxConnectionsPerHost: 3,
          minSplitSize: 1,
          maxTries: 0,
          retryWaitMs: 0,
          timeoutMs: 1500,
          connectTimeoutMs: 500,
          maxRedirects: 0,
          caCertificate: 'ca.pem',
          insecure: true,
          overwrite: true,
        },
      },
    ],
    ['FTP TLS switches', '-u ftp://h/a --ftp-ssl --ftp-ssl-required', { urls: ['ftp://h/a'], options: { ftpSsl: true, ftpSslRequired: true } }],
    ['-u again adds a mirror', '-u http://a/f -u ftp://b/f --url ftps://c/f', { urls: ['http://a/f', 'ftp://b/f', 'ftps://c/f'], options: {} }],
    ['the last value wins', '-u http://h/a -n 2 -o a -n 3 -o b', { urls: ['http://h/a'], options: { connections: 3, out: 'b' } }],
    ['different headers add up', '-u http://h/a -H "A: 1" -H "B:2" -H "C:"', { urls: ['http://h/a'], options: { headers: { A: '1', B: '2', C: '' } } }],
  ])('%s', (_name, text, expected) => {
    expect(parse(text)).toEqual({ entries: [{ ...expected, line: 1 }], warnings: [] });
  });
});

describe('parseInputFile: aria2 lines', () => {
  it.each<[string, string, Omit<InputEntry, 'line'>]>([
    ['one URI', 'http://h/a', { urls: ['http://h/a'], options: {} }],
    ['tab-separated mirrors, blanks around them', 'http://a/f\t ftp://b/f \t\tftps://c/f\t', { urls: ['http://a/f', 'ftp://b/f', 'ftps://c/f'], options: {} }],
    [
      'every key',
      [
        'https://h/f',
        '  out=sub/f.bin',
        '  dir=/tmp/x y',
        '  split=64',
        '  max-connection-per-server=1',
        `  checksum=sha-1=${SHA1}`,
        '  header=Authorization: Bearer a=b',
        '  header=X-Empty:',
        '  max-download-limit=500K',
        '  user-agent=Mozilla/5.0 (X11)',
        '  min-split-size=1M',
        '  max-tries=3',
        '  timeout=30',
        '  connect-timeout=1.5',
        '  retry-wait=2',
        '  check-certificate=false',
        '  allow-overwrite=true',
        '  max-redirects=5',
        '  ca-certificate=/etc/ca.pem',
      ].join('\n'),
      {
        urls: ['https://h/f'],
        options: {
          out: 'sub/f.bin',
          dir: '/tmp/x y',
          connections: 64,
          maxConnectionsPerHost: 1,
          checksum: { algorithm: 'sha-1', hex: SHA1.toLowerCase() },
          headers: { Authorization: 'Bearer a=b', 'X-Empty': '' },
          limitRate: 512000,
          userAgent: 'Mozilla/5.0 (X11)',
          minSplitSize: 1048576,
          maxTries: 3,
          timeoutMs: 30000,
          connectTimeoutMs: 1500,
          retryWaitMs: 2000,
          insecure: true,
          overwrite: true,
          maxRedirects: 5,
          caCertificate: '/etc/ca.pem',
        },
      },
    ],
    [
      'the other boolean values and sizes',
      `http://h/a\n check-certificate=true\n allow-overwrite=FALSE\n max-download-limit=2M\n split=1\n checksum=md5=${MD5}`,
      {
        urls: ['http://h/a'],
        options: {
          insecure: false,
          overwrite: false,
          limitRate: 2097152,
          connections: 1,
          checksum: { algorithm: 'md5', hex: MD5.toLowerCase() },
        },
      },
    ],
    [
      'the FTP keys',
      [
        'ftp://h/pub/f.iso\tftps://m/f.iso',
        '  ftp-user=alice smith',
        '  ftp-passwd=p=a#s:s w@rd',
        '  ftp-ssl=true',
        '  ftp-ssl-required=FALSE',
        '  netrc-path=/home/alice/.netrc',
      ].join('\n'),
      {
        urls: ['ftp://h/pub/f.iso', 'ftps://m/f.iso'],
        options: {
          ftpUser: 'alice smith',
          ftpPassword: 'p=a#s:s w@rd',
          ftpSsl: true,
          ftpSslRequired: false,
          netrcPath: '/home/alice/.netrc',
        },
      },
    ],
    ['allow-downgrade', 'http://h/a\n allow-downgrade=TRUE', { urls: ['http://h/a'], options: { allowDowngrade: true } }],
    ['blanks around key and value', 'http://h/a\n\t out = a.bin \t\n\tmax-download-limit=0', { urls: ['http://h/a'], options: { out: 'a.bin', limitRate: 0 } }],
    [
      'a value holding = and #',
      'http://h/a\n header=X-Q: a=b=c #d\n out=#1=x.bin',
      { urls: ['http://h/a'], options: { headers: { 'X-Q': 'a=b=c #d' }, out: '#1=x.bin' } },
    ],
    [
      'blank and comment lines inside the option lines',
      'http://h/a\n\n  # out=no.bin\n#x\n   \n  out=yes.bin',
      { urls: ['http://h/a'], options: { out: 'yes.bin' } },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parse(text)).toEqual({ entries: [{ ...expected, line: 1 }], warnings: [] });
  });
});

describe('parseInputFile: whole files', () => {
  const MIXED = ['# downloads', '-u http://a/1 -o one.bin', '', 'http://b/2\tftp://m/2', '  out=two.bin', '-u http://c/3', 'http://d/4', '\t# the end'];
  const MIXED_ENTRIES: InputEntry[] = [
    { urls: ['http://a/1'], options: { out: 'one.bin' }, line: 2 },
    { urls: ['http://b/2', 'ftp://m/2'], options: { out: 'two.bin' }, line: 4 },
    { urls: ['http://c/3'], options: {}, line: 6 },
    { urls: ['http://d/4'], options: {}, line: 7 },
  ];

  it.each([
    ['LF', MIXED.join('\n')],
    ['LF with a final newline', `${MIXED.join('\n')}\n`],
    ['CRLF', `${MIXED.join('\r\n')}\r\n`],
    ['old Mac CR', `${MIXED.join('\r')}\r`],
    ['a BOM', `\uFEFF${MIXED.join('\n')}`],
    ['a BOM and CRLF', `\uFEFF${MIXED.join('\r\n')}\r\n`],
  ])('mixes both formats, with %s', (_name, text) => {
    expect(parse(text)).toEqual({ entries: MIXED_ENTRIES, warnings: [] });
  });

  it.each([
    ['a BOM before a URI line', '\uFEFFhttp://h/a\r\n  out=a.bin\r\n', { out: 'a.bin' }],
    ['a BOM before a ferry line', '\uFEFF-u http://h/a -o a.bin', { out: 'a.bin' }],
  ])('reads %s', (_name, text, options) => {
    expect(parse(text).entries).toEqual([{ urls: ['http://h/a'], options, line: 1 }]);
  });

  it.each(['', '\n', '#', '\r\n', '   \n\t\n', '# only\n  # comments\n', '\uFEFF'])('%j has no entries', (text) => {
    expect(parse(text)).toEqual({ entries: [], warnings: [] });
  });

  it('warns about unknown aria2 keys and keeps the rest', () => {
    const text = 'http://h/a\n  bt-seed-unverified=true\n  out=a.bin\n  gid=0123456789abcdef\n  Out=x\n-u http://h/b -c\nhttp://h/c\n  continue=true';
    expect(parse(text)).toEqual({
      entries: [
        { urls: ['http://h/a'], options: { out: 'a.bin' }, line: 1 },
        { urls: ['http://h/b'], options: { continuePartial: true }, line: 6 },
        { urls: ['http://h/c'], options: { continuePartial: true }, line: 7 },
      ],
      warnings: [
        'list.txt:2: unknown option "bt-seed-unverified" ignored',
        'list.txt:4: unknown option "gid" ignored',
        'list.txt:5: unknown option "Out" ignored',
      ],
    });
  });

  it('gives each entry its own options object', () => {
    const { entries } = parse('http://h/a\n out=a\nhttp://h/b\n-u http://h/c');
    expect(entries.map((e) => e.options)).toEqual([{ out: 'a' }, {}, {}]);
    expect(new Set(entries.map((e) => e.options)).size).toBe(3);
  });

  it('reads the same options from a ferry flag and from the aria2 key', () => {
    const pairs: Array<[string, string, string]> = [
      ['-o', 'out', 'a b.bin'],
      ['-d', 'dir', 'x'],
      ['-n', 'split', '7'],
      ['--max-connections-per-host', 'max-connection-per-server', '9'],
      ['--min-split-size', 'min-split-size', '2k'],
      ['--limit-rate', 'max-download-limit', '1M'],
      ['--max-tries', 'max-tries', '4'],
      ['--retry-wait', 'retry-wait', '2.5'],
      ['--timeout', 'timeout', '10'],
      ['--connect-timeout', 'connect-timeout', '3'],
      ['--checksum', 'checksum', `md5=${MD5}`],
      ['-H', 'header', 'X: y'],
      ['-A', 'user-agent', 'agent/1'],
      ['--ca-certificate', 'ca-certificate', 'ca.pem'],
      ['--max-redirects', 'max-redirects', '2'],
      ['--ftp-user', 'ftp-user', 'alice'],
      ['--ftp-password', 'ftp-passwd', 's3 cr=t'],
      ['--netrc-file', 'netrc-path', 'n rc'],
      ['--http-user', 'http-user', 'bob'],
      ['--http-passwd', 'http-passwd', 'p:w d'],
      ['--referer', 'referer', 'http://r/x'],
      ['--load-cookies', 'load-cookies', 'in.txt'],
      ['--save-cookies', 'save-cookies', 'out.txt'],
      ['--all-proxy', 'all-proxy', 'socks5h://127.0.0.1:1080'],
      ['--http-proxy', 'http-proxy', 'http://proxy:3128'],
      ['--https-proxy', 'https-proxy', 'https://proxy:443'],
      ['--ftp-proxy', 'ftp-proxy', 'socks5://proxy'],
      ['--no-proxy', 'no-proxy', 'localhost,.lan,10.0.0.0/8'],
      ['--proxy-user', 'all-proxy-user', 'ann'],
      ['--proxy-password', 'all-proxy-passwd', 's3 cr=t'],
    ];
    const keysWithFlags = OPTION_KEYS.filter((k) => k.flags.length > 0).map((k) => k.key);
    expect(pairs.map(([, key]) => key).sort()).toEqual(keysWithFlags.sort());
    for (const [flag, key, value] of pairs) {
      const fromFlag = parse(`-u http://h/a ${flag} '${value}'`).entries[0].options;
      const fromKey = parse(`http://h/a\n  ${key}=${value}`).entries[0].options;
      expect(Object.keys(fromFlag)).toHaveLength(1);
      expect(fromFlag).toEqual(fromKey);
    }
    expect(parse('-u http://h/a -k').entries[0].options).toEqual(parse('http://h/a\n check-certificate=false').entries[0].options);
    expect(parse('-u http://h/a --overwrite').entries[0].options).toEqual(parse('http://h/a\n allow-overwrite=true').entries[0].options);
  });
});

describe('parseInputFile: errors', () => {
  const long = 'x'.repeat(100);
  it.each<[string, string, string[]]>([
    [
      'a scheme ferry does not download',
      'file:///etc/passwd',
      ["list.txt:1: unsupported URL scheme 'file' in 'file:///etc/passwd' (use http, https, ftp or ftps)"],
    ],
    ['not a URL', 'example.com/a.iso', ["list.txt:1: not a valid URL: 'example.com/a.iso'"]],
    ['a bad mirror', 'http://ok/a\tgopher://h/a', ["list.txt:1: unsupported URL scheme 'gopher' in 'gopher://h/a' (use http, https, ftp or ftps)"]],
    ['a bad -u', '-u mailto:x@y', ["list.txt:1: unsupported URL scheme 'mailto' in 'mailto:x@y' (use http, https, ftp or ftps)"]],
    ['a URL without a host', '-u http://', ["list.txt:1: not a valid URL: 'http://'"]],
    ['a URL with surrounding blanks', "-u ' http://h/a'", ["list.txt:1: not a valid URL: ' http://h/a'"]],
    ['a long bad URL, cut', long, [`list.txt:1: not a valid URL: '${'x'.repeat(77)}...'`]],
    ['no -u', '-o a.bin', ['list.txt:1: missing -u URL']],
    ['-u without a value', '-u', ['list.txt:1: -u needs a value']],
    ['-o at the end', '-u http://h/a -o', ['list.txt:1: -o needs a value']],
    ['-o before another flag', '-u http://h/a -o -n 4', ['list.txt:1: -o needs a value']],
    ['an empty --output=', '-u http://h/a --output=', ['list.txt:1: --output needs a value']],
    ["an empty quoted -o ''", "-u http://h/a -o ''", ['list.txt:1: -o needs a value']],
    ['an empty out=', 'http://h/a\n  out=', ['list.txt:2: out needs a value']],
    ['an option line without =', 'http://h/a\n  out', ["list.txt:2: expected key=value, got 'out'"]],
    ['an option line without a key', 'http://h/a\n  =x', ["list.txt:2: expected key=value, got '=x'"]],
    ['-n not a number', '-u http://h/a -n four', ["list.txt:1: -n needs a number from 1 to 64, got 'four'"]],
    ['-n 0', '-u http://h/a -n 0', ["list.txt:1: -n needs a number from 1 to 64, got '0'"]],
    ['-n 65', '-u http://h/a --concurrency 65', ["list.txt:1: --concurrency needs a number from 1 to 64, got '65'"]],
    ['-n 1.5', '-u http://h/a -n 1.5', ["list.txt:1: -n needs a number from 1 to 64, got '1.5'"]],
    ['split=65', 'http://h/a\n split=65', ["list.txt:2: split needs a number from 1 to 64, got '65'"]],
    ['max-tries=-1', 'http://h/a\n max-tries=-1', ["list.txt:2: max-tries needs a number of at least 0, got '-1'"]],
    [
      'max-connection-per-server=0',
      'http://h/a\n max-connection-per-server=0',
      ["list.txt:2: max-connection-per-server needs a number of at least 1, got '0'"],
    ],
    ['an option line first', '  out=x\nhttp://h/a', ["list.txt:1: option line 'out=x' has no URI line before it"]],
    ['an option line after a ferry line', '-u http://h/a\n  out=x', ["list.txt:2: option line 'out=x' has no URI line before it"]],
    ['-o naming a directory', '-u http://h/a -o /data/', ["list.txt:1: -o: output path '/data/' names a directory, not a file"]],
    ['out naming no file', 'http://h/a\n  out=a/..', ["list.txt:2: out: output path 'a/..' names no file"]],
    ['out of standard output', 'http://h/a\n  out=-', ["list.txt:2: out: '-' (standard output) works only for one URL on the command line"]],
    ['an unknown long flag', '-u http://h/a --foo', ["list.txt:1: unknown option '--foo'"]],
    ['an unknown short flag', '-u http://h/a -X', ["list.txt:1: unknown option '-X'"]],
    [
      'a command-line-only flag',
      '-u http://h/a -i other.txt',
      ["list.txt:1: unknown option '-i'", "list.txt:1: unexpected argument 'other.txt' (give each URL with -u)"],
    ],
    ['a value for a switch', '-u http://h/a --insecure=yes', ["list.txt:1: --insecure takes no value, got '--insecure=yes'"]],
    ['letters after a short switch', '-u http://h/a -kx', ["list.txt:1: unknown option '-kx'"]],
    ['a URL without -u', '-o a.bin http://h/a', ["list.txt:1: unexpected argument 'http://h/a' (give each URL with -u)"]],
    ['an unterminated double quote', '-u "http://h/a', ['list.txt:1: unterminated double quote']],
    ['an unterminated single quote', "-u http://h/a -o 'a", ['list.txt:1: unterminated single quote']],
    ['a short digest', 'http://h/a\n checksum=sha-256=abc', ['list.txt:2: checksum: a sha-256 digest has 64 hex digits, got 3']],
    [
      'an unknown algorithm',
      'http://h/a\n checksum=crc32=00',
      ["list.txt:2: checksum: unknown checksum algorithm 'crc32' (use sha-256, sha-1, md5 or sha-512)"],
    ],
    ['a checksum without =', 'http://h/a\n checksum=abc', ["list.txt:2: checksum: expected ALGORITHM=HEX such as sha-256=9f86d0..., got 'abc'"]],
    [
      'a digest that is not hex',
      `-u http://h/a --checksum md5=${'z'.repeat(32)}`,
      [`list.txt:1: --checksum: a md5 digest is hex digits only, got '${'z'.repeat(32)}'`],
    ],
    ['a header without a colon', 'http://h/a\n header=NoColon', ["list.txt:2: header needs 'Name: value', got 'NoColon'"]],
    ['a header name with a space', '-u http://h/a -H "Bad Name: x"', ["list.txt:1: -H needs 'Name: value', got 'Bad Name: x'"]],
    ['a bad size', 'http://h/a\n max-download-limit=fast', ["list.txt:2: max-download-limit needs a size such as 512k, 1.5M or 2G, got 'fast'"]],
    ['a zero split size', 'http://h/a\n min-split-size=0', ["list.txt:2: min-split-size needs a size of at least 1 byte, got '0'"]],
    ['a zero timeout', 'http://h/a\n timeout=0', ["list.txt:2: timeout needs a time above 0, got '0'"]],
    ['a bad duration', '-u http://h/a --retry-wait soon', ["list.txt:1: --retry-wait needs seconds such as 30, 1.5 or 500ms, got 'soon'"]],
    ['a bad boolean', 'http://h/a\n check-certificate=maybe', ["list.txt:2: check-certificate needs true or false, got 'maybe'"]],
    ['a bad ftp-ssl', 'ftp://h/a\n ftp-ssl=yes', ["list.txt:2: ftp-ssl needs true or false, got 'yes'"]],
    ['an empty ftp-passwd', 'ftp://h/a\n ftp-passwd=', ['list.txt:2: ftp-passwd needs a value']],
    ['--ftp-user without a value', '-u ftp://h/a --ftp-user', ['list.txt:1: --ftp-user needs a value']],
    [
      'a control character in --ftp-password',
      '-u ftp://h/a --ftp-password "a\u0007b"',
      ["list.txt:1: --ftp-password must not contain control characters, got 'a\\u0007b'"],
    ],
    ['a control character', 'http://h/a\n user-agent=a\u0001b', ["list.txt:2: user-agent must not contain control characters, got 'a\\u0001b'"]],
  ])('%s', (_name, text, expected) => {
    expect(errorLines(text)).toEqual(expected);
  });

  it('reports every error of the file at once, in line order, and returns nothing', () => {
    const text = [
      '# fine',
      '-u http://h/ok -o ok.bin',
      '-u ftp://h/a -n 99 -o ../up/',
      'http://h/b',
      '  split=0',
      '  header=bad',
      '  frob=1',
      'nonsense',
      '-u http://h/c',
      '  out=x',
    ].join('\r\n');
    expect(errorLines(text, 'my list.txt')).toEqual([
      "my list.txt:3: -n needs a number from 1 to 64, got '99'",
      "my list.txt:3: -o: output path '../up/' names a directory, not a file",
      "my list.txt:5: split needs a number from 1 to 64, got '0'",
      "my list.txt:6: header needs 'Name: value', got 'bad'",
      "my list.txt:8: not a valid URL: 'nonsense'",
      "my list.txt:10: option line 'out=x' has no URI line before it",
    ]);
  });

  it('counts lines after a BOM and blank lines exactly', () => {
    expect(errorLines('\uFEFF\n\n\r\n# x\n-u http://h/a -n 0', '<stdin>')).toEqual(["<stdin>:5: -n needs a number from 1 to 64, got '0'"]);
  });

  it('still checks the option lines of a URI line that is wrong', () => {
    expect(errorLines('gopher://h/a\n  split=0\n  out=a.bin')).toEqual([
      "list.txt:1: unsupported URL scheme 'gopher' in 'gopher://h/a' (use http, https, ftp or ftps)",
      "list.txt:2: split needs a number from 1 to 64, got '0'",
    ]);
  });

  it('matches the exported hint', () => {
    expect(INPUT_FILE_HINT).toBe('fix the lines above; nothing was downloaded');
  });
});

describe('splitWords', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['a', ['a']],
    ['  a \t b  ', ['a', 'b']],
    ['""', ['']],
    ["'' x", ['', 'x']],
    ['"a b"c\'d e\'', ['a bcd e']],
    ["'a \\\" b'", ['a \\" b']],
    ['"\\a\\"\\\\"', ['\\a"\\']],
    ['a#b #c d', ['a#b']],
    ['"#x" y', ['#x', 'y']],
  ])('%j -> %j', (line, words) => {
    expect(splitWords(line)).toEqual(words);
  });

  it.each([
    ['"a', 'unterminated double quote'],
    ["'a", 'unterminated single quote'],
    ['"a\\"', 'unterminated double quote'],
  ])('%j throws %j', (line, message) => {
    expect(() => splitWords(line)).toThrow(message);
  });
});

describe('parseChecksumSpec', () => {
  it.each<[string, string, string]>([
    [`sha-256=${SHA256}`, 'sha-256', SHA256.toLowerCase()],
    [`SHA256=${SHA256.toLowerCase()}`, 'sha-256', SHA256.toLowerCase()],
    [`sha1=${SHA1}`, 'sha-1', SHA1.toLowerCase()],
    [`MD5=${MD5}`, 'md5', MD5.toLowerCase()],
    [`sha-512=${'Ab'.repeat(64)}`, 'sha-512', 'ab'.repeat(64)],
  ])('%s', (text, algorithm, hex) => {
    expect(parseChecksumSpec(text)).toEqual({ algorithm, hex });
  });

  it.each([
    ['', "expected ALGORITHM=HEX such as sha-256=9f86d0..., got ''"],
    [`=${MD5}`, `expected ALGORITHM=HEX such as sha-256=9f86d0..., got '=${MD5}'`],
    ['sha-3=00', "unknown checksum algorithm 'sha-3' (use sha-256, sha-1, md5 or sha-512)"],
    [`md5=${MD5}0`, 'a md5 digest has 32 hex digits, got 33'],
    ['sha-1=', 'a sha-1 digest has 40 hex digits, got 0'],
    [`md5= ${MD5.slice(1)}`, `a md5 digest is hex digits only, got ' ${MD5.slice(1)}'`],
  ])('%j is refused', (text, message) => {
    expect(() => parseChecksumSpec(text)).toThrow(new FerryError('USAGE', message));
  });
});
