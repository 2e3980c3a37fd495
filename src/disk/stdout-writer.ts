/**
 * Writing a download to standard output (`-o -`): positional writes from any number of connections
 * come out as one ordered byte stream, with bounded memory.
 */
import { FerryError } from '../core/errors.js';

/** The part of a Node Writable (process.stdout) the writer uses. */
export interface ByteSink {
  write(chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  readonly writableNeedDrain?: boolean;
  readonly destroyed?: boolean;
}

/** Bytes buffered ahead of the output position by default: 64 MiB. */
export const DEFAULT_AHEAD_BYTES = 64 * 1024 * 1024;

interface Pending {
  offset: number;
  data: Uint8Array;
}

/**
 * Reassembles positional writes in order onto a sink.
 *
 * Invariants: bytes reach the sink exactly once and in file order; bytes before the output position
 * (`written`) are dropped (a retried or taken-over range may repeat them); at most `aheadBytes` are
 * held beyond the output position: a write that reaches further waits until the output catches up.
 * The write at the output position never waits for memory, so the connection that holds the next
 * byte always progresses and the others can never block it. A sink error (EPIPE when the reader of
 * a pipe went away) fails every waiting and later write with one OUTPUT error.
 */
export class StdoutWriter {
  private readonly sink: ByteSink;
  private readonly aheadBytes: number;
  /** The next byte of the file to reach the sink. */
  private position = 0;
  /** Held writes beyond `position`, in no particular order. */
  private pending: Pending[] = [];
  private held = 0;
  /** The most bytes ever held at once (for tests and measurements). */
  peakHeldBytes = 0;
  private failure?: FerryError;
  private waiters: { end: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private drainWait?: Promise<void>;
  /** Sink writes whose callback has not fired yet. */
  private unflushed = 0;
  private flushWaiters: (() => void)[] = [];
  /** Ends the drain wait (also when the sink fails). */
  private endDrainWait?: () => void;

  constructor(sink: ByteSink, options: { aheadBytes?: number } = {}) {
    this.sink = sink;
    this.aheadBytes = options.aheadBytes ?? DEFAULT_AHEAD_BYTES;
    sink.on('error', (e) => this.fail(e));
  }

  /** Bytes handed to the sink so far. */
  get written(): number {
    return this.position;
  }

  /**
   * Place `buffers` at file offset `position`. Resolves once the bytes are in the sink or held (they
   * are copied when held: the caller may reuse its buffers), after waiting for the sink to drain.
   */
  async write(buffers: readonly Uint8Array[], position: number): Promise<void> {
    let length = 0;
    for (const b of buffers) length += b.byteLength;
    const end = position + length;
    if (this.failure) throw this.failure;
    if (end <= this.position) return;
    // Too far ahead: wait until the output is within reach (the write at the position never waits).
    while (position > this.position && end - this.position > this.aheadBytes) {
      await new Promise<void>((resolve, reject) => this.waiters.push({ end, resolve, reject }));
    }
    if (end <= this.position) return;
    const data = buffers.length === 1 ? buffers[0] : concat(buffers, length);
    const owned = buffers.length !== 1;
    if (position <= this.position) {
      this.emit(data.subarray(this.position - position), owned);
      this.flushHeld();
    } else {
      this.pending.push({ offset: position, data: owned ? data : copy(data) });
      this.held += length;
      this.peakHeldBytes = Math.max(this.peakHeldBytes, this.held);
    }
    await this.drained();
  }

  /** Nothing to sync on a stream; present so the writer can stand in for a data file. */
  async sync(): Promise<void> {}

  /**
   * Resolves once the sink has written every byte handed to it (each write's callback fired): a
   * process that exits right after loses nothing, even when its standard output is a pipe.
   */
  async close(): Promise<void> {
    await this.drained();
    if (this.unflushed > 0) await new Promise<void>((resolve) => this.flushWaiters.push(resolve));
    if (this.failure) throw this.failure;
  }

  /**
   * Write `data` (which starts at `position`) to the sink and wake the writes now within reach. A
   * copy goes to the sink: it may hold the chunk after the caller's buffer is reused.
   */
  private emit(data: Uint8Array, owned = false): void {
    if (data.byteLength === 0) return;
    this.position += data.byteLength;
    this.unflushed++;
    this.sink.write(owned ? data : copy(data), (e) => {
      if (e) this.fail(e);
      if (--this.unflushed > 0) return;
      const waiting = this.flushWaiters;
      this.flushWaiters = [];
      for (const w of waiting) w();
    });
    const ready = this.waiters.filter((w) => w.end - this.position <= this.aheadBytes);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  /** Emit every held write that now starts at or before the position. */
  private flushHeld(): void {
    for (;;) {
      const i = this.pending.findIndex((p) => p.offset <= this.position);
      if (i < 0) return;
      const [p] = this.pending.splice(i, 1);
      this.held -= p.data.byteLength;
      const skip = this.position - p.offset;
      if (skip < p.data.byteLength) this.emit(p.data.subarray(skip), true);
    }
  }

  /** Wait for `drain` when the sink's buffer is full (one shared wait for every writer). */
  private drained(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.sink.writableNeedDrain) return Promise.resolve();
    this.drainWait ??= new Promise<void>((resolve, reject) => {
      const done = (): void => {
        this.sink.off('drain', done);
        this.sink.off('close', closed);
        this.drainWait = undefined;
        this.endDrainWait = undefined;
        if (this.failure) reject(this.failure);
        else resolve();
      };
      const closed = (): void => {
        this.fail(Object.assign(new Error('the output was closed'), { code: 'EPIPE' }));
        done();
      };
      this.endDrainWait = done;
      this.sink.once('drain', done);
      this.sink.once('close', closed);
    });
    return this.drainWait;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    const code = (e as NodeJS.ErrnoException).code;
    this.failure = new FerryError('OUTPUT', code === 'EPIPE' ? 'standard output was closed (broken pipe)' : `cannot write to standard output: ${e.message}`, {
      cause: e,
      hint: code === 'EPIPE' ? 'the program reading the output stopped early' : 'check where the output goes',
    });
    this.pending = [];
    this.held = 0;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.reject(this.failure);
    this.endDrainWait?.();
  }
}

function copy(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  out.set(data);
  return out;
}

function concat(buffers: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const b of buffers) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}
