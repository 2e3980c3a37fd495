/**
 * The segment map of one download as a row of cells: how much of each cell's bytes are done and
 * which connection works in it. Built from ferry's `ferry.getSegments` (one segment per connection)
 * when the daemon has it, else from aria2's `bitfield` (one bit per piece, most significant first).
 */
import { num } from './format.js';

/** One connection's segment as `ferry.getSegments` returns it (numbers as strings). */
export interface RpcSegment {
  id: string | number;
  state: string;
  /** First byte of the segment. */
  start: string;
  /** One past the last byte of the segment (exclusive). */
  end: string;
  /** Bytes done from `start`. */
  received: string;
  speed: string;
}

/** One cell of the map. Invariant: 0 <= done <= 1. */
export interface MapCell {
  /** The cell's place in the row, from 0: its identity. */
  at: number;
  done: number;
  /** The connection whose write position is in this cell, if any. */
  owner?: string;
}

/** A segment as the page lists it, with its place on the bar in percent. */
export interface SegmentRow {
  id: string;
  state: string;
  start: number;
  end: number;
  received: number;
  speed: number;
  leftPercent: number;
  widthPercent: number;
}

export interface SegmentMap {
  cells: MapCell[];
  /** Bytes (segments) or pieces (bitfield) known to be done, as a fraction of the whole. */
  doneFraction: number;
  segments: SegmentRow[];
  /** `segments` (exact, per connection), `pieces` (aria2's bitfield) or `none` (nothing known). */
  source: 'segments' | 'pieces' | 'none';
}

const empty = (cells: number): MapCell[] => Array.from({ length: cells }, (_, at) => ({ at, done: 0 }));

/** Bit `i` of an aria2 bitfield (hex, most significant bit of each byte first). */
export function pieceDone(bitfield: string, i: number): boolean {
  const nibble = Number.parseInt(bitfield[i >> 2] ?? '0', 16);
  return Number.isFinite(nibble) && (nibble & (8 >> (i & 3))) !== 0;
}

/** The map from an aria2 bitfield of `numPieces` pieces. */
export function mapFromBitfield(bitfield: string, numPieces: number, cellCount: number): SegmentMap {
  if (!(numPieces > 0) || bitfield === '') return { cells: empty(cellCount), doneFraction: 0, segments: [], source: 'none' };
  const cells = Math.min(cellCount, numPieces);
  const out: MapCell[] = [];
  let doneTotal = 0;
  for (let c = 0; c < cells; c++) {
    // Invariant: the cells partition the pieces [0, numPieces) in order, none empty.
    const from = Math.floor((c * numPieces) / cells);
    const to = Math.floor(((c + 1) * numPieces) / cells);
    let done = 0;
    for (let i = from; i < to; i++) if (pieceDone(bitfield, i)) done++;
    doneTotal += done;
    out.push({ at: c, done: done / (to - from) });
  }
  return { cells: out, doneFraction: doneTotal / numPieces, segments: [], source: 'pieces' };
}

/** The map from ferry's per-connection segments of a file of `total` bytes. */
export function mapFromSegments(raw: readonly RpcSegment[], total: number, maxCells: number): SegmentMap {
  // Never more cells than bytes: a cell always stands for at least one whole byte.
  const cellCount = total > 0 ? Math.min(maxCells, Math.floor(total)) : maxCells;
  const segments: SegmentRow[] = raw
    .map((s) => {
      const start = num(s.start);
      const end = Math.max(start, num(s.end));
      const received = Math.min(Math.max(0, num(s.received)), end - start);
      return {
        id: String(s.id),
        state: s.state,
        start,
        end,
        received,
        speed: num(s.speed),
        leftPercent: total > 0 ? (start / total) * 100 : 0,
        widthPercent: total > 0 ? ((end - start) / total) * 100 : 0,
      };
    })
    .sort((a, b) => a.start - b.start);
  if (!(total > 0)) return { cells: empty(cellCount), doneFraction: 0, segments, source: 'segments' };
  const cells = empty(cellCount);
  const cellBytes = total / cellCount;
  let doneBytes = 0;
  for (const s of segments) {
    const doneEnd = s.start + s.received;
    doneBytes += s.received;
    // Add the done bytes [s.start, doneEnd) to every cell they overlap.
    for (let c = Math.floor(s.start / cellBytes); c < cellCount && c * cellBytes < doneEnd; c++) {
      const lo = Math.max(s.start, c * cellBytes);
      const hi = Math.min(doneEnd, (c + 1) * cellBytes);
      if (hi > lo) cells[c].done = Math.min(1, cells[c].done + (hi - lo) / cellBytes);
    }
    if (s.state === 'active' && doneEnd < s.end) {
      const at = Math.min(cellCount - 1, Math.floor(doneEnd / cellBytes));
      cells[at].owner = s.id;
    }
  }
  return { cells, doneFraction: Math.min(1, doneBytes / total), segments, source: 'segments' };
}
