import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResponseBody } from '../../src/sources/stream/response-body.js';
import { failure } from '../helpers/assertions.js';
import { randomBytesSeeded } from '../helpers/http-server.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/tls.js';
import { chunkedResponse, lengthResponse, type RawRequest, type RawServer, writeParts } from './http-raw-server.js';
import { useWireFixture } from './http-wire-fixture.js';

const KB = 1024;
const wire = useWireFixture({ timeoutMs: 1000, batchCount: 64 });
const { get, pool } = wire;

let certs: TestCertificates;
beforeAll(async () => {
  certs = await makeTestCertificates();
});

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const bytes = (n: number, seed = 1): Buffer => randomBytesSeeded(n, `wire-${seed}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const server = (handler: (req: RawRequest) => void, secure = false): Promise<RawServer> => wire.server(handler, secure ? certs : undefined);

/** Read a body to the end, copying each chunk before releasing it (released memory is reused). */
async function readAll(body: ResponseBody, release = true): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let c = await body.read(); c !== null; c = await body.read()) {
    parts.push(Buffer.from(c));
    if (release) body.release(c);
  }
  return Buffer.concat(parts);
}

describe('framing, byte-exact at every read boundary', () => {
  const BODY = bytes(50, 3);
  const responses: Record<string, Buffer> = {
    length: lengthResponse(BODY, 'ETag: "x"\r\n'),
    chunked: chunkedResponse(BODY, 7),
    close: Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n'), BODY]),
  };

  it.each(Object.keys(responses))('%s', async (kind) => {
    const response = responses[kind];
    const s = await server((req) => {
      const cut = Number(req.path.slice(1));
      void writeParts(req.socket, [response.subarray(0, cut), response.subarray(cut)], 1).then(() => {
        if (kind === 'close') req.socket.end();
      });
    });
    const { pool: p } = pool({ connections: 1 });
    for (let cut = 1; cut < response.length; cut++) {
      const res = await get(p, s.origin, `/${cut}`);
      expect(res.statusCode).toBe(200);
      expect(sha(await readAll(res.body))).toBe(sha(BODY));
    }
    // Kept-alive framings ran on one connection; a close-delimited body needs one per response.
    expect(s.stats.connections).toBe(kind === 'close' ? response.length - 1 : 1);
  });

  it.each([
    ['0 bytes with a length', lengthResponse(Buffer.alloc(0)), 0],
    ['1 byte with a length', lengthResponse(Buffer.from('z')), 1],
    ['0 bytes chunked', Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'), 0],
    ['204 without a body', Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), 0],
    [
      'interim 100 and 103 first',
      Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Hints\r\nLink: <a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
      2,
    ],
  ])('%s', async (_name, response, size) => {
    const s = await server((req) => req.socket.write(response));
    const { pool: p } = pool();
    for (let i = 0; i < 2; i++) {
      const res = await get(p, s.origin);
      expect((await readAll(res.body)).length).toBe(size);
    }
    expect(s.stats.connections).toBe(1);
  });

  it('reads large bodies straight into batches, byte-exact (length and chunked, over TLS too)', async () => {
    const BIG = bytes(600 * KB, 9);
    for (const secure of [false, true]) {
      const s = await server((req) => req.socket.write(req.path === '/c' ? chunkedResponse(BIG, 100_000) : lengthResponse(BIG)), secure);
      const { pool: p } = pool({ rejectUnauthorized: false });
      for (const path of ['/l', '/c', '/l']) expect(sha(await readAll((await get(p, s.origin, path)).body))).toBe(sha(BIG));
      expect(s.stats.connections).toBe(1);
    }
  });
});

describe('bad responses', () => {
  it.each([
    ['obsolete folding', 'HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 1\r\n\r\nz'],
    ['two Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nz'],
    ['length and chunked', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n'],
    ['gzip transfer coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nz'],
    ['garbage status line', 'ICY 200 OK\r\n\r\n'],
    ['101', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n'],
    ['a head over 64 KiB', `HTTP/1.1 200 OK\r\n${'X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(1600)}\r\n`],
  ])('%s: BAD_RESPONSE before the body', async (_name, response) => {
    const s = await server((req) => req.socket.write(response));
    const err = await failure(get(pool().pool, s.origin));
    expect(err.code).toBe('BAD_RESPONSE');
    expect(err.message).toContain('127.0.0.1');
  });

  it('a bad chunk fails the body after the good bytes', async () => {
    const s = await server((req) => req.socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n'));
    const res = await get(pool().pool, s.origin);
    const first = await res.body.read();
    expect(first?.toString()).toBe('abc');
    await expect(res.body.read()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('a connection that sent bytes beyond its response is not reused', async () => {
    const s = await server((req) => req.socket.write(Buffer.concat([lengthResponse(Buffer.from('ab')), Buffer.from('junk')])));
    const { pool: p } = pool();
    for (let i = 0; i < 2; i++) expect((await readAll((await get(p, s.origin)).body)).toString()).toBe('ab');
    expect(s.stats.connections).toBe(2);
  });

  it('a body cut short fails with NETWORK, retryable', async () => {
    const s = await server((req) => req.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const res = await get(pool().pool, s.origin);
    await expect(readAll(res.body)).rejects.toMatchObject({ code: 'NETWORK', retryable: true });
  });
});

describe('memory: batch reuse and back-pressure', () => {
  it('a consumer that releases its chunks keeps reusing the same few batches', async () => {
    const BODY = bytes(1024 * KB, 5);
    const s = await server((req) => req.socket.write(req.path === '/c' ? chunkedResponse(BODY, 50_000) : lengthResponse(BODY)));
    const { pool: p, batches } = pool();
    for (const path of ['/l', '/c', '/l', '/c']) expect(sha(await readAll((await get(p, s.origin, path)).body))).toBe(sha(BODY));
    // 4 MiB through 16 KiB batches: 256 batches' worth, from a handful of buffers.
    expect(batches.allocated).toBeLessThanOrEqual(4);
    const kept = await readAll((await get(p, s.origin, '/l')).body, false);
    expect(sha(kept)).toBe(sha(BODY));
    // Chunks kept by the consumer are never reused: new buffers were needed.
    expect(batches.allocated).toBeGreaterThan(60);
  });

  it('a consumer that does not pull pauses the socket: memory stays bounded, no timeout, bytes exact', async () => {
    const BODY = bytes(16 * 1024 * KB, 6);
    const sent = { bytes: 0 };
    const s = await server((req) => {
      req.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n`);
      void (async () => {
        for (let i = 0; i < BODY.length && !req.socket.destroyed; i += 64 * KB) {
          sent.bytes += 64 * KB;
          if (!req.socket.write(BODY.subarray(i, i + 64 * KB))) await new Promise((r) => req.socket.once('drain', r));
        }
      })();
    });
    const { pool: p, batches } = pool({ timeoutMs: 150, highWater: 64 * KB });
    const res = await get(p, s.origin);
    await sleep(400);
    // Paused after highWater (64 KiB) plus at most a read: the rest waits in kernel buffers.
    expect(batches.allocated).toBeLessThanOrEqual(6);
    expect(sent.bytes).toBeLessThan(BODY.length);
    expect(sha(await readAll(res.body))).toBe(sha(BODY));
    expect(batches.allocated).toBeLessThanOrEqual(7);
  });

  it('a silent server still times out while the consumer waits', async () => {
    const s = await server((req) => req.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const res = await get(pool({ timeoutMs: 100 }).pool, s.origin);
    const err = await failure(readAll(res.body));
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(err.message).toContain('no data received');
  });
});
