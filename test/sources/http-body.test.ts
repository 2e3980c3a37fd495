import { describe, expect, it } from 'vitest';
import { BatchPool } from '../../src/sources/stream/batch-pool.js';
import { type BodyControl, LINGER_MS, ResponseBody } from '../../src/sources/stream/response-body.js';

const KB = 1024;

/** A control that records what the body asked for. */
function recorder(): BodyControl & { calls: string[]; paused: boolean } {
  const r = {
    calls: [] as string[],
    paused: false,
    pause: () => {
      r.calls.push('pause');
      r.paused = true;
    },
    resume: () => {
      r.calls.push('resume');
      r.paused = false;
    },
    abandon: () => void r.calls.push('abandon'),
  };
  return r;
}

const bytes = (n: number, seed = 1): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('BatchPool', () => {
  it('reuses a buffer only after it is sealed and every view came back', () => {
    const pool = new BatchPool(8, 4);
    const b = pool.acquire();
    b.buf.fill(1, 0, 8);
    b.fill = 5;
    const v1 = pool.cut(b);
    b.fill = 8;
    const v2 = pool.cut(b);
    expect([v1.length, v2.length, v2.byteOffset]).toEqual([5, 3, 5]);
    pool.seal(b);
    pool.release(v1);
    expect(pool.freeCount).toBe(0);
    pool.release(v2.subarray(0, 1)); // a subarray from the view's start counts as the view
    expect(pool.freeCount).toBe(1);
    expect(pool.acquire().buf).toBe(b.buf);
    expect(pool.allocated).toBe(1);
  });

  it('ignores double releases, foreign chunks and views released before the seal', () => {
    const pool = new BatchPool(8, 4);
    const b = pool.acquire();
    b.fill = 4;
    const v = pool.cut(b);
    pool.release(v);
    pool.release(v);
    pool.release(Buffer.alloc(8));
    pool.release(new Uint8Array(v.buffer, 1, 1));
    expect(pool.freeCount).toBe(0);
    pool.seal(b);
    pool.seal(b);
    expect(pool.freeCount).toBe(1);
  });

  it('keeps at most maxFree buffers', () => {
    const pool = new BatchPool(8, 2);
    const batches = [pool.acquire(), pool.acquire(), pool.acquire()];
    for (const b of batches) pool.seal(b);
    expect(pool.freeCount).toBe(2);
    pool.clear();
    expect(pool.freeCount).toBe(0);
  });
});

describe('ResponseBody', () => {
  it('hands out full batches in order, then the partial one at the end', async () => {
    const pool = new BatchPool(4 * KB, 8);
    const body = new ResponseBody(pool, recorder(), 64 * KB);
    const data = bytes(10 * KB + 1);
    body.write(data, 0, 3000);
    body.write(data, 3000, data.length);
    body.finish();
    const sizes: number[] = [];
    const got: Buffer[] = [];
    for (let c = await body.read(); c !== null; c = await body.read()) {
      sizes.push(c.length);
      got.push(Buffer.from(c));
      body.release(c);
    }
    expect(sizes).toEqual([4096, 4096, 2049]);
    expect(Buffer.concat(got).equals(data)).toBe(true);
    expect(pool.freeCount).toBe(pool.allocated);
  });

  it('gives a waiting consumer a partial batch after the linger time', async () => {
    const pool = new BatchPool(64 * KB, 8);
    const body = new ResponseBody(pool, recorder(), 64 * KB);
    const pending = body.read();
    body.write(bytes(100), 0, 100);
    const started = Date.now();
    const chunk = await pending;
    expect(chunk?.length).toBe(100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LINGER_MS - 1);
    body.write(bytes(50), 0, 50);
    body.finish();
    expect((await body.read())?.length).toBe(50);
    expect(await body.read()).toBeNull();
  });

  it('pauses the socket at highWater, resumes when the consumer catches up, and stays bounded', async () => {
    const pool = new BatchPool(4 * KB, 64);
    const control = recorder();
    const body = new ResponseBody(pool, control, 8 * KB);
    const data = bytes(64 * KB, 7);
    let sent = 0;
    // A producer that honours pause, like a socket: it stops while paused.
    while (sent < data.length && !control.paused) {
      body.write(data, sent, sent + 1500);
      sent += 1500;
    }
    expect(control.calls).toEqual(['pause']);
    expect(sent).toBeLessThan(8 * KB + 1500 + 1);
    expect(pool.allocated).toBeLessThanOrEqual(3);
    const got: Buffer[] = [];
    const consume = (async () => {
      for (let c = await body.read(); c !== null; c = await body.read()) {
        got.push(Buffer.from(c));
        body.release(c);
      }
    })();
    while (sent < data.length) {
      if (control.paused) {
        await sleep(1);
        continue;
      }
      const end = Math.min(data.length, sent + 1500);
      body.write(data, sent, end);
      sent = end;
    }
    body.finish();
    await consume;
    expect(Buffer.concat(got).equals(data)).toBe(true);
    expect(control.calls.filter((c) => c === 'resume').length).toBeGreaterThan(0);
    // Everything released: a steady stream reused the same few buffers.
    expect(pool.allocated).toBeLessThanOrEqual(4);
  });

  it('reads straight into regions that never run past what was asked', async () => {
    const pool = new BatchPool(32 * KB, 8);
    const body = new ResponseBody(pool, recorder(), 64 * KB);
    const data = bytes(40 * KB, 3);
    let at = 0;
    while (at < data.length) {
      const region = body.region(data.length - at);
      if (!region) throw new Error('no region');
      const n = Math.min(region.length, 5000);
      expect(region.length).toBeLessThanOrEqual(data.length - at);
      data.copy(region, 0, at, at + n);
      body.commit(n);
      at += n;
    }
    // A tail too short for a read retires the batch; a small remainder still fits.
    body.finish();
    const got: Buffer[] = [];
    for (let c = await body.read(); c !== null; c = await body.read()) got.push(Buffer.from(c));
    expect(Buffer.concat(got).equals(data)).toBe(true);
    expect(body.region(10)).toBeUndefined();
  });

  it('hands out the bytes before an error, then throws it', async () => {
    const body = new ResponseBody(new BatchPool(4 * KB, 8), recorder(), 64 * KB);
    body.write(bytes(10), 0, 10);
    body.fail(new Error('reset'));
    expect((await body.read())?.length).toBe(10);
    await expect(body.read()).rejects.toThrow('reset');
  });

  it('cancel wakes a waiting reader, drops unread batches and abandons an unfinished body', async () => {
    const pool = new BatchPool(4 * KB, 8);
    const control = recorder();
    const body = new ResponseBody(pool, control, 64 * KB);
    body.write(bytes(5000), 0, 5000);
    const first = await body.read();
    expect(first?.length).toBe(4096);
    const pending = body.read();
    body.cancel();
    body.cancel();
    await expect(pending).rejects.toThrow(/cancelled/);
    expect(control.calls).toEqual(['abandon']);
    if (!first) throw new Error('no first batch');
    body.release(first);
    expect(pool.freeCount).toBe(pool.allocated);
    body.write(bytes(10), 0, 10);
    await expect(body.read()).rejects.toThrow(/cancelled/);
  });

  it('cancel after the end does not abandon the connection', async () => {
    const control = recorder();
    const body = new ResponseBody(new BatchPool(4 * KB, 8), control, 64 * KB);
    body.write(bytes(10), 0, 10);
    body.finish();
    body.cancel();
    expect(control.calls).toEqual([]);
  });
});
