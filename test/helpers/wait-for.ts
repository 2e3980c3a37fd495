/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once `cond()` holds, looking every `everyMs` milliseconds; throws 'condition not
 * reached' when it still does not hold after `ms` milliseconds.
 */
export async function waitFor(cond: () => boolean, { ms = 10_000, everyMs = 10 }: { ms?: number; everyMs?: number } = {}): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(everyMs);
  }
}
