import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/core/options.js';
import { download } from '../../src/index.js';
import { createHttpSource } from '../../src/sources/http/source.js';
import { failure } from '../helpers/assertions.js';
import { type AuthGate, createAuthGate } from '../helpers/http-auth-gate.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { makeTestCertificates } from '../helpers/tls.js';

const KiB = 1024;
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50, maxTries: 3 };

let dir: string;
let gate: AuthGate;
let server: TestServer;
const body = randomBytesSeeded(300 * KiB + 7, 'login');

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-login-'));
  gate = createAuthGate('ann', 'pa:ss wörd');
  server = await startTestServer({ gate: gate.gate, files: { '/f.bin': { body, etag: '"v1"' } } });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const login = { httpUser: 'ann', httpPassword: 'pa:ss wörd' };
const fileHash = async (name: string): Promise<string> => sha256(await readFile(path.join(dir, name)));
const authHeaders = (): (string | undefined)[] => server.stats.requestHeaders.map((h) => h.authorization);

describe('Basic', () => {
  it.each([0, 1, 16 * KiB + 1, 300 * KiB + 7])('%i bytes over 4 connections, every request logged in, no 401', async (size) => {
    server.setFile('/f.bin', { body: body.subarray(0, size), etag: '"v1"' });
    const r = await download(server.url('/basic/f.bin'), { dir, connections: 4, ...fast, ...login }).done;
    expect(r.status).toBe('complete');
    expect(await fileHash('f.bin')).toBe(sha256(body.subarray(0, size)));
    expect(gate.stats.unauthorized).toBe(0);
    expect(authHeaders().every((a) => a === `Basic ${Buffer.from('ann:pa:ss wörd').toString('base64')}`)).toBe(true);
    if (size > 32 * KiB) expect(server.stats.requests).toBeGreaterThan(2);
  });

  it('takes the login from the URL (percent-encoded)', async () => {
    const url = server.url('/basic/f.bin').replace('http://', 'http://ann:pa%3Ass%20w%C3%B6rd@');
    const r = await download(url, { dir, connections: 4, ...fast }).done;
    expect(r.status).toBe('complete');
    expect(await fileHash('f.bin')).toBe(sha256(body));
  });

  it('a wrong password: one clear error after one request, never retried', async () => {
    const e = await failure(download(server.url('/basic/f.bin'), { dir, connections: 4, ...fast, ...login, httpPassword: 'nope' }).done);
    expect(e.code).toBe('HTTP_STATUS');
    expect(e.status).toBe(401);
    expect(e.message).toMatch(/refused the login/);
    expect(e.message).not.toContain('nope');
    expect(server.stats.requests).toBe(1);
  });

  it('no credentials: "the server needs a login" after one request', async () => {
    await writeFile(path.join(dir, 'empty'), '');
    const e = await failure(download(server.url('/basic/f.bin'), { dir, ...fast, netrcPath: path.join(dir, 'none') }).done);
    // An explicit netrc path that does not exist is a usage error; without one, the login line.
    expect(e.code).toBe('USAGE');
    server.resetStats();
    const e2 = await failure(download(server.url('/basic/f.bin'), { dir, ...fast, netrcPath: path.join(dir, 'empty') }).done);
    expect(e2.message).toMatch(/the server needs a login: use --http-user\/--http-passwd or --user/);
    expect(e2.status).toBe(401);
    expect(server.stats.requests).toBe(1);
  });

  it('netrc credentials for the host answer a challenge, then go with every range', async () => {
    const netrc = path.join(dir, 'netrc');
    await writeFile(netrc, 'machine other.example login x password y\nmachine 127.0.0.1 login ann password "pa:ss wörd"\n');
    const r = await download(server.url('/basic/f.bin'), { dir, connections: 4, ...fast, netrcPath: netrc }).done;
    expect(r.status).toBe('complete');
    expect(await fileHash('f.bin')).toBe(sha256(body));
    // Not sent before the server asked; asked once only.
    expect(authHeaders()[0]).toBeUndefined();
    expect(gate.stats.unauthorized).toBe(1);
    expect(
      authHeaders()
        .slice(1)
        .every((a) => a?.startsWith('Basic ')),
    ).toBe(true);
  });
});

describe('Digest', () => {
  it.each([
    ['md5', 0],
    ['md5', 1],
    ['md5-sess', 16 * KiB + 1],
    ['sha-256', 16 * KiB],
    ['sha-256', 300 * KiB + 7],
  ])('%s, %i bytes over 4 connections: one 401, then every range answered with a fresh nc', async (alg, size) => {
    server.setFile('/f.bin', { body: body.subarray(0, size), etag: '"v1"' });
    server.setFaults({ throttleBytesPerSec: 4 * 1024 * KiB });
    const r = await download(server.url(`/digest/${alg}/f.bin`), { dir, connections: 4, ...fast, ...login }).done;
    expect(r.status).toBe('complete');
    expect(await fileHash('f.bin')).toBe(sha256(body.subarray(0, size)));
    expect(gate.stats.rejected).toEqual([]);
    expect(gate.stats.unauthorized).toBe(1);
    expect(new Set(gate.stats.digestUses).size).toBe(gate.stats.digestUses.length);
    expect(gate.stats.authorized).toBe(server.stats.requests - 1);
  });

  it('the Digest uri is the request target exactly, query included', async () => {
    const r = await download(server.url('/digest/md5/f.bin?token=a%20b&x=1'), { dir, out: 'f.bin', connections: 2, ...fast, ...login }).done;
    expect(r.status).toBe('complete');
    expect(gate.stats.rejected).toEqual([]);
    expect(authHeaders().filter((a) => a?.includes('uri="/digest/md5/f.bin?token=a%20b&x=1"')).length).toBe(server.stats.requests - 1);
  });

  it('picks SHA-256 over MD5 and Basic', async () => {
    // From netrc: nothing is sent before the server asks, so the server's choice list decides.
    const netrc = path.join(dir, 'netrc');
    await writeFile(netrc, 'default login ann password "pa:ss wörd"\n');
    const r = await download(server.url('/digest-any/f.bin'), { dir, connections: 2, ...fast, netrcPath: netrc }).done;
    expect(r.status).toBe('complete');
    const digests = authHeaders().filter((a) => a?.startsWith('Digest '));
    expect(digests.length).toBeGreaterThan(0);
    expect(digests.every((a) => a?.includes('algorithm=SHA-256'))).toBe(true);
  });

  it('a stale nonce is renewed without failing, many times over', async () => {
    const source = createHttpSource(server.url('/digest/md5/f.bin'), { ...resolveOptions(login), connections: 2 });
    const signal = new AbortController().signal;
    try {
      const probe = await source.probe(signal, 0, 1);
      const validators = { etag: probe.etag, size: probe.size };
      for (let i = 0; i < 10; i++) {
        gate.expireNonces();
        const start = i * 1000;
        const stream = await source.read({ start, end: start + 1000 }, validators, signal);
        const chunks: Buffer[] = [];
        for await (const c of stream) chunks.push(Buffer.from(c));
        expect(sha256(Buffer.concat(chunks))).toBe(sha256(body.subarray(start, start + 1000)));
      }
      expect(gate.stats.rejected).toEqual([]);
      // One 401 for the probe, one stale per read.
      expect(gate.stats.unauthorized).toBe(11);
    } finally {
      await source.close();
    }
  });

  it('race: 8 reads at once after the nonce expired all get in, 20 times over', async () => {
    const source = createHttpSource(server.url('/digest/sha-256/f.bin'), { ...resolveOptions(login), connections: 8 });
    const signal = new AbortController().signal;
    const readRange = async (start: number, end: number): Promise<string> => {
      const chunks: Buffer[] = [];
      for await (const c of await source.read({ start, end }, { etag: '"v1"', size: body.length }, signal)) chunks.push(Buffer.from(c));
      return sha256(Buffer.concat(chunks));
    };
    try {
      await source.probe(signal, 0, 1);
      for (let round = 0; round < 20; round++) {
        gate.expireNonces();
        const ranges = Array.from({ length: 8 }, (_, i) => [round * 1000 + i * 100, round * 1000 + i * 100 + 100]);
        const hashes = await Promise.all(ranges.map(([a, b]) => readRange(a, b)));
        expect(hashes).toEqual(ranges.map(([a, b]) => sha256(body.subarray(a, b))));
      }
      expect(gate.stats.rejected).toEqual([]);
      expect(new Set(gate.stats.digestUses).size).toBe(gate.stats.digestUses.length);
    } finally {
      await source.close();
    }
  });

  it('a wrong password: one clear error after two requests (challenge, refusal)', async () => {
    const e = await failure(download(server.url('/digest/sha-256/f.bin'), { dir, connections: 4, ...fast, ...login, httpPassword: 'bad' }).done);
    expect(e.message).toMatch(/refused the login/);
    expect(e.status).toBe(401);
    expect(server.stats.requests).toBe(2);
    expect(gate.stats.rejected).toEqual(['response hash']);
  });
});

describe('credentials and cookies stay with their origin', () => {
  let other: TestServer;
  beforeEach(async () => {
    other = await startTestServer({ files: { '/f.bin': { body, etag: '"v1"' } } });
  });
  afterEach(async () => {
    await other.close();
  });

  it.each([
    ['another host (localhost)', (u: string) => u.replace('127.0.0.1', 'localhost')],
    ['another port of the same host', (u: string) => u],
  ])('a redirect to %s gets neither the login nor the Authorization header', async (_name, rewrite) => {
    const target = rewrite(other.url('/f.bin'));
    const cookies = path.join(dir, 'cookies.txt');
    await writeFile(cookies, '127.0.0.1\tFALSE\t/\tFALSE\t0\torigin\tsecret-cookie\n');
    const url = `${server.url('/basic/redirect-to')}?url=${encodeURIComponent(target)}`;
    const r = await download(url, { dir, out: 'f.bin', connections: 4, ...fast, ...login, loadCookies: cookies }).done;
    expect(r.status).toBe('complete');
    expect(await fileHash('f.bin')).toBe(sha256(body));
    // The origin got the login and its cookie.
    expect(server.stats.requestHeaders[0].authorization).toMatch(/^Basic /);
    expect(server.stats.requestHeaders[0].cookie).toBe('origin=secret-cookie');
    expect(other.stats.requests).toBeGreaterThan(1);
    for (const h of other.stats.requestHeaders) expect(h.authorization).toBeUndefined();
    // Cookies follow RFC 6265 (hosts, not ports): another host never gets them.
    if (target.includes('localhost')) for (const h of other.stats.requestHeaders) expect(h.cookie).toBeUndefined();
  });
});

describe('over HTTPS', () => {
  it('Digest SHA-256 and a cookie from a login redirect, 4 connections, byte-exact', async () => {
    const certs = await makeTestCertificates();
    const tlsGate = createAuthGate('ann', 'pw');
    const secure = await startTestServer({ https: certs, gate: tlsGate.gate, files: { '/f.bin': { body, etag: '"s1"' } } });
    try {
      const next = encodeURIComponent('/digest/sha-256/f.bin');
      const r = await download(`${secure.url('/login')}?next=${next}`, {
        dir,
        out: 'f.bin',
        connections: 4,
        ...fast,
        httpUser: 'ann',
        httpPassword: 'pw',
        caCertificate: certs.caFile,
      }).done;
      expect(r.status).toBe('complete');
      expect(await fileHash('f.bin')).toBe(sha256(body));
      expect(tlsGate.stats.rejected).toEqual([]);
      expect(tlsGate.stats.unauthorized).toBe(1);
      for (const h of secure.stats.requestHeaders.slice(1)) expect(h.cookie).toContain(`session=${tlsGate.token}`);
    } finally {
      await secure.close();
    }
  });
});
