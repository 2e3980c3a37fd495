/**
 * The queue order (ids, first = next to start) and where a scheduling pass starts looking in it:
 * every entry before `scanFrom` has left the waiting state, so a pass over a long list that is
 * mostly done does not walk the finished part again.
 */
export class QueueOrder {
  private ids: string[] = [];
  /** Every entry before this index is not waiting. */
  private scanFrom = 0;
  /** Counts the changes: a pass that sees the count change looks again from `scanFrom`. */
  private changes = 0;

  /** The ids in queue order. */
  get list(): readonly string[] {
    return this.ids;
  }

  /** Put `id` at `index` (none: the end). */
  insert(id: string, index: number = this.ids.length): void {
    this.ids.splice(index, 0, id);
    this.changed(Math.max(0, index));
  }

  remove(id: string): void {
    this.ids = this.ids.filter((x) => x !== id);
    this.changed(0);
  }

  /** Move `id` to `position` (clamped to the order; 0 = next to start). */
  move(id: string, position: number): void {
    this.remove(id);
    this.ids.splice(Math.max(0, Math.min(Math.trunc(position), this.ids.length)), 0, id);
  }

  /** The order changed at `index`, or an entry there may wait again: a pass looks from there. */
  changed(index: number): void {
    this.scanFrom = Math.min(this.scanFrom, index);
    this.changes++;
  }

  /**
   * Visit the entries in order from the first that may wait, while `more()` says so: `visit(id)`
   * starts the entry if it waits and tells whether it still waits. A visit that changes the order
   * (a listener of the start moved an entry) makes the pass look again from where it changed.
   */
  pass(more: () => boolean, visit: (id: string) => boolean): void {
    let seen = this.changes;
    for (let i = this.scanFrom; i < this.ids.length; i++) {
      if (!more()) break;
      const waits = visit(this.ids[i]);
      if (seen !== this.changes) {
        seen = this.changes;
        i = this.scanFrom - 1;
      } else if (i === this.scanFrom && !waits) this.scanFrom = i + 1;
    }
  }
}
