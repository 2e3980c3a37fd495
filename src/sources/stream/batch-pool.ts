/**
 * Reusable batch buffers for response bodies. Body bytes are copied from a socket's read buffer
 * into a batch; the consumer receives views (subarrays) of batches and hands them back with
 * `release` once their bytes are written. A batch whose views all came back returns to a free
 * list, so a steady download allocates nothing.
 */

/** The default size of one batch buffer. */
export const BATCH_BYTES = 256 * 1024;

/** One batch buffer being filled and handed out as views. */
export interface Batch {
  readonly buf: Buffer;
  /** Bytes written so far; views cover `[0, handed)`, `handed <= fill <= buf.length`. */
  fill: number;
  /** End of the last view handed out. */
  handed: number;
}

interface Lent {
  batch: Batch;
  /** byteOffsets (within the ArrayBuffer) of views handed out and not yet released. */
  views: Set<number>;
  /** No more views will be cut from this batch. */
  sealed: boolean;
}

/**
 * A pool of batch buffers shared by the responses of one source.
 *
 * Invariants: a buffer is on the free list only when it is sealed and every view of it was
 * released (so reusing it can never overwrite bytes a consumer still holds); releasing a view
 * twice, or a chunk that is not ours, does nothing. Batches a consumer never releases are only
 * weakly referenced and left to the garbage collector.
 */
export class BatchPool {
  private readonly free: Buffer[] = [];
  private readonly lent = new WeakMap<ArrayBufferLike, Lent>();
  /** Buffers allocated over the pool's life (for tests and diagnostics). */
  allocated = 0;

  /**
   * @param batchBytes size of each buffer
   * @param maxFree buffers kept on the free list; more are dropped for the collector
   */
  constructor(
    readonly batchBytes = BATCH_BYTES,
    private readonly maxFree = 64,
  ) {}

  /** Buffers on the free list right now. */
  get freeCount(): number {
    return this.free.length;
  }

  /** A batch to fill, from the free list when possible. */
  acquire(): Batch {
    let buf = this.free.pop();
    if (buf === undefined) {
      // allocUnsafeSlow: a buffer of its own (not a slice of Node's shared pool), so its
      // ArrayBuffer identifies it.
      buf = Buffer.allocUnsafeSlow(this.batchBytes);
      this.allocated++;
    }
    const batch: Batch = { buf, fill: 0, handed: 0 };
    this.lent.set(buf.buffer, { batch, views: new Set(), sealed: false });
    return batch;
  }

  /** Cut the view `[handed, fill)` (non-empty) and count it as handed out. */
  cut(batch: Batch): Buffer {
    const view = batch.buf.subarray(batch.handed, batch.fill);
    this.lent.get(batch.buf.buffer)?.views.add(view.byteOffset);
    batch.handed = batch.fill;
    return view;
  }

  /** No more views will be cut; the buffer is recycled once the handed-out ones are released. */
  seal(batch: Batch): void {
    const lent = this.lent.get(batch.buf.buffer);
    if (lent === undefined || lent.sealed) return;
    lent.sealed = true;
    if (lent.views.size === 0) this.recycle(batch.buf);
  }

  /** Take back a view (or a subarray of one that starts where the view started). */
  release(chunk: Uint8Array): void {
    const lent = this.lent.get(chunk.buffer);
    if (lent === undefined || !lent.views.delete(chunk.byteOffset)) return;
    if (lent.sealed && lent.views.size === 0) this.recycle(lent.batch.buf);
  }

  private recycle(buf: Buffer): void {
    this.lent.delete(buf.buffer);
    if (this.free.length < this.maxFree) this.free.push(buf);
  }

  /** Drop the free list (when the source closes). */
  clear(): void {
    this.free.length = 0;
  }
}
