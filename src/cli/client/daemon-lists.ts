/**
 * What a daemon holds, read with aria2's list methods, and GID prefixes resolved against it.
 */
import type { Aria2Status } from './aria2-status.js';
import { resolveGids } from './gid-prefix.js';
import type { RpcClient } from './rpc-client.js';

/** How many waiting or stopped downloads one list call asks for (aria2 clamps to what it has). */
export const LIST_MAX = 100_000;

/** The three lists of a daemon. */
export interface DaemonLists {
  active: Aria2Status[];
  waiting: Aria2Status[];
  stopped: Aria2Status[];
}

/**
 * Active, waiting (paused ones included) and, with `stopped`, stopped downloads, in aria2's
 * order (queue order; stopped oldest first). `keys` filters the fields (all when undefined).
 */
export async function readLists(rpc: RpcClient, stopped: boolean, keys?: string[]): Promise<DaemonLists> {
  const k = keys === undefined ? [] : [keys];
  const [active, waiting, done] = await Promise.all([
    rpc.call<Aria2Status[]>('aria2.tellActive', k),
    rpc.call<Aria2Status[]>('aria2.tellWaiting', [0, LIST_MAX, ...k]),
    stopped ? rpc.call<Aria2Status[]>('aria2.tellStopped', [0, LIST_MAX, ...k]) : Promise.resolve([]),
  ]);
  return { active, waiting, stopped: done };
}

/**
 * The whole GIDs the user's `ids` (GIDs or unique prefixes) name, with each one's status,
 * resolved against all three lists of the daemon.
 * @throws FerryError USAGE for an unknown or ambiguous prefix.
 */
export async function resolveIds(rpc: RpcClient, ids: readonly string[]): Promise<{ gid: string; status: string }[]> {
  const lists = await readLists(rpc, true, ['gid', 'status']);
  const all = [...lists.active, ...lists.waiting, ...lists.stopped];
  const status = new Map(all.map((s) => [s.gid, s.status ?? '']));
  return resolveGids(ids, [...status.keys()]).map((gid) => ({ gid, status: status.get(gid) ?? '' }));
}
