/** How a Transfer reads a failed request: retry, fewer connections, drop the mirror, or fail. */
import { isFerryError } from '../core/errors.js';
import { nextRetry } from '../core/retry-policy.js';
import { isRangeIgnored } from './download-support.js';

/** What a connection does after a failed request. */
export type FailureAction =
  /** Try again after `delayMs` (the claim goes back meanwhile). */
  | { kind: 'retry'; delayMs: number }
  /** The host limits connections: retire this one, keep `keep` on this mirror. */
  | { kind: 'fewer'; keep: number }
  /** The mirror is out (other mirrors go on). */
  | { kind: 'drop-lane' }
  /** The download fails with this error. */
  | { kind: 'fatal' };

export interface FailureInput {
  error: unknown;
  /** The failed request delivered a byte. */
  gotBytes: boolean;
  /** Other connections of this download on the same mirror. */
  othersOnLane: number;
  /** Failed attempts of this connection in a row, this one included. */
  attempt: number;
  /** Failed requests on this mirror since it last delivered a byte, this one included. */
  laneFailures: number;
  /** Mirrors still in use, this one included. */
  lanesAlive: number;
  maxTries: number;
  retryWaitMs: number;
  random: () => number;
}

/**
 * Rules, in order:
 * 1. A refusal (429/503/421) or a reset before any byte while other connections of the mirror
 *    work is a connection limit: fewer connections there (not for CHANGED).
 * 2. With another mirror left, a mirror that changed, ignores ranges, fails for good (the retry
 *    policy says stop) or fails `maxTries` times in a row over all its connections drops out.
 * 3. Otherwise CHANGED, and whatever the retry policy stops on, is fatal; the rest is retried.
 */
export function failureAction(f: FailureInput): FailureAction {
  const changed = isFerryError(f.error) && f.error.code === 'CHANGED';
  const reset = !f.gotBytes && isFerryError(f.error) && f.error.code === 'NETWORK';
  if (!changed && (isConnectionRefusal(f.error) || reset) && f.othersOnLane > 0) return { kind: 'fewer', keep: f.othersOnLane };
  const decision = nextRetry({ error: f.error, attempt: f.attempt, maxTries: f.maxTries, baseDelayMs: f.retryWaitMs, random: f.random });
  const tooMany = f.maxTries > 0 && f.laneFailures >= f.maxTries;
  if (f.lanesAlive > 1 && (changed || isRangeIgnored(f.error) || !decision.retry || tooMany)) return { kind: 'drop-lane' };
  if (changed || !decision.retry) return { kind: 'fatal' };
  return { kind: 'retry', delayMs: decision.delayMs };
}

/**
 * The server limits connections per client: 429/503 (HTTP); for FTP a 421, or a 530/550 whose
 * text says so (ProFTPD's "maximum number of clients"), which the FTP source marks retryable
 * while an ordinary 530 (bad login) or 550 (no such file) is not.
 */
export function isConnectionRefusal(e: unknown): boolean {
  if (!isFerryError(e)) return false;
  if (e.code === 'FTP') return e.status === 421 || (e.retryable && (e.status === 530 || e.status === 550));
  return e.status === 429 || e.status === 503;
}

/** The status of a failure when it has one, else its message. */
export function describeFailure(e: unknown): string {
  return isFerryError(e) && e.status !== undefined ? String(e.status) : e instanceof Error ? e.message : String(e);
}
