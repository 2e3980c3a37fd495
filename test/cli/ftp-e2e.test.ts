/**
 * The `ferry` command against Debian's real vsftpd: anonymous and user logins, FTPS, input files
 * with FTP keys, and SIGKILL followed by a rerun. Fails (never skips) when vsftpd is missing.
 * Needs `npm run build` first (the tests spawn the built CLI, BIN of helpers/cli.ts).
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeControl } from '../../src/disk/control-file.js';
import { runCli } from '../helpers/cli.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { makeTestCertificates } from '../helpers/tls.js';
import { startVsftpd, type Vsftpd, type VsftpdOptions } from '../helpers/vsftpd.js';

const KiB = 1024;
const MTIME = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
const FAST = ['--retry-wait', '0.05', '--timeout', '5', '--connect-timeout', '5'];

let dir: string;
const servers: Vsftpd[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-ftp-cli-'));
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  await rm(dir, { recursive: true, force: true });
});

async function vsftpd(options: VsftpdOptions): Promise<Vsftpd> {
  const server = await startVsftpd({ mtime: MTIME, ...options });
  servers.push(server);
  return server;
}

const hashOf = async (file: string): Promise<string> => sha256(await readFile(path.join(dir, file)));

describe('ferry with FTP (vsftpd)', () => {
  it('anonymous download over 4 connections: byte-exact, mtime from MDTM, REST offsets used', async () => {
    const body = randomBytesSeeded(3 * 1024 * KiB + 1, 'vs1');
    const server = await vsftpd({ files: { 'pub/big.bin': body } });
    const r = await runCli([server.url('pub/big.bin'), '-d', dir, '-n', '4', '--min-split-size', '256k', ...FAST]).exited;
    expect(r.stderr).toMatch(/big\.bin.*3\.0 MiB/);
    expect(r.code).toBe(0);
    expect(await hashOf('big.bin')).toBe(sha256(body));
    expect((await stat(path.join(dir, 'big.bin'))).mtime.toISOString()).toBe(MTIME.toISOString());
    expect(await readdir(dir)).toEqual(['big.bin']);
    const log = await server.log();
    expect(log).toMatch(/"USER anonymous"/);
    expect([...log.matchAll(/"REST (\d+)"/g)].filter((m) => m[1] !== '0').length).toBeGreaterThanOrEqual(3);
    // The same command again: already complete, nothing transferred.
    const again = await runCli([server.url('pub/big.bin'), '-d', dir, '-n', '4', ...FAST]).exited;
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already complete/);
  });

  it('--json events for an FTP download end with the result', async () => {
    const body = randomBytesSeeded(100 * KiB, 'vs2');
    const server = await vsftpd({ files: { 'j.bin': body } });
    const r = await runCli([server.url('j.bin'), '-d', dir, '--json', ...FAST]).exited;
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; status?: string; totalBytes?: number });
    expect(events[0]).toMatchObject({ event: 'start', totalBytes: body.length });
    expect(events.at(-1)).toMatchObject({ event: 'result', status: 'complete', totalBytes: body.length });
    expect(await hashOf('j.bin')).toBe(sha256(body));
  });

  it('a missing file: one line, exit 7', async () => {
    const server = await vsftpd({ files: { 'a.bin': Buffer.from('a') } });
    const r = await runCli([server.url('missing.bin'), '-d', dir, ...FAST]).exited;
    expect(r.code).toBe(7);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^ferry: .*550/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a user login: --ftp-user/--ftp-password, --netrc-file, input-file keys; a wrong password exits 7', async () => {
    const user = { name: 'ferrycli', password: 'p@ss w:rd' };
    const body = randomBytesSeeded(600 * KiB + 7, 'vs3');
    const server = await vsftpd({ files: { 'data/f.bin': body }, localUser: user });
    const url = server.url('data/f.bin');

    const flags = await runCli([url, '-d', dir, '-n', '3', '--min-split-size', '64k', '--ftp-user', user.name, '--ftp-password', user.password, ...FAST])
      .exited;
    expect(flags.code).toBe(0);
    expect(await hashOf('f.bin')).toBe(sha256(body));

    const netrc = path.join(dir, 'netrc');
    await writeFile(netrc, `machine 127.0.0.1\n  login ${user.name}\n  password "${user.password}"\n`, { mode: 0o600 });
    const viaNetrc = await runCli([url, '-d', path.join(dir, 'n'), '--netrc-file', netrc, ...FAST]).exited;
    expect(viaNetrc.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'n', 'f.bin')))).toBe(sha256(body));

    const list = path.join(dir, 'list.txt');
    await writeFile(list, [url, `  ftp-user=${user.name}`, `  ftp-passwd=${user.password}`, '  out=from-list.bin', '  split=2', ''].join('\n'));
    const viaList = await runCli(['-i', list, '-d', path.join(dir, 'l'), '-q', ...FAST]).exited;
    expect(viaList.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'l', 'from-list.bin')))).toBe(sha256(body));

    const wrong = await runCli([url, '-d', path.join(dir, 'w'), '--ftp-user', user.name, '--ftp-password', 'nope', ...FAST]).exited;
    expect(wrong.code).toBe(7);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/login failed for user "ferrycli" \(530/);
    expect(wrong.stderr).not.toContain('nope');
    const log = await server.log();
    expect(log).toMatch(/OK LOGIN/);
    expect(log).toMatch(/FAIL LOGIN/);
  });

  it('FTPS: --ftp-ssl-required with --ca-certificate; plain FTP is refused by the server', async () => {
    const certs = await makeTestCertificates();
    const body = randomBytesSeeded(1024 * KiB + 3, 'vs4');
    const server = await vsftpd({ files: { 's.bin': body }, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
    const r = await runCli([
      server.url('s.bin'),
      '-d',
      dir,
      '-n',
      '3',
      '--min-split-size',
      '128k',
      '--ftp-ssl-required',
      '--ca-certificate',
      certs.caFile,
      ...FAST,
    ]).exited;
    expect(r.code).toBe(0);
    expect(await hashOf('s.bin')).toBe(sha256(body));
    const log = await server.log();
    expect(log).toMatch(/"AUTH TLS"/);
    expect(log).toMatch(/"PROT P"/);

    // Without a trusted CA: a TLS failure, exit 3, one line with a hint.
    const untrusted = await runCli([server.url('s.bin'), '-d', path.join(dir, 'u'), '--ftp-ssl', ...FAST]).exited;
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/TLS/);
    expect(untrusted.stderr.trim().split('\n')).toHaveLength(1);
    // Without TLS the server refuses the login (it forces TLS): an FTP error, exit 7.
    const plain = await runCli([server.url('s.bin'), '-d', path.join(dir, 'p'), ...FAST]).exited;
    expect(plain.code).toBe(7);
  });

  it('SIGKILL at random moments, rerun the same command: byte-exact, and the control file never lies', async () => {
    const body = randomBytesSeeded(8 * 1024 * KiB, 'vs5');
    const server = await vsftpd({ files: { 'k/big.iso': body } });
    const args = [server.url('k/big.iso'), '-d', dir, '-n', '2', '--min-split-size', '64k', '-q', ...FAST];
    let killedWithProgress = 0;
    for (const delay of [1500, 1300, 1700]) {
      // Slow on the client side (vsftpd is not throttled here), so that every kill lands mid-transfer
      // after a checkpoint (about once a second) has recorded some bytes.
      const run = runCli([...args, '--limit-rate', '1M']);
      await new Promise((r) => setTimeout(r, delay));
      run.child.kill('SIGKILL');
      await run.exited;
      const files = await readdir(dir);
      expect(files).not.toContain('big.iso');
      if (!files.includes('big.iso.ferry')) continue;
      const state = decodeControl(await readFile(path.join(dir, 'big.iso.ferry'), 'utf8'), 'control');
      expect(state.size).toBe(body.length);
      expect(state.lastModified).toBe(MTIME.toUTCString());
      const part = await readFile(path.join(dir, 'big.iso.part'));
      for (const r of state.done) expect(sha256(part.subarray(r.start, r.end))).toBe(sha256(body.subarray(r.start, r.end)));
      if (state.done.length > 0) killedWithProgress++;
    }
    expect(killedWithProgress).toBeGreaterThanOrEqual(1);
    const final = await runCli(args.filter((a) => a !== '-q')).exited;
    expect(final.code).toBe(0);
    expect(final.stderr).toMatch(/resuming .*big\.iso \(\d+\.\d [KMG]iB already on disk\)/);
    expect(final.stderr).toMatch(/resumed\)/);
    expect(await hashOf('big.iso')).toBe(sha256(body));
    expect((await readdir(dir)).sort()).toEqual(['big.iso']);
  });

  it('SIGINT stops an FTP download with exit 130; the rerun resumes it', async () => {
    const body = randomBytesSeeded(2 * 1024 * KiB, 'vs6');
    const server = await vsftpd({ files: { 'i.bin': body } });
    const args = [server.url('i.bin'), '-d', dir, '-n', '2', '--min-split-size', '64k', ...FAST];
    const run = runCli([...args, '--limit-rate', '512k']);
    await new Promise((r) => setTimeout(r, 800));
    run.child.kill('SIGINT');
    const stopped = await run.exited;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/run the same command again to resume/);
    const again = await runCli(args).exited;
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/resum/);
    expect(await hashOf('i.bin')).toBe(sha256(body));
  });

  it('a queue of FTPS downloads stopped with SIGINT: the session file keeps the TLS options and resumes', async () => {
    const certs = await makeTestCertificates();
    const a = randomBytesSeeded(1536 * KiB, 'vs7a');
    const b = randomBytesSeeded(1536 * KiB + 1, 'vs7b');
    const server = await vsftpd({ files: { 'q/a.bin': a, 'q/b.bin': b }, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
    const list = path.join(dir, 'list.txt');
    await writeFile(list, `${server.url('q/a.bin')}\n-u ${server.url('q/b.bin')} -n 2\n`);
    const session = path.join(dir, 'session.txt');
    const out = path.join(dir, 'out');
    const first = runCli([
      '-i',
      list,
      '-d',
      out,
      '--save-session',
      session,
      '--ftp-ssl-required',
      '--ca-certificate',
      certs.caFile,
      '--max-overall-download-limit',
      '1M',
      '-q',
      ...FAST,
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(130);
    const saved = await readFile(session, 'utf8');
    expect(saved).toContain(`${server.url('q/a.bin')}\n`);
    expect(saved.match(/^ ftp-ssl-required=true$/gm)).toHaveLength(2);
    expect(saved.match(new RegExp(`^ ca-certificate=${certs.caFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'gm'))).toHaveLength(2);
    expect(saved).toMatch(/^ split=2$/m);

    // The server forces TLS: the rerun works only because the session file kept --ftp-ssl-required.
    const again = await runCli(['-i', session, '--save-session', session, '-q', ...FAST]).exited;
    expect(again.code).toBe(0);
    expect(sha256(await readFile(path.join(out, 'a.bin')))).toBe(sha256(a));
    expect(sha256(await readFile(path.join(out, 'b.bin')))).toBe(sha256(b));
    expect(await readFile(session, 'utf8')).toBe('');
  });
});
