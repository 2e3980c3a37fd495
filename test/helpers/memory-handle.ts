/**
 * In-memory DataFileHandles for the data file's tests: writes land in `data`, each call is
 * logged, and `max` caps the bytes a call takes (a short write, as a kernel may do).
 */
import type { DataFileHandle } from '../../src/disk/data-file.js';

/** A handle whose writes all go the thread-pool way (`writev`); it has no `writevNow`. */
export class MemoryHandle implements DataFileHandle {
  readonly data: Uint8Array;
  /** Every `writev` call, in order. */
  readonly calls: { buffers: readonly Uint8Array[]; position: number }[] = [];
  constructor(
    size: number,
    private readonly max = Number.POSITIVE_INFINITY,
  ) {
    this.data = new Uint8Array(size);
  }
  /** Copy up to `max` bytes of `buffers` to `position`; returns how many. */
  protected put(buffers: readonly Uint8Array[], position: number): number {
    let written = 0;
    for (const b of buffers) {
      const n = Math.min(b.byteLength, this.max - written);
      this.data.set(b.subarray(0, n), position + written);
      written += n;
      if (written === this.max) break;
    }
    return written;
  }
  async writev(buffers: readonly Uint8Array[], position: number): Promise<{ bytesWritten: number }> {
    this.calls.push({ buffers, position });
    return { bytesWritten: this.put(buffers, position) };
  }
  async datasync(): Promise<void> {}
  async truncate(): Promise<void> {}
  async close(): Promise<void> {}
}

/** A MemoryHandle that can also write on the calling thread; `inlineDelayMs` holds the thread. */
export class InlineMemoryHandle extends MemoryHandle {
  inlineCalls = 0;
  inlineDelayMs = 0;
  inlineError?: Error;
  writevNow(buffers: readonly Uint8Array[], position: number): number {
    this.inlineCalls++;
    if (this.inlineError) throw this.inlineError;
    const until = performance.now() + this.inlineDelayMs;
    while (performance.now() < until) {
      // holding the thread, as a write into a throttled page cache does
    }
    return this.put(buffers, position);
  }
  /** `writev` calls (the thread pool's way). */
  get poolCalls(): number {
    return this.calls.length;
  }
}
