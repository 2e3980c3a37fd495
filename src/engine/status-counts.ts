import { isActive, type QueueStatus } from '../core/queue-transitions.js';

/**
 * How many items of a queue are active and how many wait, kept up to date as statuses change, so
 * the scheduler never scans the whole queue to count (a scan per start made a long list
 * quadratic). Invariant: `change` is called for every status change of every item, including its
 * arrival (`from` undefined) and its removal (`to` undefined).
 */
export class StatusCounts {
  /** Items whose Download runs (any active status). */
  active = 0;
  /** Items waiting for a slot. */
  waiting = 0;

  /** Record that one item went from `from` to `to` (undefined: not in the queue). */
  change(from: QueueStatus | undefined, to: QueueStatus | undefined): void {
    if (from === to) return;
    if (from !== undefined) this.add(from, -1);
    if (to !== undefined) this.add(to, 1);
  }

  private add(s: QueueStatus, n: number): void {
    if (s === 'waiting') this.waiting += n;
    else if (isActive(s)) this.active += n;
  }
}
