import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/core/token-bucket.js';
import { seededRandom } from '../helpers/seeded-random.js';

describe('TokenBucket', () => {
  it('lets a full burst pass at once, then makes the next byte wait', () => {
    const b = new TokenBucket(1000, 100, 0);
    expect(b.take(100, 0)).toBe(0);
    expect(b.take(1, 0)).toBe(1); // 1 byte at 1000 B/s
  });

  it('makes a byte past the burst wait exactly its share of the rate', () => {
    const b = new TokenBucket(1000, 100, 0);
    expect(b.take(101, 0)).toBe(1);
    const c = new TokenBucket(1000, 100, 0);
    expect(c.take(99, 0)).toBe(0);
    expect(c.take(1, 0)).toBe(0); // exactly empty is not in debt
    expect(c.take(1, 0)).toBe(1);
  });

  it('follows a table of takes', () => {
    // rate 1000 B/s, burst 500: [time, bytes, expected wait]
    const steps: Array<[number, number, number]> = [
      [0, 0, 0], // 0 bytes never wait
      [0, 500, 0], // the burst
      [0, 250, 250], // debt 250
      [0, 250, 500], // debt 500: queued behind the first
      [500, 0, 0], // debt paid exactly at 500 ms
      [500, 1000, 1000], // bigger than the burst: passes after its time
      [1500, 1, 1],
      [10_000, 500, 0], // idle: refilled, but only up to the burst
      [10_000, 1, 1],
    ];
    const b = new TokenBucket(1000, 500, 0);
    for (const [t, bytes, wait] of steps) expect([t, bytes, b.take(bytes, t)]).toEqual([t, bytes, wait]);
  });

  it('rounds waits up to whole milliseconds without float noise', () => {
    const b = new TokenBucket(3, 0, 0); // 3 B/s: 1 byte = 333.33 ms
    expect(b.take(1, 0)).toBe(334);
    const c = new TokenBucket(1_000_000, 0, 0);
    expect(c.take(1, 0)).toBe(1); // a microsecond rounds up to 1 ms: never 0 while in debt
    const d = new TokenBucket(10_000, 0, 0.1);
    expect(d.take(1000, 0.1)).toBe(100);
    expect(d.take(1000, 100.1)).toBe(100); // exact after float refills (0.1 + 100 ms)
  });

  it('never pays out more than the rate in the long run', () => {
    const rate = 250_000;
    const b = new TokenBucket(rate, 16_384, 0);
    let t = 0;
    let sent = 0;
    // Irregular chunk sizes from a seeded source, including 0, 1, and larger than the burst.
    const rnd = seededRandom(7);
    const sizes = [0, 1, 16_383, 16_384, 16_385, 100_000];
    for (let i = 0; i < 2000; i++) {
      const bytes = i < sizes.length ? sizes[i] : rnd(40_000);
      t += b.take(bytes, t); // wait, then the bytes pass
      sent += bytes;
    }
    expect(sent).toBeGreaterThan(20_000_000);
    expect(sent).toBeLessThanOrEqual(16_384 + (rate * t) / 1000 + rate / 1000); // + 1 ms of rounding
    expect(Math.abs(sent / (t / 1000) - rate) / rate).toBeLessThan(0.01);
  });

  it('is unlimited at rate 0', () => {
    const b = new TokenBucket(0, 0, 0);
    expect(b.unlimited).toBe(true);
    for (let i = 0; i < 100; i++) expect(b.take(1e9, 0)).toBe(0);
  });

  it('setRate accounts the past at the old rate and the future at the new one', () => {
    const b = new TokenBucket(1000, 1000, 0);
    expect(b.take(1000, 0)).toBe(0);
    b.setRate(2000, 500); // 500 tokens earned at the old rate
    expect(b.rate).toBe(2000);
    expect(b.take(500, 500)).toBe(0);
    expect(b.take(200, 500)).toBe(100); // 200 B at 2000 B/s
  });

  it('setRate to unlimited forgives debt; back to a limit starts full', () => {
    const b = new TokenBucket(1000, 100, 0);
    expect(b.take(5000, 0)).toBe(4900);
    b.setRate(0, 10);
    expect(b.unlimited).toBe(true);
    expect(b.take(1e9, 10)).toBe(0);
    b.setRate(1000, 20);
    expect(b.unlimited).toBe(false);
    expect(b.take(100, 20)).toBe(0);
    expect(b.take(10, 20)).toBe(10);
  });

  it('lowering the rate keeps an existing debt and pays it at the new rate', () => {
    const b = new TokenBucket(1000, 0, 0);
    expect(b.take(1000, 0)).toBe(1000);
    b.setRate(100, 0);
    expect(b.take(0, 0)).toBe(10_000); // 1000 B of debt at 100 B/s
  });

  it('a clock that goes back earns nothing', () => {
    const b = new TokenBucket(1000, 100, 1000);
    expect(b.take(100, 1000)).toBe(0);
    expect(b.take(100, 500)).toBe(100);
    expect(b.take(0, 1100)).toBe(0); // paid at 1100, measured from 1000, not 500
    expect(b.take(1, 1100)).toBe(1);
  });

  it('rejects nonsensical parameters', () => {
    expect(() => new TokenBucket(-1, 10, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(NaN, 10, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(Infinity, 10, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(10, -1, 0)).toThrow(RangeError);
    const b = new TokenBucket(10, 10, 0);
    expect(() => b.take(-1, 0)).toThrow(RangeError);
    expect(() => b.take(NaN, 0)).toThrow(RangeError);
    expect(() => b.setRate(-5, 0)).toThrow(RangeError);
    expect(b.burstBytes).toBe(10);
  });
});
