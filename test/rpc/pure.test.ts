/** Table tests of the RPC layer's pure parts: paging, status mapping, options, paths, Host/Origin, the limiter. */
import { describe, expect, it } from 'vitest';
import { AuthLimiter } from '../../src/rpc/auth-limiter.js';
import { pageRange } from '../../src/rpc/gid.js';
import { readDownloadOptions, readGlobalOptions, writeDownloadOptions, writeGlobalOptions } from '../../src/rpc/options.js';
import { confinePaths } from '../../src/rpc/paths.js';
import { hostAllowed, originAllowed } from '../../src/rpc/security.js';
import type { RpcDownload } from '../../src/rpc/service.js';
import { toAria2ErrorCode, toAria2Status } from '../../src/rpc/status.js';

describe('pageRange (aria2 paging)', () => {
  it.each([
    // offset, num, size -> start, count, reverse
    [0, 10, 3, 0, 3, false],
    [1, 1, 3, 1, 1, false],
    [2, 5, 3, 2, 1, false],
    [3, 5, 3, 0, 0, false],
    [0, 0, 3, 0, 0, false],
    [-1, 1, 3, 2, 1, true],
    [-1, 2, 3, 1, 2, true],
    [-1, 1000, 3, 0, 3, true],
    [-2, 1, 3, 1, 1, true],
    [-3, 2, 3, 0, 1, true],
    [-4, 2, 3, 0, 0, true],
    [-1, 0, 3, 0, 0, true],
    [0, 1, 0, 0, 0, false],
    [-1, 1, 0, 0, 0, true],
  ])('offset %i num %i of %i', (offset, num, size, start, count, reverse) => {
    expect(pageRange(offset, num, size)).toEqual({ start, count, reverse });
  });
});

const base: RpcDownload = {
  id: 'a'.repeat(16),
  url: 'http://h/f',
  urls: ['http://h/f'],
  state: 'error',
  completedBytes: 0,
  speed: 0,
  connections: 0,
  elapsedMs: 0,
  options: {},
  dir: '/d',
};

describe('status', () => {
  it.each([
    ['TIMEOUT', undefined, '2'],
    ['NETWORK', undefined, '6'],
    ['HTTP_STATUS', 'HTTP 404 Not Found', '3'],
    ['HTTP_STATUS', 'HTTP 401 Unauthorized', '24'],
    ['HTTP_STATUS', 'server said HTTP 503', '29'],
    ['HTTP_STATUS', 'HTTP 500', '22'],
    ['BAD_RESPONSE', undefined, '22'],
    ['REDIRECT', undefined, '23'],
    ['CHECKSUM', undefined, '32'],
    ['FILE_SYSTEM', undefined, '17'],
    ['FILE_EXISTS', undefined, '13'],
    ['FTP', 'FTP 550 no such file', '3'],
    ['FTP', 'FTP 530 login incorrect', '21'],
    ['USAGE', undefined, '28'],
    ['TLS', undefined, '1'],
    [undefined, undefined, '1'],
  ])('%s (%s) -> errorCode %s', (code, message, expected) => {
    expect(toAria2Status({ ...base, errorCode: code, errorMessage: message }, ['errorCode'])).toEqual({ errorCode: expected });
  });

  it('maps 401/407 and 503 by status too', () => {
    expect(toAria2ErrorCode('HTTP_STATUS', 407)).toBe('24');
    expect(toAria2ErrorCode('HTTP_STATUS', 503)).toBe('29');
  });

  it('pieces when known, and every number a string at the edges (0 and 1 byte)', () => {
    const d: RpcDownload = { ...base, state: 'active', totalBytes: 1, completedBytes: 1, pieceLength: 1048576, bitfield: '80', speed: 0.4, connections: 1 };
    expect(toAria2Status(d, ['totalLength', 'completedLength', 'pieceLength', 'numPieces', 'bitfield', 'downloadSpeed', 'connections'])).toEqual({
      totalLength: '1',
      completedLength: '1',
      pieceLength: '1048576',
      numPieces: '1',
      bitfield: '80',
      downloadSpeed: '0',
      connections: '1',
    });
    const empty = toAria2Status({ ...base, state: 'complete', totalBytes: 0 });
    expect(empty).toMatchObject({ totalLength: '0', completedLength: '0', errorCode: '0', status: 'complete' });
    expect(empty).not.toHaveProperty('bitfield');
    expect(empty).not.toHaveProperty('errorMessage');
  });
});

describe('options', () => {
  it('what getOption writes reads back to the same options (AriaNg retry)', () => {
    const input = {
      split: '4',
      'max-connection-per-server': '2',
      'max-download-limit': '1024',
      'retry-wait': '2',
      timeout: '1500ms',
      header: ['A: 1', 'B: 2'],
      'check-certificate': 'false',
      'allow-overwrite': 'true',
      checksum: `sha-256=${'ab'.repeat(32)}`,
      out: 'x/y.bin',
      'user-agent': 'ua',
    };
    const options = readDownloadOptions(input);
    const written = writeDownloadOptions(options);
    expect(written.header).toBe('A: 1\nB: 2');
    const again = readDownloadOptions({ ...written, header: written.header.split('\n') });
    expect(again).toEqual(options);
    expect(options).toMatchObject({ connections: 4, timeoutMs: 1500, retryWaitMs: 2000, insecure: true, overwrite: true, headers: { A: '1', B: '2' } });
  });

  it('global options: engine keys, download defaults, unknown keys ignored, bad values refused', () => {
    const g = readGlobalOptions({
      'max-concurrent-downloads': '2',
      'max-overall-download-limit': '1M',
      'max-download-limit': '5K',
      split: '3',
      'rpc-secret': 'x',
      'bt-seed': '1',
    });
    expect(g).toEqual({ maxActive: 2, limitRate: 1048576, downloadLimitRate: 5120, connections: 3 });
    expect(writeGlobalOptions(g)).toEqual({
      'max-concurrent-downloads': '2',
      'max-overall-download-limit': '1048576',
      'max-download-limit': '5120',
      split: '3',
    });
    for (const bad of [{ 'max-concurrent-downloads': '0' }, { 'max-concurrent-downloads': '' }, { split: '65' }, { header: 5 }, { split: ['1'] }]) {
      expect(() => readGlobalOptions(bad), JSON.stringify(bad)).toThrow(/^We encountered a problem while processing the option '--/);
    }
  });
});

describe('confinePaths', () => {
  it.each([
    [{ dir: 'a/b' }, true],
    [{ dir: '/root/dl/a' }, true],
    [{ dir: '/root/dl' }, true],
    [{ dir: '/root/dl2' }, false],
    [{ dir: '/root' }, false],
    [{ dir: 'a/../../x' }, false],
    [{ dir: '..foo' }, true],
    [{ dir: '..' }, false],
    [{ out: 'f.bin' }, true],
    [{ out: '../f.bin' }, false],
    [{ dir: 'a', out: '../f.bin' }, true],
    [{ dir: 'a', out: '../../f.bin' }, false],
    [{ 'save-session': '/tmp/s' }, false],
    [{ log: 'logs/ferry.log' }, true],
    [{ 'netrc-path': '/home/u/.netrc' }, false],
    [{ dir: 'ok\0/x' }, false],
    [{ split: '/etc/passwd' }, true],
  ])('%o inside /root/dl: %s', (options, ok) => {
    const run = (): void => confinePaths(options, '/root/dl');
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/names a path outside the download root \/root\/dl: give a path inside it\.$/);
  });
});

describe('Host and Origin', () => {
  const policy = { port: 6800, hosts: ['nas.lan'], allowOrigins: ['null'] };
  it.each([
    ['127.0.0.1:6800', true],
    ['localhost:6800', true],
    ['LOCALHOST:6800', true],
    ['[::1]:6800', true],
    ['192.168.1.5:6800', true],
    ['nas.lan:6800', true],
    ['127.0.0.1:6801', false],
    ['127.0.0.1', false],
    ['evil.example:6800', false],
    ['localhost.evil.example:6800', false],
    ['127.0.0.1.nip.io:6800', false],
    ['[::1]x:6800', false],
    ['', false],
    [undefined, false],
  ])('Host %s: %s', (host, ok) => {
    expect(hostAllowed(host, policy)).toBe(ok);
  });
  it.each([
    [undefined, true],
    ['http://127.0.0.1:6800', true],
    ['http://localhost:6800', false],
    ['https://127.0.0.1:6800', false],
    ['null', true],
    ['http://evil.example', false],
  ])('Origin %s with Host 127.0.0.1:6800: %s', (origin, ok) => {
    expect(originAllowed(origin, '127.0.0.1:6800', policy)).toBe(ok);
  });
  it('* allows any origin', () => {
    expect(originAllowed('http://x.example', '127.0.0.1:6800', { port: 6800, allowOrigins: ['*'] })).toBe(true);
  });
});

describe('AuthLimiter', () => {
  it('blocks an address after maxFailures within the window, until the oldest failure leaves it', () => {
    let now = 1000;
    const l = new AuthLimiter({ maxFailures: 2, windowMs: 100, now: () => now });
    l.fail('a');
    expect(l.blockedFor('a')).toBe(0);
    now += 10;
    l.fail('a');
    expect(l.blockedFor('a')).toBe(90);
    expect(l.blockedFor('b')).toBe(0);
    now += 89;
    expect(l.blockedFor('a')).toBe(1);
    now += 1;
    expect(l.blockedFor('a')).toBe(0);
    now += 10;
    expect(l.blockedFor('a')).toBe(0);
  });
});
