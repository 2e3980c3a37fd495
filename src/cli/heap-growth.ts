/**
 * How far V8 lets the old generation grow before its next full collection. V8 sets the next limit
 * at the live size times a factor it picks from the collector's speed, up to 4 for a small heap:
 * at the end of a list of 5000 small files 12.2 MiB were alive and the heap had reached 59.4 MiB.
 * A download queue keeps its entries alive and turns over a great deal of short-lived garbage, so
 * its peak memory follows that factor. The command fixes it at 1.5 (`HEAP_GROWTH_FLAGS`).
 * Measured on loopback (medians of interleaved runs, three rounds): that list peaked at 69.0-69.5
 * MiB of RSS instead of 102.1-102.4 MiB, for 0 to 7 % more CPU; the daemon with 1000 queued
 * downloads of 6 MiB at 88-91 MiB instead of 106-110 MiB; the 500-file list and a 1 GiB download
 * are unchanged (docs/benchmarks.md).
 *
 * The launcher sets it once the bundle is compiled: V8's code cache carries a hash of the flags,
 * and the build's code-cache run leaves it out, so the cache fits the flags the bundle is compiled
 * under.
 */

/** The V8 flag the launcher sets after compiling the bundle. */
export const HEAP_GROWTH_FLAGS = '--heap-growing-percent=50';

/** A heap-growth flag given to Node itself (V8 accepts dashes or underscores). */
const HEAP_GROWTH_FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/** What `limitHeapGrowth` needs of the process. */
export interface HeapHost {
  /** Node's own options (`process.execArgv`): a heap-growth flag there is the user's choice. */
  execArgv: readonly string[];
  setFlags: (flags: string) => void;
}

/** Set `HEAP_GROWTH_FLAGS`, unless Node was given a heap-growth flag; returns whether it did. */
export function limitHeapGrowth(host: HeapHost): boolean {
  if (host.execArgv.some((a) => HEAP_GROWTH_FLAG.test(a))) return false;
  host.setFlags(HEAP_GROWTH_FLAGS);
  return true;
}
