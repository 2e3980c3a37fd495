/**
 * A JSON-RPC 2.0 client over one WebSocket, as aria2 and ferry's daemon speak it: requests with
 * ids and answers matched to them, notifications handed to listeners, the secret put into each call
 * as `token:...`, and a reconnect with back-off whenever the socket closes.
 */

/** An error answer of the daemon (aria2: code 1 and its message), or a lost connection (code -1). */
export class RpcError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
  }
}

/** `connecting` until the socket opens; `open`; `closed` while waiting to reconnect. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** One call of a `system.multicall`: its result, or its error. */
export type MulticallResult = { ok: true; value: unknown } | { ok: false; error: RpcError };

export interface RpcClient {
  /** Call a method; the secret is added for every method but `system.*`. Rejects with RpcError. */
  call<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Several calls in one round trip (`system.multicall`), each with the secret. */
  multicall(calls: readonly [string, unknown[]][]): Promise<MulticallResult[]>;
  setSecret(secret: string): void;
  onNotification(listener: (method: string, params: unknown[]) => void): () => void;
  onState(listener: (state: ConnectionState) => void): () => void;
  state(): ConnectionState;
  /** Stop for good: close the socket and cancel reconnects. */
  close(): void;
}

export interface RpcClientOptions {
  url: string;
  secret?: string;
  /** The WebSocket constructor (injected for tests). */
  WebSocketImpl?: typeof WebSocket;
  /** A call that gets no answer in this long is rejected (ms). */
  timeoutMs?: number;
  /** First reconnect delay; doubled up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: RpcError): void;
  timer: ReturnType<typeof setTimeout>;
}

const withToken = (method: string, params: unknown[], secret: string): unknown[] =>
  method.startsWith('system.') || secret === '' ? params : [`token:${secret}`, ...params];

/** Open the client; it connects at once and keeps reconnecting until close(). */
export function createRpcClient(options: RpcClientOptions): RpcClient {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const baseRetry = options.retryMs ?? 500;
  const maxRetry = options.maxRetryMs ?? 4000;
  let secret = options.secret ?? '';
  let socket: WebSocket | undefined;
  let current: ConnectionState = 'connecting';
  let nextId = 1;
  let retry = baseRetry;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  // Invariant: every pending call was sent on the current socket; closing it rejects them all.
  const pending = new Map<number, Pending>();
  const notificationListeners = new Set<(method: string, params: unknown[]) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();

  const setState = (s: ConnectionState): void => {
    if (s === current) return;
    current = s;
    for (const l of stateListeners) l(s);
  };

  const failAll = (message: string): void => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(new RpcError(-1, message));
    }
  };

  const onMessage = (data: unknown): void => {
    let messages: unknown;
    try {
      messages = JSON.parse(String(data));
    } catch {
      return;
    }
    for (const m of Array.isArray(messages) ? messages : [messages]) {
      if (m === null || typeof m !== 'object') continue;
      const msg = m as { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: { code?: number; message?: string } };
      if (typeof msg.method === 'string' && msg.id === undefined) {
        const params = Array.isArray(msg.params) ? msg.params : [];
        for (const l of notificationListeners) l(msg.method, params);
        continue;
      }
      const p = typeof msg.id === 'number' ? pending.get(msg.id) : undefined;
      if (p === undefined) continue;
      pending.delete(msg.id as number);
      clearTimeout(p.timer);
      if (msg.error !== undefined) p.reject(new RpcError(msg.error.code ?? 1, msg.error.message ?? 'error'));
      else p.resolve(msg.result);
    }
  };

  const connect = (): void => {
    if (stopped) return;
    setState('connecting');
    let ws: WebSocket;
    try {
      ws = new Impl(options.url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      retry = baseRetry;
      setState('open');
    };
    ws.onmessage = (e) => onMessage(e.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      failAll('the connection to the daemon was lost');
      scheduleReconnect();
    };
    ws.onerror = () => ws.close();
  };

  function scheduleReconnect(): void {
    if (stopped) return;
    setState('closed');
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, retry);
    retry = Math.min(maxRetry, retry * 2);
  }

  const send = (method: string, params: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (socket === undefined || current !== 'open') {
        reject(new RpcError(-1, 'not connected to the daemon'));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new RpcError(-1, `${method}: no answer in ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });

  connect();

  return {
    call: <T>(method: string, params: unknown[] = []) => send(method, withToken(method, params, secret)) as Promise<T>,
    async multicall(calls) {
      const payload = calls.map(([methodName, params]) => ({ methodName, params: withToken(methodName, params, secret) }));
      const results = (await send('system.multicall', [payload])) as unknown[];
      return results.map((r): MulticallResult => {
        if (Array.isArray(r)) return { ok: true, value: r[0] };
        const e = (r ?? {}) as { code?: number; message?: string };
        return { ok: false, error: new RpcError(e.code ?? 1, e.message ?? 'error') };
      });
    },
    setSecret(s) {
      secret = s;
    },
    onNotification(listener) {
      notificationListeners.add(listener);
      return () => notificationListeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    state: () => current,
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      failAll('closed');
      socket?.close();
      socket = undefined;
    },
  };
}
