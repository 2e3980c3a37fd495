/**
 * `ferry daemon`: wiring only. Open the store, apply the stored settings over the config, restore
 * the queue into an engine, serve RPC (and the web page) on the loopback addresses from a thread of
 * its own (rpc-thread.ts), log one line
 * per event, stop cleanly on SIGTERM/SIGINT (a second signal exits at once).
 *
 * Loaded by the command line with a dynamic `import()` only: the one-shot path never loads it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../cli/io.js';
import type { DaemonConfig } from '../core/daemon-config.js';
import { redactUrl } from '../core/redact.js';
import { STATE_DB_NAME } from '../core/state-dir.js';
import { createEngine } from '../engine/engine.js';
import { readPackageVersion } from '../package-version.js';
import { globalSettings } from './global-settings.js';
import { openLog } from './log.js';
import { replicaSource } from './replica-source.js';
import { type RpcThread, startRpcThread } from './rpc-thread.js';
import { DaemonService } from './service.js';

/** ferry's version, from the package.json above dist/ (or src/). */
const version = (): string => readPackageVersion(new URL('../../package.json', import.meta.url));

/** Run the daemon until it is stopped (a signal, or `aria2.shutdown`); resolves to the exit code. */
export async function startDaemon(config: DaemonConfig, io: CliIO): Promise<number> {
  const VERSION = version();
  const log = openLog(config.logFile, io.stderr);
  const { openStore } = await import('../store/index.js');
  const dbFile = path.join(path.resolve(config.stateDir), STATE_DB_NAME);
  const store = openStore(dbFile);
  const downloadRoot = path.resolve(config.defaults.dir ?? '.');
  const { global, ignored } = globalSettings(config, downloadRoot, store.settings());
  for (const line of ignored) log.line(`ignoring the stored setting ${line}`);
  const { saveSession: _, ...engineOptions } = global;
  // The environment's proxy variables and extra CA file apply, as for the command line.
  const engine = createEngine(engineOptions, { env: io.env });

  let stopping: Promise<void> | undefined;
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((r) => {
    resolveExit = r;
  });
  let rpc: RpcThread | undefined;
  const stop = (force: boolean, why: string): Promise<void> => {
    stopping ??= (async () => {
      log.line(`stopping (${why})${force ? '' : ': saving every download'}`);
      await rpc?.close();
      await service.close(force);
      store.close();
      log.line('stopped');
      log.close();
      resolveExit(0);
    })();
    return stopping;
  };
  const service = new DaemonService({
    engine,
    store,
    global,
    shutdown: (force) => void stop(force, 'shutdown requested'),
    onStoreError: (e) => log.line(`cannot write the state database: ${e instanceof Error ? e.message : String(e)}`),
  });
  engine.on('start', (d) => log.line(`start ${d.id} ${redactUrl(d.url)}`));
  engine.on('complete', (d, r) => log.line(`complete ${d.id} ${r.path}`));
  engine.on('error', (d) => log.line(`error ${d.id} ${redactUrl(d.url)}: ${d.errorMessage ?? 'failed'}`));
  engine.on('note', (d, m) => log.line(`note ${d.id} ${m}`));
  try {
    const restored = service.restore();
    rpc = await startRpcThread({
      service,
      source: replicaSource(service, engine, store),
      engine,
      worker: {
        all: config.rpcListenAll,
        port: config.rpcListenPort,
        webDir: fileURLToPath(new URL('../web/', import.meta.url)),
        server: {
          downloadRoot,
          anyDir: config.rpcAllowAnyDir,
          secret: config.rpcSecret,
          version: VERSION,
          allowOrigins: config.rpcAllowOrigins,
        },
      },
      onCrash: (e) => {
        log.line(`the RPC thread failed: ${e.message}`);
        void stop(false, 'the RPC thread failed');
      },
    });
    const where = rpc.servers.map((s) => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`)).join(', ');
    log.line(`ferry daemon ${VERSION} listening on ${where} (state ${dbFile}, ${restored} queued, downloads into ${downloadRoot})`);
  } catch (e) {
    await rpc?.close();
    await service.close(true);
    store.close();
    log.close();
    throw e;
  }
  let signals = 0;
  const unsubscribe = io.onInterrupt(() => {
    signals++;
    if (signals > 1) {
      log.line('second signal: exiting at once');
      io.exit(130);
    }
    void stop(false, 'signal');
  });
  const code = await exited;
  unsubscribe();
  return code;
}
