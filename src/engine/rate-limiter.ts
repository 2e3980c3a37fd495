/**
 * Bandwidth limiting for the bytes of one download: every chunk read from a source passes through
 * `consume` before it is written, which waits as long as the slowest of the download's token
 * buckets requires (typically the global bucket shared by all downloads, and the download's own).
 */
import { performance } from 'node:perf_hooks';
import { abortedError, FerryError } from '../core/errors.js';
import type { TokenBucket } from '../core/token-bucket.js';
import { sleep as realSleep } from './sleep.js';

/** Resolve after `ms`, or reject early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The clock and timer a RateLimiter uses; real ones by default. */
export interface RateLimiterDeps {
  /** Monotonic milliseconds; default performance.now(). */
  now?: () => number;
  /** Default: the engine's sleep (sleep.ts). */
  sleep?: Sleep;
}

export interface RateLimiterBuckets {
  /** The bucket shared by every download (the global limit), if any. */
  global?: TokenBucket;
  /** This download's own bucket (its `limitRate`), if any. */
  own?: TokenBucket;
}

const realNow = (): number => performance.now();

/**
 * Waits as needed so that bytes pass no faster than every one of its buckets allows.
 * Buckets are shared objects: changing a bucket's rate (TokenBucket.setRate) applies to every
 * limiter holding it, from the next `consume` on.
 */
export class RateLimiter {
  private readonly buckets: readonly TokenBucket[];
  private readonly now: () => number;
  private readonly sleep: Sleep;

  constructor(buckets: readonly TokenBucket[], deps: RateLimiterDeps = {}) {
    this.buckets = [...buckets];
    this.now = deps.now ?? realNow;
    this.sleep = deps.sleep ?? realSleep;
  }

  /** True when some bucket currently has a limit. */
  get limited(): boolean {
    return this.buckets.some((b) => !b.unlimited);
  }

  /**
   * Let `bytes` pass: returns undefined when they may pass now (no limit, or within the burst),
   * otherwise a promise that resolves once every bucket allows them. `await` works on both; a hot
   * loop can skip the await with `const w = limiter.consume(n, signal); if (w) await w;`.
   *
   * The bytes are reserved in every bucket at once, so waiting for the longest of the waits
   * satisfies all of them. If `signal` is aborted (before or during the wait) the promise rejects
   * with the signal's reason when that is a FerryError, else with a FerryError of code ABORTED.
   */
  consume(bytes: number, signal?: AbortSignal): Promise<void> | undefined {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    let wait = 0;
    let nowMs = NaN;
    for (const bucket of this.buckets) {
      // Unlimited buckets keep no account: skip them without reading the clock.
      if (bucket.unlimited) continue;
      if (Number.isNaN(nowMs)) nowMs = this.now();
      const w = bucket.take(bytes, nowMs);
      if (w > wait) wait = w;
    }
    return wait > 0 ? this.wait(wait, signal) : undefined;
  }

  private async wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch (e) {
      if (signal?.aborted) throw abortReason(signal);
      throw e;
    }
    // A sleep that ignored the signal still must not let bytes through after an abort.
    if (signal?.aborted) throw abortReason(signal);
  }
}

/**
 * A limiter for one download: its own bucket and the global one, either optional. With neither
 * (or both unlimited) `consume` returns at once without reading the clock.
 */
export function createRateLimiter(buckets: RateLimiterBuckets = {}, deps: RateLimiterDeps = {}): RateLimiter {
  const list: TokenBucket[] = [];
  if (buckets.global) list.push(buckets.global);
  if (buckets.own && buckets.own !== buckets.global) list.push(buckets.own);
  return new RateLimiter(list, deps);
}

function abortReason(signal: AbortSignal): FerryError {
  return signal.reason instanceof FerryError ? signal.reason : abortedError();
}
