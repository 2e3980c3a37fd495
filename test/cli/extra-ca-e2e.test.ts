/**
 * NODE_EXTRA_CA_CERTS through the installed command (dist/cli/ferry), which hands the file to ferry
 * instead of letting Node parse it at start: the same downloads must be trusted, and refused, as
 * when Node loads the file itself (`node dist/cli/ferry.cjs`). HTTPS, FTPS (control and data
 * connections) and the daemon, against loopback servers with a certificate from a private CA.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startFerryDaemon, until } from '../daemon/ferry-daemon.js';
import { BIN, COMMAND } from '../helpers/cli.js';
import { startFtpServer, type TestFtpServer } from '../helpers/ftp-server.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/tls.js';

const BODY = randomBytesSeeded(300 * 1024 + 7, 'extra-ca');
const FAST = ['-q', '--retry-wait', '10ms', '--max-tries', '1', '-n', '3', '--min-split-size', '64k'];

let certs: TestCertificates;
let https: TestServer;
let ftp: TestFtpServer;
let dir: string;
/** A CA that signed nothing the servers show. */
let otherCa: string;

beforeAll(async () => {
  certs = await makeTestCertificates();
  https = await startTestServer({ https: { certPem: certs.certPem, keyPem: certs.keyPem }, files: { '/f.bin': { body: BODY } } });
  ftp = await startFtpServer({ files: { '/f.bin': { body: BODY, mtime: new Date(0) } }, switches: { tls: 'explicit' } });
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-extra-ca-'));
  otherCa = path.join(dir, 'other-ca.pem');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    path.join(dir, 'other.key'),
    '-out',
    otherCa,
    '-days',
    '30',
    '-subj',
    '/CN=other CA',
  ]);
});
afterAll(async () => {
  await Promise.all([https?.close(), ftp?.close()]);
  await rm(dir, { recursive: true, force: true });
});

/** The two ways to start ferry: the installed command, and Node on its launcher. */
const STARTS = [
  ['the command', (args: string[]) => [COMMAND, args] as const],
  ['node on the launcher', (args: string[]) => [process.execPath, [BIN, ...args]] as const],
] as const;

/** Run ferry with exactly `env` (plus PATH) as its environment. */
function ferry(start: (typeof STARTS)[number][1], args: string[], env: Record<string, string>) {
  const [file, argv] = start(args);
  const child = spawn(file, argv, { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.resume();
  return new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

let runs = 0;
async function fetchInto(start: (typeof STARTS)[number][1], url: string, env: Record<string, string>, extra: string[] = []) {
  const out = `out-${runs++}.bin`;
  const r = await ferry(start, [url, '-o', out, ...FAST, ...extra], env);
  const body = r.code === 0 ? await readFile(path.join(dir, out)) : undefined;
  return { ...r, sha: body === undefined ? undefined : sha256(body) };
}

describe.each(STARTS)('NODE_EXTRA_CA_CERTS, %s', (_name, start) => {
  it('HTTPS: trusted with the CA in NODE_EXTRA_CA_CERTS, refused without it', { timeout: 30_000 }, async () => {
    const trusted = await fetchInto(start, https.url('/f.bin'), { NODE_EXTRA_CA_CERTS: certs.caFile });
    expect(trusted).toMatchObject({ code: 0, stderr: '', sha: sha256(BODY) });
    const refused = await fetchInto(start, https.url('/f.bin'), {});
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/certificate/i);
  });

  it('HTTPS: --ca-certificate replaces the extra certificates (as an explicit CA list does in Node)', { timeout: 30_000 }, async () => {
    const other = await fetchInto(start, https.url('/f.bin'), { NODE_EXTRA_CA_CERTS: certs.caFile }, ['--ca-certificate', otherCa]);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/certificate/i);
    const own = await fetchInto(start, https.url('/f.bin'), { NODE_EXTRA_CA_CERTS: otherCa }, ['--ca-certificate', certs.caFile]);
    expect(own).toMatchObject({ code: 0, sha: sha256(BODY) });
  });

  it('FTPS: control and data connections trust the extra CA', { timeout: 30_000 }, async () => {
    const before = ftp.stats.dataCiphers.length;
    const trusted = await fetchInto(start, ftp.url('/f.bin'), { NODE_EXTRA_CA_CERTS: certs.caFile }, ['--ftp-ssl-required']);
    expect(trusted).toMatchObject({ code: 0, stderr: '', sha: sha256(BODY) });
    expect(ftp.stats.dataCiphers.length).toBeGreaterThan(before);
    const refused = await fetchInto(start, ftp.url('/f.bin'), {}, ['--ftp-ssl-required']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/certificate/i);
  });

  it('a file that cannot be read: a warning naming it, and only the default roots', { timeout: 30_000 }, async () => {
    const missing = path.join(dir, 'no-such-ca.pem');
    const r = await fetchInto(start, https.url('/f.bin'), { NODE_EXTRA_CA_CERTS: missing });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toMatch(/certificate/i);
  });
});

describe('the command hands NODE_EXTRA_CA_CERTS on', () => {
  it('Node starts without it and with the start flags; ferry gets the file', { timeout: 30_000 }, async () => {
    const seen = path.join(dir, 'seen.json');
    const preload = path.join(dir, 'seen.cjs');
    await (await import('node:fs/promises')).writeFile(
      preload,
      `require('node:fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ execArgv: process.execArgv, node: process.env.NODE_EXTRA_CA_CERTS ?? null, ferry: process.env.FERRY_EXTRA_CA_CERTS ?? null }));`,
    );
    const r = await ferry(STARTS[0][1], ['--version'], { NODE_EXTRA_CA_CERTS: certs.caFile, NODE_OPTIONS: `--require ${preload}` });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const got = JSON.parse(await readFile(seen, 'utf8')) as { execArgv: string[]; node: string | null; ferry: string | null };
    expect(got).toEqual({ execArgv: ['--max-semi-space-size=2'], node: null, ferry: certs.caFile });
  });

  it('the daemon started by the command trusts the extra CA', { timeout: 60_000 }, async () => {
    const d = await startFerryDaemon({ env: { NODE_EXTRA_CA_CERTS: certs.caFile } });
    try {
      const gid = await call<string>(d, 'aria2.addUri', [https.url('/f.bin')], { out: 'd.bin', split: '2', 'min-split-size': '1M' });
      let status: { status: string; errorMessage?: string } = { status: '' };
      await until(
        async () => {
          status = await call(d, 'aria2.tellStatus', gid, ['status', 'errorMessage']);
          return status.status === 'complete' || status.status === 'error';
        },
        30_000,
        'the download ended',
      );
      expect(status).toEqual({ status: 'complete' });
      expect(sha256(await readFile(path.join(d.dir, 'd.bin')))).toBe(sha256(BODY));
    } finally {
      await d.stop();
    }
  });
});
