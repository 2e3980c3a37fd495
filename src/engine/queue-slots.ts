/**
 * The queue's slots: its entries counted by status (see StatusCounts), and the active ones whose
 * Download has every byte and only its disk work left (the final sync, the checksum, the rename).
 * Those hold no connection: each gives its slot to the next entry, at most `maxActive` of them,
 * so at most `maxActive` entries receive and at most twice `maxActive` run at once.
 *
 * Invariant: `change` is called for every status change of every entry (as StatusCounts'), so
 * an entry counts as finishing only while it is active in the run that said so.
 */
import { isActive, type QueueStatus } from '../core/queue-transitions.js';
import { StatusCounts } from './status-counts.js';

export class QueueSlots<T> {
  private readonly counts = new StatusCounts();
  private readonly finishing = new Set<T>();

  constructor(public maxActive: number) {}

  /** Entries whose Download runs. */
  get active(): number {
    return this.counts.active;
  }

  /** Entries waiting for a slot. */
  get waiting(): number {
    return this.counts.waiting;
  }

  /** `entry` went from `from` to `to` (undefined: not in the queue); `newRun`: a new Download starts for it. */
  change(entry: T, from: QueueStatus | undefined, to: QueueStatus | undefined, newRun = false): void {
    this.counts.change(from, to);
    if (to === undefined || !isActive(to) || newRun) this.finishing.delete(entry);
  }

  /** The active `entry` has every byte; false when it already counted so. */
  finished(entry: T): boolean {
    if (this.finishing.has(entry)) return false;
    this.finishing.add(entry);
    return true;
  }

  /** A slot is free for the next waiting entry. */
  get free(): boolean {
    return this.counts.active - Math.min(this.finishing.size, this.maxActive) < this.maxActive;
  }
}
