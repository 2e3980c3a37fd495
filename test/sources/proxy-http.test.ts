/**
 * HTTP and HTTPS downloads through every proxy kind (tinyproxy for HTTP, a TLS front on it for
 * an HTTPS proxy, microsocks for SOCKS5/5h, our SOCKS4/4a server), several connections each,
 * byte-exact; the proxy's own log proves the traffic went through it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type DownloadOptions, download } from '../../src/index.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { type ProxySet, startProxySet } from '../helpers/proxy-set.js';
import { startTinyproxy } from '../helpers/tinyproxy.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/tls.js';

const KiB = 1024;
const BODY = randomBytesSeeded(300 * KiB + 7, 'proxy-http');
const LOGIN = { user: 'ann', password: 'pa:ss w@rd' };
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50, timeoutMs: 10_000, connectTimeoutMs: 10_000, connections: 4 };

let certs: TestCertificates;
let plain: TestServer;
let secure: TestServer;
let px: ProxySet;
let dir: string;

beforeAll(async () => {
  certs = await makeTestCertificates();
  const files = { '/f.bin': { body: BODY, etag: '"v1"' }, '/one.bin': { body: Buffer.from('x') }, '/empty.bin': { body: Buffer.alloc(0) } };
  plain = await startTestServer({ files });
  secure = await startTestServer({ files, https: certs });
  px = await startProxySet(certs, LOGIN);
});
afterAll(async () => {
  await Promise.all([plain?.close(), secure?.close(), px?.close()]);
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-proxy-http-'));
  plain.resetStats();
  secure.resetStats();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fetchVia(
  url: string,
  options: Partial<DownloadOptions>,
  env?: Record<string, string>,
  name = 'f.bin',
): Promise<{ hash: string; debug: string[] }> {
  const debug: string[] = [];
  const r = await download(url, { dir, caCertificate: certs.caFile, ...fast, ...options }, { env, debug: (l) => debug.push(l) }).done;
  expect(r.status).toBe('complete');
  return { hash: sha256(await readFile(path.join(dir, name))), debug };
}

const origin = (scheme: 'http' | 'https'): TestServer => (scheme === 'http' ? plain : secure);

describe.each(['http', 'https'] as const)('%s URLs', (scheme) => {
  it('through an HTTP proxy (tinyproxy): forwarded or tunnelled, byte-exact over 4 connections', async () => {
    const before = (await px.tiny.requests()).length;
    const { hash, debug } = await fetchVia(origin(scheme).url('/f.bin'), { allProxy: px.tiny.url });
    expect(hash).toBe(sha256(BODY));
    const seen = (await px.tiny.requests()).slice(before);
    const port = new URL(origin(scheme).origin).port;
    if (scheme === 'http') expect(seen.filter((l) => l === `GET http://127.0.0.1:${port}/f.bin`).length).toBeGreaterThanOrEqual(2);
    else expect(seen.filter((l) => l === `CONNECT 127.0.0.1:${port}`).length).toBeGreaterThanOrEqual(2);
    expect(debug.some((l) => l.includes(`via http proxy 127.0.0.1:${px.tiny.port} (${scheme === 'http' ? 'forward' : 'CONNECT'})`))).toBe(true);
    expect(origin(scheme).stats.requestHeaders.every((h) => h['proxy-authorization'] === undefined)).toBe(true);
  });

  it('through an HTTPS proxy (TLS to the proxy), byte-exact over 4 connections', async () => {
    const before = (await px.tiny.requests()).length;
    const connections = px.front.connections;
    const { hash } = await fetchVia(origin(scheme).url('/f.bin'), { allProxy: px.front.url });
    expect(hash).toBe(sha256(BODY));
    expect(px.front.connections - connections).toBeGreaterThanOrEqual(2);
    expect((await px.tiny.requests()).length - before).toBeGreaterThanOrEqual(2);
  });

  it.each(['socks5', 'socks5h'] as const)('through %s (microsocks, with a login), byte-exact over 4 connections', async (kind) => {
    const before = px.socks5.connections().length;
    const { hash, debug } = await fetchVia(origin(scheme).url('/f.bin'), { allProxy: px.socks5.url(kind) });
    expect(hash).toBe(sha256(BODY));
    const port = new URL(origin(scheme).origin).port;
    expect(
      px.socks5
        .connections()
        .slice(before)
        .filter((c) => c === `127.0.0.1:${port}`).length,
    ).toBeGreaterThanOrEqual(2);
    expect(debug.some((l) => l.includes(`via ${kind} proxy 127.0.0.1:${px.socks5.port} as ann (${kind.toUpperCase()})`))).toBe(true);
    expect(debug.join('\n')).not.toContain(LOGIN.password);
  });

  it.each(['socks4', 'socks4a'] as const)('through %s, byte-exact over 4 connections; 4a sends the name', async (kind) => {
    px.socks4.requests.length = 0;
    const url = origin(scheme).url('/f.bin').replace('127.0.0.1', 'localhost');
    const { hash } = await fetchVia(url, { allProxy: px.socks4.url(kind), proxyUser: 'bob' });
    expect(hash).toBe(sha256(BODY));
    expect(px.socks4.requests.length).toBeGreaterThanOrEqual(2);
    for (const r of px.socks4.requests) {
      expect(r.version).toBe(kind === 'socks4a' ? '4a' : '4');
      expect(r.host).toBe(kind === 'socks4a' ? 'localhost' : '127.0.0.1');
      expect(r.user).toBe('bob');
    }
  });

  it.each([
    ['one.bin', 1],
    ['empty.bin', 0],
  ])('%s (%i bytes) through socks5h', async (name, size) => {
    const before = px.socks5.connections().length;
    const { hash } = await fetchVia(origin(scheme).url(`/${name}`), { allProxy: px.socks5.url('socks5h') }, undefined, name);
    expect(hash).toBe(sha256(size === 1 ? Buffer.from('x') : Buffer.alloc(0)));
    expect(px.socks5.connections().length).toBeGreaterThan(before);
  });
});

describe('HTTPS through a tunnel to an IP address', () => {
  it('checks the certificate against that address (one that names only 127.0.0.1 is accepted)', async () => {
    const ipOnly = await startTestServer({ files: { '/f.bin': { body: BODY } }, https: { certPem: certs.ipOnlyCertPem, keyPem: certs.keyPem } });
    try {
      const { hash } = await fetchVia(ipOnly.url('/f.bin'), { allProxy: px.tiny.url });
      expect(hash).toBe(sha256(BODY));
    } finally {
      await ipOnly.close();
    }
  });
});

describe('keep-alive, the environment, no_proxy, per download', () => {
  it('keeps connections alive through a CONNECT tunnel: 6 files one after another, one tunnel', async () => {
    const before = (await px.tiny.requests()).length;
    const port = new URL(secure.origin).port;
    const engine = createEngine({ dir, ...fast, connections: 1, caCertificate: certs.caFile, maxActive: 1 }, { env: { https_proxy: px.tiny.url } });
    try {
      for (let i = 0; i < 6; i++) engine.add(secure.url('/one.bin'), { out: `one-${i}.bin` });
      await engine.whenIdle();
      expect(engine.list().every((d) => d.state === 'complete')).toBe(true);
    } finally {
      await engine.close();
    }
    for (let i = 0; i < 6; i++) expect(sha256(await readFile(path.join(dir, `one-${i}.bin`)))).toBe(sha256(Buffer.from('x')));
    const tunnels = (await px.tiny.requests()).slice(before).filter((l) => l === `CONNECT 127.0.0.1:${port}`);
    expect(secure.stats.requests).toBeGreaterThanOrEqual(6);
    expect(tunnels.length).toBe(secure.stats.connections);
    expect(tunnels.length).toBeLessThan(secure.stats.requests);
  });

  it('reads http_proxy from the env dependency; HTTP_PROXY (upper case) is ignored', async () => {
    let before = (await px.tiny.requests()).length;
    await fetchVia(plain.url('/f.bin'), {}, { http_proxy: px.tiny.url });
    expect((await px.tiny.requests()).length).toBeGreaterThan(before);
    await rm(path.join(dir, 'f.bin'));
    before = (await px.tiny.requests()).length;
    const { hash } = await fetchVia(plain.url('/f.bin'), {}, { HTTP_PROXY: px.tiny.url });
    expect(hash).toBe(sha256(BODY));
    expect((await px.tiny.requests()).length).toBe(before);
  });

  it('no_proxy hosts go direct (the proxy log shows none of their requests); --no-proxy replaces it', async () => {
    const before = (await px.tiny.requests()).length;
    const { debug } = await fetchVia(plain.url('/f.bin'), {}, { all_proxy: px.tiny.url, no_proxy: 'example.com, 127.0.0.0/8' });
    expect((await px.tiny.requests()).length).toBe(before);
    expect(debug.every((l) => l.endsWith('new connection direct'))).toBe(true);
    await rm(path.join(dir, 'f.bin'));
    await fetchVia(plain.url('/f.bin'), { noProxy: 'example.com' }, { all_proxy: px.tiny.url, no_proxy: '127.0.0.1' });
    expect((await px.tiny.requests()).length).toBeGreaterThan(before);
  });

  it('an explicit option beats the environment, per download in one queue', async () => {
    px.socks4.requests.length = 0;
    const beforeTiny = (await px.tiny.requests()).length;
    const engine = createEngine({ dir, ...fast }, { env: { http_proxy: px.tiny.url } });
    try {
      engine.add(plain.url('/f.bin'), { out: 'env.bin' });
      engine.add(plain.url('/f.bin'), { out: 'opt.bin', httpProxy: px.socks4.url('socks4') });
      await engine.whenIdle();
    } finally {
      await engine.close();
    }
    expect(sha256(await readFile(path.join(dir, 'env.bin')))).toBe(sha256(BODY));
    expect(sha256(await readFile(path.join(dir, 'opt.bin')))).toBe(sha256(BODY));
    expect(px.socks4.requests.length).toBeGreaterThanOrEqual(1);
    expect((await px.tiny.requests()).length).toBeGreaterThan(beforeTiny);
  });

  it('sends the proxy login to the proxy only: a forwarded request carries it, the origin never sees it through a tunnel', async () => {
    const authed = await startTinyproxy({ basicAuth: { user: 'ann', password: 'pw' } });
    try {
      const { hash } = await fetchVia(plain.url('/f.bin'), { httpProxy: authed.url, proxyUser: 'ann', proxyPassword: 'pw' });
      expect(hash).toBe(sha256(BODY));
      expect((await authed.requests()).filter((l) => l.startsWith('GET http://')).length).toBeGreaterThanOrEqual(2);
      // tinyproxy strips Proxy-Authorization before forwarding; the origin sees none.
      expect(plain.stats.requestHeaders.every((h) => h['proxy-authorization'] === undefined)).toBe(true);
      await rm(path.join(dir, 'f.bin'));
      const tunnelled = await fetchVia(secure.url('/f.bin'), { httpsProxy: authed.url.replace('http://', 'http://ann:pw@') });
      expect(tunnelled.hash).toBe(sha256(BODY));
      expect((await authed.requests()).filter((l) => l.startsWith('CONNECT ')).length).toBeGreaterThanOrEqual(2);
      expect(secure.stats.requestHeaders.every((h) => h['proxy-authorization'] === undefined)).toBe(true);
    } finally {
      await authed.stop();
    }
  });
});

describe('stopping while tunnels are being dialled', () => {
  it.each(['socks5h', 'http'] as const)('stop at any moment through %s, then resume: byte-exact, 12 rounds', async (kind) => {
    secure.setFaults({ throttleBytesPerSec: 1024 * KiB });
    try {
      const proxy = kind === 'http' ? px.tiny.url : px.socks5.url('socks5h');
      for (let round = 0; round < 12; round++) {
        const h = download(secure.url('/f.bin'), { dir, caCertificate: certs.caFile, ...fast, out: `r${round}.bin`, allProxy: proxy });
        // From before the first tunnel is up to well into the transfer.
        await new Promise((r) => setTimeout(r, (round * 7) % 60));
        await h.stop();
        const again = await download(secure.url('/f.bin'), { dir, caCertificate: certs.caFile, ...fast, out: `r${round}.bin`, allProxy: proxy }).done;
        expect(again.status).toBe('complete');
        expect(sha256(await readFile(path.join(dir, `r${round}.bin`)))).toBe(sha256(BODY));
      }
    } finally {
      secure.setFaults({ throttleBytesPerSec: undefined });
    }
  });
});
