/**
 * A JSON-RPC daemon for the client-command tests: Debian's real `aria2c --enable-rpc` on a free
 * loopback port, with a secret, no config file, and a temp download directory. Tests take the
 * daemon as a parameter ({@link RpcDaemon}) so the same tests can run against ferry's own daemon.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RpcDaemon, spawnRpcDaemon } from './rpc-daemon.js';

/** Start `aria2c --enable-rpc` and wait until it answers. */
export async function startAria2Daemon(): Promise<RpcDaemon> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-aria2-'));
  const secret = `s3cret-${process.pid}-${Date.now()}`;
  const d = await spawnRpcDaemon({
    name: 'aria2c',
    command: '/usr/bin/aria2c',
    args: (port) => [
      '--enable-rpc',
      '--no-conf',
      `--rpc-listen-port=${port}`,
      `--rpc-secret=${secret}`,
      '--rpc-listen-all=false',
      `--dir=${dir}`,
      '--file-allocation=none',
      '--console-log-level=warn',
      '--summary-interval=0',
      '--auto-file-renaming=false',
      '--disable-ipv6=true',
    ],
    secret,
    startMs: 15_000,
  });
  return {
    url: d.url,
    secret,
    dir,
    exited: d.exited,
    async stop() {
      await d.halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
