import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { PieceMap } from '../../src/core/piece-map.js';
import type { ByteStream, Source } from '../../src/core/types.js';
import { HostSlots } from '../../src/engine/host-slots.js';
import { MirrorLanes, newLane } from '../../src/engine/mirror-lanes.js';
import { Transfer, type TransferParams } from '../../src/engine/transfer.js';
import { randomBytesSeeded } from '../helpers/http-server.js';

const KiB = 1024;
const HOST = '127.0.0.1:1';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A clock the test moves: every chunk a fake stream yields takes `tickMs`. */
function fakeClock(tickMs: number) {
  const c = { t: 10_000, tick: () => (c.t += tickMs), now: () => c.t };
  return c;
}

/** A stream of `body[start, end)` in `chunk`-byte pieces; each piece ticks the clock and yields to the event loop. */
function sliceStream(body: Buffer, start: number, end: number, chunk: number, tick: () => void, signal?: AbortSignal): ByteStream {
  let cancelled = false;
  return {
    async *[Symbol.asyncIterator]() {
      for (let p = start; p < end; p += chunk) {
        await delay(1);
        if (cancelled || signal?.aborted) throw new FerryError('ABORTED', 'cancelled');
        tick();
        yield body.subarray(p, Math.min(end, p + chunk));
      }
    },
    cancel() {
      cancelled = true;
    },
  };
}

/** The stalled probe response: one chunk, then silence until cancel() (which ends it, as a closed socket does). */
function stalledStream(body: Buffer, first: number) {
  let wake: (() => void) | undefined;
  const s = {
    cancelled: false,
    async *[Symbol.asyncIterator]() {
      yield body.subarray(0, first);
      await new Promise<void>((r) => {
        wake = r;
        if (s.cancelled) r();
      });
      throw new FerryError('ABORTED', 'the response was cancelled');
    },
    cancel() {
      s.cancelled = true;
      wake?.();
    },
  };
  return s;
}

function memoryWriter(size: number) {
  const out = Buffer.alloc(size);
  return {
    out,
    write: async (bufs: Uint8Array[], pos: number) => {
      let p = pos;
      for (const b of bufs) {
        out.set(b, p);
        p += b.length;
      }
    },
  };
}

type ParamsIn = Partial<TransferParams> & Pick<TransferParams, 'writer' | 'map' | 'now'> & { source: Source };

/** Parameters of a one-mirror transfer over `source`. */
function params(over: ParamsIn): TransferParams {
  const { source, ...rest } = over;
  return {
    lanes: new MirrorLanes(newLane({ index: 0, url: 'http://x/', source, host: HOST, validators: { size: over.map.size }, limit: 16 })),
    hostSlots: new HostSlots(16),
    connections: 3,
    minSplitSize: 8 * KiB,
    maxTries: 5,
    retryWaitMs: 10,
    random: () => 0.5,
    sleep: (ms, signal) => delay(ms, undefined, { signal }),
    onBytes: () => {},
    onNote: () => {},
    onRetry: () => {},
    ...rest,
  };
}

const within = <T>(p: Promise<T>, ms: number): Promise<T> => Promise.race([p, delay(ms).then(() => Promise.reject(new Error(`still running after ${ms} ms`)))]);

describe('Transfer: stopping connections', () => {
  it('a stalled probe connection that is taken over is closed at once, and its host slot released', async () => {
    for (let run = 0; run < 5; run++) {
      const size = 256 * KiB;
      const body = randomBytesSeeded(size, `takeover-${run}`);
      const clock = fakeClock(500);
      const probe = stalledStream(body, 4 * KiB);
      const source: Source = {
        probe: async () => ({ url: 'x', acceptsRanges: true }),
        // Reads in the middle of the file come fast, the tail slowly: the middle finishes first while
        // the tail still moves, so the stalled first connection is taken over whole.
        read: async (r, _v, signal) => sliceStream(body, r.start, r.end ?? size, r.start < 160 * KiB ? 8 * KiB : 2 * KiB, clock.tick, signal),
        close: async () => {},
      };
      const map = new PieceMap(size);
      const writer = memoryWriter(size);
      const slots = new HostSlots(16);
      slots.tryAcquire(HOST);
      const t = new Transfer(
        params({ source, writer, map, now: clock.now, hostSlots: slots, heldSlot: true, firstStream: { stream: probe, offset: 0, end: size } }),
      );
      await within(t.run(new AbortController().signal), 10_000);
      expect(probe.cancelled).toBe(true);
      expect(slots.inUse(HOST)).toBe(0);
      expect(map.complete).toBe(true);
      expect(sha(writer.out)).toBe(sha(body));
    }
  });

  it('one connection arms no stall watch (no helper could answer it); two do, and the bytes are exact', async () => {
    for (const connections of [1, 2]) {
      const size = 64 * KiB + 1;
      const body = randomBytesSeeded(size, `watch-${connections}`);
      const clock = fakeClock(1);
      const source: Source = {
        probe: async () => ({ url: 'x', acceptsRanges: true }),
        read: async (r, _v, signal) => sliceStream(body, r.start, r.end ?? size, 4 * KiB, clock.tick, signal),
        close: async () => {},
      };
      const map = new PieceMap(size);
      const writer = memoryWriter(size);
      const sleeps: number[] = [];
      const sleep = (ms: number, signal: AbortSignal) => {
        sleeps.push(ms);
        return delay(ms, undefined, { signal });
      };
      await within(new Transfer(params({ source, writer, map, now: clock.now, connections, sleep })).run(new AbortController().signal), 10_000);
      expect(sha(writer.out)).toBe(sha(body));
      // Nothing failed, so no backoff slept: every sleep is the stall watch's.
      if (connections === 1) expect(sleeps).toEqual([]);
      else expect(sleeps.length).toBeGreaterThan(0);
    }
  });

  it('a helper that retired comes back when the other connection stalls later (two connections)', async () => {
    for (let run = 0; run < 3; run++) {
      const size = 256 * KiB;
      const body = randomBytesSeeded(size, `retired-${run}`);
      const clock = fakeClock(100);
      let stalledOnce = false;
      const source: Source = {
        probe: async () => ({ url: 'x', acceptsRanges: true }),
        read: async (r, _v, signal) => {
          // The first request at 0 sends 4 KiB and then nothing; every other request flows.
          if (r.start === 0 && !stalledOnce) {
            stalledOnce = true;
            const s = stalledStream(body, 4 * KiB);
            signal.addEventListener('abort', () => s.cancel(), { once: true });
            return s;
          }
          return sliceStream(body, r.start, r.end ?? size, 8 * KiB, clock.tick, signal);
        },
        close: async () => {},
      };
      const map = new PieceMap(size);
      const writer = memoryWriter(size);
      // Sleeping moves the test's clock, so the silent connection becomes stalled.
      const sleep = async (ms: number, signal: AbortSignal): Promise<void> => {
        clock.t += ms;
        await delay(2, undefined, { signal });
      };
      // Splits below 96 KiB are not worth it: the helper retires when its own half is done.
      const t = new Transfer(params({ source, writer, map, now: clock.now, connections: 2, minSplitSize: 96 * KiB, sleep }));
      await within(t.run(new AbortController().signal), 10_000);
      expect(map.complete).toBe(true);
      expect(sha(writer.out)).toBe(sha(body));
    }
  });

  it('a fatal error ends the transfer at once, also while another connection sleeps in a Retry-After backoff', async () => {
    const size = 128 * KiB;
    const clock = fakeClock(10);
    let reads = 0;
    const source: Source = {
      probe: async () => ({ url: 'x', acceptsRanges: true }),
      read: async (r, _v, signal) => {
        reads++;
        // The first request is told to come back in a minute; the second finds the file changed.
        if (r.start === 0) throw new FerryError('HTTP_STATUS', 'busy', { status: 500, retryable: true, retryAfterMs: 60_000 });
        await delay(50);
        if (signal.aborted) throw new FerryError('ABORTED', 'aborted');
        throw new FerryError('CHANGED', 'the file changed on the server');
      },
      close: async () => {},
    };
    const map = new PieceMap(size);
    const slots = new HostSlots(16);
    const t = new Transfer(params({ source, writer: memoryWriter(size), map, now: clock.now, hostSlots: slots, connections: 2 }));
    const started = Date.now();
    const err = await within(
      t.run(new AbortController().signal).then(
        () => undefined,
        (e: unknown) => e,
      ),
      10_000,
    );
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).code).toBe('CHANGED');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(reads).toBe(2);
    expect(slots.inUse(HOST)).toBe(0);
  });

  it("the rate limiter's wait is not silence: a throttled connection is never taken over as stalled", async () => {
    for (let run = 0; run < 5; run++) {
      const size = 192 * KiB;
      const body = randomBytesSeeded(size, `throttle-${run}`);
      const clock = fakeClock(200);
      const signals: AbortSignal[] = [];
      const source: Source = {
        probe: async () => ({ url: 'x', acceptsRanges: true }),
        read: async (r, _v, signal) => sliceStream(body, r.start, r.end ?? size, 2 * KiB, clock.tick, signal),
        close: async () => {},
      };
      // The second connection's every wait lasts 40 ticks of the others' bytes (8 s on the clock,
      // past the stall limit) while the other connections move.
      const throttle = async (_n: number, signal: AbortSignal): Promise<void> => {
        if (!signals.includes(signal)) signals.push(signal);
        if (signal !== signals[1]) return;
        const until = clock.t + 40 * 200;
        // Once the others are done nobody else moves the clock: then the wait moves it itself.
        for (let spins = 0; clock.t < until; spins++) {
          if (signal.aborted) throw new FerryError('ABORTED', 'aborted');
          await delay(1);
          if (spins > 20) clock.tick();
        }
      };
      const map = new PieceMap(size);
      const writer = memoryWriter(size);
      const t = new Transfer(params({ source, writer, map, now: clock.now, throttle }));
      await within(t.run(new AbortController().signal), 20_000);
      expect(signals.length).toBeGreaterThanOrEqual(3);
      expect(signals.filter((s) => s.aborted)).toEqual([]);
      expect(sha(writer.out)).toBe(sha(body));
    }
  });
});
