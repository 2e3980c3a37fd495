/**
 * A token bucket for bandwidth limits. Pure: every method takes the current time (ms, monotonic).
 *
 * Tokens are bytes. The bucket refills at `rate` bytes per second up to `burst`. `take` always
 * reserves the bytes at once and may leave the bucket in debt (negative tokens); it returns how long
 * the caller must wait for the debt to be paid back. So a chunk larger than the burst still passes
 * (after its wait), concurrent callers queue up in order of their calls, and the long-run rate is
 * exactly `rate` whatever the chunk sizes.
 */
export class TokenBucket {
  private bytesPerSec: number;
  private readonly burst: number;
  /** Available bytes; negative = reserved ahead of the refill. Invariant: tokens <= burst. */
  private tokens: number;
  /** Time of the last refill (ms). */
  private last: number;

  /**
   * @param rateBytesPerSec refill rate; 0 = unlimited (every take passes at once).
   * @param burstBytes bytes that may pass at once after an idle period (the bucket starts full).
   *   A sensible choice is about a tenth of a second of rate, and at least one read chunk.
   * @param nowMs the current time.
   */
  constructor(rateBytesPerSec: number, burstBytes: number, nowMs: number) {
    checkRate(rateBytesPerSec);
    if (!(burstBytes >= 0) || !Number.isFinite(burstBytes)) {
      throw new RangeError(`burst must be a finite number >= 0, got ${burstBytes}`);
    }
    this.bytesPerSec = rateBytesPerSec;
    this.burst = burstBytes;
    this.tokens = burstBytes;
    this.last = nowMs;
  }

  /** The current rate in bytes per second; 0 = unlimited. */
  get rate(): number {
    return this.bytesPerSec;
  }

  /** True when the rate is 0: `take` then always returns 0 and keeps no account. */
  get unlimited(): boolean {
    return this.bytesPerSec === 0;
  }

  /** The burst size in bytes. */
  get burstBytes(): number {
    return this.burst;
  }

  /**
   * Reserve `bytes` and return the milliseconds to wait before they may pass (0 = now).
   * The reservation stands: do not take the same bytes again after waiting.
   */
  take(bytes: number, nowMs: number): number {
    if (this.bytesPerSec === 0) return 0;
    if (!(bytes >= 0)) throw new RangeError(`bytes must be >= 0, got ${bytes}`);
    this.refill(nowMs);
    this.tokens -= bytes;
    if (this.tokens >= 0) return 0;
    // The tiny epsilon keeps float noise (1e-13 over an exact millisecond) from adding a whole ms.
    return Math.max(0, Math.ceil((-this.tokens * 1000) / this.bytesPerSec - 1e-9));
  }

  /**
   * Change the rate from `nowMs` on (0 = unlimited). Time before `nowMs` is accounted at the old
   * rate. Waits already returned by `take` are not shortened: the change applies to later takes.
   * Going from unlimited to a limit starts with a full bucket; going to unlimited forgives any debt.
   */
  setRate(rateBytesPerSec: number, nowMs: number): void {
    checkRate(rateBytesPerSec);
    if (this.bytesPerSec === 0 || rateBytesPerSec === 0) {
      // No account was kept while unlimited (and none is kept from now on): start over, full.
      this.tokens = this.burst;
      this.last = nowMs;
    } else {
      this.refill(nowMs);
    }
    this.bytesPerSec = rateBytesPerSec;
  }

  /** Add the tokens earned since the last refill, up to the burst. */
  private refill(nowMs: number): void {
    // A clock that goes back (it should not) earns nothing and does not move `last` back.
    if (!(nowMs > this.last)) return;
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.last) * this.bytesPerSec) / 1000);
    this.last = nowMs;
  }
}

function checkRate(rate: number): void {
  if (!(rate >= 0) || !Number.isFinite(rate)) {
    throw new RangeError(`rate must be a finite number >= 0 (0 = unlimited), got ${rate}`);
  }
}
