/** The shapes a Transfer is made with and reports: its parameters, connections and retries. */
import type { FerryError } from '../core/errors.js';
import type { PieceMap } from '../core/piece-map.js';
import type { ByteStream, Source, Validators } from '../core/types.js';
import type { HostSlots } from './host-slots.js';
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
  source: Source;
  writer: PositionalWriter;
  map: PieceMap;
  validators: Validators;
  host: string;
  hostSlots: HostSlots;
  /** Connections wanted for this file. */
  connections: number;
  perHostLimit: number;
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
