import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { FerryError } from '../../src/core/errors.js';
import { StdoutWriter } from '../../src/disk/stdout-writer.js';

/** A sink that records bytes; `full` makes it ask for a drain after every write. */
class Sink extends EventEmitter {
  chunks: Buffer[] = [];
  writableNeedDrain = false;
  full = false;
  write(chunk: Uint8Array, cb?: (e?: Error | null) => void): boolean {
    this.chunks.push(Buffer.from(chunk));
    cb?.(null);
    if (this.full) this.writableNeedDrain = true;
    return !this.full;
  }
  drain(): void {
    this.writableNeedDrain = false;
    this.emit('drain');
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const bytes = (from: number, n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (from + i) % 251);
const settledSoon = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
};

describe('StdoutWriter', () => {
  it('puts out-of-order writes out in file order, each byte once', async () => {
    const sink = new Sink();
    const w = new StdoutWriter(sink);
    await w.write([bytes(20, 10)], 20);
    await w.write([bytes(10, 5), bytes(15, 5)], 10);
    expect(sink.bytes.length).toBe(0);
    await w.write([bytes(0, 10)], 0);
    expect(Buffer.compare(sink.bytes, Buffer.from(bytes(0, 30)))).toBe(0);
    expect(w.written).toBe(30);
  });

  it('drops bytes already written and overlaps (a retried or taken-over range)', async () => {
    const sink = new Sink();
    const w = new StdoutWriter(sink);
    await w.write([bytes(0, 10)], 0);
    await w.write([bytes(5, 10)], 5);
    await w.write([bytes(0, 3)], 0);
    await w.write([bytes(20, 5)], 20);
    await w.write([bytes(18, 7)], 18);
    await w.write([bytes(15, 3)], 15);
    expect(Buffer.compare(sink.bytes, Buffer.from(bytes(0, 25)))).toBe(0);
  });

  it('copies what it keeps: the caller may reuse its buffer once a write resolved', async () => {
    const sink = new Sink();
    const w = new StdoutWriter(sink);
    const reused = bytes(4, 4);
    await w.write([reused], 4);
    reused.fill(0xff);
    const head = bytes(0, 4);
    await w.write([head], 0);
    head.fill(0xff);
    expect(Buffer.compare(sink.bytes, Buffer.from(bytes(0, 8)))).toBe(0);
  });

  it('a write too far ahead waits until the output catches up; the write at the position never waits', async () => {
    const sink = new Sink();
    const w = new StdoutWriter(sink, { aheadBytes: 100 });
    await w.write([bytes(10, 90)], 10);
    const far = w.write([bytes(100, 50)], 100);
    expect(await settledSoon(far)).toBe(false);
    expect(w.peakHeldBytes).toBe(90);
    await w.write([bytes(0, 10)], 0);
    await far;
    expect(Buffer.compare(sink.bytes, Buffer.from(bytes(0, 150)))).toBe(0);
    await w.write([bytes(150, 1)], 150);
    expect(w.peakHeldBytes).toBeLessThanOrEqual(100);
  });

  it('holds at most aheadBytes whatever the order (many random writes)', async () => {
    for (let run = 0; run < 50; run++) {
      const sink = new Sink();
      const w = new StdoutWriter(sink, { aheadBytes: 64 });
      const pieces = Array.from({ length: 40 }, (_, i) => i * 8);
      pieces.sort(() => Math.random() - 0.5);
      await Promise.all(pieces.map((at) => w.write([bytes(at, 8)], at)));
      expect(Buffer.compare(sink.bytes, Buffer.from(bytes(0, 320)))).toBe(0);
      expect(w.peakHeldBytes).toBeLessThanOrEqual(64);
    }
  });

  it('close waits until the sink wrote every byte (a pipe writes later; an exit must not cut the tail)', async () => {
    const later: (() => void)[] = [];
    const sink = new Sink();
    sink.write = (chunk: Uint8Array, cb?: (e?: Error | null) => void): boolean => {
      later.push(() => {
        sink.chunks.push(Buffer.from(chunk));
        cb?.(null);
      });
      return true;
    };
    const w = new StdoutWriter(sink);
    await w.write([bytes(0, 3)], 0);
    const closed = w.close();
    expect(await settledSoon(closed)).toBe(false);
    for (const f of later) f();
    await closed;
    expect(sink.bytes.length).toBe(3);
  });

  it('waits for drain when the sink is full', async () => {
    const sink = new Sink();
    sink.full = true;
    const w = new StdoutWriter(sink);
    const p = w.write([bytes(0, 4)], 0);
    expect(await settledSoon(p)).toBe(false);
    sink.drain();
    await p;
    expect(sink.bytes.length).toBe(4);
  });

  it('a broken pipe fails every waiting and later write with one OUTPUT error', async () => {
    const sink = new Sink();
    sink.full = true;
    const w = new StdoutWriter(sink, { aheadBytes: 10 });
    const waiting = w.write([bytes(0, 4)], 0);
    const far = w.write([bytes(20, 4)], 20);
    sink.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    const outcomes = [waiting, far, w.write([bytes(4, 1)], 4)].map((p) =>
      p.then(
        () => undefined,
        (x: unknown) => x as FerryError,
      ),
    );
    for (const e of await Promise.all(outcomes)) {
      expect(e?.code).toBe('OUTPUT');
      expect(e?.message).toBe('standard output was closed (broken pipe)');
    }
  });
});
