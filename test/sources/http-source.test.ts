import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode, FerryError } from '../../src/core/errors.js';
import type { ByteStream, Validators } from '../../src/core/types.js';
import { failure } from '../helpers/assertions.js';
import { useCleanups } from '../helpers/cleanups.js';
import { type Faults, randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/tls.js';
import { httpSourceMaker } from './http-source-maker.js';

const BIG = randomBytesSeeded(300_001, 'big');
const ONE = randomBytesSeeded(1, 'one');
const ETAG = '"v1"';
const LAST_MODIFIED = 'Mon, 01 Jan 2024 00:00:00 GMT';
const FILES = {
  '/big.bin': { body: BIG, etag: ETAG, lastModified: LAST_MODIFIED, contentDisposition: 'attachment; filename="report.pdf"' },
  '/one.bin': { body: ONE },
  '/empty.bin': { body: Buffer.alloc(0) },
  '/weak.bin': { body: BIG, etag: 'W/"weak"', lastModified: LAST_MODIFIED },
};
const V: Validators = { etag: ETAG, lastModified: LAST_MODIFIED, size: BIG.length };

const defer = useCleanups();
const source = httpSourceMaker(defer);

let certs: TestCertificates;
beforeAll(async () => {
  certs = await makeTestCertificates();
});

async function server(faults: Faults = {}, https = false): Promise<TestServer> {
  const s = await startTestServer({ files: FILES, faults, https: https ? { certPem: certs.certPem, keyPem: certs.keyPem } : undefined });
  defer(() => s.close());
  return s;
}

const signal = (): AbortSignal => new AbortController().signal;

async function collect(stream: ByteStream | undefined): Promise<Buffer> {
  if (stream === undefined) throw new Error('no body');
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}

async function expectFailure(p: Promise<unknown>, code: ErrorCode, retryable: boolean): Promise<FerryError> {
  const err = await failure(p);
  expect({ code: err.code, retryable: err.retryable, message: err.message }).toMatchObject({ code, retryable });
  expect(err.message).not.toContain('\n');
  return err;
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('probe', () => {
  it('reports a 0-byte file from 416 bytes */0, with no body', async () => {
    const s = await server();
    const p = await source(s.url('/empty.bin')).probe(signal());
    expect(p).toMatchObject({ url: s.url('/empty.bin'), size: 0, acceptsRanges: true });
    expect(p.body).toBeUndefined();
    expect(s.stats.rangesRequested).toEqual(['bytes=0-']);
  });

  it('reports a 1-byte file and streams it', async () => {
    const s = await server();
    const p = await source(s.url('/one.bin')).probe(signal());
    expect(p).toMatchObject({ size: 1, acceptsRanges: true });
    expect(sha256(await collect(p.body))).toBe(sha256(ONE));
  });

  it('reports size, validators and file name of a larger file, body byte-exact', async () => {
    const s = await server();
    const p = await source(s.url('/big.bin')).probe(signal());
    expect(p).toMatchObject({ size: BIG.length, acceptsRanges: true, etag: ETAG, lastModified: LAST_MODIFIED, filename: 'report.pdf' });
    expect(sha256(await collect(p.body))).toBe(sha256(BIG));
  });

  it.each([
    [{ ranges: false }, BIG.length],
    [{ ranges: false, length: false }, undefined],
  ])('without range support %j: 200, acceptsRanges false, size %s', async (faults, size) => {
    const s = await server(faults);
    const p = await source(s.url('/big.bin')).probe(signal());
    expect(p.acceptsRanges).toBe(false);
    expect(p.size).toBe(size);
    expect(sha256(await collect(p.body))).toBe(sha256(BIG));
  });

  it('reports a 0-byte file served with 200', async () => {
    const s = await server({ ranges: false });
    const p = await source(s.url('/empty.bin')).probe(signal());
    expect(p).toMatchObject({ size: 0, acceptsRanges: false });
    expect((await collect(p.body)).length).toBe(0);
  });

  it('sends identity encoding, the user agent and the user headers', async () => {
    const s = await server();
    const src = source(s.url('/one.bin'), { userAgent: 'ua-test/1', headers: { 'X-Token': 'abc', 'Accept-Encoding': 'gzip' } });
    await collect((await src.probe(signal())).body);
    expect(s.stats.requestHeaders[0]).toMatchObject({ 'user-agent': 'ua-test/1', 'x-token': 'abc', 'accept-encoding': 'identity', range: 'bytes=0-' });
  });

  it('rejects an encoded 206 to the probe', async () => {
    const s = await server({ gzipRanges: true });
    await expectFailure(source(s.url('/big.bin')).probe(signal()), 'BAD_RESPONSE', false);
  });
});

describe('read', () => {
  it.each([
    ['first byte', 0, 1],
    ['last byte', BIG.length - 1, BIG.length],
    ['middle', 1000, 200_000],
    ['whole file', 0, BIG.length],
  ])('%s [%d, %d) byte-exact with If-Range', async (_name, start, end) => {
    const s = await server();
    const bytes = await collect(await source(s.url('/big.bin')).read({ start, end }, V, signal()));
    expect(sha256(bytes)).toBe(sha256(BIG.subarray(start, end)));
    expect(s.stats.requestHeaders[0]).toMatchObject({ range: `bytes=${start}-${end - 1}`, 'if-range': ETAG });
  });

  it('reads a chunked 206 byte-exact', async () => {
    const s = await server({ length: false });
    const bytes = await collect(await source(s.url('/big.bin')).read({ start: 7, end: 250_007 }, V, signal()));
    expect(sha256(bytes)).toBe(sha256(BIG.subarray(7, 250_007)));
  });

  it('uses Last-Modified for If-Range when the ETag is weak, and nothing without validators', async () => {
    const s = await server();
    const src = source(s.url('/weak.bin'));
    await collect(await src.read({ start: 0, end: 10 }, { etag: 'W/"weak"', lastModified: LAST_MODIFIED }, signal()));
    await collect(await src.read({ start: 0, end: 10 }, {}, signal()));
    expect(s.stats.requestHeaders[0]['if-range']).toBe(LAST_MODIFIED);
    expect(s.stats.requestHeaders[1]['if-range']).toBeUndefined();
  });

  it('returns an empty stream for an empty range without a request', async () => {
    const s = await server();
    expect((await collect(await source(s.url('/big.bin')).read({ start: 5, end: 5 }, V, signal()))).length).toBe(0);
    expect(s.stats.requests).toBe(0);
  });

  it.each([{ ranges: false }, { ranges: false, length: false }])('reads the whole file without ranges %j', async (faults) => {
    const s = await server(faults);
    const bytes = await collect(await source(s.url('/big.bin')).read({ start: 0 }, V, signal()));
    expect(sha256(bytes)).toBe(sha256(BIG));
    expect(s.stats.requestHeaders[0].range).toBeUndefined();
  });

  it('keeps connections alive and runs concurrent reads on their own connections', async () => {
    const s = await server({ throttleBytesPerSec: 200_000 });
    const src = source(s.url('/big.bin'), { connections: 3 });
    const ranges = [0, 1, 2].map((i) => ({ start: i * 30_000, end: i * 30_000 + 30_000 }));
    for (let round = 0; round < 2; round++) {
      const got = await Promise.all(ranges.map(async (r) => collect(await src.read(r, V, signal()))));
      for (const [i, b] of got.entries()) expect(sha256(b)).toBe(sha256(BIG.subarray(ranges[i].start, ranges[i].end)));
    }
    expect(s.stats.peakActiveResponses).toBe(3);
    expect(s.stats.connections).toBe(3);
  });
});

describe('strict checks', () => {
  const read = async (s: TestServer, validators: Validators = V, range = { start: 100, end: 200 }): Promise<Buffer> =>
    collect(await source(s.url('/big.bin')).read(range, validators, signal()));

  it('rejects a wrong Content-Range', async () => {
    await expectFailure(read(await server({ wrongContentRange: true })), 'BAD_RESPONSE', false);
    await expectFailure(read(await server({ wrongContentRange: true }), V, { start: 0, end: BIG.length }), 'BAD_RESPONSE', false);
  });

  it('rejects a wrong Content-Range on a chunked response', async () => {
    await expectFailure(read(await server({ wrongContentRange: true, length: false })), 'BAD_RESPONSE', false);
  });

  it('never streams a 200 as a range: BAD_RESPONSE without If-Range', async () => {
    const err = await expectFailure(read(await server({ ignoreRange: true }), {}), 'BAD_RESPONSE', false);
    expect(err.message).toContain('ignored the range');
  });

  it('never streams a 200 as a range: with the same validator it is an ignored range, not a change', async () => {
    const err = await expectFailure(read(await server({ ignoreRange: true })), 'BAD_RESPONSE', false);
    expect(err.status).toBe(200);
  });

  it('reports CHANGED when the file changed between probe and read (If-Range)', async () => {
    const s = await server();
    s.setFaults({ changeAfterRequests: { count: 1, body: randomBytesSeeded(BIG.length, 'v2'), etag: '"v2"' } });
    const src = source(s.url('/big.bin'));
    const p = await src.probe(signal());
    p.body?.cancel();
    const err = await expectFailure(src.read({ start: 10, end: 20 }, p, signal()), 'CHANGED', false);
    expect(err.message).toContain('changed on the server');
  });

  it('reports CHANGED for a 206 with another ETag (no If-Range with a weak one)', async () => {
    await expectFailure(read(await server(), { etag: 'W/"other"' }), 'CHANGED', false);
  });

  it('reports CHANGED for a 206 with another Last-Modified', async () => {
    await expectFailure(read(await server(), { etag: 'W/"x"', lastModified: 'Tue, 02 Jan 2024 00:00:00 GMT' }), 'CHANGED', false);
  });

  it('reports CHANGED when the total size differs', async () => {
    await expectFailure(read(await server(), { size: BIG.length + 1 }), 'CHANGED', false);
  });

  it('reports CHANGED for a 416 with another size', async () => {
    const s = await server();
    s.setFile('/big.bin', { body: BIG.subarray(0, 50) });
    await expectFailure(read(s, { size: BIG.length }), 'CHANGED', false);
  });

  it('rejects an encoded range response', async () => {
    await expectFailure(read(await server({ gzipRanges: true })), 'BAD_RESPONSE', false);
  });

  it('rejects a range body longer than its Content-Length', async () => {
    await expectFailure(read(await server({ extraBytes: 1 })), 'BAD_RESPONSE', false);
  });

  it('never yields a byte beyond the range when a chunked body runs over', async () => {
    const s = await server({ extraBytes: 1, length: false });
    const stream = await source(s.url('/big.bin')).read({ start: 0, end: 70_000 }, V, signal());
    let yielded = 0;
    const err = await failure(
      (async () => {
        for await (const chunk of stream) yielded += chunk.length;
      })(),
    );
    expect(err).toMatchObject({ code: 'BAD_RESPONSE', retryable: false });
    expect(yielded).toBeLessThanOrEqual(70_000);
  });

  it.each([{ length: false }, { length: true }])('fails a body that ends early %j', async ({ length }) => {
    const s = await server({ truncateBytes: 1, length });
    // A chunked body that ends early is a network failure; a short Content-Length is caught up front.
    await expectFailure(read(s), length ? 'BAD_RESPONSE' : 'NETWORK', !length);
  });

  it('fails with NETWORK when the connection drops mid-body (range, probe, whole file)', async () => {
    const s = await server({ dropAfterBytes: 1000 });
    const src = source(s.url('/big.bin'));
    await expectFailure(collect(await src.read({ start: 0, end: 5000 }, V, signal())), 'NETWORK', true);
    await expectFailure(
      src.probe(signal()).then((p) => collect(p.body)),
      'NETWORK',
      true,
    );
    s.setFaults({ ranges: false, length: false });
    await expectFailure(collect(await src.read({ start: 0 }, V, signal())), 'NETWORK', true);
  });

  it('fails the whole-file read with CHANGED when validators differ', async () => {
    const s = await server({ ranges: false });
    await expectFailure(source(s.url('/big.bin')).read({ start: 0 }, { etag: '"v0"' }, signal()), 'CHANGED', false);
  });
});

describe('status codes', () => {
  it('maps 404 to a non-retryable HTTP_STATUS with a hint', async () => {
    const s = await server();
    const err = await expectFailure(source(s.url('/missing')).probe(signal()), 'HTTP_STATUS', false);
    expect(err.status).toBe(404);
    expect(err.hint).toContain('check the URL');
    expect(err.message).toContain(`127.0.0.1:${new URL(s.origin).port}`);
  });

  it.each([
    [403, false],
    [408, true],
    [429, true],
    [500, true],
    [599, true],
  ])('maps %d (retryable %s)', async (status, retryable) => {
    const s = await server();
    const err = await expectFailure(source(s.url(`/status/${status}`)).probe(signal()), 'HTTP_STATUS', retryable);
    expect(err.status).toBe(status);
  });

  it('propagates Retry-After in seconds and as a date', async () => {
    const s = await server();
    const e1 = await failure(source(s.url('/status/503?retry-after=2')).probe(signal()));
    expect(e1.retryAfterMs).toBe(2000);
    const date = new Date(Date.now() + 60_000).toUTCString();
    const e2 = await failure(source(s.url(`/status/429?retry-after=${encodeURIComponent(date)}`)).probe(signal()));
    expect(e2.retryAfterMs).toBeGreaterThan(50_000);
    expect(e2.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('recovers after failFirst and reuses the connection', async () => {
    const s = await server({ failFirst: { count: 1, status: 503, retryAfter: 1 } });
    const src = source(s.url('/big.bin'));
    const err = await expectFailure(src.read({ start: 0, end: 10 }, V, signal()), 'HTTP_STATUS', true);
    expect(err.retryAfterMs).toBe(1000);
    // The drained error body left its connection idle in the pool: the next read reuses it.
    await new Promise((r) => setTimeout(r, 10));
    expect(sha256(await collect(await src.read({ start: 0, end: 10 }, V, signal())))).toBe(sha256(BIG.subarray(0, 10)));
    expect(s.stats.connections).toBe(1);
  });

  it('gets the maxConcurrent status beyond the limit', async () => {
    const s = await server({ maxConcurrent: { limit: 1, status: 429, retryAfter: 3 }, throttleBytesPerSec: 100_000 });
    const src = source(s.url('/big.bin'));
    const first = await src.read({ start: 0, end: 20_000 }, V, signal());
    const err = await expectFailure(src.read({ start: 0, end: 10 }, V, signal()), 'HTTP_STATUS', true);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 3000 });
    first.cancel();
  });
});

describe('redirects', () => {
  it('follows a chain (absolute and relative Locations) and reads from the final URL', async () => {
    const s = await server();
    const src = source(s.url('/redirect/3/big.bin'), { maxRedirects: 3 });
    const p = await src.probe(signal());
    expect(p.url).toBe(s.url('/big.bin'));
    p.body?.cancel();
    s.resetStats();
    await collect(await src.read({ start: 0, end: 10 }, V, signal()));
    expect(s.stats.requests).toBe(1);
  });

  it("sends the user's credentials to the original origin only", async () => {
    const [a, b] = [await server(), await server()];
    const target = encodeURIComponent(b.url('/one.bin'));
    const src = source(a.url(`/redirect-to?url=${target}`), { headers: { Authorization: 'Bearer t', 'X-Other': 'y' } });
    const p = await src.probe(signal());
    expect(p.url).toBe(b.url('/one.bin'));
    expect(sha256(await collect(p.body))).toBe(sha256(ONE));
    await collect(await src.read({ start: 0, end: 1 }, {}, signal()));
    expect(a.stats.requestHeaders[0]).toMatchObject({ authorization: 'Bearer t', 'x-other': 'y' });
    for (const h of b.stats.requestHeaders) {
      expect(h.authorization).toBeUndefined();
      expect(h['x-other']).toBe('y');
    }
    expect(b.stats.requests).toBe(2);
  });

  it('fails with REDIRECT beyond maxRedirects', async () => {
    const s = await server();
    const err = await expectFailure(source(s.url('/redirect/3/big.bin'), { maxRedirects: 2 }).probe(signal()), 'REDIRECT', false);
    expect(err.message).toContain('too many redirects');
  });

  it('detects a loop', async () => {
    const s = await server();
    const err = await expectFailure(source(s.url('/loop')).probe(signal()), 'REDIRECT', false);
    expect(err.message).toContain('loop');
  });

  it('refuses a redirect to file:', async () => {
    const s = await server();
    const err = await expectFailure(source(s.url('/to-file')).probe(signal()), 'REDIRECT', false);
    expect(err.message).toContain('file:///etc/passwd');
  });
});

describe('timeouts, aborts and cancel', () => {
  it('fails a stalled body with TIMEOUT', async () => {
    const s = await server({ stallAfterBytes: 10 });
    const stream = await source(s.url('/big.bin'), { timeoutMs: 200 }).read({ start: 0, end: 1000 }, V, signal());
    await expectFailure(collect(stream), 'TIMEOUT', true);
  });

  it('fails missing response headers with TIMEOUT', async () => {
    const s = await server({ firstByteDelayMs: 1500 });
    await expectFailure(source(s.url('/big.bin'), { timeoutMs: 200 }).probe(signal()), 'TIMEOUT', true);
  });

  it('maps a refused connection to NETWORK', async () => {
    const s = await startTestServer();
    const url = s.url('/x');
    await s.close();
    const err = await expectFailure(source(url).probe(signal()), 'NETWORK', true);
    expect(err.message).toContain('refused');
  });

  it('aborts a request and a stream with ABORTED', async () => {
    const s = await server({ throttleBytesPerSec: 50_000 });
    const src = source(s.url('/big.bin'));
    const before = new AbortController();
    before.abort();
    await expectFailure(src.read({ start: 0, end: 10 }, V, before.signal), 'ABORTED', false);
    const during = new AbortController();
    const stream = await src.read({ start: 0, end: 100_000 }, V, during.signal);
    setTimeout(() => during.abort(), 50);
    await expectFailure(collect(stream), 'ABORTED', false);
    await until(() => s.stats.activeResponses === 0);
  });

  it('cancel() releases the response, twice and after the end safely', async () => {
    const s = await server({ throttleBytesPerSec: 100_000 });
    const src = source(s.url('/big.bin'));
    const stream = await src.read({ start: 0, end: 200_000 }, V, signal());
    await until(() => s.stats.activeResponses === 1);
    stream.cancel();
    stream.cancel();
    await until(() => s.stats.activeResponses === 0);
    expect(s.stats.bodyBytesSent).toBeLessThan(200_000);
    await expectFailure(collect(stream), 'ABORTED', false);

    s.setFaults({ throttleBytesPerSec: undefined });
    const done = await src.read({ start: 0, end: 10 }, V, signal());
    expect((await collect(done)).length).toBe(10);
    done.cancel();
    done.cancel();
    expect((await collect(await src.read({ start: 10, end: 20 }, V, signal()))).length).toBe(10);
  });

  it('rejects an unsupported scheme and a bad range', async () => {
    await expectFailure(source('ftp://127.0.0.1/x').probe(signal()), 'UNSUPPORTED', false);
    const s = await server();
    await expectFailure(source(s.url('/big.bin')).read({ start: 5 }, V, signal()), 'USAGE', false);
  });
});

describe('https', () => {
  it('downloads with the test CA via caCertificate', async () => {
    const s = await server({}, true);
    const src = source(s.url('/redirect/1/big.bin'), { caCertificate: certs.caFile });
    const p = await src.probe(signal());
    expect(p.url).toBe(s.url('/big.bin'));
    expect(sha256(await collect(p.body))).toBe(sha256(BIG));
    expect(sha256(await collect(await src.read({ start: 5, end: 100 }, V, signal())))).toBe(sha256(BIG.subarray(5, 100)));
  });

  it('downloads with insecure', async () => {
    const s = await server({}, true);
    const p = await source(s.url('/one.bin'), { insecure: true }).probe(signal());
    expect(sha256(await collect(p.body))).toBe(sha256(ONE));
  });

  it('fails with TLS for an untrusted certificate', async () => {
    const s = await server({}, true);
    const err = await expectFailure(source(s.url('/one.bin')).probe(signal()), 'TLS', false);
    expect(err.hint).toContain('--insecure');
    expect(err.hint).toContain('--ca-certificate');
  });

  it('fails with USAGE when the CA file cannot be read', async () => {
    const s = await server({}, true);
    await expectFailure(source(s.url('/one.bin'), { caCertificate: '/nonexistent/ca.pem' }).probe(signal()), 'USAGE', false);
  });
});

describe('the test server itself', () => {
  const raw = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const req = http.request(url, { method, headers, agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      });
      req.on('error', reject);
      req.end();
    });

  it('serves deterministic random bytes; a longer size extends a shorter one', () => {
    expect(randomBytesSeeded(1001, 5).equals(randomBytesSeeded(1001, 5))).toBe(true);
    expect(randomBytesSeeded(1001, 5).subarray(0, 7).equals(randomBytesSeeded(7, 5))).toBe(true);
    expect(randomBytesSeeded(64, 5).equals(randomBytesSeeded(64, 6))).toBe(false);
    expect(randomBytesSeeded(0, 5).length).toBe(0);
  });

  it('answers HEAD, suffix ranges, multi-ranges and If-Range like RFC 9110', async () => {
    const s = await server();
    const u = s.url('/big.bin');
    const head = await raw(u, {}, 'HEAD');
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, String(BIG.length), 0]);
    const suffix = await raw(u, { range: 'bytes=-10' });
    expect([suffix.status, suffix.headers['content-range']]).toEqual([206, `bytes ${BIG.length - 10}-${BIG.length - 1}/${BIG.length}`]);
    expect(suffix.body.equals(BIG.subarray(-10))).toBe(true);
    expect((await raw(u, { range: 'bytes=0-1,5-6' })).status).toBe(200);
    expect((await raw(u, { range: `bytes=${BIG.length}-` })).headers['content-range']).toBe(`bytes */${BIG.length}`);
    expect((await raw(u, { range: 'bytes=0-0', 'if-range': '"v0"' })).status).toBe(200);
    expect((await raw(u, { range: 'bytes=0-0', 'if-range': 'W/"v1"' })).status).toBe(200);
    expect((await raw(u, { range: 'bytes=0-0', 'if-range': LAST_MODIFIED })).status).toBe(206);
    expect((await raw(u, { range: 'bytes=0-0', 'if-range': ETAG })).status).toBe(206);
  });
});
