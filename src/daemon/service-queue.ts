/**
 * Places in the queue, pure: the RPC counts places in the waiting queue (waiting and paused
 * downloads), while the engine and the store keep one order of every unfinished download (active
 * ones included). These turn one into the other.
 */
import type { MoveHow } from '../rpc/service.js';

/** One unfinished download of the queue order: its id and whether it is in the waiting queue. */
export interface OrderEntry {
  id: string;
  waiting: boolean;
}

/**
 * The index of the whole order at which a download must be put (after taking `moving` out, when
 * given) so that it is at `place` of the waiting queue. A place past the end is the end.
 */
export function orderIndexFor(order: readonly OrderEntry[], place: number, moving?: string): number {
  const rest = order.filter((e) => e.id !== moving);
  let seen = 0;
  for (let i = 0; i < rest.length; i++) {
    if (!rest[i].waiting) continue;
    if (seen === place) return i;
    seen++;
  }
  return rest.length;
}

/** aria2's `changePosition`: the new place in a waiting queue of `size` for `pos` counted by `how` from `current`, clamped. */
export function movedPlace(how: MoveHow, pos: number, current: number, size: number): number {
  const base = how === 'POS_SET' ? 0 : how === 'POS_CUR' ? current : size - 1;
  return Math.max(0, Math.min(size - 1, base + pos));
}

/**
 * aria2's `changeUri`: `del` removes one occurrence of each URI listed (a URI listed twice removes
 * two), then `add` goes in at `position` (clamped; none = the end). Returns the new list and the counts.
 */
export function changedUris(uris: readonly string[], del: readonly string[], add: readonly string[], position?: number): { uris: string[]; removed: number } {
  const next = [...uris];
  let removed = 0;
  for (const u of del) {
    const i = next.indexOf(u);
    if (i < 0) continue;
    next.splice(i, 1);
    removed++;
  }
  next.splice(Math.min(position ?? next.length, next.length), 0, ...add);
  return { uris: next, removed };
}
