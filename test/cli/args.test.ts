import { describe, expect, it } from 'vitest';
import { renderHelp } from '../../src/cli/help.js';
import { OPTION_NAMES, type ParsedArgs, parseArgs } from '../../src/core/cli-args.js';
import { FerryError } from '../../src/core/errors.js';
import { DEFAULT_OPTIONS, type DownloadOptions } from '../../src/core/options.js';

const HELP_TEXT = renderHelp();

const U = 'http://127.0.0.1/f.bin';
const SHA256 = 'a'.repeat(64);

/** Parse and return the error, failing the test if there is none or it is not USAGE. */
function usageError(argv: string[]): FerryError {
  let caught: unknown;
  try {
    parseArgs(argv);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(FerryError);
  const err = caught as FerryError;
  expect(err.code).toBe('USAGE');
  expect(err.message).not.toContain('\n');
  return err;
}

describe('parseArgs: defaults', () => {
  it('no arguments', () => {
    expect(parseArgs([])).toEqual<ParsedArgs>({
      urls: [],
      options: {},
      quiet: false,
      json: false,
      debug: false,
      help: false,
      version: false,
    });
  });

  it('positional URLs and -u/--url keep command-line order', () => {
    expect(parseArgs(['a', '-u', 'b', 'c', '--url', 'd', '--url=e', '-uf']).urls).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('`-` alone is a positional argument', () => {
    expect(parseArgs(['-']).urls).toEqual(['-']);
  });

  it('`--` ends options', () => {
    const p = parseArgs(['-q', '--', '-n', '--help', U]);
    expect(p.urls).toEqual(['-n', '--help', U]);
    expect(p.quiet).toBe(true);
    expect(p.help).toBe(false);
  });
});

describe('parseArgs: every option', () => {
  it.each<[string[], Partial<DownloadOptions>]>([
    [['-o', 'x.bin'], { out: 'x.bin' }],
    [['--output=sub/./x.bin'], { out: 'sub/x.bin' }],
    [['-d', 'downloads'], { dir: 'downloads' }],
    [['--dir=/tmp/x'], { dir: '/tmp/x' }],
    [['-n', '16'], { connections: 16 }],
    [['-n16'], { connections: 16 }],
    [['-n=16'], { connections: 16 }],
    [['--concurrency', '1'], { connections: 1 }],
    [['--connections=64'], { connections: 64 }],
    [['--max-connections-per-host', '4'], { maxConnectionsPerHost: 4 }],
    [['--min-split-size', '1M'], { minSplitSize: 1048576 }],
    [['--min-split-size=1'], { minSplitSize: 1 }],
    [['--max-tries', '0'], { maxTries: 0 }],
    [['--max-tries=7'], { maxTries: 7 }],
    [['--retry-wait', '1.5'], { retryWaitMs: 1500 }],
    [['--retry-wait', '0'], { retryWaitMs: 0 }],
    [['--timeout', '30'], { timeoutMs: 30_000, connectTimeoutMs: 30_000 }],
    [['--timeout=500ms'], { timeoutMs: 500, connectTimeoutMs: 500 }],
    [['--connect-timeout', '2.5'], { connectTimeoutMs: 2500 }],
    [['--limit-rate', '500k'], { limitRate: 512_000 }],
    [['--limit-rate', '2M'], { limitRate: 2 * 1024 * 1024 }],
    [['--limit-rate=0'], { limitRate: 0 }],
    [['--user-agent', 'Agent/1.0 (x)'], { userAgent: 'Agent/1.0 (x)' }],
    [['-A', 'a'], { userAgent: 'a' }],
    [['--overwrite'], { overwrite: true }],
    [['-k'], { insecure: true }],
    [['--insecure'], { insecure: true }],
    [['--allow-downgrade'], { allowDowngrade: true }],
    [['--ca-certificate', 'ca.pem'], { caCertificate: 'ca.pem' }],
    [['--max-redirects', '0'], { maxRedirects: 0 }],
    [['--max-redirects=20'], { maxRedirects: 20 }],
    [['--checksum', `sha-256=${SHA256}`], { checksum: { algorithm: 'sha-256', hex: SHA256 } }],
    [['--checksum', `SHA256=${'AB'.repeat(32)}`], { checksum: { algorithm: 'sha-256', hex: 'ab'.repeat(32) } }],
    [['--checksum', `sha-1=${'0'.repeat(40)}`], { checksum: { algorithm: 'sha-1', hex: '0'.repeat(40) } }],
    [['--checksum', `sha1=${'0'.repeat(40)}`], { checksum: { algorithm: 'sha-1', hex: '0'.repeat(40) } }],
    [['--checksum', `md5=${'f'.repeat(32)}`], { checksum: { algorithm: 'md5', hex: 'f'.repeat(32) } }],
    [['--checksum', `sha-512=${'9'.repeat(128)}`], { checksum: { algorithm: 'sha-512', hex: '9'.repeat(128) } }],
    [['-H', 'X-Token: abc'], { headers: { 'X-Token': 'abc' } }],
    [['-H', 'X-Empty:'], { headers: { 'X-Empty': '' } }],
    [['-H', 'Cookie:  a=b; c=d  '], { headers: { Cookie: 'a=b; c=d' } }],
    [['-H', 'X-Tab:\ta\tb'], { headers: { 'X-Tab': 'a\tb' } }],
    [['--header=Accept: */*', '-H', 'Range-Hint:x:y'], { headers: { Accept: '*/*', 'Range-Hint': 'x:y' } }],
    [['-H', 'accept: a', '-H', 'Accept: b'], { headers: { Accept: 'b' } }],
    [['--ftp-user', 'alice'], { ftpUser: 'alice' }],
    [['--ftp-user=bob smith'], { ftpUser: 'bob smith' }],
    [['--ftp-password', 'p@ss:w rd'], { ftpPassword: 'p@ss:w rd' }],
    [['--ftp-password=-starts-with-dash'], { ftpPassword: '-starts-with-dash' }],
    [['--ftp-ssl'], { ftpSsl: true }],
    [['--ftp-ssl-required'], { ftpSslRequired: true }],
    [['--netrc-file', '/home/a/.netrc'], { netrcPath: '/home/a/.netrc' }],
    [['--netrc-file=n'], { netrcPath: 'n' }],
    [
      ['--ftp-user', 'u', '--ftp-password', 'p', '--ftp-ssl', '--ftp-ssl-required', '--netrc-file', 'f'],
      { ftpUser: 'u', ftpPassword: 'p', ftpSsl: true, ftpSslRequired: true, netrcPath: 'f' },
    ],
  ])('%j', (argv, options) => {
    const p = parseArgs([...argv, U]);
    expect(p.options).toEqual(options);
    expect(p.urls).toEqual([U]);
  });

  it.each<[string[], keyof ParsedArgs]>([
    [['-q'], 'quiet'],
    [['--quiet'], 'quiet'],
    [['--json'], 'json'],
    [['--debug'], 'debug'],
    [['-h'], 'help'],
    [['--help'], 'help'],
    [['-V'], 'version'],
    [['--version'], 'version'],
  ])('%j sets %s', (argv, key) => {
    const p = parseArgs(argv);
    expect(p[key]).toBe(true);
    expect(p.options).toEqual({});
  });

  it('-i/--input-file', () => {
    expect(parseArgs(['-i', 'list.txt']).inputFile).toBe('list.txt');
    expect(parseArgs(['--input-file=l2']).inputFile).toBe('l2');
  });

  it('clustered short flags, the last one taking a value', () => {
    const p = parseArgs(['-qkn4', U]);
    expect(p.quiet).toBe(true);
    expect(p.options).toEqual({ insecure: true, connections: 4 });
    expect(parseArgs(['-kd', 'out', U]).options).toEqual({ insecure: true, dir: 'out' });
  });

  it('a repeated single-value option keeps the last value', () => {
    expect(parseArgs(['-n', '2', '--connections', '3', U]).options.connections).toBe(3);
  });

  it('a value may start with a dash', () => {
    expect(parseArgs(['-A', '-weird-', U]).options.userAgent).toBe('-weird-');
  });

  it('everything together', () => {
    const p = parseArgs([U, '-n', '4', '-d', 'dl', '--limit-rate=1k', '--json', '-H', 'A: b', '--overwrite', 'http://x/2']);
    expect(p.urls).toEqual([U, 'http://x/2']);
    expect(p.options).toEqual({ connections: 4, dir: 'dl', limitRate: 1024, headers: { A: 'b' }, overwrite: true });
    expect(p.json).toBe(true);
  });
});

describe('parseArgs: the spellings of curl, wget and aria2', () => {
  it('-O/--remote-name is accepted and changes nothing (the name comes from the server anyway)', () => {
    expect(parseArgs(['-O', U])).toEqual(parseArgs([U]));
    expect(parseArgs(['--remote-name', U])).toEqual(parseArgs([U]));
    expect(parseArgs(['-Oq', U]).quiet).toBe(true);
  });

  it('-t/--tries N is --max-tries N', () => {
    for (const argv of [['-t', '7'], ['-t7'], ['--tries', '7'], ['--tries=7']]) expect(parseArgs([...argv, U]).options).toEqual({ maxTries: 7 });
    expect(usageError(['-t', 'x']).message).toMatch(/^-t /);
  });

  it('-s/--split N is the number of connections (-n)', () => {
    for (const argv of [['-s', '4'], ['-s4'], ['--split', '4'], ['--split=4']]) expect(parseArgs([...argv, U]).options).toEqual({ connections: 4 });
    expect(usageError(['-s', '0']).message).toMatch(/^-s /);
  });

  it('-T/--timeout is one timeout for all: stall and connect; --connect-timeout wins in any order', () => {
    expect(parseArgs(['-T', '10', U]).options).toEqual({ timeoutMs: 10_000, connectTimeoutMs: 10_000 });
    expect(parseArgs(['--timeout=2.5', U]).options).toEqual({ timeoutMs: 2500, connectTimeoutMs: 2500 });
    expect(parseArgs(['-T', '10', '--connect-timeout', '2', U]).options).toEqual({ timeoutMs: 10_000, connectTimeoutMs: 2000 });
    expect(parseArgs(['--connect-timeout', '2', '-T', '10', U]).options).toEqual({ timeoutMs: 10_000, connectTimeoutMs: 2000 });
    expect(parseArgs(['--connect-timeout', '2', U]).options).toEqual({ connectTimeoutMs: 2000 });
  });

  it('--completion takes bash, zsh or fish and nothing else', () => {
    expect(parseArgs(['--completion', 'zsh']).completion).toBe('zsh');
    expect(parseArgs(['--completion=fish']).completion).toBe('fish');
    expect(usageError(['--completion', 'tcsh']).message).toBe("--completion needs bash, zsh or fish, got 'tcsh'");
    expect(usageError(['--completion']).message).toMatch(/^--completion needs a value/);
  });
});

describe('parseArgs: errors are one clear USAGE line', () => {
  it.each<[string[], string]>([
    [['--foo'], 'unknown option --foo (see ferry --help)'],
    [['--foo=1'], 'unknown option --foo (see ferry --help)'],
    [['-X'], 'unknown option -X (see ferry --help)'],
    [['-qX'], 'unknown option -X (see ferry --help)'],
    [['--ouput', 'f'], 'unknown option --ouput (did you mean --output? see ferry --help)'],
    [['--timeot', '1'], 'unknown option --timeot (did you mean --timeout? see ferry --help)'],
    [['--jsn'], 'unknown option --jsn (did you mean --json? see ferry --help)'],
    [['-n', 'x'], "-n needs a number from 1 to 64, got 'x'"],
    [['-n0'], "-n needs a number from 1 to 64, got '0'"],
    [['--connections=65'], "--connections needs a number from 1 to 64, got '65'"],
    [['--concurrency', '1.5'], "--concurrency needs a number from 1 to 64, got '1.5'"],
    [['-n', '-1'], "-n needs a number from 1 to 64, got '-1'"],
    [['-n', ''], "-n needs a number from 1 to 64, got ''"],
    [['--max-connections-per-host', '0'], "--max-connections-per-host needs a number of at least 1, got '0'"],
    [['--max-tries', 'many'], "--max-tries needs a number of at least 0, got 'many'"],
    [['--max-redirects', '1e3'], "--max-redirects needs a number of at least 0, got '1e3'"],
    [['--min-split-size', '0'], "--min-split-size needs a size of at least 1 byte, got '0'"],
    [['--min-split-size', 'big'], "--min-split-size needs a size such as 512k, 1.5M or 2G, got 'big'"],
    [['--limit-rate', '-5k'], "--limit-rate needs a size such as 512k, 1.5M or 2G, got '-5k'"],
    [['--timeout', '0'], "--timeout needs a time above 0, got '0'"],
    [['--connect-timeout', 'soon'], "--connect-timeout needs seconds such as 30, 1.5 or 500ms, got 'soon'"],
    [['--retry-wait', '-1'], "--retry-wait needs seconds such as 30, 1.5 or 500ms, got '-1'"],
    [['-H', 'NoColon'], "-H needs 'Name: value', got 'NoColon'"],
    [['-H', ': value'], "-H needs 'Name: value', got ': value'"],
    [['-H', 'Bad Name: v'], "-H needs 'Name: value', got 'Bad Name: v'"],
    [['--header', 'X: a\r\nInjected: 1'], '--header needs'],
    [['--checksum', 'deadbeef'], "--checksum: expected ALGORITHM=HEX such as sha-256=9f86d0..., got 'deadbeef'"],
    [['--checksum', `crc32=${'0'.repeat(8)}`], "--checksum: unknown checksum algorithm 'crc32' (use sha-256, sha-1, md5 or sha-512)"],
    [['--checksum', `sha-256=${'a'.repeat(63)}`], '--checksum: a sha-256 digest has 64 hex digits, got 63'],
    [['--checksum', `sha-256=${'a'.repeat(65)}`], '--checksum: a sha-256 digest has 64 hex digits, got 65'],
    [['--checksum', `md5=${'g'.repeat(32)}`], "--checksum: a md5 digest is hex digits only, got 'gggggggggggggggggggggggggggggggg'"],
    [['--checksum', `sha-1=${'a'.repeat(32)}`], '--checksum: a sha-1 digest has 40 hex digits, got 32'],
    [['-o'], '-o needs a value: -o FILE (see ferry --help)'],
    [['--output'], '--output needs a value: --output FILE (see ferry --help)'],
    [['-n'], '-n needs a value: -n N'],
    [['-o', '../dir/'], 'names a directory, not a file'],
    [['--output=/data/..'], 'names no file'],
    [['-d', ''], "-d needs a directory, got ''"],
    [['-A', 'a\nb'], "-A needs a user agent without control characters, got 'a\\nb'"],
    [['-A', 'a\u001bb'], "got 'a\\u001bb'"],
    [['-H', 'X: a\u0007'], "-H needs 'Name: value', got 'X: a\\u0007'"],
    [['--\u001b[2J'], 'unknown option --\\u001b[2J (see ferry --help)'],
    [['-n', 'x'.repeat(500)], `got '${'x'.repeat(77)}...'`],
    [['--overwrite=yes'], "--overwrite takes no value, got '--overwrite=yes'"],
    [['--help=1'], '--help takes no value'],
    [[''], 'empty URL argument'],
    [['-u', ''], "-u needs a URL, got ''"],
    [['--ftp-user', ''], "--ftp-user needs a user name, got ''"],
    [['--ftp-user', 'a\r\nDELE x'], "--ftp-user needs a user name, got 'a\\r\\nDELE x'"],
    [['--ftp-password', ''], "--ftp-password needs a password, got ''"],
    [['--ftp-password=a\nb'], "--ftp-password needs a password, got 'a\\nb'"],
    [['--ftp-password'], '--ftp-password needs a value: --ftp-password PASS'],
    [['--netrc-file', ''], "--netrc-file needs a file name, got ''"],
    [['--ftp-ssl=yes'], "--ftp-ssl takes no value, got '--ftp-ssl=yes'"],
    [['--ftp-ssl-required=1'], '--ftp-ssl-required takes no value'],
    [['--ftp-usr', 'a'], 'unknown option --ftp-usr (did you mean --ftp-user? see ferry --help)'],
  ])('%j -> %j', (argv, message) => {
    expect(usageError(argv).message).toContain(message);
  });

  it('the option name in a message is the spelling the user typed', () => {
    expect(usageError(['--concurrency=x']).message).toMatch(/^--concurrency /);
    expect(usageError(['-nx']).message).toMatch(/^-n /);
  });
});

describe('HELP_TEXT', () => {
  const lines = HELP_TEXT.split('\n');

  it('mentions every option name', () => {
    for (const name of OPTION_NAMES) expect(HELP_TEXT).toMatch(new RegExp(`(^|[ ,])${name}([ ,=[]|$)`, 'm'));
  });

  it('lists every flag the command line documents', () => {
    const flags = [
      '-u',
      '--url',
      '-o',
      '--output',
      '-d',
      '--dir',
      '-n',
      '--concurrency',
      '--connections',
      '--max-connections-per-host',
      '--min-split-size',
      '--max-tries',
      '--retry-wait',
      '--timeout',
      '--connect-timeout',
      '-H',
      '--header',
      '--user-agent',
      '-A',
      '--limit-rate',
      '--checksum',
      '--overwrite',
      '-c',
      '--continue',
      '--auto-file-renaming',
      '-k',
      '--insecure',
      '--ca-certificate',
      '--max-redirects',
      '--allow-downgrade',
      '--http-user',
      '--http-passwd',
      '--user',
      '--referer',
      '--load-cookies',
      '--save-cookies',
      '-q',
      '--quiet',
      '--json',
      '--debug',
      '-i',
      '--input-file',
      '-h',
      '--help',
      '-V',
      '--version',
      '-j',
      '--max-concurrent-downloads',
      '--max-overall-download-limit',
      '--save-session',
      '--no-fsync',
      '--ftp-user',
      '--ftp-password',
      '--ftp-ssl',
      '--ftp-ssl-required',
      '--netrc-file',
      '-O',
      '--remote-name',
      '-t',
      '--tries',
      '-T',
      '-s',
      '--split',
      '--completion',
      '-x',
      '--all-proxy',
      '--proxy',
      '--http-proxy',
      '--https-proxy',
      '--ftp-proxy',
      '--no-proxy',
      '--noproxy',
      '--proxy-user',
      '--proxy-password',
    ];
    expect([...OPTION_NAMES].sort()).toEqual([...flags].sort());
  });

  it('is grouped, with examples, and ends with a newline', () => {
    for (const heading of ['Usage:', 'Input:', 'Output:', 'Connections:', 'Retries and timeouts:', 'HTTP and TLS:', 'FTP:', 'Display:', 'Examples:']) {
      expect(lines.some((l) => l.startsWith(heading))).toBe(true);
    }
    expect(HELP_TEXT.endsWith('\n')).toBe(true);
  });

  it('fits 80 columns and aligns every description in one column', () => {
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    const optionLines = lines.filter((l) => /^ {2}(-\w, |URL| {4}--)/.test(l));
    expect(optionLines.length).toBeGreaterThanOrEqual(20);
    for (const name of OPTION_NAMES) expect(optionLines.some((l) => l.split(/[ ,=[\]]+/).includes(name))).toBe(true);
    // A label too long for the column has its description alone on the next line, in the column.
    const columns = new Set(
      lines
        .map((l, i) => ({ l, next: lines[i + 1] ?? '' }))
        .filter(({ l }) => /^ {2}(-\w, |URL| {4}--)/.test(l))
        .map(({ l, next }) => /^ +\S.*?\S {2,}(?=\S)/.exec(l)?.[0].length ?? /^ +(?=\S)/.exec(next)?.[0].length),
    );
    expect(columns.has(undefined)).toBe(false);
    expect(columns.size).toBe(1);
  });

  it('shows the real defaults', () => {
    expect(HELP_TEXT).toContain(`(default: ${DEFAULT_OPTIONS.connections})`);
    expect(HELP_TEXT).toContain(`(default: ${DEFAULT_OPTIONS.userAgent})`);
  });

  it('lists the FTP options under FTP:, after HTTP and TLS', () => {
    const ftp = lines.indexOf('FTP:');
    expect(ftp).toBeGreaterThan(lines.indexOf('HTTP and TLS:'));
    const section = lines.slice(ftp + 1, lines.indexOf('', ftp));
    expect(section.map((l) => l.trim().split(/\s+/)[0])).toEqual(['--ftp-user', '--ftp-password', '--ftp-ssl', '--ftp-ssl-required', '--netrc-file']);
  });

  it('the FTP defaults are those of DEFAULT_OPTIONS', () => {
    expect(DEFAULT_OPTIONS).toMatchObject({ ftpSsl: false, ftpSslRequired: false });
    for (const k of ['ftpUser', 'ftpPassword', 'netrcPath'] as const) expect(DEFAULT_OPTIONS[k]).toBeUndefined();
    expect(parseArgs([U]).options).toEqual({});
  });

  it('every example parses', () => {
    const examples = lines.slice(lines.indexOf('Examples:') + 1).filter((l) => l.startsWith('  ferry '));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const ex of examples) {
      // Split like a shell would for these simple examples: double quotes group words.
      const argv = [...ex.trim().matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]).slice(1);
      const withHex = argv.map((a) => a.replace('=HEX', `=${SHA256}`));
      expect(() => parseArgs(withHex)).not.toThrow();
    }
  });
});

describe('--auto-file-renaming', () => {
  it('alone or =true renames, =false turns it off; any other value is one clear line', () => {
    expect(parseArgs(['--auto-file-renaming', U]).options.autoFileRenaming).toBe(true);
    expect(parseArgs(['--auto-file-renaming=true', U]).options.autoFileRenaming).toBe(true);
    expect(parseArgs(['--auto-file-renaming=FALSE', U]).options.autoFileRenaming).toBe(false);
    expect(parseArgs(['--auto-file-renaming', U]).urls).toEqual([U]);
    expect(usageError(['--auto-file-renaming=maybe']).message).toBe("--auto-file-renaming needs true or false, got 'maybe'");
    expect(usageError(['--auto-file-renaming=']).message).toMatch(/--auto-file-renaming= needs a value/);
  });
});
