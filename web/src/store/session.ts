/**
 * The page's link to the daemon: on every (re)connection it learns the features, checks the secret
 * and loads the whole list; then notifications and a modest poll keep the downloads store and the
 * session state (connection, global speed, global options) up to date.
 */
import { pushSample } from '../lib/speed-history.js';
import {
  ARIA2_NOTIFICATIONS,
  detectFeatures,
  FERRY_ON_ADDED,
  FERRY_ON_PROGRESS,
  FERRY_ON_REMOVED,
  type Features,
  NO_FEATURES,
} from '../rpc/ferry-extensions.js';
import { type ConnectionState, type RpcClient, RpcError } from '../rpc/rpc-client.js';
import type { Aria2Status } from './download.js';
import type { DownloadsStore, ProgressEntry } from './downloads-store.js';

/** The keys the list asks for (details ask for everything). */
export const LIST_KEYS = ['gid', 'status', 'totalLength', 'completedLength', 'downloadSpeed', 'connections', 'dir', 'files', 'errorCode', 'errorMessage'];

/** Every how many timer polls the whole list is read (the others read only the active downloads). */
export const FULL_EVERY = 5;

/** How many speed samples the chart keeps (one a poll). */
export const SPEED_SAMPLES = 60;

export interface SessionState {
  connection: ConnectionState;
  /** `needed`: the daemon wants a secret we do not have (or have wrong). */
  auth: 'unknown' | 'ok' | 'needed';
  /** The daemon's answer to a wrong secret, shown in the prompt. */
  authError?: string;
  features: Features;
  version: string;
  downloadSpeed: number;
  numActive: number;
  numWaiting: number;
  numStopped: number;
  speedSamples: number[];
  globalOptions: Record<string, string>;
  /** The last failed action, in words (cleared by the next success). */
  message?: string;
}

export interface Session {
  state(): SessionState;
  subscribe(listener: () => void): () => void;
  /** Poll the whole list now (after an action); asked during a poll, it runs once more after it. */
  refresh(): Promise<void>;
  /** Read the global options again (after changing one). */
  loadGlobalOptions(): Promise<void>;
  /** Try a new secret (kept by the caller). */
  useSecret(secret: string): void;
  /** Show an action's failure. */
  report(error: unknown): void;
  close(): void;
}

export interface SessionOptions {
  client: RpcClient;
  store: DownloadsStore;
  /** Poll period when notifications carry the progress (ferry) and when they do not (aria2). */
  pollMs?: { withProgress: number; without: number };
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const isUnauthorized = (e: unknown): boolean => e instanceof RpcError && e.message === 'Unauthorized';

/** Start the session; it runs until close(). */
export function createSession(options: SessionOptions): Session {
  const { client, store } = options;
  const pollMs = options.pollMs ?? { withProgress: 3000, without: 1000 };
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let state: SessionState = {
    connection: client.state(),
    auth: 'unknown',
    features: NO_FEATURES,
    version: '',
    downloadSpeed: 0,
    numActive: 0,
    numWaiting: 0,
    numStopped: 0,
    speedSamples: [],
    globalOptions: {},
  };
  const listeners = new Set<() => void>();
  let timer: unknown;
  let polling: Promise<void> | undefined;
  // Timer polls since the start; every FULL_EVERY-th reads the whole list.
  let ticks = 0;
  // Set by a light poll whose global numbers did not match the store.
  let needFull = false;
  // The one poll queued behind the running one, if any.
  let again: Promise<void> | undefined;
  let closed = false;
  // Whether the secret in use was typed in this page (then a refusal is worth saying).
  let triedSecret = false;

  const set = (patch: Partial<SessionState>): void => {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  };

  const schedule = (): void => {
    clearTimer(timer);
    if (closed || state.connection !== 'open' || state.auth !== 'ok') return;
    timer = setTimer(
      () => {
        ticks++;
        void refresh(needFull || ticks % FULL_EVERY === 0);
      },
      state.features.progress ? pollMs.withProgress : pollMs.without,
    );
  };

  /**
   * One poll. A full one reads the whole list; a light one only the active downloads and the global
   * numbers, and asks for a full one next when those numbers no longer match the store (something
   * was added, removed or stopped that no notification told of).
   */
  async function pollOnce(full: boolean): Promise<void> {
    const calls: [string, unknown[]][] = [
      ['aria2.getGlobalStat', []],
      ['aria2.tellActive', [LIST_KEYS]],
    ];
    if (full) calls.push(['aria2.tellWaiting', [0, 10_000, LIST_KEYS]], ['aria2.tellStopped', [0, 10_000, LIST_KEYS]]);
    const results = await client.multicall(calls);
    const failed = results.find((r) => !r.ok);
    if (failed !== undefined && !failed.ok) throw failed.error;
    const [stat, active, waiting, stopped] = results.map((r) => (r.ok ? r.value : undefined)) as [
      Record<string, string>,
      Aria2Status[],
      Aria2Status[] | undefined,
      Aria2Status[] | undefined,
    ];
    if (waiting !== undefined && stopped !== undefined) store.replaceAll(active, waiting, stopped);
    else {
      const seen = new Set(active.map((a) => a.gid));
      store.upsertMany(active);
      // Active here before and not now: its notification may have been missed; ask for it.
      for (const d of store.list()) if (d.state === 'active' && !seen.has(d.gid)) statusOf(d.gid);
    }
    const list = store.list();
    const count = (states: string[]): number => list.filter((d) => states.includes(d.state)).length;
    needFull = Number(stat.numWaiting) !== count(['waiting', 'paused']) || Number(stat.numStopped) !== count(['complete', 'error', 'removed']);
    const speed = Number(stat.downloadSpeed) || 0;
    set({
      auth: 'ok',
      authError: undefined,
      downloadSpeed: speed,
      numActive: Number(stat.numActive) || 0,
      numWaiting: Number(stat.numWaiting) || 0,
      numStopped: Number(stat.numStoppedTotal ?? stat.numStopped) || 0,
      speedSamples: pushSample(state.speedSamples, speed, SPEED_SAMPLES),
    });
  }

  /**
   * Poll now. A poll asked for while one is running (an action just changed something the running
   * poll may have read before) runs once more right after it, so the list never stays stale.
   */
  function refresh(full = true): Promise<void> {
    if (polling !== undefined) {
      again ??= polling.then(() => {
        again = undefined;
        return refresh();
      });
      return again;
    }
    polling = pollOnce(full)
      .catch((e: unknown) => {
        if (isUnauthorized(e)) set({ auth: 'needed' });
      })
      .finally(() => {
        polling = undefined;
        schedule();
      });
    return polling;
  }

  async function onOpen(): Promise<void> {
    const [methods, notifications] = await Promise.all([
      client.call<string[]>('system.listMethods').catch(() => [] as string[]),
      client.call<string[]>('system.listNotifications').catch(() => [] as string[]),
    ]);
    set({ features: detectFeatures(methods, notifications) });
    await authenticate();
  }

  async function authenticate(): Promise<void> {
    try {
      const [version, globalOptions] = await Promise.all([
        client.call<{ version: string }>('aria2.getVersion'),
        client.call<Record<string, string>>('aria2.getGlobalOption'),
      ]);
      set({ auth: 'ok', authError: undefined, version: version.version, globalOptions });
      await refresh();
    } catch (e) {
      if (isUnauthorized(e)) set({ auth: 'needed', authError: triedSecret ? 'The daemon refused that secret (Unauthorized).' : undefined });
    }
  }

  const statusOf = (gid: string): void => {
    client
      .call<Aria2Status>('aria2.tellStatus', [gid, LIST_KEYS])
      .then((s) => store.upsert(s))
      .catch(() => store.remove(gid));
  };

  const offState = client.onState((connection) => {
    set({ connection, ...(connection === 'open' ? {} : { downloadSpeed: 0 }) });
    if (connection === 'open') void onOpen();
    else clearTimer(timer);
  });
  const offNotification = client.onNotification((method, params) => {
    const first = (params[0] ?? {}) as { gid?: string; downloads?: ProgressEntry[] };
    if (method === FERRY_ON_PROGRESS) store.applyProgress(first.downloads ?? []);
    else if (method === FERRY_ON_REMOVED && first.gid !== undefined) store.remove(first.gid);
    else if ((method === FERRY_ON_ADDED || ARIA2_NOTIFICATIONS.includes(method)) && first.gid !== undefined) statusOf(first.gid);
  });
  if (client.state() === 'open') void onOpen();

  return {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh,
    async loadGlobalOptions() {
      set({ globalOptions: await client.call<Record<string, string>>('aria2.getGlobalOption') });
    },
    useSecret(secret) {
      client.setSecret(secret);
      triedSecret = true;
      void authenticate();
    },
    report(error) {
      if (isUnauthorized(error)) set({ auth: 'needed' });
      else set({ message: error instanceof Error ? error.message : String(error) });
    },
    close() {
      closed = true;
      clearTimer(timer);
      offState();
      offNotification();
    },
  };
}
