/**
 * What the daemon's two threads say to each other. The main thread runs the engine and the store;
 * the RPC thread serves HTTP, WebSocket and the web page from a replica of the queue's views, so
 * that its answers never wait for the downloads' work.
 *
 * Everything goes over one port, in order. The main thread posts a delta before each reply and
 * before each notification, so a client that is told `onDownloadComplete` and then asks
 * `tellStatus` sees the download complete, and a client's next read after its own call sees that
 * call's effect.
 */
import { type ErrorCode, FerryError, isFerryError } from '../core/errors.js';
import { RpcError } from '../rpc/rpc-error.js';
import type { RpcDownload, RpcEvent, RpcGlobalOptions, RpcService } from '../rpc/service.js';

/** A change of the replica. Fields apply in this order: `purged`, `unstopped`, `stopped`, `gone`, `live`, `order`. */
export interface ReplicaDelta {
  t: 'delta';
  /** The whole history was forgotten. */
  purged?: boolean;
  /** Gids forgotten from the history. */
  unstopped?: string[];
  /** History entries appended, oldest first. */
  stopped?: RpcDownload[];
  /** Gids the engine no longer holds. */
  gone?: string[];
  /** Views of live downloads (active, waiting, paused) that are new or changed. */
  live?: RpcDownload[];
  /** Every live gid in the engine's order, when the order or a state may have changed. */
  order?: string[];
  /** Stopped downloads since the daemon started. */
  stoppedTotal?: number;
  global?: RpcGlobalOptions;
}

/** The latest views of downloads that moved (active ones), about every 100 ms. */
export interface ReplicaProgress {
  t: 'progress';
  downloads: RpcDownload[];
}

/** A queue event, after the delta that shows it. */
export interface ReplicaEvent {
  t: 'event';
  event: Exclude<RpcEvent, { type: 'progress' }>;
}

/** An error as it crosses threads: an RpcError keeps its text, a FerryError its code and hint. */
export type WireError =
  | { kind: 'rpc'; message: string; code: number }
  | { kind: 'ferry'; message: string; code: ErrorCode; hint?: string }
  | { kind: 'other'; message: string };

export type ReplicaReply = { t: 'reply'; id: number; ok: true; value: unknown } | { t: 'reply'; id: number; ok: false; error: WireError };

/** Main thread to RPC thread. */
export type ToRpcThread = ReplicaDelta | ReplicaProgress | ReplicaEvent | ReplicaReply | { t: 'close' };

/** The RpcService methods the RPC thread hands to the main thread (everything that is not a read of the replica). */
export const FORWARDED = [
  'add',
  'pause',
  'unpause',
  'remove',
  'pauseAll',
  'unpauseAll',
  'move',
  'changeUri',
  'changeOptions',
  'changeGlobalOptions',
  'purge',
  'removeResult',
  'saveSession',
  'shutdown',
  'segments',
  'durable',
] as const satisfies ReadonlyArray<keyof RpcService>;

export type ForwardedMethod = (typeof FORWARDED)[number];

export interface ReplicaCall {
  t: 'call';
  id: number;
  method: ForwardedMethod;
  args: unknown[];
}

/** Where one listener of the RPC thread listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** RPC thread to main thread. */
export type FromRpcThread = ReplicaCall | { t: 'listening'; servers: ListenAddress[] } | { t: 'failed'; error: WireError } | { t: 'closed' };

/** `e` as it can be posted. */
export function toWire(e: unknown): WireError {
  if (e instanceof RpcError) return { kind: 'rpc', message: e.message, code: e.code };
  if (isFerryError(e)) return { kind: 'ferry', message: e.message, code: e.code, hint: e.hint };
  return { kind: 'other', message: e instanceof Error ? e.message : String(e) };
}

/** The error `w` describes, as the thread that threw it had it. */
export function fromWire(w: WireError): Error {
  if (w.kind === 'rpc') return new RpcError(w.message, w.code);
  if (w.kind === 'ferry') return new FerryError(w.code, w.message, { hint: w.hint });
  return new Error(w.message);
}
