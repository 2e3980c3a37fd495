import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordPacer } from '../../src/engine/record-pacer.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('recordPacer', () => {
  it('runs after a poke on a later macrotask, not within the poke', async () => {
    const calls: number[] = [];
    const p = recordPacer(
      () => calls.push(Date.now()),
      5,
      () => Date.now(),
    );
    p.poke();
    expect(calls).toHaveLength(0);
    await Promise.resolve();
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
  });

  it('pokes within the gap share one call at its end; never two calls closer than the gap', async () => {
    const calls: number[] = [];
    const p = recordPacer(
      () => calls.push(Date.now()),
      5,
      () => Date.now(),
    );
    for (let t = 0; t < 100; t++) {
      p.poke();
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(10);
    expect(calls.length).toBeGreaterThanOrEqual(15);
    expect(calls.length).toBeLessThanOrEqual(21);
    for (let i = 1; i < calls.length; i++) expect(calls[i] - calls[i - 1]).toBeGreaterThanOrEqual(5);
    // The last poke is always followed by a call.
    expect(calls.at(-1)).toBeGreaterThanOrEqual(99);
  });

  it('nothing runs after stop, also when a call was pending', async () => {
    const calls: number[] = [];
    const p = recordPacer(
      () => calls.push(Date.now()),
      5,
      () => Date.now(),
    );
    p.poke();
    await vi.advanceTimersByTimeAsync(0);
    p.poke();
    p.stop();
    p.poke();
    await vi.advanceTimersByTimeAsync(50);
    expect(calls).toHaveLength(1);
  });
});
