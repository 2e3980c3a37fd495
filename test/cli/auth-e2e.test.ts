import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type AuthGate, createAuthGate } from '../helpers/http-auth-gate.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const run = promisify(execFile);
const KiB = 1024;
const body = randomBytesSeeded(256 * KiB + 1, 'cli-auth');
const SECRET = 'Tr0ub4dor&3';

let dir: string;
let gate: AuthGate;
let server: TestServer;
let emptyNetrc: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-cli-auth-'));
  gate = createAuthGate('ann', SECRET);
  server = await startTestServer({ gate: gate.gate, files: { '/f.bin': { body, etag: '"a1"' } } });
  // Never the machine's own ~/.netrc.
  emptyNetrc = path.join(dir, 'netrc');
  await writeFile(emptyNetrc, '');
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const common = (): string[] => ['-d', dir, '-n', '4', '--min-split-size', '16k', '--retry-wait', '0.01', '--netrc-file', emptyNetrc];
const oneLine = (stderr: string): void => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
};

describe('ferry logins', () => {
  it.each([
    ['--user', ['--user', `ann:${SECRET}`]],
    ['--http-user/--http-passwd', ['--http-user', 'ann', '--http-passwd', SECRET]],
  ])('%s: a Digest SHA-256 download over 4 connections, byte-exact', async (_name, flags) => {
    const r = await runCli([server.url('/digest/sha-256/f.bin'), ...common(), ...flags]).exited;
    expect(r.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(body));
    expect(gate.stats.rejected).toEqual([]);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('a wrong password: one line, exit 4, the password never shown, two requests at most', async () => {
    const r = await runCli([server.url('/digest/md5/f.bin'), ...common(), '--user', 'ann:wrong-pass', '--max-tries', '5']).exited;
    expect(r.code).toBe(4);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^ferry: 127\.0\.0\.1:\d+: the server refused the login/);
    expect(r.stderr).not.toContain('wrong-pass');
    expect(server.stats.requests).toBeLessThanOrEqual(2);
  });

  it('no login at all: "the server needs a login", exit 4, one request', async () => {
    const r = await runCli([server.url('/basic/f.bin'), ...common(), '--max-tries', '5']).exited;
    expect(r.code).toBe(4);
    oneLine(r.stderr);
    expect(r.stderr).toContain('the server needs a login: use --http-user/--http-passwd or --user');
    expect(server.stats.requests).toBe(1);
  });

  it('a password with a line break is refused without echoing it', async () => {
    const r = await runCli([server.url('/basic/f.bin'), '--http-passwd', `${SECRET}\nx`]).exited;
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('input-file keys http-user, http-passwd and referer are honoured, not warned about', async () => {
    const list = path.join(dir, 'list.txt');
    await writeFile(list, `${server.url('/basic/f.bin')}\n  http-user=ann\n  http-passwd=${SECRET}\n  referer=http://ref.example/\n`);
    const r = await runCli(['-i', list, ...common()]).exited;
    expect(r.stderr).not.toMatch(/unknown option/);
    expect(r.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(body));
    expect(server.stats.requestHeaders.every((h) => h.referer === 'http://ref.example/')).toBe(true);
  });
});

describe('ferry cookies', () => {
  const loginUrl = (next: string): string => `${server.url('/login')}?next=${encodeURIComponent(next)}`;

  it('--save-cookies after a login redirect: 0600, and curl -b FILE gets in with it', async () => {
    const jar = path.join(dir, 'jar.txt');
    const r = await runCli([loginUrl('/cookie/f.bin'), ...common(), '-o', 'f.bin', '--save-cookies', jar]).exited;
    expect(r.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(body));
    expect((await stat(jar)).mode & 0o777).toBe(0o600);
    const { stdout } = await run('curl', ['-sS', '-f', '-b', jar, '-o', '-', server.url('/cookie/f.bin')], { encoding: 'buffer', maxBuffer: 1 << 24 });
    expect(sha256(stdout)).toBe(sha256(body));
  });

  it('--load-cookies reads what curl -c wrote', async () => {
    const jar = path.join(dir, 'curl-jar.txt');
    await run('curl', ['-sS', '-c', jar, '-o', '/dev/null', loginUrl('/')]);
    const r = await runCli([server.url('/cookie/f.bin'), ...common(), '--load-cookies', jar]).exited;
    expect(r.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(body));
  });

  it('without the cookie the same URL is refused', async () => {
    const r = await runCli([server.url('/cookie/f.bin'), ...common()]).exited;
    expect(r.code).toBe(4);
    oneLine(r.stderr);
  });
});
