/**
 * One connection, start to end: for servers without ranges or without a length. Every attempt
 * writes the file from byte 0 into a fresh output; the probe's validators hold for every retry.
 */
import { FerryError } from '../core/errors.js';
import { PieceMap } from '../core/piece-map.js';
import { nextRetry } from '../core/retry-policy.js';
import { SpeedMeter } from '../core/speed-meter.js';
import type { ProbeResult, Source } from '../core/types.js';
import { hostOf, toFerryError } from './download-support.js';
import { type PositionalWriter, pumpSegment } from './segment-pump.js';
import type { ConnectionView, RetryInfo } from './transfer-types.js';

const UNKNOWN_SIZE = Number.MAX_SAFE_INTEGER;

/** Where one attempt writes: opened fresh for each attempt, closed after it. */
export interface SingleOutput extends PositionalWriter {
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface SingleConnectionParams {
  source: Source;
  probe: ProbeResult;
  /** Open a fresh output for an attempt (the partial file, or standard output). */
  open(attempt: number): Promise<SingleOutput>;
  maxTries: number;
  retryWaitMs: number;
  fsync: boolean;
  signal: AbortSignal;
  now: () => number;
  random: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  throttle?: (n: number) => Promise<void> | void;
  /** The attempt's piece map and connection view, for progress. */
  onAttempt(map: PieceMap, view: () => ConnectionView[], attempt: number): void;
  onBytes(n: number): void;
  onRetry(info: RetryInfo): void;
  /** Every byte is in the output: what is left is its sync and close (and the caller's finish). */
  received?(): void;
}

/** How a single-connection run ended: every byte received, or stopped with `onDisk` bytes written. */
export type SingleOutcome = { done: true; bytes: number } | { done: false; onDisk: number };

/**
 * Run the attempts (under the retry policy). A retry that meets another file fails with CHANGED
 * (the caller starts over from zero), so no mix of two versions is ever saved.
 */
export async function runSingleConnection(p: SingleConnectionParams): Promise<SingleOutcome> {
  const { probe } = p;
  const validators = { etag: probe.etag, lastModified: probe.lastModified, size: probe.size };
  let first = probe.bodyOffset ? undefined : probe.body;
  if (first === undefined) probe.body?.cancel();
  probe.body = undefined;
  for (let attempt = 1; ; attempt++) {
    const file = await p.open(attempt);
    const end = probe.size ?? UNKNOWN_SIZE;
    const map = new PieceMap(end);
    map.assign(0, { start: 0, end });
    const meter = new SpeedMeter(3000);
    p.onAttempt(
      map,
      () => [{ id: 0, state: 'active', start: 0, end: probe.size ?? map.receivedBytes, received: map.receivedBytes, speed: meter.rate(p.now()) }],
      attempt,
    );
    try {
      const stream = first ?? (await p.source.read({ start: 0 }, validators, p.signal));
      first = undefined;
      await pumpSegment(stream, {
        map,
        writer: file,
        id: 0,
        requestEnd: end,
        strictEnd: probe.size !== undefined,
        batchBytes: 256 * 1024,
        now: p.now,
        onBytes: (n) => {
          meter.add(n, p.now());
          p.onBytes(n);
        },
        throttle: p.throttle,
      });
      const got = map.receivedBytes;
      if (probe.size !== undefined && got !== probe.size) {
        throw new FerryError('NETWORK', `the connection to ${hostOf(probe.url)} closed after ${got} of ${probe.size} bytes`, { retryable: true });
      }
      p.received?.();
      if (p.fsync) await file.sync();
      await file.close();
      return { done: true, bytes: got };
    } catch (e) {
      first?.cancel();
      first = undefined;
      await file.close().catch(() => undefined);
      if (p.signal.aborted) return { done: false, onDisk: map.doneBytes };
      const d = nextRetry({ error: e, attempt, maxTries: p.maxTries, baseDelayMs: p.retryWaitMs, random: p.random });
      if (!d.retry) throw e;
      p.onRetry({ connection: 0, attempt, delayMs: d.delayMs, error: toFerryError(e) });
      await p.sleep(d.delayMs, p.signal);
    }
  }
}
