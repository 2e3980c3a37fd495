/**
 * FTP and FTPS through proxies: the control connection and every passive data connection are
 * tunnelled (HTTP CONNECT through tinyproxy, SOCKS5h through microsocks, SOCKS4a through our
 * server), several connections per file, byte-exact.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DownloadOptions, download } from '../../src/index.js';
import { startFtpServer, type TestFtpServer } from '../helpers/ftp-server.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { type ProxySet, startProxySet } from '../helpers/proxy-set.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/tls.js';

const KiB = 1024;
const BODY = randomBytesSeeded(200 * KiB + 3, 'proxy-ftp');
const MTIME = new Date(Date.UTC(2024, 1, 2, 3, 4, 5));
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50, timeoutMs: 10_000, connectTimeoutMs: 10_000, connections: 4 };

let certs: TestCertificates;
let ftp: TestFtpServer;
let px: ProxySet;
let dir: string;

beforeAll(async () => {
  certs = await makeTestCertificates();
  ftp = await startFtpServer({ files: { '/pub/f.bin': { body: BODY, mtime: MTIME }, '/pub/one.bin': { body: Buffer.from('1'), mtime: MTIME } } });
  px = await startProxySet(certs, { user: 'u', password: 'p' });
});
afterAll(async () => {
  await Promise.all([ftp?.close(), px?.close()]);
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-proxy-ftp-'));
  ftp.switches.tls = 'none';
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function get(url: string, options: Partial<DownloadOptions>, name = 'f.bin'): Promise<{ hash: string; debug: string[] }> {
  const debug: string[] = [];
  const r = await download(url, { dir, caCertificate: certs.caFile, ...fast, ...options }, { debug: (l) => debug.push(l) }).done;
  expect(r.status).toBe('complete');
  return { hash: sha256(await readFile(path.join(dir, name))), debug };
}

/** The ports of `targets` (`host:port` strings) other than the control port. */
const dataPorts = (targets: string[]): string[] => targets.filter((t) => t !== `127.0.0.1:${ftp.port}`);

describe('ftp through proxies', () => {
  it('through an HTTP proxy: CONNECT for the control and every data connection', async () => {
    const before = (await px.tiny.requests()).length;
    const { hash, debug } = await get(ftp.url('/pub/f.bin'), { ftpProxy: px.tiny.url });
    expect(hash).toBe(sha256(BODY));
    const connects = (await px.tiny.requests())
      .slice(before)
      .filter((l) => l.startsWith('CONNECT '))
      .map((l) => l.slice(8));
    expect(connects.filter((t) => t === `127.0.0.1:${ftp.port}`).length).toBeGreaterThanOrEqual(2);
    expect(dataPorts(connects).length).toBeGreaterThanOrEqual(4);
    expect(debug.some((l) => l.includes(`new data connection via http proxy 127.0.0.1:${px.tiny.port} (CONNECT)`))).toBe(true);
  });

  it('through an HTTPS proxy (TLS to the proxy)', async () => {
    const before = px.front.connections;
    const { hash } = await get(ftp.url('/pub/f.bin'), { allProxy: px.front.url });
    expect(hash).toBe(sha256(BODY));
    expect(px.front.connections - before).toBeGreaterThanOrEqual(4);
  });

  it('through socks5h with a login', async () => {
    const before = px.socks5.connections().length;
    const { hash } = await get(ftp.url('/pub/f.bin'), { allProxy: px.socks5.url('socks5h') });
    expect(hash).toBe(sha256(BODY));
    const seen = px.socks5.connections().slice(before);
    expect(seen.filter((t) => t === `127.0.0.1:${ftp.port}`).length).toBeGreaterThanOrEqual(2);
    expect(dataPorts(seen).length).toBeGreaterThanOrEqual(4);
  });

  it('through socks4a, by name', async () => {
    px.socks4.requests.length = 0;
    const { hash } = await get(ftp.url('/pub/f.bin').replace('127.0.0.1', 'localhost'), { allProxy: px.socks4.url('socks4a') });
    expect(hash).toBe(sha256(BODY));
    expect(px.socks4.requests.every((r) => r.version === '4a' && r.host === 'localhost')).toBe(true);
    expect(px.socks4.requests.filter((r) => r.port !== ftp.port).length).toBeGreaterThanOrEqual(4);
  });

  it.each(['explicit', 'implicit'] as const)('FTPS (%s TLS) through socks5, TLS end to end in the tunnel', async (mode) => {
    ftp.switches.tls = mode;
    const before = px.socks5.connections().length;
    const url = ftp.url('/pub/f.bin', { scheme: mode === 'implicit' ? 'ftps' : 'ftp' });
    const { hash } = await get(url, { allProxy: px.socks5.url('socks5'), ftpSslRequired: mode === 'explicit' });
    expect(hash).toBe(sha256(BODY));
    expect(dataPorts(px.socks5.connections().slice(before)).length).toBeGreaterThanOrEqual(4);
  });

  it('a 1-byte file through the HTTP proxy', async () => {
    const before = (await px.tiny.requests()).length;
    const { hash } = await get(ftp.url('/pub/one.bin'), { ftpProxy: px.tiny.url }, 'one.bin');
    expect(hash).toBe(sha256(Buffer.from('1')));
    expect((await px.tiny.requests()).slice(before).filter((l) => l.startsWith('CONNECT ')).length).toBeGreaterThanOrEqual(2);
  });
});
