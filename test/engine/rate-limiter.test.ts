import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { TokenBucket } from '../../src/core/token-bucket.js';
import { createRateLimiter, type RateLimiter, type Sleep } from '../../src/engine/rate-limiter.js';

/**
 * A fake clock with fake timers. `sleep` registers a timer; `run` advances the clock from timer to
 * timer (after letting every pending promise settle) until the given work is done.
 */
class FakeTime {
  t = 0;
  nowCalls = 0;
  readonly sleeps: number[] = [];
  private timers: Array<{ at: number; fire: () => void }> = [];

  readonly now = (): number => {
    this.nowCalls++;
    return this.t;
  };

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      this.sleeps.push(ms);
      if (signal?.aborted) return reject(signal.reason);
      const timer = {
        at: this.t + ms,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
    });

  get pending(): number {
    return this.timers.length;
  }

  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const settled = work.finally(() => {
      done = true;
    });
    settled.catch(() => {});
    for (;;) {
      await new Promise((r) => setImmediate(r)); // let every woken task run to its next sleep
      if (done) return settled;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) throw new Error('deadlock: work pending but no timer');
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
  }
}

/** Push `total` bytes through the limiter in chunks, simulating `readMs` of network per chunk. */
async function pump(limiter: RateLimiter, time: FakeTime, total: number, chunk: number, readMs = 0): Promise<number> {
  let sent = 0;
  while (sent < total) {
    const n = Math.min(chunk, total - sent);
    if (readMs > 0) await time.sleep(readMs);
    const w = limiter.consume(n);
    if (w) await w;
    sent += n;
  }
  return sent;
}

const within = (actual: number, expected: number, tolerance: number) => expect(Math.abs(actual - expected) / expected).toBeLessThan(tolerance);

describe('RateLimiter', () => {
  it('has a fast path: no limit means no promise and no clock read', () => {
    const time = new FakeTime();
    const none = createRateLimiter({}, time);
    const unlimited = createRateLimiter({ global: new TokenBucket(0, 0, 0), own: new TokenBucket(0, 0, 0) }, time);
    for (const limiter of [none, unlimited]) {
      expect(limiter.limited).toBe(false);
      for (let i = 0; i < 1000; i++) expect(limiter.consume(1 << 20)).toBeUndefined();
    }
    expect(time.nowCalls).toBe(0);
    expect(time.sleeps).toEqual([]);
  });

  it('lets a burst pass at once, then waits', async () => {
    const time = new FakeTime();
    const limiter = createRateLimiter({ own: new TokenBucket(100_000, 65_536, 0) }, time);
    expect(limiter.limited).toBe(true);
    expect(limiter.consume(32_768)).toBeUndefined();
    expect(limiter.consume(32_768)).toBeUndefined();
    expect(time.sleeps).toEqual([]);
    const w = limiter.consume(1000);
    if (!(w instanceof Promise)) throw new Error('expected a wait');
    await time.run(w);
    expect(time.sleeps).toEqual([10]); // 1000 B at 100 kB/s
    expect(time.t).toBe(10);
  });

  it('holds the long-run rate within 5% of the limit', async () => {
    // [rate, burst, chunk, network ms per chunk, total]: the burst is small against the total.
    for (const [rate, burst, chunk, readMs, total] of [
      [1_000_000, 65_536, 16_384, 0, 4_000_000],
      [1_000_000, 65_536, 16_384, 3, 4_000_000], // with network time between chunks
      [50_000, 100, 1, 0, 20_000], // 1-byte chunks: waits shorter than 1 ms add up right
      [10_000_000, 65_536, 200_000, 1, 8_000_000], // chunks larger than the burst
      [3_333, 0, 1000, 0, 100_000], // no burst, waits of 300.03 ms rounded up
    ]) {
      const time = new FakeTime();
      const limiter = createRateLimiter({ own: new TokenBucket(rate, burst, 0) }, time);
      const sent = await time.run(pump(limiter, time, total, chunk, readMs));
      expect(sent).toBe(total);
      within((sent * 1000) / time.t, rate, 0.05);
    }
  });

  it('waits for the slowest bucket: own limit under the global one', async () => {
    const time = new FakeTime();
    const global = new TokenBucket(1_000_000, 16_384, 0);
    const limiter = createRateLimiter({ global, own: new TokenBucket(100_000, 16_384, 0) }, time);
    const sent = await time.run(pump(limiter, time, 2_000_000, 16_384));
    within((sent * 1000) / time.t, 100_000, 0.05);
  });

  it('shares the global bucket between downloads', async () => {
    const time = new FakeTime();
    const global = new TokenBucket(1_000_000, 32_768, 0);
    const slow = createRateLimiter({ global, own: new TokenBucket(200_000, 16_384, 0) }, time);
    const fast = createRateLimiter({ global }, time);
    const counts = { slow: 0, fast: 0 };
    const stopAt = 10_000;
    const loop = async (limiter: RateLimiter, key: 'slow' | 'fast') => {
      while (time.t < stopAt) {
        await time.sleep(1); // network time
        const w = limiter.consume(8192);
        if (w) await w;
        counts[key] += 8192;
      }
    };
    await time.run(Promise.all([loop(slow, 'slow'), loop(fast, 'fast')]));
    const secs = time.t / 1000;
    within((counts.slow + counts.fast) / secs, 1_000_000, 0.05);
    within(counts.slow / secs, 200_000, 0.05);
  });

  it('applies a rate change to later bytes', async () => {
    const time = new FakeTime();
    const own = new TokenBucket(100_000, 10_000, 0);
    const limiter = createRateLimiter({ own }, time);
    await time.run(pump(limiter, time, 500_000, 10_000));
    within(500_000 / (time.t / 1000), 100_000, 0.05);
    own.setRate(0, time.t);
    const t0 = time.t;
    expect(limiter.consume(10_000_000)).toBeUndefined();
    own.setRate(1_000_000, time.t);
    await time.run(pump(limiter, time, 5_000_000, 10_000));
    within(5_000_000 / ((time.t - t0) / 1000), 1_000_000, 0.05);
  });

  it('rejects at once, without taking tokens, when the signal is already aborted', async () => {
    const time = new FakeTime();
    const limiter = createRateLimiter({ own: new TokenBucket(1000, 1000, 0) }, time);
    const ac = new AbortController();
    ac.abort();
    await expect(limiter.consume(1000, ac.signal)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(limiter.consume(1000)).toBeUndefined(); // the burst is still there
    // With no limit at all, an aborted signal still rejects.
    await expect(createRateLimiter().consume(1, ac.signal)).rejects.toBeInstanceOf(FerryError);
  });

  it('aborts a wait cleanly', async () => {
    const time = new FakeTime();
    const limiter = createRateLimiter({ own: new TokenBucket(1000, 0, 0) }, time);
    const ac = new AbortController();
    const w = limiter.consume(60_000, ac.signal);
    expect(time.pending).toBe(1);
    ac.abort();
    await expect(w).rejects.toMatchObject({ name: 'FerryError', code: 'ABORTED' });
    expect(time.pending).toBe(0); // the timer is gone
    expect(time.t).toBe(0);
  });

  it('rejects with the signal reason when it is a FerryError', async () => {
    const time = new FakeTime();
    const limiter = createRateLimiter({ own: new TokenBucket(1000, 0, 0) }, time);
    const ac = new AbortController();
    const w = limiter.consume(5000, ac.signal);
    const reason = new FerryError('TIMEOUT', 'stalled', { retryable: true });
    ac.abort(reason);
    await expect(w).rejects.toBe(reason);
  });

  it('does not let bytes through after an abort even if the sleep ignores the signal', async () => {
    const ac = new AbortController();
    const sleep: Sleep = async () => {
      ac.abort();
    };
    const limiter = createRateLimiter({ own: new TokenBucket(1000, 0, 0) }, { now: () => 0, sleep });
    await expect(limiter.consume(10, ac.signal)).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('passes through a sleep failure that is not an abort', async () => {
    const sleep: Sleep = async () => {
      throw new Error('timer broke');
    };
    const limiter = createRateLimiter({ own: new TokenBucket(1000, 0, 0) }, { now: () => 0, sleep });
    await expect(limiter.consume(10, new AbortController().signal)).rejects.toThrow('timer broke');
  });

  it('uses a shared bucket once when it is both global and own', async () => {
    const time = new FakeTime();
    const bucket = new TokenBucket(1000, 1000, 0);
    const limiter = createRateLimiter({ global: bucket, own: bucket }, time);
    expect(limiter.consume(1000)).toBeUndefined(); // taken once, not twice
  });

  it('works with the real clock and timers', async () => {
    // 200 kB/s with a 10 kB burst: 5 chunks of 10 kB need 4 * 50 ms after the burst.
    const limiter = createRateLimiter({ own: new TokenBucket(200_000, 10_000, performance.now()) });
    const start = performance.now();
    for (let i = 0; i < 5; i++) await limiter.consume(10_000);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
  });

  it('aborts a real timer promptly', async () => {
    const limiter = createRateLimiter({ own: new TokenBucket(1000, 0, performance.now()) });
    const ac = new AbortController();
    const start = performance.now();
    setTimeout(() => ac.abort(), 20);
    await expect(limiter.consume(10_000, ac.signal)).rejects.toMatchObject({ code: 'ABORTED' }); // would be 10 s
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
