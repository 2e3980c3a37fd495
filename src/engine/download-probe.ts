/** The probe phase of a Download: ask the server about the file, under the retry policy. */
import { nextRetry } from '../core/retry-policy.js';
import type { ByteRange, ProbeResult, Source } from '../core/types.js';
import { toFerryError } from './download-support.js';
import type { RetryInfo } from './transfer-types.js';

/** What probeWithRetries asks, and whom it tells of each retry. */
export interface ProbeRequest {
  source: Source;
  /** The download's stop: no retry once it is aborted. */
  signal: AbortSignal;
  /** The range to ask for (the first one a resume lacks, see firstMissingRange); none: from 0. */
  gap?: ByteRange;
  maxTries: number;
  retryWaitMs: number;
  random: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told before each backoff (as connection 0). */
  onRetry: (info: RetryInfo) => void;
}

/**
 * Probe `req.source` (asking for `req.gap`), retrying under the retry policy (Retry-After aware).
 * Rejects with the last error when the policy gives up, or with the error of the attempt during
 * which the signal was aborted.
 */
export async function probeWithRetries(req: ProbeRequest): Promise<ProbeResult> {
  const { signal } = req;
  for (let attempt = 1; ; attempt++) {
    try {
      return await req.source.probe(signal, req.gap?.start, req.gap?.end);
    } catch (e) {
      if (signal.aborted) throw e;
      const d = nextRetry({ error: e, attempt, maxTries: req.maxTries, baseDelayMs: req.retryWaitMs, random: req.random });
      if (!d.retry) throw e;
      req.onRetry({ connection: 0, attempt, delayMs: d.delayMs, error: toFerryError(e) });
      await req.sleep(d.delayMs, signal);
    }
  }
}
