/**
 * The main thread's side of the RPC thread: start the worker (rpc-worker.ts), keep its replica
 * current (replica-publisher.ts), run the calls it hands over on the daemon's service and answer
 * them, each after the delta that shows its effect.
 */
import { Worker } from 'node:worker_threads';
import type { Engine } from '../engine/engine.js';
import type { RpcService } from '../rpc/service.js';
import { type FromRpcThread, fromWire, type ListenAddress, type ReplicaCall, type ToRpcThread, toWire } from './replica-protocol.js';
import { ReplicaPublisher, type ReplicaSource } from './replica-publisher.js';
import type { RpcWorkerData } from './rpc-worker.js';

export interface RpcThreadOptions {
  service: RpcService;
  source: ReplicaSource;
  /** Its events tell which downloads may have changed state or place (not all are RPC events). */
  engine: Pick<Engine, 'on'>;
  worker: RpcWorkerData;
  /** The RPC thread failed after it started (the daemon can no longer be driven). */
  onCrash(e: Error): void;
}

export interface RpcThread {
  readonly servers: ListenAddress[];
  /** Stop listening and end the thread. */
  close(): Promise<void>;
}

/** How long the RPC thread may take to close its connections before it is ended. */
const CLOSE_TIMEOUT_MS = 5000;

/**
 * The worker beside this module: the bundle's, the compiled one's, or (tests running the sources)
 * the source's, loaded through tsx, whose loader a worker does not inherit.
 */
function startWorker(workerData: RpcWorkerData): Worker {
  const here = import.meta.url;
  if (here.endsWith('.cjs')) return new Worker(new URL('./ferry-rpc-worker.cjs', here), { workerData });
  if (!here.endsWith('.ts')) return new Worker(new URL('./rpc-worker.js', here), { workerData });
  const source = JSON.stringify(new URL('./rpc-worker.ts', here).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${source}); });`, { eval: true, workerData });
}

/** What a forwarded call may have changed, for the next delta. */
function touchAfter(p: ReplicaPublisher, call: ReplicaCall, value: unknown): void {
  const gid = typeof call.args[0] === 'string' ? call.args[0] : undefined;
  switch (call.method) {
    case 'add':
      if (typeof value === 'string') p.touch(value);
      return;
    case 'pauseAll':
    case 'unpauseAll':
    case 'changeGlobalOptions':
      p.touchAll();
      return;
    case 'purge':
      p.historyRemoved('all');
      return;
    case 'removeResult':
      if (value === true && gid) p.historyRemoved([gid]);
      return;
    case 'segments':
    case 'durable':
    case 'saveSession':
    case 'shutdown':
      return;
    default:
      if (gid) p.touch(gid);
  }
}

/**
 * Start the RPC thread and wait until it listens.
 * @throws the listen error of the thread (a FerryError: port in use, ...)
 */
export async function startRpcThread(o: RpcThreadOptions): Promise<RpcThread> {
  const worker = startWorker(o.worker);
  const post = (m: ToRpcThread): void => worker.postMessage(m);
  const publisher = new ReplicaPublisher(o.source, post);
  publisher.flush();
  const unsubscribe = o.service.subscribe((e) => {
    if (e.type === 'progress') publisher.progress(e.download);
    else publisher.event(e);
  });
  for (const name of ['added', 'start', 'pause', 'resume', 'complete', 'error', 'cancel', 'retry'] as const) {
    o.engine.on(name, (...args: [{ id: string }, ...unknown[]]) => publisher.touchSoon(args[0].id));
  }
  const service = o.service as unknown as Record<string, (...args: unknown[]) => unknown>;
  const run = async (call: ReplicaCall): Promise<void> => {
    let reply: ToRpcThread;
    try {
      const value = await service[call.method](...call.args);
      touchAfter(publisher, call, value);
      reply = { t: 'reply', id: call.id, ok: true, value };
    } catch (e) {
      if (typeof call.args[0] === 'string') publisher.touch(call.args[0]);
      reply = { t: 'reply', id: call.id, ok: false, error: toWire(e) };
    }
    publisher.flush();
    post(reply);
  };
  let closing = false;
  let started = false;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  const servers = await new Promise<ListenAddress[]>((resolve, reject) => {
    worker.on('message', (m: FromRpcThread) => {
      if (m.t === 'call') void run(m);
      else if (m.t === 'listening') resolve(m.servers);
      else if (m.t === 'failed') reject(fromWire(m.error));
      else if (m.t === 'closed') resolveClosed();
    });
    worker.on('error', (e) => {
      reject(e);
      if (started && !closing) o.onCrash(e);
    });
    worker.on('exit', (code) => {
      publisher.close();
      unsubscribe();
      resolveClosed();
      const e = new Error(`the RPC thread stopped (exit code ${code})`);
      reject(e);
      if (started && !closing) o.onCrash(e);
    });
  }).catch(async (e: unknown) => {
    closing = true;
    await worker.terminate();
    throw e;
  });
  started = true;
  return {
    servers,
    close: async () => {
      if (closing) return closed;
      closing = true;
      publisher.flush();
      post({ t: 'close' });
      // A thread that does not finish closing in time is ended: the daemon's stop must not hang on it.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, CLOSE_TIMEOUT_MS)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
