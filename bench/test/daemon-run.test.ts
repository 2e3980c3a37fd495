import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonParticipant, daemonParticipants } from '../lib/daemon-participants.js';
import { type DaemonRunContext, type DaemonTarget, runDaemonOnce } from '../lib/daemon-run.js';
import { type DataFile, ensureDataFile } from '../lib/data.js';
import { setFileName } from '../lib/file-set.js';
import { type Nginx, startNginx } from '../lib/nginx.js';
import { which } from '../lib/participants.js';
import { clockTicks } from '../lib/proc-stats.js';
import type { DaemonRunRecord } from '../lib/types.js';

const aria2c = daemonParticipants('/nonexistent/bin.js').find((p) => p.name === 'aria2c') as DaemonParticipant;

describe('one daemon-load run (aria2c, nginx, loopback)', () => {
  let dir = '';
  let nginx: Nginx;
  let ctx: DaemonRunContext;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-bench-daemon-'));
    await mkdir(join(dir, 'data'));
    const bin = await which('nginx', `${process.env.PATH ?? ''}:/usr/sbin`);
    if (bin === undefined || (await which('aria2c')) === undefined) throw new Error('this test needs nginx and aria2c (apt-get install -y nginx-light aria2)');
    nginx = await startNginx(bin, { prefix: join(dir, 'nginx'), dataDir: join(dir, 'data'), capBytesPerSec: 256 * 1024, resumeCapBytesPerSec: 1024 * 1024 });
    ctx = { workDir: dir, signal: new AbortController().signal, ticksPerSec: await clockTicks(), log: (l) => lines.push(l) };
  });
  afterAll(async () => {
    await nginx?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** `count` downloads of one data file of `size` bytes from nginx location `loc`. */
  async function target(count: number, size: number, over: Partial<DaemonTarget> = {}, loc = 'plain'): Promise<{ t: DaemonTarget; data: DataFile }> {
    const data = await ensureDataFile(join(dir, 'data'), size);
    const t: DaemonTarget = {
      url: (i, tag) => `${nginx.baseUrl}/${loc}/${data.name}?run=${tag}-${i}`,
      files: Array.from({ length: count }, (_, i) => ({ name: setFileName(i, count), size, sha256: data.sha256 })),
      jobs: 2,
      pollHz: 10,
      warmupMs: 300,
      stallMs: 20_000,
      limitMs: 30_000,
      ...over,
    };
    return { t, data };
  }

  const record = (o: Awaited<ReturnType<typeof runDaemonOnce>>): DaemonRunRecord => {
    if (!('record' in o)) throw new Error(`unexpectedly unavailable: ${o.unavailable}`);
    return o.record;
  };

  it('downloads empty files without clients', async () => {
    const { t } = await target(3, 0);
    const r = record(await runDaemonOnce(ctx, aria2c, t, 0, 1));
    expect(r).toMatchObject({ ok: true, clients: 0, files: 3, filesDone: 3, bytes: 0 });
    expect(r.latency).toBeUndefined();
    expect(r.wallSec).toBeGreaterThan(0);
    expect(r.cpuSec).toBeGreaterThanOrEqual(0);
    expect(r.peakRssKiB).toBeGreaterThan(1000);
  });

  it('downloads 1-byte files', async () => {
    const { t } = await target(4, 1);
    const r = record(await runDaemonOnce(ctx, aria2c, t, 0, 1));
    expect(r).toMatchObject({ ok: true, clients: 0, filesDone: 4, bytes: 4 });
  });

  it('measures every poll answered within the window', async () => {
    // 256 KiB/s per response, 2 at a time: about a second of downloading.
    const size = 128 * 1024 + 1;
    const { t } = await target(4, size, {}, 'capped');
    const r = record(await runDaemonOnce(ctx, aria2c, t, 2, 1));
    expect(r).toMatchObject({ ok: true, clients: 2, filesDone: 4, bytes: 4 * size, rpcErrors: 0 });
    expect(r.wallSec).toBeGreaterThan(0.8);
    // 2 clients x 2 requests x 10 Hz over >= 0.8 s: 32 expected; generous margin for a loaded machine.
    expect(r.latency?.all.count).toBeGreaterThanOrEqual(8);
    expect(r.latency?.http.count).toBeGreaterThan(0);
    expect(r.latency?.ws.count).toBeGreaterThan(0);
    expect(r.latency?.all.p99).toBeGreaterThan(0);
    expect(r.requestsPerSec).toBeGreaterThan(5);
    expect(r.clientCpuSec).toBeGreaterThan(0);
  });

  it('checks every file: a wrong reference hash fails the run and names the files', async () => {
    const { t } = await target(2, 1024 * 1024 + 1);
    const wrong = { ...t, files: t.files.map((f) => ({ ...f, sha256: '0'.repeat(64) })) };
    const r = record(await runDaemonOnce(ctx, aria2c, wrong, 0, 1));
    expect(r.ok).toBe(false);
    expect(r.failure).toMatch(/^2\/2 files wrong: f0001\.bin SHA-256 mismatch; f0002\.bin SHA-256 mismatch$/);
    const right = record(await runDaemonOnce(ctx, aria2c, t, 0, 2));
    expect(right).toMatchObject({ ok: true, filesDone: 2, bytes: 2 * (1024 * 1024 + 1) });
  });

  it('cuts a run at its limit and counts the bytes done by then', async () => {
    // 256 KiB/s per response, 2 at a time: 1 MiB files cannot finish within 1.5 s.
    const { t } = await target(4, 1024 * 1024, { limitMs: 1500 }, 'capped');
    const r = record(await runDaemonOnce(ctx, aria2c, t, 0, 1));
    expect(r.ok).toBe(true);
    expect(r.cutAtSec).toBeGreaterThanOrEqual(1.5);
    expect(r.cutAtSec).toBeLessThan(10);
    expect(r.filesDone).toBe(0);
    expect(r.bytes).toBeGreaterThan(100 * 1024);
    expect(r.bytes).toBeLessThan(4 * 1024 * 1024);
  });

  it('a daemon that stops making progress: a FAIL without pollers, measured up to the limit with them', async () => {
    // A server that accepts connections and never answers: downloads hang (aria2c waits 60 s).
    const sockets: Socket[] = [];
    const silent = createServer((sock) => void sockets.push(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { t } = await target(2, 1);
      const port = (silent.address() as AddressInfo).port;
      const hung = { ...t, url: (i: number) => `http://127.0.0.1:${port}/f${i}`, stallMs: 1500, limitMs: 3000 };
      const alone = record(await runDaemonOnce(ctx, aria2c, hung, 0, 1));
      expect(alone).toMatchObject({ ok: false, failure: 'stalled: 0/2 done, none for 1.5 s' });
      const loaded = record(await runDaemonOnce(ctx, aria2c, hung, 1, 1));
      expect(loaded).toMatchObject({ ok: true, filesDone: 0, bytes: 0 });
      expect(loaded.cutAtSec).toBeGreaterThanOrEqual(3);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('a daemon that this build does not have is unavailable, one that dies is a FAIL', async () => {
    const script = join(dir, 'fake-daemon.sh');
    await writeFile(script, '#!/bin/sh\necho "ferry: ferry daemon is not available in this build" >&2\nexit 1\n');
    await chmod(script, 0o755);
    const fake: DaemonParticipant = { name: 'fake', program: script, prefixArgs: [], versionArgs: [], args: () => [] };
    const { t } = await target(1, 1);
    expect(await runDaemonOnce(ctx, fake, t, 0, 1)).toEqual({ unavailable: 'exit 1: ferry: ferry daemon is not available in this build' });
    const dies: DaemonParticipant = { ...fake, program: 'sh', args: () => ['-c', 'echo boom >&2; exit 3'] };
    const r = record(await runDaemonOnce(ctx, dies, t, 0, 1));
    expect(r).toMatchObject({ ok: false, failure: 'did not start: exit 3: boom' });
  });
});
