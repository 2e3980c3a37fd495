import { describe, expect, it } from 'vitest';
import { SpeedMeter } from '../../src/core/speed-meter.js';

/** Feed `bytesPerSec` as chunks every `stepMs` over [from, to); returns the end time. */
function feed(m: SpeedMeter, bytesPerSec: number, from: number, to: number, stepMs = 10): number {
  const chunk = (bytesPerSec * stepMs) / 1000;
  let t = from;
  for (; t < to; t += stepMs) m.add(chunk, t);
  return t;
}

describe('SpeedMeter', () => {
  it('reads 0 before any bytes, and after adding 0 bytes', () => {
    const m = new SpeedMeter();
    expect(m.rate(0)).toBe(0);
    expect(m.rate(12_345)).toBe(0);
    m.add(0, 100);
    expect(m.rate(200)).toBe(0);
    expect(m.totalBytes).toBe(0);
  });

  it('measures a steady rate within 1%', () => {
    for (const bps of [1, 1000, 123_457, 50_000_000]) {
      const m = new SpeedMeter();
      const end = feed(m, bps, 0, 20_000);
      expect(Math.abs(m.rate(end) - bps) / bps).toBeLessThan(0.01);
    }
  });

  it('reads the right rate early, before a full window has passed', () => {
    const m = new SpeedMeter(5000);
    m.reset(0);
    const end = feed(m, 100_000, 0, 1000);
    expect(m.rate(end)).toBeCloseTo(100_000, -3);
  });

  it('spreads a first lone chunk over at least one bucket', () => {
    const m = new SpeedMeter(5000, 100);
    m.add(1, 1000);
    expect(m.rate(1000)).toBe(10); // 1 byte over 100 ms
    const big = new SpeedMeter(5000, 100);
    big.add(65_536, 0);
    expect(big.rate(0)).toBe(655_360);
    expect(big.rate(400)).toBe(163_840); // the same bytes over 400 ms
  });

  it('follows a change of speed within one window', () => {
    const m = new SpeedMeter(2000);
    let t = feed(m, 1_000_000, 0, 10_000);
    expect(m.rate(t)).toBeCloseTo(1_000_000, -4);
    t = feed(m, 200_000, t, t + 1000);
    const mid = m.rate(t);
    expect(mid).toBeGreaterThan(200_000);
    expect(mid).toBeLessThan(1_000_000);
    t = feed(m, 200_000, t, t + 1000);
    expect(Math.abs(m.rate(t) - 200_000) / 200_000).toBeLessThan(0.01);
  });

  it('drops to 0 once nothing arrived for a whole window', () => {
    const m = new SpeedMeter(1000);
    const end = feed(m, 500_000, 0, 3000);
    expect(m.rate(end + 500)).toBeGreaterThan(0);
    expect(m.rate(end + 1100)).toBe(0);
    // And again after a very long idle time (many laps of the ring at once).
    m.add(100, 10_000_000);
    expect(m.rate(10_000_000 + 50)).toBeCloseTo(100, 6); // 100 B over the 1 s window
    expect(m.rate(10_000_000 + 1200)).toBe(0);
  });

  it('slides smoothly: no jump at bucket boundaries', () => {
    const m = new SpeedMeter(1000, 100);
    const t0 = feed(m, 1_000_000, 0, 5000, 100); // one chunk at the start of each bucket
    // Stop feeding; the reading must fall by about rate / window per ms, never in 100 ms steps.
    let prev = m.rate(t0);
    for (let t = t0 + 1; t <= t0 + 900; t++) {
      const r = m.rate(t);
      expect(r).toBeLessThanOrEqual(prev + 1e-6);
      expect(prev - r).toBeLessThan(1_000_000 * 0.02); // < 2% of the rate per ms
      prev = r;
    }
  });

  it('keeps a steady reading steady while sampled often', () => {
    const m = new SpeedMeter(5000, 100);
    let t = feed(m, 1_000_000, 0, 6000, 10);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < 2000; i++, t += 1) {
      if (t % 10 === 0) m.add(10_000, t);
      const r = m.rate(t);
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
    expect((hi - lo) / 1_000_000).toBeLessThan(0.005);
  });

  it('rounds the window up to whole buckets', () => {
    expect(new SpeedMeter(250, 100).windowMs).toBe(300);
    expect(new SpeedMeter(50, 100).windowMs).toBe(100);
    expect(new SpeedMeter().windowMs).toBe(5000);
    expect(new SpeedMeter().bucketMs).toBe(100);
  });

  it('counts bytes in the bucket of the right time at window edges', () => {
    // Window 300 ms = 3 buckets; bytes exactly at a bucket start and just before the window end.
    const m = new SpeedMeter(300, 100);
    m.reset(0);
    m.add(300, 0);
    m.add(300, 299);
    expect(m.rate(299)).toBeCloseTo(600_000 / 299, 6); // 600 B over 299 ms
    expect(m.rate(300)).toBeCloseTo(2000, 6); // a full window: 600 B / 300 ms
    expect(m.rate(350)).toBeCloseTo(1500, 6); // half of bucket 0 slid out
    expect(m.rate(400)).toBeCloseTo(1000, 6); // bucket 0 gone, 300 B remain
    expect(m.rate(599)).toBeCloseTo(10, 6); // 99% of bucket 2 slid out: 3 B / 300 ms
    expect(m.rate(600)).toBe(0);
  });

  it('tolerates a clock that goes back without corrupting the ring', () => {
    const m = new SpeedMeter(1000, 100);
    feed(m, 100_000, 0, 2000);
    m.add(1000, 1500); // earlier than the newest bucket: counted in it
    expect(Number.isFinite(m.rate(1400))).toBe(true);
    expect(m.rate(2000)).toBeGreaterThan(100_000);
    expect(m.rate(5000)).toBe(0);
  });

  it('works with negative clock values', () => {
    const m = new SpeedMeter(1000, 100);
    const end = feed(m, 10_000, -5000, -2000);
    expect(Math.abs(m.rate(end) - 10_000) / 10_000).toBeLessThan(0.01);
  });

  it('reset forgets everything', () => {
    const m = new SpeedMeter(1000);
    feed(m, 100_000, 0, 2000);
    expect(m.totalBytes).toBe(200_000);
    m.reset(2000);
    expect(m.totalBytes).toBe(0);
    expect(m.rate(2000)).toBe(0);
    m.add(500, 2100);
    expect(m.rate(2500)).toBeCloseTo(1000, 6); // 500 B over the 500 ms since reset
  });

  it('rejects a nonsensical window or bucket', () => {
    expect(() => new SpeedMeter(0)).toThrow(RangeError);
    expect(() => new SpeedMeter(1000, 0)).toThrow(RangeError);
    expect(() => new SpeedMeter(NaN)).toThrow(RangeError);
    expect(() => new SpeedMeter(1000, Infinity)).toThrow(RangeError);
  });

  it('is cheap: a million add + rate calls in well under a second', () => {
    const m = new SpeedMeter();
    const start = performance.now();
    let t = 0;
    for (let i = 0; i < 1_000_000; i++) {
      t += 0.3;
      m.add(1500, t);
      if (i % 4 === 0) m.rate(t);
    }
    expect(performance.now() - start).toBeLessThan(2000);
    expect(m.totalBytes).toBe(1_500_000_000);
  });
});
