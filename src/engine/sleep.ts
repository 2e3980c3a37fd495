/**
 * The engine's timer wait. An abort ends it at once with the signal's own reason, as fetch does:
 * no error is built for it (Node's `timers/promises` builds an AbortError, with its stack trace,
 * for every wait an abort ends; a finished transfer ends its stall watch's wait, once per file of
 * a list).
 */

/** Resolve after `ms`, or reject with `signal.reason` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
