/**
 * The receiving end of one response body: bytes read straight into pooled batches (or copied
 * there from the connection's read buffer), handed to one consumer as views, with back-pressure
 * on the socket.
 */
import type { Batch, BatchPool } from './batch-pool.js';

/** What a body asks of its connection. */
export interface BodyControl {
  /** Stop reading from the socket (the consumer is behind). */
  pause(): void;
  /** Read again. */
  resume(): void;
  /** Give up on the response: close the connection unless the body was complete. */
  abandon(): void;
}

/** How long a waiting consumer waits for a batch to fill before it gets the partial one. */
export const LINGER_MS = 5;

/** A batch tail shorter than this is not worth a socket read: the next read starts a new batch. */
export const MIN_REGION = 16 * 1024;

/**
 * One response body.
 *
 * Invariants:
 * - bytes are handed out in order, each exactly once, as views of pool batches; a view is never
 *   written to after it was handed out;
 * - a batch is handed out whole once full (or retired with a tail too short for a read); a
 *   partial batch goes out when the body ends, when it holds
 *   `highWater` bytes (enough to pause the socket), or when the consumer has been waiting for
 *   `LINGER_MS` (so slow links still make steady progress);
 * - while more than `highWater` bytes wait for the consumer, the socket is paused (at most one
 *   socket read more arrives), so memory per connection stays bounded whatever the speeds;
 * - after an error, the bytes received before it are still handed out, then the error is thrown.
 */
export class ResponseBody {
  /** Views cut from full batches, not yet taken by the consumer. */
  private readonly ready: Buffer[] = [];
  private current: Batch | undefined;
  /** Bytes received and not yet taken: the views in `ready` plus the unhanded part of `current`. */
  private buffered = 0;
  private waiter: ((chunk: Buffer | null | Error) => void) | undefined;
  private paused = false;
  private linger: NodeJS.Timeout | undefined;
  private lingering = false;
  private error: Error | undefined;
  /** Every byte of the body arrived (framing-wise). */
  complete = false;
  /** The consumer cancelled, or the body failed: nothing more is accepted. */
  private closed = false;
  /** Bytes received so far. */
  received = 0;

  constructor(
    private readonly pool: BatchPool,
    private readonly control: BodyControl,
    private readonly highWater: number,
  ) {}

  // ---- the connection's side ----

  /** Copy `src[start, end)` into batches. */
  write(src: Buffer, start: number, end: number): void {
    if (this.closed) return;
    const size = this.pool.batchBytes;
    for (let i = start; i < end; ) {
      this.current ??= this.pool.acquire();
      const batch = this.current;
      const n = Math.min(end - i, size - batch.fill);
      src.copy(batch.buf, batch.fill, i, i + n);
      i += n;
      this.advance(batch, n);
    }
    this.afterBytes();
  }

  /**
   * Memory to read up to `max` (>= 1) next body bytes into, straight from the socket: the free
   * tail of the current batch (a fresh batch when the tail is shorter than `MIN_REGION` and the
   * body needs more). Undefined once the body is complete or closed. The bytes count only after
   * `commit`.
   */
  region(max: number): Buffer | undefined {
    if (this.closed || this.complete) return undefined;
    const size = this.pool.batchBytes;
    let batch = this.current;
    if (batch !== undefined && size - batch.fill < Math.min(max, MIN_REGION)) {
      this.retire(batch);
      batch = undefined;
      if (this.waiter !== undefined) this.feed();
    }
    batch ??= this.current = this.pool.acquire();
    return batch.buf.subarray(batch.fill, batch.fill + Math.min(max, size - batch.fill));
  }

  /** `n` bytes were read into the memory the last `region` returned. */
  commit(n: number): void {
    if (this.closed || this.current === undefined) return;
    this.advance(this.current, n);
    this.afterBytes();
  }

  /** `n` bytes were placed at the end of `batch`; a full batch goes to the ready queue. */
  private advance(batch: Batch, n: number): void {
    batch.fill += n;
    this.received += n;
    this.buffered += n;
    if (batch.fill === this.pool.batchBytes) this.retire(batch);
  }

  /** No more bytes go into `batch` (the current one): what was not handed out is ready. */
  private retire(batch: Batch): void {
    if (batch.fill > batch.handed) this.ready.push(this.pool.cut(batch));
    this.pool.seal(batch);
    if (this.current === batch) this.current = undefined;
  }

  private afterBytes(): void {
    if (this.waiter !== undefined) this.feed();
    if (!this.paused && this.buffered >= this.highWater) {
      this.paused = true;
      this.control.pause();
    }
  }

  /** The body is complete. */
  finish(): void {
    if (this.closed || this.complete) return;
    this.complete = true;
    if (this.waiter !== undefined) this.feed();
  }

  /** The body failed (after the bytes received so far). */
  fail(err: Error): void {
    if (this.closed || this.complete || this.error !== undefined) return;
    this.error = err;
    if (this.waiter !== undefined) this.feed();
  }

  // ---- the consumer's side ----

  /** The next view, or null at the end; throws the body's error after the bytes before it. */
  read(): Promise<Buffer | null> {
    if (this.waiter !== undefined) return Promise.reject(new Error('concurrent reads of one response body'));
    const chunk = this.take(this.buffered >= this.highWater);
    if (chunk !== undefined) return chunk instanceof Error ? Promise.reject(chunk) : Promise.resolve(chunk);
    return new Promise<Buffer | null>((resolve, reject) => {
      this.waiter = (c) => (c instanceof Error ? reject(c) : resolve(c));
      if (this.buffered > 0) this.armLinger();
    });
  }

  /** Hand a view back for reuse. */
  release(chunk: Uint8Array): void {
    this.pool.release(chunk);
  }

  /**
   * Stop: drop what was not taken (its batches go back to the pool) and let the connection go
   * (closed unless the body was complete). Idempotent.
   */
  cancel(): void {
    if (this.closed) return;
    this.closed = true;
    this.dispose();
    if (!this.complete) this.control.abandon();
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(new Error('the response body was cancelled'));
  }

  /** Return every batch not handed out; used on cancel, and after the end or an error. */
  private dispose(): void {
    clearTimeout(this.linger);
    this.linger = undefined;
    this.lingering = false;
    for (const view of this.ready.splice(0)) this.pool.release(view);
    if (this.current !== undefined) this.pool.seal(this.current);
    this.current = undefined;
    this.buffered = 0;
  }

  /**
   * What the consumer gets now: a view, null (end), an Error, or undefined (nothing yet).
   * `partial` allows handing out a batch that is not full.
   */
  private take(partial: boolean): Buffer | null | Error | undefined {
    let chunk: Buffer | undefined = this.ready.shift();
    const cur = this.current;
    const ended = this.complete || this.error !== undefined;
    if (chunk === undefined && cur !== undefined && cur.fill > cur.handed && (partial || ended)) {
      chunk = this.pool.cut(cur);
    }
    if (chunk !== undefined) {
      this.buffered -= chunk.length;
      if (this.paused && this.buffered <= this.highWater / 2 && !ended) {
        this.paused = false;
        this.control.resume();
      }
      return chunk;
    }
    if (this.closed) return new Error('the response body was cancelled');
    if (this.error !== undefined) {
      this.closed = true;
      this.dispose();
      return this.error;
    }
    if (this.complete) {
      this.dispose();
      return null;
    }
    if (this.paused) {
      this.paused = false;
      this.control.resume();
    }
    return undefined;
  }

  /** Give the waiting consumer what there is. */
  private feed(partial = false): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    // Bytes enough to pause the socket are enough for a consumer that waits.
    const chunk = this.take(partial || this.buffered >= this.highWater);
    if (chunk === undefined) {
      if (this.buffered > 0) this.armLinger();
      return;
    }
    this.waiter = undefined;
    waiter(chunk);
  }

  /** Arm the linger timer unless it is already running (later bytes do not push it back). */
  private armLinger(): void {
    if (this.lingering) return;
    this.lingering = true;
    if (this.linger === undefined) this.linger = setTimeout(this.onLinger, LINGER_MS);
    else this.linger.refresh();
  }

  private readonly onLinger = (): void => {
    this.lingering = false;
    this.feed(true);
  };
}
