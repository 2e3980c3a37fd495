/**
 * What a restart of the daemon keeps: changeGlobalOption values, paused downloads, the queue
 * order, the history's pages, options of stopped downloads; and what SIGTERM does: every active
 * download checkpointed (its control file claims only bytes that are on disk), exit 0.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadControl } from '../../src/disk/control-file.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { call, type FerryDaemon, startFerryDaemon, until } from './ferry-daemon.js';

const KiB = 1024;
let server: TestServer;
let daemon: FerryDaemon | undefined;

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  await server.close();
});

/** Stop with SIGTERM and start again on the same state. */
async function restart(d: FerryDaemon, args: string[] = []): Promise<FerryDaemon> {
  d.kill('SIGTERM');
  expect(await d.exited).toBe(0);
  daemon = await startFerryDaemon({ dir: d.dir, stateDir: d.stateDir, secret: d.secret, port: d.port, args });
  return daemon;
}

describe('a restarted daemon', () => {
  it('keeps changeGlobalOption values, paused downloads, the order, the history pages and getOption of stopped ones', { timeout: 60_000 }, async () => {
    let d = await startFerryDaemon();
    daemon = d;
    const sub = path.join(d.dir, 'sub');
    expect(await call(d, 'aria2.changeGlobalOption', { 'max-concurrent-downloads': '2', 'max-overall-download-limit': '1M', dir: sub })).toBe('OK');
    // History: five finished downloads, in order.
    const done: string[] = [];
    for (let i = 0; i < 5; i++) {
      server.setFile(`/h${i}`, { body: randomBytesSeeded(i, `h${i}`) });
      done.push(await call<string>(d, 'aria2.addUri', [server.url(`/h${i}`)], { split: '2', out: `h${i}.bin` }));
      await until(async () => (await call<{ status: string }>(d, 'aria2.tellStatus', done[i], ['status'])).status === 'complete');
    }
    const uri = 'http://127.0.0.1:9/never.bin';
    const paused = [];
    for (let i = 0; i < 4; i++) paused.push(await call<string>(d, 'aria2.addUri', [uri], { pause: 'true', out: `p${i}.bin` }));
    expect(await call(d, 'aria2.changePosition', paused[3], 0, 'POS_SET')).toBe(0);
    expect(await call(d, 'aria2.changePosition', paused[0], -1, 'POS_END')).toBe(2);
    const order = [paused[3], paused[1], paused[0], paused[2]];
    const waitingGids = async (x: FerryDaemon) => (await call<{ gid: string }[]>(x, 'aria2.tellWaiting', 0, 100, ['gid'])).map((s) => s.gid);
    expect(await waitingGids(d)).toEqual(order);

    d = await restart(d);
    const global = await call<Record<string, string>>(d, 'aria2.getGlobalOption');
    expect(global['max-concurrent-downloads']).toBe('2');
    expect(global['max-overall-download-limit']).toBe(String(1024 * 1024));
    expect(global.dir).toBe(sub);
    expect(await waitingGids(d)).toEqual(order);
    const states = await call<{ status: string }[]>(d, 'aria2.tellWaiting', 0, 100, ['status']);
    expect(states.every((s) => s.status === 'paused')).toBe(true);
    const page = async (offset: number, num: number) => (await call<{ gid: string }[]>(d, 'aria2.tellStopped', offset, num, ['gid'])).map((s) => s.gid);
    expect(await page(0, 2)).toEqual(done.slice(0, 2));
    expect(await page(2, 2)).toEqual(done.slice(2, 4));
    expect(await page(4, 2)).toEqual(done.slice(4));
    expect(await page(-1, 2)).toEqual([done[4], done[3]]);
    expect(await call(d, 'aria2.getOption', done[1])).toEqual({ split: '2', out: 'h1.bin', dir: sub });
    // The new global dir is where new downloads go; the stored limit is in force.
    server.setFile('/new', { body: randomBytesSeeded(3000, 'new') });
    const n = await call<string>(d, 'aria2.addUri', [server.url('/new')]);
    await until(async () => (await call<{ status: string }>(d, 'aria2.tellStatus', n, ['status'])).status === 'complete');
    expect(sha256(await readFile(path.join(sub, 'new')))).toBe(sha256(randomBytesSeeded(3000, 'new')));
    for (let i = 0; i < 5; i++) expect(sha256(await readFile(path.join(sub, `h${i}.bin`)))).toBe(sha256(randomBytesSeeded(i, `h${i}`)));
  });

  it('SIGTERM checkpoints every active download (control files claim only what is on disk) and exits 0; they resume', { timeout: 60_000 }, async () => {
    const bodies = [0, 1, 2].map((i) => randomBytesSeeded(600 * KiB, `t${i}`));
    for (const [i, b] of bodies.entries()) server.setFile(`/t${i}.bin`, { body: b });
    server.setFaults({ throttleBytesPerSec: 32 * KiB });
    let d = await startFerryDaemon({ args: ['-n', '2', '--min-split-size', '16K'] });
    daemon = d;
    const gids = [];
    for (let i = 0; i < 3; i++) gids.push(await call<string>(d, 'aria2.addUri', [server.url(`/t${i}.bin`)]));
    await until(async () => {
      const active = await call<{ completedLength: string }[]>(d, 'aria2.tellActive', ['completedLength']);
      return active.length === 3 && active.every((a) => Number(a.completedLength) > 40 * KiB);
    });
    d.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(d.stderr()).toMatch(/stopping \(signal\)/);
    for (let i = 0; i < 3; i++) {
      const part = path.join(d.dir, `t${i}.bin.part`);
      const control = (await readdir(d.dir)).find((f) => f.startsWith(`t${i}.bin`) && f !== `t${i}.bin.part`);
      expect(control, `control file of t${i}`).toBeDefined();
      const state = await loadControl(path.join(d.dir, control as string));
      if (state === undefined) throw new Error(`t${i}: the control file does not read`);
      const claimed = state.done.reduce((n, r) => n + r.end - r.start, 0);
      expect(claimed).toBeGreaterThan(40 * KiB);
      // Every claimed byte is on disk and is the server's.
      const data = await readFile(part);
      for (const r of state.done) expect(sha256(data.subarray(r.start, r.end))).toBe(sha256(bodies[i].subarray(r.start, r.end)));
    }
    server.setFaults({ throttleBytesPerSec: undefined });
    d = await restart({ ...d, kill: () => undefined, exited: Promise.resolve(0) } as FerryDaemon);
    for (const g of gids) await until(async () => (await call<{ status: string }>(d, 'aria2.tellStatus', g, ['status'])).status === 'complete');
    for (let i = 0; i < 3; i++) expect(sha256(await readFile(path.join(d.dir, `t${i}.bin`)))).toBe(sha256(bodies[i]));
    expect(existsSync(path.join(d.dir, 't0.bin.part'))).toBe(false);
  });
});
