import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCookieFile } from '../../src/core/cookie-file.js';
import { resolveOptions } from '../../src/core/options.js';
import { createSharedSourceFactory } from '../../src/engine/source-factory.js';
import { createEngine, download, type Engine } from '../../src/index.js';
import { createHttpCookies } from '../../src/sources/http/cookies.js';
import { type AuthGate, createAuthGate } from '../helpers/http-auth-gate.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const run = promisify(execFile);
const KiB = 1024;
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50, maxTries: 2 };
const body = randomBytesSeeded(200 * KiB + 3, 'cookies');

let dir: string;
let gate: AuthGate;
let server: TestServer;
let engine: Engine | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-cookies-'));
  gate = createAuthGate('ann', 'pw');
  server = await startTestServer({ gate: gate.gate, files: { '/f.bin': { body, etag: '"c1"' }, '/g.bin': { body: body.subarray(0, 1), etag: '"c2"' } } });
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const loginUrl = (next: string): string => `${server.url('/login')}?next=${encodeURIComponent(next)}`;
const cookieHeaders = (): (string | undefined)[] => server.stats.requestHeaders.map((h) => h.cookie);

describe('cookies set by responses', () => {
  it('a login redirect that sets a cookie: every range request of the target carries it', async () => {
    const r = await download(loginUrl('/cookie/f.bin'), { dir, out: 'f.bin', connections: 4, ...fast }).done;
    expect(r.status).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(body));
    expect(server.stats.requests).toBeGreaterThan(2);
    // The first request (to /login) had no cookie; every later one had both.
    expect(cookieHeaders()[0]).toBeUndefined();
    for (const c of cookieHeaders().slice(1)) expect(c).toBe(`session=${gate.token}; visited=yes`);
  });

  it('without the cookie the gated path is refused (the gate is real)', async () => {
    await expect(download(server.url('/cookie/f.bin'), { dir, ...fast }).done).rejects.toMatchObject({ code: 'HTTP_STATUS', status: 403 });
  });

  it('the downloads of one engine share the jar', async () => {
    engine = createEngine({ dir, connections: 2, ...fast });
    engine.add(loginUrl('/cookie/g.bin'), { out: 'g.bin' });
    await engine.whenIdle();
    const second = engine.add(server.url('/cookie/f.bin'));
    await engine.whenIdle();
    expect(engine.get(second)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(body));
  });

  it('the same cookie names of two sites stay apart (RFC 6265 domain rules)', async () => {
    const jar = createHttpCookies();
    await jar.store('http://a.example/x', ['id=1; Path=/', 'wide=w; Domain=a.example']);
    await jar.store('http://b.example/', ['id=2']);
    await jar.store('https://a.example/', ['s=1; Secure']);
    expect(await jar.header('http://a.example/y')).toBe('id=1; wide=w');
    expect(await jar.header('http://sub.a.example/')).toBe('wide=w');
    expect(await jar.header('http://b.example/')).toBe('id=2');
    expect(await jar.header('https://a.example/')).toContain('s=1');
    expect(await jar.header('http://c.example/')).toBeUndefined();
  });
});

describe('cookie files', () => {
  it('--save-cookies writes a 0600 Netscape file that curl -b reads', async () => {
    const file = path.join(dir, 'saved.txt');
    const r = await download(loginUrl('/cookie/f.bin'), { dir, out: 'f.bin', connections: 2, ...fast, saveCookies: file }).done;
    expect(r.status).toBe('complete');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = parseCookieFile(await readFile(file, 'utf8'));
    expect(saved.badLines).toEqual([]);
    expect(saved.cookies.map((c) => `${c.name}=${c.value}`).sort()).toEqual([`session=${gate.token}`, 'visited=yes']);
    expect(saved.cookies.find((c) => c.name === 'session')).toMatchObject({ httpOnly: true, expires: 0, domain: '127.0.0.1' });
    const { stdout } = await run('curl', ['-sS', '-f', '-b', file, '-o', '-', server.url('/cookie/g.bin')], { encoding: 'buffer' });
    expect(sha256(stdout)).toBe(sha256(body.subarray(0, 1)));
  });

  it('race: sources of one engine closing at once all save to one file, 20 times over', async () => {
    const file = path.join(dir, 'shared.txt');
    const factory = createSharedSourceFactory();
    const options = resolveOptions({ ...fast, saveCookies: file });
    const signal = new AbortController().signal;
    try {
      // One source logs in; the jar is shared, so every source's save holds its cookies.
      const first = factory.createSource(loginUrl('/cookie/g.bin'), options);
      await first.probe(signal);
      await first.close();
      for (let round = 0; round < 20; round++) {
        const sources = Array.from({ length: 6 }, () => factory.createSource(server.url('/g.bin'), options));
        await Promise.all(sources.map((s) => s.close()));
        const saved = parseCookieFile(await readFile(file, 'utf8'));
        expect(saved.cookies.map((c) => c.name).sort()).toEqual(['session', 'visited']);
        expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
      }
    } finally {
      factory.close();
    }
  });

  it('a file written by curl -c is loaded by --load-cookies', async () => {
    const file = path.join(dir, 'curl.txt');
    await run('curl', ['-sS', '-c', file, '-o', '/dev/null', loginUrl('/')]);
    expect(await readFile(file, 'utf8')).toContain('#HttpOnly_127.0.0.1');
    const r = await download(server.url('/cookie/f.bin'), { dir, connections: 4, ...fast, loadCookies: file }).done;
    expect(r.status).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(body));
  });

  it('an expired cookie in a loaded file is not sent', async () => {
    const file = path.join(dir, 'old.txt');
    await writeFile(file, `127.0.0.1\tFALSE\t/\tFALSE\t1000\tsession\t${gate.token}\n127.0.0.1\tFALSE\t/\tFALSE\t0\tkept\t1\n`);
    await expect(download(server.url('/cookie/f.bin'), { dir, ...fast, loadCookies: file }).done).rejects.toMatchObject({ status: 403 });
    expect(cookieHeaders()[0]).toBe('kept=1');
  });

  it('a --save-cookies file that cannot be written is one clear usage error, before any request', async () => {
    const file = path.join(dir, 'no-such-dir', 'c.txt');
    await expect(download(server.url('/f.bin'), { dir, ...fast, saveCookies: file }).done).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/cannot write the cookie file .*no-such-dir/),
    });
    expect(server.stats.requests).toBe(0);
  });

  it('a cookie file that cannot be read is one clear usage error', async () => {
    await expect(download(server.url('/f.bin'), { dir, ...fast, loadCookies: path.join(dir, 'missing.txt') }).done).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/cannot read the cookie file .*missing\.txt/),
    });
  });
});

describe('--referer', () => {
  it('a URL: sent with every request', async () => {
    const r = await download(server.url('/redirect/2/f.bin'), { dir, connections: 4, ...fast, referer: 'http://ref.example/page' }).done;
    expect(r.status).toBe('complete');
    expect(server.stats.requestHeaders.every((h) => h.referer === 'http://ref.example/page')).toBe(true);
  });

  it("'*': the URL itself first, then each hop the URL it came from; never the userinfo", async () => {
    const start = server.url('/redirect/2/f.bin').replace('http://', 'http://u:secret@');
    const r = await download(start, { dir, connections: 4, ...fast, referer: '*' }).done;
    expect(r.status).toBe('complete');
    const refs = server.stats.requestHeaders.map((h) => h.referer);
    expect(refs.slice(0, 3)).toEqual([server.url('/redirect/2/f.bin'), server.url('/redirect/2/f.bin'), server.url('/redirect/1/f.bin')]);
    // Range requests go to the final URL, which was reached from /redirect/1/.
    for (const ref of refs.slice(3)) expect(ref).toBe(server.url('/redirect/1/f.bin'));
    expect(refs.join(' ')).not.toContain('secret');
  });
});
