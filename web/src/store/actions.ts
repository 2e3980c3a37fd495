/**
 * What a person can do, as RPC calls: each action tells the daemon, updates the store when the
 * answer is known, and refreshes the list. Failures reach the session's message line.
 */
import type { AddRequest, PasteProblem } from '../lib/paste-parser.js';
import type { RpcSegment } from '../lib/segment-map.js';
import { FERRY_GET_SEGMENTS, FERRY_REMOVE } from '../rpc/ferry-extensions.js';
import type { RpcClient } from '../rpc/rpc-client.js';
import type { Aria2Status, Download } from './download.js';
import type { DownloadsStore } from './downloads-store.js';
import type { Session } from './session.js';

/** Everything the details view shows of one download. */
export interface DownloadDetails {
  status: Aria2Status;
  options: Record<string, string | string[]>;
  /** Present when the daemon has `ferry.getSegments`. */
  segments?: RpcSegment[];
}

export interface Actions {
  /** Add every request; answers the lines the daemon refused (nothing else is undone). */
  add(requests: readonly AddRequest[]): Promise<PasteProblem[]>;
  pause(gid: string): Promise<void>;
  resume(gid: string): Promise<void>;
  /** Cancel and forget; `deleteFiles` only when the daemon has `ferry.remove`. */
  cancel(gid: string, deleteFiles: boolean): Promise<void>;
  /** Add a failed (or cancelled) download again with its URIs and options, and forget the old one. */
  retry(gid: string): Promise<string | undefined>;
  /** Move a queued download to `index` of the queue. */
  move(gid: string, index: number): Promise<void>;
  pauseAll(): Promise<void>;
  resumeAll(): Promise<void>;
  /** Forget finished and cancelled downloads (failed ones stay, to be retried). */
  purgeFinished(): Promise<void>;
  setGlobalOption(key: string, value: string): Promise<void>;
  details(gid: string): Promise<DownloadDetails>;
}

/** Options of a stopped download that must not carry over to its retry. */
const NOT_RETRIED = new Set(['pause', 'gid']);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The actions on `client`, keeping `store` and `session` in step. */
export function createActions(client: RpcClient, store: DownloadsStore, session: Session): Actions {
  const run = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (e) {
      session.report(e);
      return undefined;
    } finally {
      void session.refresh();
    }
  };

  /** aria2 removes asynchronously: forget the result once the download has really stopped. */
  const forget = async (gid: string): Promise<void> => {
    for (let i = 0; i < 25; i++) {
      try {
        await client.call('aria2.removeDownloadResult', [gid]);
        store.remove(gid);
        return;
      } catch {
        await sleep(200);
      }
    }
  };

  const stopped = (d: Download | undefined): boolean => d !== undefined && (d.state === 'complete' || d.state === 'error' || d.state === 'removed');

  return {
    async add(requests) {
      if (requests.length === 0) return [];
      const results = await client.multicall(requests.map((r) => ['aria2.addUri', [r.uris, r.options]]));
      void session.refresh();
      return results.flatMap((r, i) => (r.ok ? [] : [{ line: requests[i].line, message: r.error.message }]));
    },
    pause: async (gid) => void (await run(() => client.call('aria2.pause', [gid]))),
    resume: async (gid) => void (await run(() => client.call('aria2.unpause', [gid]))),
    async cancel(gid, deleteFiles) {
      await run(async () => {
        if (session.state().features.remove) {
          await client.call(FERRY_REMOVE, [gid, { deleteFiles }]);
          store.remove(gid);
          return;
        }
        if (!stopped(store.get(gid))) await client.call('aria2.forceRemove', [gid]);
        await forget(gid);
      });
    },
    retry(gid) {
      return run(async () => {
        const d = store.get(gid);
        if (d === undefined || d.uris.length === 0) throw new Error('nothing to retry: the download has no URI');
        const options = await client.call<Record<string, string>>('aria2.getOption', [gid]).catch(() => ({}) as Record<string, string>);
        const kept = Object.fromEntries(Object.entries(options).filter(([k]) => !NOT_RETRIED.has(k)));
        const fresh = await client.call<string>('aria2.addUri', [d.uris, kept]);
        await client.call('aria2.removeDownloadResult', [gid]).catch(() => undefined);
        store.remove(gid);
        return fresh;
      });
    },
    async move(gid, index) {
      store.moveInQueue(gid, index);
      await run(() => client.call('aria2.changePosition', [gid, index, 'POS_SET']));
    },
    pauseAll: async () => void (await run(() => client.call('aria2.pauseAll'))),
    resumeAll: async () => void (await run(() => client.call('aria2.unpauseAll'))),
    async purgeFinished() {
      const done = store.list().filter((d) => d.state === 'complete' || d.state === 'removed');
      if (done.length === 0) return;
      await run(async () => {
        await client.multicall(done.map((d) => ['aria2.removeDownloadResult', [d.gid]]));
        for (const d of done) store.remove(d.gid);
      });
    },
    async setGlobalOption(key, value) {
      await run(async () => {
        await client.call('aria2.changeGlobalOption', [{ [key]: value }]);
        await session.loadGlobalOptions();
      });
    },
    async details(gid) {
      const withSegments = session.state().features.segments;
      const calls: [string, unknown[]][] = [
        ['aria2.tellStatus', [gid]],
        ['aria2.getOption', [gid]],
      ];
      if (withSegments) calls.push([FERRY_GET_SEGMENTS, [gid]]);
      const [status, options, segments] = await client.multicall(calls);
      if (!status.ok) throw status.error;
      return {
        status: status.value as Aria2Status,
        options: options.ok ? (options.value as Record<string, string>) : {},
        segments: segments?.ok ? (segments.value as RpcSegment[]) : undefined,
      };
    },
  };
}
