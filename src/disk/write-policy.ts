/**
 * How a data file writes, as pure rules: the write-back step (how much is written between two
 * background syncs) and when writes leave the calling thread for libuv's pool.
 */

/**
 * Bytes written between two background syncs when write-back is on: small enough that the last
 * sync of a download has little left to write (it waits for at most about this much plus what
 * arrived during the sync before it), large enough that the syncs stay few.
 */
export const WRITE_BACK_BYTES = 16 * 1024 * 1024;

/** The smallest write-back step (see writeBackStep). */
export const MIN_WRITE_BACK_BYTES = 1024 * 1024;

/**
 * The write-back step for a file with `left` bytes still to be written: `step` (at most), and
 * near the end a quarter of what is left (at least MIN_WRITE_BACK_BYTES), so the last sync, the
 * one the download waits for, has about 1 MiB to write instead of up to 16 (on the benchmark
 * machine the wait after the last byte of a capped 256 MiB download went from 35 to 28 ms,
 * medians of 6; unthrottled 1 GiB did not get slower).
 */
export function writeBackStep(left: number, step: number = WRITE_BACK_BYTES): number {
  return Math.min(step, Math.max(MIN_WRITE_BACK_BYTES, Math.floor(left / 4)));
}

/** An inline write that takes longer than this (ms) counts as slow (see slowWritesEndInline). */
export const SLOW_INLINE_WRITE_MS = 20;

/** The inline writes looked back on: a file's last this many. */
export const INLINE_WINDOW = 16;

/**
 * Whether a file's writes should leave the calling thread, given its recent inline writes as
 * bits (bit i set: the i-th write back was slow; only the low INLINE_WINDOW bits count): when half
 * of them were slow, the file system makes every write wait (a network or FUSE mount), so each one
 * would stall the sockets. An occasional long write is the kernel pacing a fast writer to the
 * disk (dirty-page throttling: 2-6 writes of 20-135 ms per GiB on the benchmark machine); the
 * thread pool would not make the disk faster, only each write dearer.
 */
export function slowWritesEndInline(recent: number): boolean {
  let slow = 0;
  for (let bits = recent & ((1 << INLINE_WINDOW) - 1); bits !== 0; bits &= bits - 1) slow++;
  return slow * 2 >= INLINE_WINDOW;
}
