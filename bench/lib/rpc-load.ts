/**
 * The pollers of the `daemon-load` scenario: they load a daemon the way front ends do: each poll
 * is `tellActive()` then `tellWaiting(0, 1000)` (no key list, as webui-aria2 asks), `hz` times a
 * second. Half of the pollers speak HTTP POST over one keep-alive connection each (webui-aria2),
 * the other half WebSocket (AriaNg). Each request's latency is measured with `performance.now()`
 * from just before it is written to when its whole answer has arrived.
 *
 * Invariant: a poller has at most one request in flight, so a slow daemon gets fewer requests
 * (its ticks are counted as skipped) rather than a growing backlog.
 */
import { summariseLatencies } from './daemon-summary.js';
import { httpRpcClient, type RpcClient, type RpcEndpoint, wsRpcClient } from './rpc-client.js';
import type { LatencySummary } from './types.js';

/** What the pollers measured while recording. */
export interface LoadStats {
  clients: number;
  httpClients: number;
  wsClients: number;
  /** Seconds between `startRecording` and `stop`. */
  recordedSec: number;
  /** Requests answered with a result while recording. */
  requests: number;
  /** Requests that failed (error answer, HTTP status, closed connection, timeout). */
  errors: number;
  /** The first few distinct error texts. */
  errorSamples: string[];
  /** Ticks that found the previous poll of that client still running. */
  skippedTicks: number;
  /** Answer bytes received while recording. */
  bytes: number;
  all: LatencySummary;
  http: LatencySummary;
  ws: LatencySummary;
}

/** A running load: measurements start at `startRecording` (before it, the pollers only warm up). */
export interface RpcLoad {
  startRecording(): void;
  stop(): Promise<LoadStats>;
}

export interface RpcLoadOptions {
  clients: number;
  hz: number;
  /** The polls of one tick: default tellActive() then tellWaiting(0, 1000). */
  calls?: ReadonlyArray<{ method: string; params: unknown[] }>;
}

const POLL: ReadonlyArray<{ method: string; params: unknown[] }> = [
  { method: 'aria2.tellActive', params: [] },
  { method: 'aria2.tellWaiting', params: [0, 1000] },
];

/**
 * Connect `clients` pollers (the first half, rounded up, over HTTP; the rest over WebSocket) and
 * start polling. Each client's ticks are spread evenly over one period so that polls do not
 * arrive in bursts; ticks are on a fixed grid (no drift), a tick that finds the previous poll
 * still running is skipped.
 */
export async function startRpcLoad(ep: RpcEndpoint, o: RpcLoadOptions): Promise<RpcLoad> {
  const calls = o.calls ?? POLL;
  const httpCount = Math.ceil(o.clients / 2);
  const clients: Array<{ kind: 'http' | 'ws'; client: RpcClient }> = [];
  for (let i = 0; i < o.clients; i++) {
    const kind = i < httpCount ? 'http' : 'ws';
    clients.push({ kind, client: kind === 'http' ? httpRpcClient(ep) : await wsRpcClient(ep) });
  }
  const lat = { http: [] as number[], ws: [] as number[] };
  const tally = { requests: 0, errors: 0, skipped: 0, bytes: 0 };
  const errorSamples = new Set<string>();
  let recording = false;
  let recordStart = 0;
  let stopped = false;
  const periodMs = 1000 / o.hz;
  const timers: NodeJS.Timeout[] = [];
  const running: Array<Promise<void>> = [];
  const start = performance.now();

  clients.forEach(({ kind, client }, index) => {
    let busy = false;
    let k = 0;
    const offset = (index / Math.max(1, o.clients)) * periodMs;
    const poll = async (): Promise<void> => {
      for (const c of calls) {
        if (stopped) return;
        const t0 = performance.now();
        const a = await client.call(c.method, c.params);
        const ms = performance.now() - t0;
        if (!recording || stopped) continue;
        if (a.ok) {
          tally.requests++;
          tally.bytes += a.bytes;
          lat[kind].push(ms);
        } else {
          tally.errors++;
          if (errorSamples.size < 5) errorSamples.add(a.error ?? 'error');
        }
      }
    };
    const fire = (): void => {
      if (stopped) return;
      if (busy) {
        if (recording) tally.skipped++;
      } else {
        busy = true;
        running[index] = poll().finally(() => {
          busy = false;
        });
      }
      // The next grid point after now; grid points the timer itself was too late for are skipped too.
      const due = Math.floor((performance.now() - start - offset) / periodMs) + 1;
      const next = Math.max(k + 1, due);
      if (recording) tally.skipped += next - k - 1;
      k = next;
      timers[index] = setTimeout(fire, Math.max(0, start + offset + k * periodMs - performance.now()));
    };
    timers[index] = setTimeout(fire, offset);
  });

  return {
    startRecording() {
      recording = true;
      recordStart = performance.now();
    },
    async stop() {
      const recordedSec = recording ? (performance.now() - recordStart) / 1000 : 0;
      stopped = true;
      for (const t of timers) clearTimeout(t);
      for (const c of clients) c.client.close();
      await Promise.allSettled(running);
      return {
        clients: o.clients,
        httpClients: httpCount,
        wsClients: o.clients - httpCount,
        recordedSec,
        requests: tally.requests,
        errors: tally.errors,
        errorSamples: [...errorSamples],
        skippedTicks: tally.skipped,
        bytes: tally.bytes,
        all: summariseLatencies([...lat.http, ...lat.ws]),
        http: summariseLatencies(lat.http),
        ws: summariseLatencies(lat.ws),
      };
    },
  };
}
