/**
 * The retry policy: given a failure and how many attempts have failed so far, decide whether to
 * try again and after how long. Pure: randomness is injected, nothing is slept here.
 *
 * Rules, in order:
 *  1. Only a FerryError with `retryable` is retried; code ABORTED never is (the user asked to stop).
 *  2. `maxTries` attempts at most (0 = unlimited): after the `maxTries`-th failure, stop.
 *  3. The delay is exponential backoff, `baseDelayMs * 2^(attempt-1)` capped at `maxDelayMs`, with
 *     jitter so that many connections failing together do not retry together.
 *  4. A server-requested delay (`retryAfterMs`, from Retry-After) is a floor: the delay is never
 *     shorter. A request beyond `maxRetryAfterMs` stops instead of waiting for hours.
 */
import { FerryError } from './errors.js';

/** Default cap on the backoff delay: one minute. */
export const DEFAULT_MAX_DELAY_MS = 60_000;

/** Default cap on a server-requested delay (Retry-After): ten minutes. Beyond it, ferry stops. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * How the backoff is spread:
 * - `full`: uniform in [0, min(cap, base * 2^(attempt-1))).
 * - `decorrelated`: uniform in [base, min(cap, 3 * previousDelayMs)), previous defaulting to base;
 *   grows like the exponential but wanders, so retries of many clients drift apart.
 */
export type Jitter = 'full' | 'decorrelated';

export interface RetryInput {
  /** What the failed attempt threw. */
  error: unknown;
  /** How many attempts have failed, this one included: 1 after the first failure. */
  attempt: number;
  /** Attempts allowed in total; 0 = unlimited. */
  maxTries: number;
  /** The first backoff step (ms). */
  baseDelayMs: number;
  /** Cap on the backoff delay (ms); default {@link DEFAULT_MAX_DELAY_MS}. Does not cap Retry-After. */
  maxDelayMs?: number;
  /** Cap on a server-requested delay (ms); default {@link DEFAULT_MAX_RETRY_AFTER_MS}. */
  maxRetryAfterMs?: number;
  /** Jitter strategy; default `full`. */
  jitter?: Jitter;
  /** For `decorrelated` jitter: the delay chosen after the previous failure (ms). */
  previousDelayMs?: number;
  /** Uniform in [0, 1), e.g. Math.random. Values outside are clamped. */
  random: () => number;
}

/** Try again after `delayMs`, or stop (with a short, human-readable reason). */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * Decide whether to retry a failed attempt and after how long. Throws RangeError on nonsensical
 * input (attempt < 1, negative limits), which is a bug in the caller, not a network condition.
 */
export function nextRetry(input: RetryInput): RetryDecision {
  const { error, attempt, maxTries, baseDelayMs } = input;
  const maxDelayMs = input.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const maxRetryAfterMs = input.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  checkInput(attempt, maxTries, baseDelayMs, maxDelayMs, maxRetryAfterMs);

  if (!(error instanceof FerryError)) return { retry: false, reason: 'unexpected error' };
  if (error.code === 'ABORTED') return { retry: false, reason: 'aborted' };
  if (!error.retryable) return { retry: false, reason: `${error.code} is not retryable` };
  if (maxTries > 0 && attempt >= maxTries) {
    return { retry: false, reason: `gave up after ${attempt} ${attempt === 1 ? 'try' : 'tries'}` };
  }

  const backoff = jittered(input, baseDelayMs, maxDelayMs);
  const requested = error.retryAfterMs;
  // A Retry-After that is absent, zero, in the past or garbled (NaN) adds no floor.
  if (requested === undefined || Number.isNaN(requested) || requested <= 0) {
    return { retry: true, delayMs: backoff };
  }
  if (requested > maxRetryAfterMs) {
    return {
      retry: false,
      reason: `server asked to wait ${formatMs(requested)} (Retry-After), more than the ${formatMs(maxRetryAfterMs)} limit`,
    };
  }
  return { retry: true, delayMs: Math.max(backoff, Math.ceil(requested)) };
}

/** The jittered backoff delay (integer ms, within [0, maxDelayMs]). */
function jittered(input: RetryInput, base: number, cap: number): number {
  const r = clampUnit(input.random());
  if (input.jitter === 'decorrelated') {
    const previous = Math.max(input.previousDelayMs ?? base, base);
    const low = Math.min(base, cap);
    const high = Math.min(cap, previous * 3);
    return Math.floor(low + r * Math.max(0, high - low));
  }
  // The exponent is bounded so a huge attempt count cannot overflow to Infinity * 0 = NaN.
  const ceiling = Math.min(cap, base * 2 ** Math.min(input.attempt - 1, 60));
  return Math.floor(r * ceiling);
}

function clampUnit(r: number): number {
  if (!(r > 0)) return 0; // also maps NaN to 0
  return r < 1 ? r : 1 - Number.EPSILON;
}

function checkInput(attempt: number, maxTries: number, base: number, cap: number, retryCap: number): void {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer >= 1, got ${attempt}`);
  if (!Number.isInteger(maxTries) || maxTries < 0) throw new RangeError(`maxTries must be an integer >= 0, got ${maxTries}`);
  for (const [name, v] of [
    ['baseDelayMs', base],
    ['maxDelayMs', cap],
    ['maxRetryAfterMs', retryCap],
  ] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a finite number >= 0, got ${v}`);
  }
}

/** Whole seconds, rounded up so that a value just over a limit never reads as equal to it. */
function formatMs(ms: number): string {
  return Number.isFinite(ms) ? `${Math.ceil(ms / 1000)} s` : 'forever';
}
