import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import type { HttpPool, PoolOptions } from '../../src/sources/http/pool.js';
import type { ResponseBody } from '../../src/sources/stream/response-body.js';
import { randomBytesSeeded } from '../helpers/http-server.js';
import { chunkedResponse, lengthResponse, writeParts } from './http-raw-server.js';
import { useWireFixture } from './http-wire-fixture.js';

const KB = 1024;
const wire = useWireFixture({ timeoutMs: 2000, batchCount: 64 });
const { server, get } = wire;
const pool = (opts?: Partial<PoolOptions>): HttpPool => wire.pool(opts).pool;

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const bytes = (n: number, seed = 1): Buffer => randomBytesSeeded(n, `wire-limits-${seed}`);

async function readAll(body: ResponseBody): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let c = await body.read(); c !== null; c = await body.read()) {
    parts.push(Buffer.from(c));
    body.release(c);
  }
  return Buffer.concat(parts);
}

/** The error of `p`, or a failure after `ms` (so a request that never ends fails the test, not the run). */
async function failureWithin(p: Promise<unknown>, ms: number): Promise<FerryError> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  const got = await Promise.race([
    p.then(
      () => 'ok' as const,
      (e: unknown) => e,
    ),
    late,
  ]);
  clearTimeout(timer);
  expect(got).toBeInstanceOf(FerryError);
  return got as FerryError;
}

describe('stray bytes after a body', () => {
  // Large enough that the end of the body is read straight into a batch, so the stray bytes come
  // in a read of their own, after the read that completed the body.
  const BODY = bytes(100 * KB, 1);
  it.each([
    ['a length body', lengthResponse(BODY)],
    ['a chunked body', chunkedResponse(BODY, 30 * KB)],
  ])('%s and a trailing CRLF: the connection is closed, never reused (30 rounds)', async (_name, response) => {
    const s = await server((req) => req.socket.write(Buffer.concat([response, Buffer.from('\r\n')])));
    const p = pool();
    const rounds = 30;
    for (let i = 0; i < rounds; i++) {
      const res = await get(p, s.origin);
      expect(sha(await readAll(res.body))).toBe(sha(BODY));
    }
    // Every connection carried stray bytes: each request needed a fresh one.
    expect(s.stats.connections).toBe(rounds);
  });

  it('a clean response keeps its connection (the check costs no reuse)', async () => {
    const s = await server((req) => req.socket.write(lengthResponse(BODY)));
    const p = pool();
    for (let i = 0; i < 10; i++) expect(sha(await readAll((await get(p, s.origin)).body))).toBe(sha(BODY));
    expect(s.stats.connections).toBe(1);
  });
});

describe('response heads near the size limit', () => {
  const pad = (n: number): string => {
    const line = `X-Pad: ${'p'.repeat(90)}\r\n`;
    return line.repeat(Math.floor(n / line.length));
  };
  it.each([48, 50, 56, 63])('a %d KiB head whose last read also holds body bytes is accepted', async (kib) => {
    const body = bytes(100 * KB, kib);
    const head = Buffer.from(`HTTP/1.1 200 OK\r\n${pad(kib * KB - 100)}Content-Length: ${body.length}\r\n\r\n`, 'latin1');
    expect(head.length).toBeLessThan(64 * KB);
    expect(head.length).toBeGreaterThan((kib - 1) * KB);
    const all = Buffer.concat([head, body]);
    // A short first piece shifts every later (full) read, so the read that ends the head also
    // carries up to a read buffer of body bytes, past 64 KiB of gathered bytes.
    for (const first of [1, 1000, 5000, 9000, 13_000]) {
      const s = await server((req) => void writeParts(req.socket, [all.subarray(0, first), all.subarray(first)], 20));
      const res = await get(pool(), s.origin);
      expect(res.headers['x-pad']).toContain('p');
      expect(sha(await readAll(res.body))).toBe(sha(body));
    }
  });

  it('a head just over 64 KiB is still refused', async () => {
    const head = Buffer.from(`HTTP/1.1 200 OK\r\n${pad(64 * KB + 200)}Content-Length: 1\r\n\r\nz`, 'latin1');
    const s = await server((req) => void writeParts(req.socket, [head.subarray(0, 20 * KB), head.subarray(20 * KB)], 20));
    const err = await failureWithin(get(pool(), s.origin), 5000);
    expect(err.code).toBe('BAD_RESPONSE');
    expect(err.message).toMatch(/larger than 65536 bytes/);
  });
});

describe('a response that never ends its head', () => {
  it('endless 100 Continue responses fail with a clear BAD_RESPONSE', async () => {
    const s = await server((req) => {
      const timer = setInterval(() => {
        if (req.socket.destroyed) clearInterval(timer);
        else req.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      }, 5);
      req.socket.on('close', () => clearInterval(timer));
    });
    const err = await failureWithin(get(pool({ timeoutMs: 60_000 }), s.origin), 10_000);
    expect(err.code).toBe('BAD_RESPONSE');
    expect(err.message).toMatch(/interim \(1xx\) responses/);
  });

  it('a few interim responses before the final one are still fine', async () => {
    const interim = 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n'.repeat(5);
    const s = await server((req) => req.socket.write(Buffer.concat([Buffer.from(interim), lengthResponse(Buffer.from('ok'))])));
    expect((await readAll((await get(pool(), s.origin)).body)).toString()).toBe('ok');
  });

  it('a head trickled one line at a time fails with TIMEOUT after the head limit', async () => {
    const s = await server((req) => {
      req.socket.write('HTTP/1.1 200 OK\r\n');
      const timer = setInterval(() => {
        if (req.socket.destroyed) clearInterval(timer);
        else req.socket.write('X-Slow: y\r\n');
      }, 50);
      req.socket.on('close', () => clearInterval(timer));
    });
    const t0 = Date.now();
    // Bytes keep coming, so the idle timeout (timeoutMs) never fires; the head limit does.
    const err = await failureWithin(get(pool({ timeoutMs: 1000, headTimeoutMs: 1000 }), s.origin), 10_000);
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/no complete response head within 1s/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });
});
