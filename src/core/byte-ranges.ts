import type { ByteRange } from './types.js';

/**
 * A set of byte offsets stored as sorted, disjoint, non-adjacent half-open ranges.
 * Invariant: for consecutive ranges a, b: a.start < a.end < b.start.
 */
export class RangeSet {
  private ranges: ByteRange[] = [];

  constructor(initial: Iterable<ByteRange> = []) {
    for (const r of initial) this.add(r.start, r.end);
  }

  /** Add [start, end), merging with neighbours. Empty ranges are ignored. */
  add(start: number, end: number): void {
    if (end <= start) return;
    const rs = this.ranges;
    // First range whose end >= start (could touch or overlap).
    const i = lowerBoundByEnd(rs, start);
    let s = start;
    let e = end;
    let j = i;
    while (j < rs.length && rs[j].start <= e) {
      s = Math.min(s, rs[j].start);
      e = Math.max(e, rs[j].end);
      j++;
    }
    rs.splice(i, j - i, { start: s, end: e });
  }

  /** Remove [start, end) from the set. */
  remove(start: number, end: number): void {
    if (end <= start) return;
    const rs = this.ranges;
    const out: ByteRange[] = [];
    for (const r of rs) {
      if (r.end <= start || r.start >= end) out.push(r);
      else {
        if (r.start < start) out.push({ start: r.start, end: start });
        if (r.end > end) out.push({ start: end, end: r.end });
      }
    }
    this.ranges = out;
  }

  /** True when every byte of [start, end) is in the set. */
  covers(start: number, end: number): boolean {
    if (end <= start) return true;
    const i = lowerBoundByEnd(this.ranges, start + 1);
    const r = this.ranges[i];
    return r !== undefined && r.start <= start && r.end >= end;
  }

  /** Total number of bytes in the set. */
  get size(): number {
    let n = 0;
    for (const r of this.ranges) n += r.end - r.start;
    return n;
  }

  /** Copies of the ranges, in order. */
  toArray(): ByteRange[] {
    return this.ranges.map((r) => ({ start: r.start, end: r.end }));
  }

  /** The ranges of [0, limit) that are NOT in the set, in order. */
  gaps(limit: number): ByteRange[] {
    const out: ByteRange[] = [];
    let pos = 0;
    for (const r of this.ranges) {
      if (r.start >= limit) break;
      if (r.start > pos) out.push({ start: pos, end: r.start });
      pos = Math.max(pos, r.end);
    }
    if (pos < limit) out.push({ start: pos, end: limit });
    return out;
  }

  /** Length of the contiguous run of the set starting at 0 (0 when byte 0 is missing). */
  prefixLength(): number {
    const first = this.ranges[0];
    return first !== undefined && first.start === 0 ? first.end : 0;
  }
}

/** Index of the first range with end >= pos (binary search). */
function lowerBoundByEnd(rs: ByteRange[], pos: number): number {
  let lo = 0;
  let hi = rs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rs[mid].end < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
