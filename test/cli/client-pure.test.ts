import { describe, expect, it } from 'vitest';
import { toQueueItem } from '../../src/cli/client/aria2-status.js';
import { parseCommandArgs } from '../../src/cli/client/client-args.js';
import { resolveGids, uniquePrefixLength } from '../../src/cli/client/gid-prefix.js';
import { renderLs } from '../../src/cli/client/ls-render.js';
import { parseArgs } from '../../src/core/cli-args.js';
import { findKey, readOption, toRpcOptions } from '../../src/core/input-file-keys.js';
import type { DownloadOptions } from '../../src/core/options.js';

describe('toRpcOptions (ferry options -> aria2 RPC keys)', () => {
  it('maps every option the one-shot CLI parses, and reads back to the same options', () => {
    const args = parseArgs([
      ...['-o', 'a/b.iso', '-d', '/srv', '-n', '12', '--max-connections-per-host', '3', '--min-split-size', '2M'],
      ...['--limit-rate', '500k', '--max-tries', '0', '--retry-wait', '1.5', '--timeout', '20', '--connect-timeout', '500ms'],
      ...['--checksum', `sha-256=${'ab'.repeat(32)}`, '-H', 'X-A: 1', '-H', 'X-B:', '-A', 'UA/1', '-k', '--ca-certificate', '/ca.pem'],
      ...['--max-redirects', '2', '--overwrite', '--ftp-user', 'me', '--ftp-password', 'pw', '--ftp-ssl', '--ftp-ssl-required', '--netrc-file', '/n'],
    ]);
    const rpc = toRpcOptions(args.options);
    expect(rpc).toEqual({
      out: 'a/b.iso',
      dir: '/srv',
      split: '12',
      'max-connection-per-server': '3',
      'min-split-size': '2097152',
      'max-download-limit': '512000',
      'max-tries': '0',
      'retry-wait': '1500ms',
      timeout: '20',
      'connect-timeout': '500ms',
      checksum: `sha-256=${'ab'.repeat(32)}`,
      header: ['X-A: 1', 'X-B:'],
      'user-agent': 'UA/1',
      'check-certificate': 'false',
      'ca-certificate': '/ca.pem',
      'max-redirects': '2',
      'allow-overwrite': 'true',
      'ftp-user': 'me',
      'ftp-passwd': 'pw',
      'ftp-ssl': 'true',
      'ftp-ssl-required': 'true',
      'netrc-path': '/n',
    });
    const back: Partial<DownloadOptions> = {};
    for (const [key, value] of Object.entries(rpc)) {
      const spec = findKey(key);
      expect(spec, key).toBeDefined();
      if (spec) for (const v of Array.isArray(value) ? value : [value]) readOption(spec, back, v, key);
    }
    expect(back).toEqual(args.options);
  });

  it('an empty option set is an empty object; an option without an RPC key is a clear error', () => {
    expect(toRpcOptions({})).toEqual({});
    expect(toRpcOptions({ headers: {} })).toEqual({});
    expect(() => toRpcOptions({ fsync: false })).toThrow(/fsync has no RPC key/);
  });
});

describe('resolveGids', () => {
  const known = ['abcd111100000001', 'abcd222200000002', '0123456789abcdef'];
  it.each<[string[], string[]]>([
    [['abcd1'], ['abcd111100000001']],
    [
      ['ABCD2', '0'],
      ['abcd222200000002', '0123456789abcdef'],
    ],
    [['0123456789abcdef', '01'], ['0123456789abcdef']],
  ])('%j -> %j', (prefixes, want) => {
    expect(resolveGids(prefixes, known)).toEqual(want);
  });
  it.each<[string, RegExp]>([
    ['abcd', /^the GID prefix 'abcd' is ambiguous: abcd111100000001, abcd222200000002$/],
    ['ffff', /^no download has a GID starting with 'ffff'$/],
    ['0123456789abcdef0', /is not a GID or a GID prefix/],
    ['', /is not a GID or a GID prefix/],
    ['g1', /^'g1' is not a GID/],
  ])('%j is refused', (prefix, message) => {
    expect(() => resolveGids([prefix], known)).toThrow(message);
  });
  it('the shortest unique prefix is at least 6 and grows with shared prefixes', () => {
    expect(uniquePrefixLength([])).toBe(6);
    expect(uniquePrefixLength(['0123456789abcdef'])).toBe(6);
    expect(uniquePrefixLength(['abcdef0000000001', 'abcdef0100000002'])).toBe(8);
    expect(uniquePrefixLength(['abcdef0000000001', 'abcdef0000000002'])).toBe(16);
  });
});

describe('renderLs and toQueueItem', () => {
  const file = (path: string, uri: string) => [{ path, uris: [{ uri }] }];
  it('aligns the columns; unknown sizes, 0-byte files and control characters', () => {
    const lines = renderLs([
      { gid: 'aaaaaa0000000001', status: 'active', totalLength: '2048', completedLength: '1024', downloadSpeed: '1024', files: file('/d/x.bin', 'http://h/x') },
      { gid: 'bbbbbb0000000002', status: 'waiting', totalLength: '0', completedLength: '0', files: file('', 'http://h/\u001b[31mred') },
      { gid: 'cccccc0000000003', status: 'complete', totalLength: '0', completedLength: '0', files: file('/d/empty', 'http://h/e') },
    ]);
    expect(lines).toEqual([
      'GID     STATE     DONE     SIZE      SPEED  NAME',
      'aaaaaa  active     50%  2.0 KiB  1.0 KiB/s  x.bin',
      'bbbbbb  waiting     --      0 B             http://h/red',
      'cccccc  complete  100%      0 B             empty',
    ]);
    expect(lines.join('')).not.toContain('\u001b');
    expect(renderLs([])).toEqual(['No downloads.']);
  });

  it('maps aria2 states and numbers onto the queue view', () => {
    const item = toQueueItem({
      gid: 'g',
      status: 'removed',
      totalLength: '10',
      completedLength: '4',
      downloadSpeed: 'x',
      errorCode: '0',
      files: file('/d/n', 'http://h/n'),
    });
    expect(item).toMatchObject({
      id: 'g',
      state: 'cancelled',
      totalBytes: 10,
      completedBytes: 4,
      speed: 0,
      name: 'n',
      url: 'http://h/n',
      errorCode: undefined,
    });
    expect(toQueueItem({ gid: 'g', status: 'active', totalLength: '0' }).totalBytes).toBeUndefined();
    expect(toQueueItem({ gid: 'g', status: 'error', errorCode: '3', errorMessage: 'gone' })).toMatchObject({
      state: 'error',
      errorCode: '3',
      errorMessage: 'gone',
    });
  });
});

describe('parseCommandArgs', () => {
  it('picks switches out; download options keep their values, even one that looks like a switch', () => {
    expect(parseCommandArgs('add', ['u', '-d', '--pause', '--pause', '-n4', '--', '--all'], ['--pause'], true)).toEqual({
      switches: new Set(['--pause']),
      rest: ['u', '-d', '--pause', '-n4', '--', '--all'],
    });
    expect(parseCommandArgs('ls', ['--all', '-h'], ['--all', '--json'])).toEqual({ switches: new Set(['--all', '--help']), rest: [] });
  });
  it('refuses unknown options and values given to switches', () => {
    expect(() => parseCommandArgs('ls', ['--al'], ['--all'])).toThrow("ferry ls has no option '--al'");
    expect(() => parseCommandArgs('ls', ['--all=1'], ['--all'])).toThrow("--all takes no value, got '--all=1'");
  });
});
