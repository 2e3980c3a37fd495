/** When light checkpoints run: soon after bytes were written, at most one per interval. */

/** A pacer: `poke()` after bytes were written; `stop()` when no more may run. */
export interface RecordPacer {
  poke(): void;
  stop(): void;
}

/**
 * The most of the time light checkpoints may take: the next one starts no sooner than its
 * predecessor's own duration divided by this after the predecessor's start. A save creates and
 * renames a file; while data syncs run it took a median of 2.7 ms, and in FTP tens of ms, and
 * saving back to back would then keep the file system busy all the time.
 */
export const RECORD_TIME_SHARE = 0.2;

/**
 * Calls `record` after each `poke()`, on a later macrotask (so that whatever marks the written
 * bytes done, in the promise callbacks of the write, has run first), one call at a time, and
 * never sooner after the previous call's start than `minGapMs`, nor than the cost it reported
 * (ms; a failed call: its whole duration) divided by `share`. Pokes in between share one call at
 * the end of the gap. Nothing runs after `stop()`.
 */
export function recordPacer(record: () => Promise<number>, minGapMs: number, now: () => number, share: number = RECORD_TIME_SHARE): RecordPacer {
  let timer: NodeJS.Timeout | undefined;
  /** Earliest start of the next call. */
  let next = -Infinity;
  let running = false;
  /** A poke came after the last call started. */
  let pending = false;
  let stopped = false;

  const arm = (): void => {
    if (stopped || running || timer !== undefined || !pending) return;
    timer = setTimeout(fire, Math.max(0, next - now()));
  };
  const settle = (start: number, cost: number): void => {
    running = false;
    next = start + Math.max(minGapMs, cost / share);
    arm();
  };
  const fire = (): void => {
    timer = undefined;
    if (stopped) return;
    pending = false;
    running = true;
    const start = now();
    record().then(
      (cost) => settle(start, cost),
      () => settle(start, now() - start),
    );
  };
  return {
    poke(): void {
      pending = true;
      arm();
    },
    stop(): void {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
