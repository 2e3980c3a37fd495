import { RangeSet } from './byte-ranges.js';
import type { ByteRange } from './types.js';

/**
 * A connection's claim: it will receive bytes [pos, end) next. `start` is where the claim began
 * (for progress display). The claim's end can shrink when another connection splits it.
 */
export interface Claim {
  id: number;
  start: number;
  pos: number;
  end: number;
}

/**
 * Which bytes of one file are written (done), received (done or being written), or claimed.
 * Invariants:
 * - done ⊆ received; a byte is marked done only after its write returned.
 * - claims are disjoint from each other and from received.
 * - every byte of [0, size) is received, claimed, or a gap a connection may take.
 */
export class PieceMap {
  readonly size: number;
  readonly done: RangeSet;
  private readonly received: RangeSet;
  private readonly claims = new Map<number, Claim>();

  constructor(size: number, done: ByteRange[] = []) {
    this.size = size;
    this.done = new RangeSet(done.filter((r) => r.start < size).map((r) => ({ start: r.start, end: Math.min(r.end, size) })));
    this.received = new RangeSet(this.done.toArray());
  }

  get doneBytes(): number {
    return this.done.size;
  }

  get receivedBytes(): number {
    return this.received.size;
  }

  get complete(): boolean {
    return this.done.covers(0, this.size);
  }

  getClaim(id: number): Claim | undefined {
    return this.claims.get(id);
  }

  allClaims(): Claim[] {
    return [...this.claims.values()];
  }

  /** Ranges that nobody has received or claimed. */
  gaps(): ByteRange[] {
    const taken = new RangeSet(this.received.toArray());
    for (const c of this.claims.values()) taken.add(c.pos, c.end);
    return taken.gaps(this.size);
  }

  /** Record a claim (the planner decided it). Shrinks the owner when it is a split. */
  assign(id: number, range: ByteRange, splitFrom?: number): Claim {
    if (splitFrom !== undefined) {
      const owner = this.claims.get(splitFrom);
      if (!owner || range.start < owner.pos || range.end !== owner.end) throw new Error('invalid split');
      owner.end = range.start;
    }
    const claim: Claim = { id, start: range.start, pos: range.start, end: range.end };
    this.claims.set(id, claim);
    return claim;
  }

  /**
   * A connection received `n` bytes at its position. Returns how many of them belong to its claim
   * (fewer when the claim was shrunk by a split) and the offset they go to.
   */
  receive(id: number, n: number): { offset: number; accepted: number } {
    const c = this.claims.get(id);
    if (!c) return { offset: 0, accepted: 0 };
    const accepted = Math.max(0, Math.min(n, c.end - c.pos));
    const offset = c.pos;
    if (accepted > 0) {
      this.received.add(offset, offset + accepted);
      c.pos += accepted;
    }
    return { offset, accepted };
  }

  /** Bytes [start, end) are on disk (their write returned). */
  markDone(start: number, end: number): void {
    this.done.add(start, end);
  }

  /**
   * Bytes [start, end) were received but will never be written (the write failed or was dropped):
   * they become a gap again.
   */
  unreceive(start: number, end: number): void {
    this.received.remove(start, end);
    this.done.remove(start, end);
  }

  /** Drop a connection's claim; its unreceived remainder becomes a gap. */
  release(id: number): void {
    this.claims.delete(id);
  }

  /** Forget everything (restart from zero). */
  reset(): PieceMap {
    return new PieceMap(this.size);
  }
}
