import { describe, expect, it } from 'vitest';
import { PieceMap } from '../../src/core/piece-map.js';
import type { ByteStream } from '../../src/core/types.js';
import { type PositionalWriter, type PumpContext, pumpSegment } from '../../src/engine/segment-pump.js';

function streamOf(chunks: Buffer[], onYield?: (i: number) => void): ByteStream & { cancelled: boolean; released: Uint8Array[] } {
  const s = {
    cancelled: false,
    released: [] as Uint8Array[],
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < chunks.length; i++) {
        onYield?.(i);
        yield chunks[i];
      }
    },
    cancel() {
      s.cancelled = true;
    },
    release(c: Uint8Array) {
      s.released.push(c);
    },
  };
  return s;
}

/** pumpSegment as connection 1 (unless `ctx.id` says otherwise) with no progress callback. */
const pump = (stream: ByteStream, ctx: Omit<PumpContext, 'id' | 'onBytes'> & { id?: number }): Promise<void> =>
  pumpSegment(stream, { id: 1, onBytes: () => {}, ...ctx });

/** A writer that records each write as [position, bytes carried]. */
function recordingWriter(): PositionalWriter & { writes: Array<[number, number]> } {
  const writes: Array<[number, number]> = [];
  return {
    writes,
    write: async (bufs, pos) => {
      writes.push([pos, bufs.reduce((n, b) => n + b.length, 0)]);
    },
  };
}

describe('pumpSegment', () => {
  it('a chunk that arrives after its claim was split away goes back to the stream at once, and the request stops', async () => {
    const map = new PieceMap(40);
    map.assign(1, { start: 0, end: 40 });
    const chunks = [0, 1, 2].map((i) => Buffer.alloc(10, i));
    // Another connection takes [10, 40) after the first chunk was read: the second is past the claim.
    const stream = streamOf(chunks, (i) => {
      if (i === 1) map.assign(2, { start: 10, end: 40 }, 1);
    });
    const writer = recordingWriter();
    await pump(stream, { map, requestEnd: 40, batchBytes: 1 << 20, writer });
    expect(writer.writes).toEqual([[0, 10]]);
    expect(stream.cancelled).toBe(true);
    // Both chunks came back: the written one after its write, the dropped one without any.
    expect(stream.released).toHaveLength(2);
    expect(stream.released).toContain(chunks[1]);
    expect(map.done.covers(0, 10)).toBe(true);
    expect(map.done.covers(10, 11)).toBe(false);
  });

  it('batches behind a write in flight, marks done only after the write, and hands chunks back', async () => {
    const map = new PieceMap(40);
    map.assign(1, { start: 0, end: 40 });
    const writes: Array<[number, number]> = [];
    const chunks = [0, 1, 2, 3].map((i) => Buffer.alloc(10, i));
    const stream = streamOf(chunks);
    await pump(stream, {
      map,
      requestEnd: 40,
      batchBytes: 20,
      writer: {
        write: async (bufs, pos) => {
          expect(map.done.covers(pos, pos + 1)).toBe(false);
          writes.push([pos, bufs.reduce((n, b) => n + b.length, 0)]);
          await new Promise((r) => setTimeout(r, 5));
        },
      },
    });
    // The first chunk goes at once (nothing in flight); the next two wait for it, as one batch.
    expect(writes).toEqual([
      [0, 10],
      [10, 20],
      [30, 10],
    ]);
    expect(map.complete).toBe(true);
    expect(stream.released).toHaveLength(4);
  });

  it('holds one batch per connection: it takes no more bytes while a write is under way', async () => {
    const map = new PieceMap(40);
    map.assign(1, { start: 0, end: 40 });
    let pulled = 0;
    const stream = streamOf(
      [0, 1, 2, 3].map((i) => Buffer.alloc(10, i)),
      () => pulled++,
    );
    const pending: Array<() => void> = [];
    const pumping = pump(stream, {
      map,
      requestEnd: 40,
      batchBytes: 10,
      writer: { write: () => new Promise<void>((resolve) => pending.push(resolve)) },
    });
    for (let w = 0; w < 4; w++) {
      // Let the pump run as far as it will: it must stop at the write under way.
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      expect(pending).toHaveLength(w + 1);
      expect(pulled).toBe(w + 1);
      pending[w]();
    }
    await pumping;
    expect(map.complete).toBe(true);
    expect(stream.released).toHaveLength(4);
  });

  it('writes every chunk at once while no write is in flight (a killed process has nothing unwritten)', async () => {
    const map = new PieceMap(40);
    map.assign(1, { start: 0, end: 40 });
    const writer = recordingWriter();
    const doneBeforeChunk: number[] = [];
    const stream = streamOf(
      [0, 1, 2, 3].map((i) => Buffer.alloc(10, i)),
      () => doneBeforeChunk.push(map.doneBytes),
    );
    await pump(stream, {
      map,
      requestEnd: 40,
      batchBytes: 1 << 20,
      writer,
    });
    expect(writer.writes.map(([pos]) => pos)).toEqual([0, 10, 20, 30]);
    // Each chunk was done (written and marked) before the next one was read.
    expect(doneBeforeChunk).toEqual([0, 10, 20, 30]);
  });

  it('writes a batch that is old, not only a full one (a crash loses little of a slow connection)', async () => {
    const map = new PieceMap(30);
    map.assign(1, { start: 0, end: 30 });
    let clock = 0;
    const writer = recordingWriter();
    const stream = streamOf(
      [0, 1, 2].map((i) => Buffer.alloc(10, i)),
      () => (clock += 300),
    );
    await pump(stream, {
      map,
      requestEnd: 30,
      batchBytes: 1 << 20,
      maxBatchAgeMs: 250,
      now: () => clock,
      writer,
    });
    expect(writer.writes.length).toBeGreaterThanOrEqual(2);
  });

  it('stops at a claim shrunk by a split and cancels the stream', async () => {
    const map = new PieceMap(100);
    map.assign(1, { start: 0, end: 100 });
    const stream = streamOf(
      [0, 1, 2, 3, 4].map((i) => Buffer.alloc(20, i)),
      (i) => {
        if (i === 1) map.assign(2, { start: 30, end: 100 }, 1);
      },
    );
    const writer = recordingWriter();
    await pump(stream, { map, requestEnd: 100, batchBytes: 1000, writer });
    expect(stream.cancelled).toBe(true);
    expect(writer.writes).toEqual([
      [0, 20],
      [20, 10],
    ]);
    expect(map.done.toArray()).toEqual([{ start: 0, end: 30 }]);
  });

  it('a write error wins; the bytes it carried are not done but missing again', async () => {
    const map = new PieceMap(20);
    map.assign(1, { start: 0, end: 20 });
    const err = await pump(streamOf([Buffer.alloc(20)]), {
      map,
      requestEnd: 20,
      batchBytes: 10,
      writer: {
        write: async () => {
          throw new Error('disk full');
        },
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('disk full');
    expect(map.doneBytes).toBe(0);
    expect(map.gaps()).toEqual([{ start: 0, end: 20 }]); // to be fetched again
  });
});

describe('pumpSegment: strictEnd', () => {
  const write = async () => {};
  it.each([
    [0, [1]],
    [1, [1, 1]],
    [10, [4, 4, 3]],
    [10, [11]],
  ])('a body of more than the %i bytes announced fails with CHANGED instead of being cut', async (size, lengths) => {
    const map = new PieceMap(size);
    map.assign(0, { start: 0, end: size });
    const stream = streamOf(lengths.map((n) => Buffer.alloc(n, 7)));
    const err = await pump(stream, { map, id: 0, requestEnd: size, strictEnd: true, batchBytes: 4, writer: { write } }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('CHANGED');
    expect(map.doneBytes).toBe(size);
  });

  it('exactly the announced bytes pass; without strictEnd the excess of a split claim is dropped as before', async () => {
    const map = new PieceMap(10);
    map.assign(0, { start: 0, end: 10 });
    await pump(streamOf([Buffer.alloc(6), Buffer.alloc(4)]), {
      map,
      id: 0,
      requestEnd: 10,
      strictEnd: true,
      batchBytes: 4,
      writer: { write },
    });
    expect(map.complete).toBe(true);
    const split = new PieceMap(10);
    split.assign(0, { start: 0, end: 5 });
    await pump(streamOf([Buffer.alloc(10)]), {
      map: split,
      id: 0,
      requestEnd: 10,
      strictEnd: true,
      batchBytes: 4,
      writer: { write },
    });
    expect(split.doneBytes).toBe(5);
  });
});
