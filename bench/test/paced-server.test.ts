import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PacedServer, parseRange, startPacedServer } from '../lib/paced-server.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const body = randomBytes(300 * 1024 + 7);
const one = Buffer.from([0x5a]);

describe('parseRange', () => {
  it('reads single ranges and flags unsatisfiable ones', () => {
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 1 });
    expect(parseRange('bytes=2-', 10)).toEqual({ start: 2, end: 10 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 10 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 10 });
    expect(parseRange('bytes=-30', 10)).toEqual({ start: 0, end: 10 });
    expect(parseRange('bytes=10-', 10)).toBe('bad');
    expect(parseRange('bytes=0-', 0)).toBe('bad');
    expect(parseRange('bytes=-0', 10)).toBe('bad');
    expect(parseRange('bytes=0-1,3-4', 10)).toBeUndefined();
  });
});

describe('paced server (loopback)', () => {
  let plain: PacedServer;
  beforeAll(async () => {
    plain = await startPacedServer({ files: { '/f': body, '/one': one, '/zero': Buffer.alloc(0) }, rateBytesPerSec: 0, firstByteDelayMs: 0 });
  });
  afterAll(async () => {
    await plain.close();
  });
  const get = (path: string, headers: Record<string, string> = {}): Promise<Response> => fetch(plain.url(path), { headers });

  it('serves whole files byte-exact, with validators and Accept-Ranges', async () => {
    for (const [path, want] of [
      ['/f', body],
      ['/one', one],
      ['/zero', Buffer.alloc(0)],
    ] as const) {
      const r = await get(path);
      expect(r.status).toBe(200);
      expect(r.headers.get('accept-ranges')).toBe('bytes');
      expect(r.headers.get('etag')).toBeTruthy();
      expect(r.headers.get('content-length')).toBe(String(want.length));
      expect(sha(Buffer.from(await r.arrayBuffer()))).toBe(sha(want));
    }
  });

  it('serves ranges at the edges with a matching Content-Range', async () => {
    const cases: Array<[string, number, number]> = [
      ['bytes=0-0', 0, 1],
      ['bytes=1-', 1, body.length],
      [`bytes=${body.length - 1}-`, body.length - 1, body.length],
      ['bytes=-1', body.length - 1, body.length],
      ['bytes=1000-204799', 1000, 204800],
    ];
    for (const [range, start, end] of cases) {
      const r = await get('/f', { Range: range });
      expect(r.status).toBe(206);
      expect(r.headers.get('content-range')).toBe(`bytes ${start}-${end - 1}/${body.length}`);
      expect(sha(Buffer.from(await r.arrayBuffer()))).toBe(sha(body.subarray(start, end)));
    }
    const single = await get('/one', { Range: 'bytes=0-' });
    expect(single.status).toBe(206);
    expect(Buffer.from(await single.arrayBuffer())).toEqual(one);
  });

  it('answers 416, 404, HEAD and a stale If-Range correctly', async () => {
    const beyond = await get('/f', { Range: `bytes=${body.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${body.length}`);
    expect((await get('/zero', { Range: 'bytes=0-' })).status).toBe(416);
    expect((await get('/missing')).status).toBe(404);
    const head = await fetch(plain.url('/f'), { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(body.length));
    const stale = await get('/f', { Range: 'bytes=5-', 'If-Range': '"other"' });
    expect(stale.status).toBe(200);
    expect(sha(Buffer.from(await stale.arrayBuffer()))).toBe(sha(body));
  });

  it('counts body bytes sent', async () => {
    const before = plain.bytesSent();
    await (await get('/f', { Range: 'bytes=0-99' })).arrayBuffer();
    expect(plain.bytesSent() - before).toBe(100);
  });

  it('delays the first byte and caps each response', async () => {
    const slow = await startPacedServer({ files: { '/f': body }, rateBytesPerSec: 1024 * 1024, firstByteDelayMs: 60 });
    try {
      let t = performance.now();
      const r = await fetch(slow.url('/f'), { headers: { Range: 'bytes=0-0' } });
      expect(performance.now() - t).toBeGreaterThanOrEqual(55);
      await r.arrayBuffer();
      t = performance.now();
      // 300 KiB at 1 MiB/s: at least ~0.29 s minus one 16 KiB chunk of head start.
      const all = Buffer.from(await (await fetch(slow.url('/f'))).arrayBuffer());
      const elapsed = performance.now() - t;
      expect(sha(all)).toBe(sha(body));
      expect(elapsed).toBeGreaterThanOrEqual(0.27 * 1000 + 55);
      expect(elapsed).toBeLessThan(2000);
    } finally {
      await slow.close();
    }
  });
});
