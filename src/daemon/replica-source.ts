/** What the RPC thread's replica is built from on the main thread: the daemon's service, engine and store. */
import type { Engine } from '../engine/engine.js';
import type { Store } from '../store/types.js';
import type { ReplicaSource } from './replica-publisher.js';
import type { DaemonService } from './service.js';
import { storedView } from './service-views.js';

export function replicaSource(service: DaemonService, engine: Engine, store: Store): ReplicaSource {
  return {
    live: (gid) => service.liveView(gid),
    liveIds: () => engine.ids(),
    stoppedSince: (after) => {
      const dir = service.globalOptions().dir ?? '.';
      return store.stoppedSince(after).map((e) => ({ stopOrder: e.stopOrder, download: storedView(e.download, dir) }));
    },
    stoppedTotal: () => service.stoppedSinceStart,
    globalOptions: () => service.globalOptions(),
  };
}
