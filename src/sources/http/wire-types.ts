/**
 * The shapes around one HTTP/1.1 client connection (see wire.ts): its settings and the
 * response it resolves with (the pool hooks stay beside the connection, the way to the origin in
 * wire-dial.ts).
 */

import type { SocketTls } from '../net/socket.js';
import type { BatchPool } from '../stream/batch-pool.js';
import type { ResponseBody } from '../stream/response-body.js';
import type { HttpHeaders } from './parser.js';

/** Settings shared by the connections of one source. */
export interface WireOptions extends SocketTls {
  connectTimeoutMs: number;
  /** Idle limit while waiting for the response head or for body bytes. */
  timeoutMs: number;
  /**
   * Limit on the time from sending a request to its final response head, however the bytes
   * trickle in (interim 1xx responses included). Default: `timeoutMs`.
   */
  headTimeoutMs?: number;
  /** Close a pooled connection left idle this long. */
  idleTimeoutMs: number;
  pool: BatchPool;
  /** Bytes a body buffers for a consumer that is behind before the socket is paused. */
  highWater: number;
}

/** A response whose head has arrived. */
export interface WireResponse {
  statusCode: number;
  statusText: string;
  headers: HttpHeaders;
  body: ResponseBody;
}
