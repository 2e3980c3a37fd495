import { describe, expect, it } from 'vitest';
import { abortedError, FerryError } from '../../src/core/errors.js';
import { DEFAULT_MAX_DELAY_MS, DEFAULT_MAX_RETRY_AFTER_MS, nextRetry, type RetryInput } from '../../src/core/retry-policy.js';
import { seededRandom } from '../helpers/seeded-random.js';

const net = (retryAfterMs?: number) => new FerryError('NETWORK', 'reset', { retryable: true, retryAfterMs });
const fixed = (r: number) => () => r;

function input(over: Partial<RetryInput>): RetryInput {
  return { error: net(), attempt: 1, maxTries: 5, baseDelayMs: 1000, random: fixed(0.5), ...over };
}

describe('nextRetry: what is retried', () => {
  const cases: Array<[string, unknown, string]> = [
    ['a plain Error', new Error('boom'), 'unexpected error'],
    ['a string', 'boom', 'unexpected error'],
    ['undefined', undefined, 'unexpected error'],
    ['a look-alike object', { code: 'NETWORK', retryable: true }, 'unexpected error'],
    ['a non-retryable FerryError', new FerryError('CHECKSUM', 'bad'), 'CHECKSUM is not retryable'],
    ['ABORTED', abortedError(), 'aborted'],
    ['ABORTED even when flagged retryable', new FerryError('ABORTED', 'x', { retryable: true }), 'aborted'],
  ];
  it.each(cases)('does not retry %s', (_name, error, reason) => {
    expect(nextRetry(input({ error }))).toEqual({ retry: false, reason });
  });

  it('retries a retryable FerryError of any other code', () => {
    for (const code of ['NETWORK', 'TIMEOUT', 'HTTP_STATUS', 'FTP', 'BAD_RESPONSE'] as const) {
      const error = new FerryError(code, 'x', { retryable: true });
      expect(nextRetry(input({ error }))).toEqual({ retry: true, delayMs: 500 });
    }
  });
});

describe('nextRetry: how many tries', () => {
  const cases: Array<[maxTries: number, attempt: number, retry: boolean]> = [
    [1, 1, false], // one try in total: never retried
    [2, 1, true],
    [2, 2, false],
    [5, 4, true],
    [5, 5, false],
    [5, 6, false], // past the limit (e.g. the limit was lowered meanwhile)
    [0, 1, true], // unlimited
    [0, 1000, true],
    [0, 1_000_000, true],
  ];
  it.each(cases)('maxTries %i, attempt %i -> retry %s', (maxTries, attempt, retry) => {
    expect(nextRetry(input({ maxTries, attempt })).retry).toBe(retry);
  });

  it('gives the reason when it gives up', () => {
    expect(nextRetry(input({ maxTries: 3, attempt: 3 }))).toEqual({ retry: false, reason: 'gave up after 3 tries' });
    expect(nextRetry(input({ maxTries: 1, attempt: 1 }))).toEqual({ retry: false, reason: 'gave up after 1 try' });
  });
});

describe('nextRetry: full jitter backoff', () => {
  // delay = floor(random * min(cap, base * 2^(attempt-1)))
  const cases: Array<[attempt: number, random: number, base: number, cap: number | undefined, delay: number]> = [
    [1, 0, 1000, undefined, 0],
    [1, 0.5, 1000, undefined, 500],
    [1, 0.999, 1000, undefined, 999],
    [2, 0.5, 1000, undefined, 1000],
    [3, 0.5, 1000, undefined, 2000],
    [4, 0.25, 1000, undefined, 2000],
    [6, 0.999, 1000, undefined, 31_968],
    [7, 0.999, 1000, undefined, 59_940], // 64 s capped at 60 s
    [50, 0.5, 1000, undefined, 30_000],
    [1_000_000, 0.5, 1000, undefined, 30_000], // no overflow to Infinity or NaN
    [3, 0.5, 1000, 3000, 1500],
    [3, 0.5, 0, undefined, 0], // base 0: retry at once
    [2, 0.5, 333, undefined, 333],
    [1, 1, 1000, undefined, 999], // random out of [0, 1) is clamped
    [1, 7, 1000, undefined, 999],
    [1, -3, 1000, undefined, 0],
    [1, NaN, 1000, undefined, 0],
  ];
  it.each(cases)('attempt %i, random %d, base %i, cap %s -> %i ms', (attempt, r, baseDelayMs, maxDelayMs, delay) => {
    const d = nextRetry(input({ attempt, random: fixed(r), baseDelayMs, maxDelayMs, maxTries: 0 }));
    expect(d).toEqual({ retry: true, delayMs: delay });
  });

  it('stays within [0, min(cap, base * 2^(attempt-1))] and is an integer', () => {
    const rnd = seededRandom(42);
    const random = () => rnd(65_536) / 65_536;
    for (let attempt = 1; attempt <= 20; attempt++) {
      for (let i = 0; i < 50; i++) {
        const d = nextRetry(input({ attempt, random, maxTries: 0, baseDelayMs: 250 }));
        if (!d.retry) throw new Error('expected a retry');
        expect(Number.isInteger(d.delayMs)).toBe(true);
        expect(d.delayMs).toBeGreaterThanOrEqual(0);
        expect(d.delayMs).toBeLessThanOrEqual(Math.min(DEFAULT_MAX_DELAY_MS, 250 * 2 ** (attempt - 1)));
      }
    }
  });
});

describe('nextRetry: decorrelated jitter', () => {
  // delay = floor(low + random * (high - low)), low = min(base, cap), high = min(cap, 3 * max(previous, base))
  const cases: Array<[previous: number | undefined, random: number, cap: number | undefined, delay: number]> = [
    [undefined, 0, undefined, 1000], // never below the base
    [undefined, 0.5, undefined, 2000], // 1000 + 0.5 * (3000 - 1000)
    [1000, 0.999, undefined, 2998],
    [4000, 0.5, undefined, 6500], // 1000 + 0.5 * (12000 - 1000)
    [100, 0.5, undefined, 2000], // a previous below the base counts as the base
    [50_000, 0.5, undefined, 30_500], // high capped at 60 s
    [50_000, 0.999, 10_000, 9991],
    [undefined, 0.5, 500, 500], // cap below base: exactly the cap
  ];
  it.each(cases)('previous %s, random %d, cap %s -> %i ms', (previousDelayMs, r, maxDelayMs, delay) => {
    const d = nextRetry(input({ jitter: 'decorrelated', previousDelayMs, random: fixed(r), maxDelayMs }));
    expect(d).toEqual({ retry: true, delayMs: delay });
  });
});

describe('nextRetry: Retry-After', () => {
  const cases: Array<[retryAfterMs: number | undefined, attempt: number, random: number, delay: number]> = [
    [5000, 1, 0.5, 5000], // longer than the backoff (500): the server wins
    [200, 1, 0.5, 500], // shorter than the backoff: the backoff wins
    [200, 1, 0, 200], // never shorter than asked
    [1500.2, 1, 0, 1501], // rounded up, never down
    [120_000, 1, 0.5, 120_000], // beyond maxDelayMs (60 s) is still honoured
    [DEFAULT_MAX_RETRY_AFTER_MS, 1, 0.5, DEFAULT_MAX_RETRY_AFTER_MS], // exactly at the cap
    [0, 2, 0.5, 1000], // zero or a date in the past: plain backoff
    [-3000, 2, 0.5, 1000],
    [NaN, 2, 0.5, 1000],
  ];
  it.each(cases)('retryAfter %s, attempt %i, random %d -> %i ms', (retryAfterMs, attempt, r, delay) => {
    const d = nextRetry(input({ error: net(retryAfterMs), attempt, random: fixed(r) }));
    expect(d).toEqual({ retry: true, delayMs: delay });
  });

  it('applies to a retryable HTTP status error (429 / 503)', () => {
    const error = new FerryError('HTTP_STATUS', '503', { retryable: true, status: 503, retryAfterMs: 30_000 });
    expect(nextRetry(input({ error }))).toEqual({ retry: true, delayMs: 30_000 });
  });

  it('stops, with the reason, when the server asks for more than the cap', () => {
    expect(nextRetry(input({ error: net(DEFAULT_MAX_RETRY_AFTER_MS + 1) }))).toEqual({
      retry: false,
      reason: 'server asked to wait 601 s (Retry-After), more than the 600 s limit',
    });
    expect(nextRetry(input({ error: net(3 * 3_600_000) }))).toEqual({
      retry: false,
      reason: 'server asked to wait 10800 s (Retry-After), more than the 600 s limit',
    });
    expect(nextRetry(input({ error: net(Infinity) }))).toEqual({
      retry: false,
      reason: 'server asked to wait forever (Retry-After), more than the 600 s limit',
    });
  });

  it('uses a custom cap', () => {
    expect(nextRetry(input({ error: net(90_000), maxRetryAfterMs: 60_000 }))).toEqual({
      retry: false,
      reason: 'server asked to wait 90 s (Retry-After), more than the 60 s limit',
    });
    expect(nextRetry(input({ error: net(50_000), maxRetryAfterMs: 60_000 }))).toEqual({ retry: true, delayMs: 50_000 });
  });

  it('does not override the other reasons to stop', () => {
    expect(nextRetry(input({ error: net(1000), maxTries: 2, attempt: 2 })).retry).toBe(false);
    const fatal = new FerryError('HTTP_STATUS', '404', { status: 404, retryAfterMs: 1000 });
    expect(nextRetry(input({ error: fatal })).retry).toBe(false);
  });
});

describe('nextRetry: invalid input', () => {
  const cases: Array<[string, Partial<RetryInput>]> = [
    ['attempt 0', { attempt: 0 }],
    ['a fractional attempt', { attempt: 1.5 }],
    ['negative maxTries', { maxTries: -1 }],
    ['negative base', { baseDelayMs: -1 }],
    ['NaN base', { baseDelayMs: NaN }],
    ['infinite cap', { maxDelayMs: Infinity }],
    ['negative Retry-After cap', { maxRetryAfterMs: -1 }],
  ];
  it.each(cases)('throws RangeError for %s', (_name, over) => {
    expect(() => nextRetry(input(over))).toThrow(RangeError);
  });
});
