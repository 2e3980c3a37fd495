/**
 * A sliding-window speed meter. Pure: every method takes the current time, from a monotonic clock
 * (e.g. performance.now()), in milliseconds.
 *
 * Bytes are summed into a fixed ring of time buckets (100 ms each by default), so memory is O(1)
 * and `add` is O(1) amortized (each bucket is cleared at most once per lap of the ring).
 * `rate` weighs the oldest bucket by the part of it still inside the window, so the reading slides
 * smoothly instead of dropping a whole bucket at each boundary.
 */

/** Default averaging window: five seconds. */
export const DEFAULT_WINDOW_MS = 5000;

/** Default bucket width: 100 ms. */
export const DEFAULT_BUCKET_MS = 100;

/** Bytes per second over a sliding window, with an injected clock. */
export class SpeedMeter {
  /** Bucket width (ms). */
  readonly bucketMs: number;
  /** The effective window: a whole number of buckets (ms). */
  readonly windowMs: number;
  /**
   * The ring: one slot per bucket of the window, plus one for the bucket sliding out.
   * Invariant: slot `i % length` holds the bytes of absolute bucket `i` for
   * `current - length < i <= current`; every other slot is 0.
   */
  private readonly ring: Float64Array;
  /** Sum of all slots of the ring. */
  private sum = 0;
  /** Absolute index (floor(nowMs / bucketMs)) of the newest bucket; -Infinity before any use. */
  private current = -Infinity;
  /** When measuring began (first add, or reset); NaN until then. */
  private startMs = NaN;
  private total = 0;

  /**
   * @param windowMs averaging window, rounded up to a whole number of buckets (at least one).
   * @param bucketMs bucket width; smaller is smoother but costs memory (windowMs / bucketMs slots).
   */
  constructor(windowMs = DEFAULT_WINDOW_MS, bucketMs = DEFAULT_BUCKET_MS) {
    if (!(bucketMs > 0) || !Number.isFinite(bucketMs)) throw new RangeError(`bucketMs must be > 0, got ${bucketMs}`);
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) throw new RangeError(`windowMs must be > 0, got ${windowMs}`);
    const buckets = Math.max(1, Math.ceil(windowMs / bucketMs));
    this.bucketMs = bucketMs;
    this.windowMs = buckets * bucketMs;
    this.ring = new Float64Array(buckets + 1);
  }

  /** Bytes added since construction or the last reset. */
  get totalBytes(): number {
    return this.total;
  }

  /**
   * Forget everything and start measuring at `nowMs` (e.g. when a connection opens), so that the
   * first reading already spreads the bytes over the time since then.
   */
  reset(nowMs: number): void {
    this.ring.fill(0);
    this.sum = 0;
    this.total = 0;
    this.current = Math.floor(nowMs / this.bucketMs);
    this.startMs = nowMs;
  }

  /** Count `bytes` received at `nowMs`. */
  add(bytes: number, nowMs: number): void {
    if (Number.isNaN(this.startMs)) this.reset(nowMs);
    else this.advance(nowMs);
    this.ring[this.slot(this.current)] += bytes;
    this.sum += bytes;
    this.total += bytes;
  }

  /**
   * Bytes per second over the last `windowMs` (or over the time since measuring began, when that
   * is shorter, with a floor of one bucket so a first chunk does not read as infinite speed).
   * 0 before any bytes.
   */
  rate(nowMs: number): number {
    if (Number.isNaN(this.startMs)) return 0;
    this.advance(nowMs);
    if (this.sum === 0) return 0;
    const elapsed = nowMs - this.startMs;
    if (elapsed < this.windowMs) {
      // Everything since the start is still in the ring (it spans one bucket more than the window).
      return (this.sum * 1000) / Math.max(elapsed, this.bucketMs);
    }
    // Time into the newest bucket, as a fraction; a clock that went back counts as its start.
    // The oldest bucket is that fraction outside the window (bytes assumed spread evenly in it).
    const into = Math.min(Math.max(nowMs / this.bucketMs - this.current, 0), 1);
    const oldest = this.ring[this.slot(this.current + 1)];
    return ((this.sum - oldest * into) * 1000) / this.windowMs;
  }

  /** Ring slot of absolute bucket `i` (also for negative clocks). */
  private slot(i: number): number {
    const s = i % this.ring.length;
    return s < 0 ? s + this.ring.length : s;
  }

  /** Move the newest bucket to the one holding `nowMs`, clearing the buckets that slid out. */
  private advance(nowMs: number): void {
    const target = Math.floor(nowMs / this.bucketMs);
    // A clock that goes back (it should not) keeps the newest bucket.
    if (!(target > this.current)) return;
    const length = this.ring.length;
    if (target - this.current >= length) {
      this.ring.fill(0);
      this.sum = 0;
    } else {
      for (let i = this.current + 1; i <= target; i++) {
        const slot = this.slot(i);
        this.sum -= this.ring[slot];
        this.ring[slot] = 0;
      }
      // Guard against drift from non-integer byte counts: the sum of an empty ring is exactly 0.
      if (this.sum < 1e-9) this.sum = 0;
    }
    this.current = target;
  }
}
