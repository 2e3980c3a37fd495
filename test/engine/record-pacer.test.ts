import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordPacer } from '../../src/engine/record-pacer.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * A pacer (5 ms minimum gap, `share`) whose calls stay open until the test ends them: `starts`
 * (ms since the pacer was made), `finish(cost)` and `fail(error)` end the last call.
 */
function heldPacer(share: number) {
  const base = Date.now();
  const starts: number[] = [];
  let end: { resolve: (cost: number) => void; reject: (e: Error) => void } | undefined;
  const pacer = recordPacer(
    () => {
      starts.push(Date.now() - base);
      return new Promise<number>((resolve, reject) => {
        end = { resolve, reject };
      });
    },
    5,
    () => Date.now(),
    share,
  );
  return { pacer, starts, finish: (cost: number) => end?.resolve(cost), fail: (e: Error) => end?.reject(e) };
}

describe('recordPacer', () => {
  it('runs after a poke on a later macrotask, not within the poke', async () => {
    const calls: number[] = [];
    const p = recordPacer(
      async () => {
        calls.push(Date.now());
        return 0;
      },
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
      async () => {
        calls.push(Date.now());
        return 0;
      },
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
      async () => {
        calls.push(Date.now());
        return 0;
      },
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

  it('spaces calls by their reported cost over the share, one call at a time', async () => {
    const { pacer: p, starts, finish } = heldPacer(0.1);
    p.poke();
    await vi.advanceTimersByTimeAsync(0);
    expect(starts).toEqual([0]);
    // Pokes while the call runs start nothing, however long it takes.
    for (let t = 0; t < 20; t++) {
      p.poke();
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(starts).toHaveLength(1);
    // It reports 3 ms of its own: the next starts 30 ms after the first started.
    finish(3);
    await vi.advanceTimersByTimeAsync(9);
    expect(starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toEqual([0, 30]);
    // A cheap one: the minimum gap applies again.
    finish(0.1);
    p.poke();
    await vi.advanceTimersByTimeAsync(4);
    expect(starts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toEqual([0, 30, 35]);
    p.stop();
  });

  it('a failed call counts its whole duration, and pacing goes on after it', async () => {
    const { pacer: p, starts, fail } = heldPacer(0.5);
    p.poke();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(4);
    p.poke();
    fail(new Error('disk full'));
    // 4 ms of failure over 0.5: 8 ms after the start.
    await vi.advanceTimersByTimeAsync(3);
    expect(starts).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toEqual([0, 8]);
    p.stop();
  });
});
