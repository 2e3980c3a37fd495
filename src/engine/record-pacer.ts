/** When light checkpoints run: soon after bytes were written, at most one per interval. */

/** A pacer: `poke()` after bytes were written; `stop()` when no more may run. */
export interface RecordPacer {
  poke(): void;
  stop(): void;
}

/**
 * Calls `record` after each `poke()`, on a later macrotask (so that whatever marks the written
 * bytes done, in the promise callbacks of the write, has run first), and never more often than
 * once per `minGapMs`: pokes inside the gap share one call at its end. Nothing runs after `stop()`.
 */
export function recordPacer(record: () => void, minGapMs: number, now: () => number): RecordPacer {
  let timer: NodeJS.Timeout | undefined;
  let last = -Infinity;
  let stopped = false;
  const fire = (): void => {
    timer = undefined;
    if (stopped) return;
    last = now();
    record();
  };
  return {
    poke(): void {
      if (stopped || timer !== undefined) return;
      timer = setTimeout(fire, Math.max(0, last + minGapMs - now()));
    },
    stop(): void {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
