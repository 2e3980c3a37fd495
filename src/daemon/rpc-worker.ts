/**
 * The daemon's RPC thread (a worker thread): it listens, serves JSON-RPC over HTTP and WebSocket
 * and the web page, and answers reads from its replica (replica-service.ts). It runs no download
 * and opens no state: everything that changes something goes to the main thread.
 *
 * Started by rpc-thread.ts with `RpcWorkerData`; it posts `listening` (or `failed`), and `closed`
 * once it has stopped after a `close` message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RpcServer, RpcServerOptions } from '../rpc/server.js';
import { listenAll } from './listen.js';
import type { FromRpcThread, ToRpcThread } from './replica-protocol.js';
import { toWire } from './replica-protocol.js';
import { ReplicaService } from './replica-service.js';
import { createStaticFiles } from './static-files.js';

/** What the main thread hands the RPC thread at its start. */
export interface RpcWorkerData {
  all: boolean;
  port: number;
  /** The web page's built files. */
  webDir: string;
  server: Omit<RpcServerOptions, 'service' | 'otherPaths' | 'host' | 'port'>;
}

async function run(port: NonNullable<typeof parentPort>, data: RpcWorkerData): Promise<void> {
  const post = (m: FromRpcThread): void => port.postMessage(m);
  const replica = new ReplicaService(post);
  let servers: RpcServer[] = [];
  port.on('message', (m: ToRpcThread) => {
    if (m.t !== 'close') {
      replica.receive(m);
      return;
    }
    void Promise.all(servers.map((s) => s.close())).then(() => {
      replica.close(new Error('the daemon is stopping'));
      post({ t: 'closed' });
      port.close();
    });
  });
  try {
    const web = createStaticFiles(data.webDir);
    servers = await listenAll({
      all: data.all,
      port: data.port,
      server: { ...data.server, service: replica, otherPaths: (req, res, p) => web.serve(req, res, p) },
    });
    post({ t: 'listening', servers: servers.map((s) => ({ host: s.host, port: s.port })) });
  } catch (e) {
    post({ t: 'failed', error: toWire(e) });
    port.close();
  }
}

if (parentPort) void run(parentPort, workerData as RpcWorkerData);
