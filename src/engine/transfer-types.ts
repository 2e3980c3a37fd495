/** The shapes a Transfer is made with and reports: its parameters, connections and retries. */
import type { FerryError } from '../core/errors.js';
import type { PieceMap } from '../core/piece-map.js';
import type { ByteStream } from '../core/types.js';
import type { HostSlots } from './host-slots.js';
import type { Lane, MirrorLanes } from './mirror-lanes.js';
import type { PositionalWriter } from './segment-pump.js';

export type ConnectionState = 'active' | 'retrying';

/** What the progress view shows of one connection. */
export interface ConnectionView {
  id: number;
  state: ConnectionState;
  start: number;
  end: number;
  received: number;
  speed: number;
  /** The mirror (redacted URL) this connection reads from, when the download has several. */
  mirror?: string;
}

export interface RetryInfo {
  connection: number;
  attempt: number;
  delayMs: number;
  error: FerryError;
}

/** The probe's open response: bytes [offset, end) of the file. */
export interface FirstStream {
  stream: ByteStream;
  offset: number;
  end: number;
}

export interface TransferParams {
  /** The mirrors read from: the download's URL first (it owns the probe's slot and body). */
  lanes: MirrorLanes;
  /**
   * Finds more mirrors while the transfer runs (probing them): each one that passes its check is
   * handed to `add`. `signal` aborts when the transfer ends.
   */
  discoverLanes?: (signal: AbortSignal, add: (lane: Lane) => void) => void;
  writer: PositionalWriter;
  map: PieceMap;
  hostSlots: HostSlots;
  /** Connections wanted for this file, over all its mirrors (each within its lane's limit). */
  connections: number;
  minSplitSize: number;
  maxTries: number;
  retryWaitMs: number;
  /** The caller already holds one host slot for this transfer (the probe's); it is handed over. */
  heldSlot?: boolean;
  /** An open stream of the file from `offset` (the probe response), used as the first segment. */
  firstStream?: FirstStream;
  now: () => number;
  random: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  throttle?: (n: number, signal: AbortSignal) => Promise<void> | void;
  onBytes: (n: number) => void;
  onNote: (message: string) => void;
  onRetry: (info: RetryInfo) => void;
}
