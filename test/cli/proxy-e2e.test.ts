/**
 * The command line through proxies, as a user runs it: the environment's variables, -x, and one
 * clear line when a proxy refuses (407 without a login, SOCKS refusals in words), never a stack.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { type Microsocks, type Socks4Server, startMicrosocks, startSocks4Server } from '../helpers/socks-proxy.js';
import { startTinyproxy, type Tinyproxy } from '../helpers/tinyproxy.js';

const BODY = randomBytesSeeded(100 * 1024 + 1, 'proxy-cli');

/** Run `ferry ARGS` with exactly `env` (plus PATH) as its environment. */
function ferry(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let server: TestServer;
let tiny: Tinyproxy;
let authed: Tinyproxy;
let socks5: Microsocks;
let socks4: Socks4Server;
let dir: string;
const fast = ['--retry-wait', '10ms', '--max-tries', '2', '-n', '4', '--min-split-size', '16k'];

beforeAll(async () => {
  server = await startTestServer({ files: { '/f.bin': { body: BODY } } });
  tiny = await startTinyproxy();
  authed = await startTinyproxy({ basicAuth: { user: 'ann', password: 'pw' } });
  socks5 = await startMicrosocks({ user: 'u', password: 'secret-pw' });
  socks4 = await startSocks4Server();
});
afterAll(async () => {
  await Promise.all([server?.close(), tiny?.stop(), authed?.stop(), socks5?.stop(), socks4?.close()]);
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-proxy-cli-'));
  socks4.refuse = false;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ferry through proxies', () => {
  it('uses http_proxy from the environment, and --debug names the route of each new connection', async () => {
    const before = (await tiny.requests()).length;
    const r = await ferry([...fast, '--debug', server.url('/f.bin')], { http_proxy: tiny.url });
    expect(r.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(BODY));
    expect((await tiny.requests()).length - before).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toContain(`new connection via http proxy 127.0.0.1:${tiny.port} (forward)`);
  });

  it('a queue of several URLs (the engine) uses http_proxy too, and no_proxy sends one of them direct', async () => {
    const before = (await tiny.requests()).length;
    const a = server.url('/f.bin');
    const b = server.url('/f.bin').replace('127.0.0.1', 'localhost');
    const r = await ferry([...fast, '--debug', a, b], { http_proxy: tiny.url, no_proxy: 'localhost' });
    expect(r.code).toBe(0);
    for (const n of ['f.bin', 'f.bin.1']) expect(sha256(await readFile(path.join(dir, n)))).toBe(sha256(BODY));
    expect((await tiny.requests()).length - before).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toContain(`new connection via http proxy 127.0.0.1:${tiny.port} (forward)`);
    expect(r.stderr).toMatch(/localhost:\d+: new connection direct/);
  });

  it('-x is the proxy (curl), through socks5h with its login in the URL; the password is never printed', async () => {
    const before = socks5.connections().length;
    const r = await ferry([...fast, '--debug', '-x', socks5.url('socks5h'), server.url('/f.bin')]);
    expect(r.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(BODY));
    expect(socks5.connections().length - before).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toContain(`via socks5h proxy 127.0.0.1:${socks5.port} as u (SOCKS5H)`);
    expect(r.stderr).not.toContain('secret-pw');
  });

  it('NO_PROXY sends the host direct although ALL_PROXY is set', async () => {
    const proxied = await ferry([...fast, '-o', 'p.bin', server.url('/f.bin')], { ALL_PROXY: tiny.url });
    expect(proxied.code).toBe(0);
    const before = (await tiny.requests()).length;
    expect(before).toBeGreaterThan(0);
    const r = await ferry([...fast, server.url('/f.bin')], { ALL_PROXY: tiny.url, NO_PROXY: '127.0.0.1' });
    expect(r.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(BODY));
    expect((await tiny.requests()).length).toBe(before);
  });

  it.each([
    ['forwarded (http)', () => server.url('/f.bin')],
    ['CONNECT (https)', () => server.url('/f.bin').replace('http:', 'https:')],
  ])('407 %s: "the proxy needs a login: use --proxy-user", no stack', async (_name, url) => {
    const r = await ferry([...fast, '-x', authed.url, url()]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`http proxy 127.0.0.1:${authed.port}: the proxy needs a login: use --proxy-user`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a wrong login on CONNECT says the login was refused; the right one downloads', async () => {
    const wrong = await ferry([...fast, '-x', authed.url, '--proxy-user', 'ann:nope', server.url('/f.bin').replace('http:', 'https:')]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('the proxy refused the login of ann');
    const right = await ferry([...fast, '-x', authed.url, '--proxy-user', 'ann', '--proxy-password', 'pw', server.url('/f.bin')]);
    expect(right.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(BODY));
  });

  it('SOCKS5: a destination that refuses, a wrong login, no login: each in words', async () => {
    const closed = await freePort();
    const refused = await ferry([...fast, '-x', socks5.url('socks5'), `http://127.0.0.1:${closed}/f.bin`]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`socks5 proxy 127.0.0.1:${socks5.port}: connection refused by the destination host (127.0.0.1:${closed})`);
    const badLogin = await ferry([...fast, '-x', socks5.url('socks5', false), '--proxy-user', 'u:wrong', server.url('/f.bin')]);
    expect(badLogin.stderr).toContain('the proxy refused the login of u');
    const noLogin = await ferry([...fast, '-x', socks5.url('socks5', false), server.url('/f.bin')]);
    expect(noLogin.stderr).toContain('the proxy needs a login: use --proxy-user');
    for (const r of [refused, badLogin, noLogin]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('SOCKS4 refusal in words', async () => {
    socks4.refuse = true;
    const r = await ferry([...fast, '-x', socks4.url('socks4a'), server.url('/f.bin')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`socks4a proxy 127.0.0.1:${socks4.port}: request rejected or failed`);
  });

  it('FTP through an HTTP proxy that allows CONNECT to port 443 only: the refusal in one line', async () => {
    const strict = await startTinyproxy({ connectPorts: [443] });
    try {
      const r = await ferry([...fast, '--ftp-proxy', strict.url, 'ftp://127.0.0.1:2121/f.bin']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(new RegExp(`http proxy 127\\.0\\.0\\.1:${strict.port}: refused CONNECT 127\\.0\\.0\\.1:2121 \\(HTTP 403[^)]*\\)`));
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await strict.stop();
    }
  });

  it('a proxy that is not running: one line naming the proxy', async () => {
    const port = await freePort();
    const r = await ferry([...fast, '-x', `127.0.0.1:${port}`, server.url('/f.bin')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`http proxy 127.0.0.1:${port}: connection refused`);
  });

  it.each([
    [['-x', 'ftp://p', 'http://h/f'], '-x: unsupported proxy scheme "ftp"'],
    [['--https-proxy', 'http://p:99999', 'http://h/f'], '--https-proxy: not a valid proxy URL'],
    [['--proxy-user', ':pw', 'http://h/f'], '--proxy-user needs a user name before the colon'],
  ])('bad proxy options %j: one clear line, exit 2-ish, no stack', async (args, line) => {
    const r = await ferry(args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(line);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('input-file keys set the proxy per download', async () => {
    const { writeFile } = await import('node:fs/promises');
    const before = (await tiny.requests()).length;
    await writeFile(
      path.join(dir, 'list.txt'),
      `${server.url('/f.bin')}\n  out=a.bin\n  http-proxy=${tiny.url}\n${server.url('/f.bin')}\n  out=b.bin\n  all-proxy=${socks4.url('socks4')}\n`,
    );
    socks4.requests.length = 0;
    const r = await ferry(['-q', '-i', 'list.txt']);
    expect(r.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'a.bin')))).toBe(sha256(BODY));
    expect(sha256(await readFile(path.join(dir, 'b.bin')))).toBe(sha256(BODY));
    expect((await tiny.requests()).length).toBeGreaterThan(before);
    expect(socks4.requests.length).toBeGreaterThanOrEqual(1);
  });
});
