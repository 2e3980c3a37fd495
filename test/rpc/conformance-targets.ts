/** The servers the conformance cases run against: ferry's (over the fake service), the real ferry daemon, and aria2c. */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RpcServer, startRpcServer } from '../../src/rpc/server.js';
import { startFerryDaemon } from '../daemon/ferry-daemon.js';
import { FakeService } from './fake-service.js';
import { post } from './rpc-client.js';

export const ARIA2C = '/usr/bin/aria2c';
export const SECRET = 'conformance';
export const T = `token:${SECRET}`;
/** A port nothing listens on: downloads added paused never start anyway. */
export const URI = 'http://127.0.0.1:9/file.bin';

/** Every method aria2 1.36 lists in system.listMethods. */
export const ARIA2_METHODS: readonly string[] = [
  'aria2.addUri',
  'aria2.addTorrent',
  'aria2.getPeers',
  'aria2.addMetalink',
  'aria2.remove',
  'aria2.pause',
  'aria2.forcePause',
  'aria2.pauseAll',
  'aria2.forcePauseAll',
  'aria2.unpause',
  'aria2.unpauseAll',
  'aria2.forceRemove',
  'aria2.changePosition',
  'aria2.tellStatus',
  'aria2.getUris',
  'aria2.getFiles',
  'aria2.getServers',
  'aria2.tellActive',
  'aria2.tellWaiting',
  'aria2.tellStopped',
  'aria2.getOption',
  'aria2.changeUri',
  'aria2.changeOption',
  'aria2.getGlobalOption',
  'aria2.changeGlobalOption',
  'aria2.purgeDownloadResult',
  'aria2.removeDownloadResult',
  'aria2.getVersion',
  'aria2.getSessionInfo',
  'aria2.shutdown',
  'aria2.forceShutdown',
  'aria2.getGlobalStat',
  'aria2.saveSession',
  'system.multicall',
  'system.listMethods',
  'system.listNotifications',
];

export interface Target {
  name: 'ferry' | 'ferry daemon' | 'aria2c';
  port: number;
  dir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function startFerry(dir: string): Promise<Target> {
  const service = new FakeService();
  service.global = { dir, maxActive: 5 };
  const server: RpcServer = await startRpcServer({ service, downloadRoot: dir, secret: SECRET, version: '0.1.0', port: 0 });
  return { name: 'ferry', port: server.port, dir, stop: () => server.close() };
}

/** The real daemon process (the built `ferry daemon`), with its own state directory. */
export async function startFerryDaemonTarget(dir: string): Promise<Target> {
  const d = await startFerryDaemon({ dir, stateDir: path.join(dir, '.state'), secret: SECRET });
  return { name: 'ferry daemon', port: d.port, dir, stop: () => d.halt() };
}

export async function startAria2c(dir: string): Promise<Target> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    ARIA2C,
    [
      '--enable-rpc',
      `--rpc-listen-port=${port}`,
      `--rpc-secret=${SECRET}`,
      `--dir=${dir}`,
      '--no-conf',
      '--quiet',
      '--rpc-listen-all=false',
      '--auto-save-interval=0',
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await post(port, { id: 1, method: 'aria2.getVersion', params: [T] })).status === 200) break;
    } catch {
      if (Date.now() > deadline) throw new Error('aria2c did not start');
      await sleep(100);
    }
  }
  return {
    name: 'aria2c',
    port,
    dir,
    stop: async () => {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
