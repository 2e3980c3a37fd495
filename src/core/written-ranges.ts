/**
 * Which bytes of a partial file a rerun may trust: the ranges a control file claims as synced
 * (`done`), plus the ranges it records as written but not yet synced (`written`) when those were
 * recorded during the current boot of the machine. Pure.
 *
 * Why the boot matters: a written range was handed to the kernel (pwrite returned) but not
 * fsynced. After a crash of the process the kernel's page cache still holds it (it is written back
 * later like any other dirty page); after a power cut or a reboot it may be lost. The boot id
 * (`/proc/sys/kernel/random/boot_id`) changes on every boot, so a record stamped with the boot id
 * of now was made since the last reboot.
 */
import { RangeSet } from './byte-ranges.js';
import type { ByteRange } from './types.js';

/** The parts of a control file that say which bytes are on disk. */
export interface WrittenRecord {
  /** Synced: on stable storage. */
  done: readonly ByteRange[];
  /** Written (pwrite returned) but perhaps not synced, during the boot `boot`. */
  written?: readonly ByteRange[];
  /** The boot id of the machine when `written` was recorded. */
  boot?: string;
}

/** Why a record's written ranges are used or not (for a note to the user). */
export type WrittenTrust = 'trusted' | 'none' | 'other-boot' | 'no-boot-id';

/**
 * True when the record's written ranges were recorded during the boot `bootId` (the boot id of
 * now; undefined when the system has none: then written ranges are never trusted).
 */
export function writtenTrust(record: WrittenRecord, bootId: string | undefined): WrittenTrust {
  if (record.written === undefined || record.written.length === 0) return 'none';
  if (bootId === undefined || bootId === '' || record.boot === undefined || record.boot === '') return 'no-boot-id';
  return record.boot === bootId ? 'trusted' : 'other-boot';
}

/**
 * The ranges a rerun may treat as on disk: `done`, merged with `written` when it is trusted
 * (see writtenTrust). Sorted, disjoint, non-adjacent.
 */
export function trustedRanges(record: WrittenRecord, bootId: string | undefined): ByteRange[] {
  const set = new RangeSet(record.done);
  if (writtenTrust(record, bootId) === 'trusted') for (const r of record.written ?? []) set.add(r.start, r.end);
  return set.toArray();
}

/** The ranges of `all` that are not in `minus`: what a record lists as written beyond its synced claim. */
export function rangesWithout(all: readonly ByteRange[], minus: readonly ByteRange[]): ByteRange[] {
  const set = new RangeSet(all);
  for (const r of minus) set.remove(r.start, r.end);
  return set.toArray();
}

/** Total bytes in sorted, disjoint ranges. */
export function rangeBytes(ranges: readonly ByteRange[]): number {
  return ranges.reduce((n, r) => n + r.end - r.start, 0);
}
