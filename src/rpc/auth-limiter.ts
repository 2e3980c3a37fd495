/**
 * Failed-token bookkeeping per client address: each failure is answered late, and an address
 * with too many failures in a window is refused outright until the window passes. State lives
 * in the instance (one per server); the clock is injected.
 */

export interface AuthLimiterOptions {
  /** How long a failed attempt waits before its answer (aria2: 1 s). */
  delayMs?: number;
  /** Failures allowed per address within `windowMs` before the address is refused. */
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
}

export class AuthLimiter {
  readonly delayMs: number;
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  /** Failure times per address, oldest first, all within the window. */
  private readonly failures = new Map<string, number[]>();

  constructor(options: AuthLimiterOptions = {}) {
    this.delayMs = options.delayMs ?? 1000;
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  private recent(address: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(address) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(address);
    else this.failures.set(address, list);
    return list;
  }

  /** Milliseconds until `address` may try again (0: it may now). */
  blockedFor(address: string): number {
    const list = this.recent(address);
    if (list.length < this.maxFailures) return 0;
    return Math.max(1, list[list.length - this.maxFailures] + this.windowMs - this.now());
  }

  /** Count a failed attempt of `address`. */
  fail(address: string): void {
    const list = this.recent(address);
    list.push(this.now());
    this.failures.set(address, list);
    // Bounded memory: forget the oldest address when too many are tracked.
    if (this.failures.size > 10_000) {
      const first = this.failures.keys().next().value;
      if (first !== undefined) this.failures.delete(first);
    }
  }
}
