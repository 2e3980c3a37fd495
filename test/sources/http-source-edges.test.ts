import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { download } from '../../src/index.js';
import { collect, failure } from '../helpers/assertions.js';
import { useCleanups } from '../helpers/cleanups.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/tls.js';
import { lengthResponse, type RawRequest, type RawServer, startRawServer } from './http-raw-server.js';
import { httpSourceMaker } from './http-source-maker.js';

const defer = useCleanups();
const source = httpSourceMaker(defer);

let certs: TestCertificates;
beforeAll(async () => {
  certs = await makeTestCertificates();
});

const signal = (): AbortSignal => new AbortController().signal;

async function raw(handler: (req: RawRequest) => void): Promise<RawServer> {
  const s = await startRawServer(handler);
  defer(() => s.close());
  return s;
}

async function server(https = false): Promise<TestServer> {
  const s = await startTestServer({
    files: { '/f.bin': { body: Buffer.from('file') } },
    https: https ? { certPem: certs.certPem, keyPem: certs.keyPem } : undefined,
  });
  defer(() => s.close());
  return s;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-edges-'));
  defer(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A server that answers a Range request with `ranged(body)` and a plain GET with 200 and the body. */
async function rangeServer(body: Buffer, ranged: (body: Buffer) => Buffer): Promise<{ origin: string; plainGets: () => number }> {
  let plainGets = 0;
  const s = await raw((req) => {
    if (/\r\nrange:/i.test(req.text)) req.socket.write(ranged(body));
    else {
      plainGets++;
      req.socket.write(lengthResponse(body));
    }
  });
  return { origin: s.origin, plainGets: () => plainGets };
}

const unknownLength = (body: Buffer): Buffer =>
  Buffer.concat([
    Buffer.from(`HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-${body.length - 1}/*\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'),
    body,
  ]);

describe('206 with bytes 0-N/* (complete length unknown)', () => {
  it('the probe reports no size and no ranges', async () => {
    const s = await rangeServer(randomBytesSeeded(1000, 'star'), unknownLength);
    const info = await source(`${s.origin}/f.bin`).probe(signal());
    expect([info.size, info.acceptsRanges, info.body]).toEqual([undefined, false, undefined]);
  });

  it.each([1, 2, 16 * 1024, 300_001])('a %d-byte file downloads over one connection, byte-exact, and says so', async (size) => {
    const body = randomBytesSeeded(size, `star-${size}`);
    const s = await rangeServer(body, unknownLength);
    const dir = await tempDir();
    const h = download(`${s.origin}/f.bin`, { dir, connections: 4, minSplitSize: 1024, retryWaitMs: 10 });
    const notes: string[] = [];
    h.on('note', (n) => notes.push(n));
    const r = await h.done;
    expect(r.status).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(body));
    expect(notes.join('\n')).toMatch(/using one connection/);
    expect(s.plainGets()).toBe(1);
  });
});

describe('416 without Content-Range', () => {
  const bare416 = (): Buffer => Buffer.from('HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\n\r\n', 'latin1');

  it('the probe of a 0-byte resource reports no size and no ranges', async () => {
    const s = await rangeServer(Buffer.alloc(0), bare416);
    const info = await source(`${s.origin}/empty`).probe(signal());
    expect([info.size, info.acceptsRanges, info.body]).toEqual([undefined, false, undefined]);
  });

  it('a 0-byte resource downloads as an empty file', async () => {
    const s = await rangeServer(Buffer.alloc(0), bare416);
    const dir = await tempDir();
    const r = await download(`${s.origin}/empty.bin`, { dir, retryWaitMs: 10 }).done;
    expect(r.status).toBe('complete');
    expect((await readFile(path.join(dir, 'empty.bin'))).length).toBe(0);
    expect(s.plainGets()).toBe(1);
  });

  it('a 416 with a malformed Content-Range is still refused', async () => {
    const s = await rangeServer(Buffer.alloc(0), () => Buffer.from('HTTP/1.1 416 No\r\nContent-Range: bytes 0-1/x\r\nContent-Length: 0\r\n\r\n'));
    expect((await failure(source(`${s.origin}/e`).probe(signal()))).code).toBe('BAD_RESPONSE');
  });
});

describe('redirects keep secrets', () => {
  const SECRETS = {
    Authorization: 'Bearer s1',
    Cookie: 'sid=s2',
    'Proxy-Authorization': 'Basic s3',
    'X-Api-Key': 's4',
    'x-auth-token': 's5',
    'Private-KEY': 's6',
  };
  const PLAIN = { 'X-Trace': 'keep', 'X-Keyboard': 'keep', 'X-Tokens-Left': 'keep' };
  const secretNames = Object.keys(SECRETS).map((n) => n.toLowerCase());

  it('drops secret-looking headers on a redirect to another port, keeps the others', async () => {
    const [a, b] = [await server(), await server()];
    const src = source(a.url(`/redirect-to?url=${encodeURIComponent(b.url('/f.bin'))}`), { headers: { ...SECRETS, ...PLAIN } });
    const info = await src.probe(signal());
    expect(info.url).toBe(b.url('/f.bin'));
    const first = a.stats.requestHeaders[0];
    for (const name of secretNames) expect(first[name], name).toBeDefined();
    const sent = b.stats.requestHeaders[0];
    for (const name of secretNames) expect(sent[name], name).toBeUndefined();
    expect([sent['x-trace'], sent['x-keyboard'], sent['x-tokens-left']]).toEqual(['keep', 'keep', 'keep']);
    // Later reads go to the redirect target: still without the secrets.
    await collect(await src.read({ start: 0, end: 2 }, {}, signal()));
    for (const name of secretNames) expect(b.stats.requestHeaders[1][name], name).toBeUndefined();
  });

  it('keeps them on a redirect within the same origin', async () => {
    const a = await server();
    await source(a.url(`/redirect-to?url=${encodeURIComponent(a.url('/f.bin'))}`), { headers: SECRETS }).probe(signal());
    for (const name of secretNames) expect(a.stats.requestHeaders[1][name], name).toBeDefined();
  });

  it('refuses an https -> http redirect unless allowDowngrade', async () => {
    const [secure, plain] = [await server(true), await server()];
    const url = secure.url(`/redirect-to?url=${encodeURIComponent(plain.url('/f.bin'))}`);
    const e = await failure(source(url, { insecure: true }).probe(signal()));
    expect(e.code).toBe('REDIRECT');
    expect(e.message).toMatch(/from https to http:\/\/127\.0\.0\.1:\d+\/f\.bin/);
    expect(e.hint).toMatch(/--allow-downgrade/);
    expect(plain.stats.requests).toBe(0);
    const info = await source(url, { insecure: true, allowDowngrade: true, headers: SECRETS }).probe(signal());
    expect(info.url).toBe(plain.url('/f.bin'));
    // Another scheme is another origin: the secrets stay behind.
    for (const name of secretNames) expect(plain.stats.requestHeaders[0][name], name).toBeUndefined();
  });

  it('follows an http -> https redirect', async () => {
    const [plain, secure] = [await server(), await server(true)];
    const info = await source(plain.url(`/redirect-to?url=${encodeURIComponent(secure.url('/f.bin'))}`), { insecure: true }).probe(signal());
    expect(info.url).toBe(secure.url('/f.bin'));
  });
});

describe('a trickled redirect body', () => {
  it('is not waited for: the redirect is followed within the discard limit', async () => {
    const target = await server();
    const s = await raw((req) => {
      req.socket.write(`HTTP/1.1 302 Found\r\nLocation: ${target.url('/f.bin')}\r\nContent-Length: 1000\r\n\r\n`);
      const timer = setInterval(() => {
        if (req.socket.destroyed) clearInterval(timer);
        else req.socket.write('.');
      }, 50);
      req.socket.on('close', () => clearInterval(timer));
    });
    const t0 = Date.now();
    // The read timeout never fires (a byte every 50 ms); before a bound, this waited 50 s.
    const info = await source(`${s.origin}/r`, { timeoutMs: 60_000 }).probe(signal());
    expect(info.url).toBe(target.url('/f.bin'));
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('a stray CRLF that arrives after the connection was reused', () => {
  it('the next request is retried on a fresh connection, byte-exact (10 rounds)', async () => {
    const body = randomBytesSeeded(5000, 'late-crlf');
    const s = await raw((req) => {
      if (req.index === 0) {
        req.socket.write(lengthResponse(body));
        // The stray line end comes late: after the client reused the connection.
        setTimeout(() => req.socket.destroyed || req.socket.write('\r\n'), 30);
      } else {
        setTimeout(() => req.socket.destroyed || req.socket.write(lengthResponse(body)), 150);
      }
    });
    const src = source(`${s.origin}/f.bin`, { connections: 1 });
    for (let i = 0; i < 10; i++) {
      expect(sha256(await collect(await src.read({ start: 0 }, {}, signal())))).toBe(sha256(body));
    }
    // Every connection but the last carried a late CRLF into its second request.
    expect(s.stats.connections).toBe(10);
  });
});
