import { describe, expect, it } from 'vitest';
import { clientSettings } from '../../src/core/client-settings.js';
import { type ConfigSources, defaultConfigPath, parseDaemonConfig } from '../../src/core/daemon-config.js';

const HOME = '/home/u';
const CONF = '/home/u/.config/ferry/daemon.conf';

/** Sources with an in-memory file system: path -> contents. */
function sources(files: Record<string, string> = {}, env: Record<string, string | undefined> = {}): ConfigSources {
  return {
    env,
    home: HOME,
    readFile: (path) => {
      if (Object.hasOwn(files, path)) return files[path];
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
  };
}

/** The USAGE message parseDaemonConfig throws (with its hint), or 'no error'. */
function failure(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    const err = e as { code?: string; message: string; hint?: string };
    expect(err.code).toBe('USAGE');
    return err.hint ? `${err.message} (${err.hint})` : err.message;
  }
}

describe('parseDaemonConfig', () => {
  it('defaults: port 6800, loopback, no secret, -j 3, XDG state dir', () => {
    expect(parseDaemonConfig([], sources())).toEqual({
      rpcListenPort: 6800,
      rpcSecret: undefined,
      rpcListenAll: false,
      rpcAllowOrigins: [],
      rpcAllowAnyDir: false,
      maxActive: 3,
      overallLimit: undefined,
      stateDir: '/home/u/.local/state/ferry',
      logFile: undefined,
      defaults: {},
      configFile: undefined,
      debug: false,
      help: false,
    });
    expect(parseDaemonConfig([], sources({}, { XDG_STATE_HOME: '/var/st', XDG_CONFIG_HOME: 'relative' })).stateDir).toBe('/var/st/ferry');
  });

  it.each<[string, string[], Record<string, unknown>]>([
    ['port', ['--rpc-listen-port', '7000'], { rpcListenPort: 7000 }],
    ['port =', ['--rpc-listen-port=1'], { rpcListenPort: 1 }],
    ['secret', ['--rpc-secret', 's'], { rpcSecret: 's' }],
    ['listen-all with secret', ['--rpc-listen-all', '--rpc-secret=x'], { rpcListenAll: true, rpcSecret: 'x' }],
    ['origins repeat', ['--rpc-allow-origin', 'https://a.example', '--rpc-allow-origin=null'], { rpcAllowOrigins: ['https://a.example', 'null'] }],
    ['extension origin', ['--rpc-allow-origin', 'chrome-extension://abcdef'], { rpcAllowOrigins: ['chrome-extension://abcdef'] }],
    ['any dir', ['--rpc-allow-any-dir'], { rpcAllowAnyDir: true }],
    ['-d -j', ['-d', '/srv/dl', '-j', '7'], { defaults: { dir: '/srv/dl' }, maxActive: 7 }],
    [
      'download options',
      ['-n', '16', '--limit-rate', '1M', '-k', '--no-fsync'],
      { defaults: { connections: 16, limitRate: 1048576, insecure: true, fsync: false } },
    ],
    ['overall limit', ['--max-overall-download-limit', '2M'], { overallLimit: 2097152 }],
    ['state dir, log', ['--state-dir', '/var/lib/ferry', '--log', '/var/log/ferry.log'], { stateDir: '/var/lib/ferry', logFile: '/var/log/ferry.log' }],
    ['a ferry option value that looks like a daemon flag', ['-d', '--rpc-listen-all'], { defaults: { dir: '--rpc-listen-all' }, rpcListenAll: false }],
    ['debug, help', ['--debug', '-h'], { debug: true, help: true }],
  ])('command line: %s', (_name, argv, want) => {
    expect(parseDaemonConfig(argv, sources())).toMatchObject(want);
  });

  it.each<[string, string[], string]>([
    ['listen-all without a secret', ['--rpc-listen-all'], '--rpc-listen-all without a secret would let anyone on the network control ferry'],
    ['port 0', ['--rpc-listen-port', '0'], '--rpc-listen-port'],
    ['port too big', ['--rpc-listen-port', '65536'], '--rpc-listen-port'],
    ['port missing', ['--rpc-listen-port'], '--rpc-listen-port needs a value (see ferry daemon --help)'],
    ['empty secret', ['--rpc-secret='], "--rpc-secret needs a secret, got ''"],
    ['switch with value', ['--rpc-listen-all=yes'], "--rpc-listen-all takes no value, got '--rpc-listen-all=yes'"],
    ['bad origin', ['--rpc-allow-origin', 'https://a.example/path'], '--rpc-allow-origin needs an origin'],
    ['a URL', ['https://example.com/f'], "ferry daemon takes no URL, got 'https://example.com/f' (add downloads with ferry add URL)"],
    ['-o', ['-o', 'x'], 'ferry daemon takes no -o/--output'],
    ['-i', ['-i', 'list'], 'ferry daemon takes no -i/--input-file'],
    ['unknown option', ['--rpc-lisen-port', '1'], 'unknown option --rpc-lisen-port'],
    ['bad download value', ['-n', '0'], '-n'],
    ['both secrets', ['--rpc-secret', 'a', '--rpc-secret-file', '/s'], 'the command line gives both rpc-secret and rpc-secret-file (keep one of them)'],
    ['missing secret file', ['--rpc-secret-file', '/nope'], 'cannot read the secret file /nope: ENOENT (fix --rpc-secret-file)'],
    ['missing explicit conf', ['--conf-path', '/etc/nope.conf'], 'cannot read the config file /etc/nope.conf: ENOENT'],
  ])('bad command line: %s', (_name, argv, message) => {
    expect(failure(() => parseDaemonConfig(argv, sources()))).toContain(message);
  });

  it('the config file: aria2 key=value lines, comments, blank lines, ferry and aria2 keys', () => {
    const file = [
      '# ferry daemon',
      '',
      'rpc-listen-port = 6900',
      'rpc-secret=from-file',
      'rpc-listen-all=true',
      'rpc-allow-origin=https://one.example',
      'dir=/srv/downloads',
      'max-concurrent-downloads=4',
      'connections=12',
      'overwrite=true',
      'insecure=false',
      'header=X-A: 1',
      'split=10',
      'max-connection-per-server=3',
      '  # an indented comment',
    ].join('\r\n');
    const c = parseDaemonConfig([], sources({ [CONF]: file }));
    expect(c).toMatchObject({
      rpcListenPort: 6900,
      rpcSecret: 'from-file',
      rpcListenAll: true,
      rpcAllowOrigins: ['https://one.example'],
      maxActive: 4,
      configFile: CONF,
      // split (aria2's key) came after connections: the later line wins.
      defaults: { dir: '/srv/downloads', connections: 10, overwrite: true, headers: { 'X-A': '1' }, maxConnectionsPerHost: 3 },
    });
    expect(c.defaults.insecure).toBeUndefined();
  });

  it('the command line wins over the environment, which wins over the file', () => {
    const file = 'rpc-listen-port=6900\nrpc-secret=file\nrpc-allow-origin=https://file.example\ndir=/file\nconnections=4\nheader=X-A: file\nheader=X-B: file\n';
    const s = sources({ [CONF]: file, '/run/secret': 'from-secret-file\n' }, {});
    const c = parseDaemonConfig(['--rpc-listen-port', '7000', '--rpc-allow-origin', 'null', '-d', '/cli', '-H', 'x-a: cli'], s);
    expect(c).toMatchObject({ rpcListenPort: 7000, rpcSecret: 'file', rpcAllowOrigins: ['null'], defaults: { dir: '/cli', connections: 4 } });
    expect(c.defaults.headers).toEqual({ 'X-B': 'file', 'x-a': 'cli' });
    const withEnv = { ...s, env: { FERRY_RPC_SECRET: 'env' } };
    expect(parseDaemonConfig([], withEnv).rpcSecret).toBe('env');
    expect(parseDaemonConfig(['--rpc-secret-file', '/run/secret'], withEnv).rpcSecret).toBe('from-secret-file');
    // The file's listen-all is satisfied by a secret from the command line.
    const all = sources({ [CONF]: 'rpc-listen-all=true\n' });
    expect(failure(() => parseDaemonConfig([], all))).toContain('--rpc-listen-all without a secret');
    expect(parseDaemonConfig(['--rpc-secret', 'cli'], all)).toMatchObject({ rpcListenAll: true, rpcSecret: 'cli' });
  });

  it.each<[string, string, string]>([
    ['no =', 'dir=/x\njust-a-word\n', `${CONF}:2: expected key=value, got 'just-a-word'`],
    ['unknown key', '# c\n\nrpc-listen-prt=1\n', `${CONF}:3: unknown option 'rpc-listen-prt' (see ferry daemon --help)`],
    ['bad port', 'rpc-listen-port=http\n', `${CONF}:1: --rpc-listen-port`],
    ['bad boolean', 'rpc-listen-all=maybe\n', `${CONF}:1: rpc-listen-all`],
    ['bad download value', 'dir=/a\nconnections=100\n', `${CONF}:2: --connections`],
    ['bad aria2 value', 'split=zero\n', `${CONF}:1: --split needs a number`],
    ['a URL option', 'input-file=/l\n', `${CONF}:1: ferry daemon takes no -i/--input-file`],
    ['conf-path inside', 'conf-path=/x\n', `${CONF}:1: conf-path cannot be set inside a config file`],
    ['empty value', 'dir=\n', `${CONF}:1: --dir needs a directory`],
  ])('bad config file: %s names FILE:LINE', (_name, file, message) => {
    expect(failure(() => parseDaemonConfig([], sources({ [CONF]: file })))).toContain(message);
  });

  it('--conf-path and XDG_CONFIG_HOME choose the file; an unreadable default file is an error, a missing one is not', () => {
    expect(parseDaemonConfig(['--conf-path', '/etc/f.conf'], sources({ '/etc/f.conf': 'rpc-listen-port=1234' })).rpcListenPort).toBe(1234);
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/cfg' }, HOME)).toBe('/cfg/ferry/daemon.conf');
    expect(parseDaemonConfig([], sources({ '/cfg/ferry/daemon.conf': 'rpc-listen-port=4321' }, { XDG_CONFIG_HOME: '/cfg' })).rpcListenPort).toBe(4321);
    const denied: ConfigSources = {
      ...sources(),
      readFile: () => {
        throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      },
    };
    expect(failure(() => parseDaemonConfig([], denied))).toBe(`cannot read the config file ${CONF}: EACCES (fix its path or its permissions)`);
  });
});

describe('clientSettings', () => {
  const s = (files: Record<string, string> = {}) => {
    const { home, readFile } = sources(files);
    return { home, readFile };
  };

  it.each<[string, string[], Record<string, string | undefined>, Record<string, string>, { url: string; secret?: string; rest: string[] }]>([
    ['defaults', ['ls'], {}, {}, { url: 'http://127.0.0.1:6800/jsonrpc', secret: undefined, rest: ['ls'] }],
    [
      'flags taken out',
      ['--rpc-url', 'http://h:1/jsonrpc', 'x', '--rpc-secret=k', '--all'],
      {},
      {},
      { url: 'http://h:1/jsonrpc', secret: 'k', rest: ['x', '--all'] },
    ],
    ['token in the URL', ['--rpc-url=http://token:p%40ss@127.0.0.1:9/jsonrpc'], {}, {}, { url: 'http://127.0.0.1:9/jsonrpc', secret: 'p@ss', rest: [] }],
    [
      '--rpc-secret beats the URL token',
      ['--rpc-url=http://token:a@h/jsonrpc', '--rpc-secret', 'b'],
      {},
      {},
      { url: 'http://h/jsonrpc', secret: 'b', rest: [] },
    ],
    ['env', [], { FERRY_RPC_SECRET: 'e' }, { [CONF]: 'rpc-secret=f' }, { url: 'http://127.0.0.1:6800/jsonrpc', secret: 'e', rest: [] }],
    [
      'file port and secret',
      [],
      {},
      { [CONF]: 'dir=/whatever\nrpc-listen-port=7777\nrpc-secret=f\n' },
      { url: 'http://127.0.0.1:7777/jsonrpc', secret: 'f', rest: [] },
    ],
    ['file secret file', [], {}, { [CONF]: 'rpc-secret-file=/s\n', '/s': 'sf\n' }, { url: 'http://127.0.0.1:6800/jsonrpc', secret: 'sf', rest: [] }],
    ['after --', ['--', '--rpc-secret', 'x'], {}, {}, { url: 'http://127.0.0.1:6800/jsonrpc', secret: undefined, rest: ['--', '--rpc-secret', 'x'] }],
  ])('%s', (_name, argv, env, files, want) => {
    expect(clientSettings(argv, env, s(files))).toEqual(want);
  });

  it.each<[string, string[], Record<string, string>, string]>([
    ['not a URL', ['--rpc-url', 'localhost:6800'], {}, "--rpc-url needs an http:// or https:// URL, got 'localhost:6800'"],
    ['ws URL', ['--rpc-url', 'ws://127.0.0.1:6800/jsonrpc'], {}, '--rpc-url needs an http:// or https:// URL'],
    ['no value', ['--rpc-url'], {}, '--rpc-url needs a value'],
    ['empty secret', ['--rpc-secret', ''], {}, "--rpc-secret needs a secret, got ''"],
    ['bad port in the file', [], { [CONF]: '\nrpc-listen-port=99999\n' }, `${CONF}:2: --rpc-listen-port`],
  ])('bad: %s', (_name, argv, files, message) => {
    expect(failure(() => clientSettings(argv, {}, s(files)))).toContain(message);
  });
});
