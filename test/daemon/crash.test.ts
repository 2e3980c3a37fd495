/**
 * kill -9 the daemon (`daemon` of the built CLI, BIN of helpers/cli.ts) while it acknowledges adds
 * and while a queue of 50 downloads runs (several active, throttled loopback server), more than
 * once; start it again on the same state: every acknowledged gid is back, every file completes
 * byte-exact, the history has each download once, and no file was downloaded twice under another
 * name.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { call, type FerryDaemon, startFerryDaemon, until } from './ferry-daemon.js';

const KiB = 1024;
const COUNT = 50;
const ARGS = ['-j', '4', '-n', '2', '--min-split-size', '16K', '--retry-wait', '0.05'];
let server: TestServer;
let daemon: FerryDaemon | undefined;

/** Sizes at the edges (0, 1 byte, a split boundary) and in between. */
const size = (i: number): number => [0, 1, 16 * KiB, 16 * KiB + 1][i] ?? 24 * KiB + ((i * 7919) % (240 * KiB));
const body = (i: number): Buffer => randomBytesSeeded(size(i), `crash-${i}`);
const name = (i: number): string => `f${String(i).padStart(2, '0')}.bin`;

beforeAll(async () => {
  server = await startTestServer();
  for (let i = 0; i < COUNT; i++) server.setFile(`/c/${name(i)}`, { body: body(i) });
});
afterAll(async () => {
  await daemon?.stop();
  await server?.close();
});

type Status = { gid: string; status: string; completedLength: string; files: { path: string; uris: { uri: string }[] }[] };

/** Every download the daemon knows, active, waiting and stopped. */
async function everything(d: FerryDaemon): Promise<Status[]> {
  const keys = ['gid', 'status', 'completedLength', 'files'];
  const [a, w, s] = await Promise.all([
    call<Status[]>(d, 'aria2.tellActive', keys),
    call<Status[]>(d, 'aria2.tellWaiting', 0, 1000, keys),
    call<Status[]>(d, 'aria2.tellStopped', 0, 1000, keys),
  ]);
  return [...a, ...w, ...s];
}

describe('the daemon killed with SIGKILL', () => {
  it('loses no acknowledged download, resumes active ones, keeps the history', { timeout: 240_000 }, async () => {
    server.setFaults({ throttleBytesPerSec: 24 * KiB });
    let d = await startFerryDaemon({ args: ARGS });
    daemon = d;
    /** Answered adds: gid -> file index. */
    const acked = new Map<string, number>();
    /** Every download the daemon has: the answered ones and those committed without an answer. */
    const all = new Map<string, number>();
    const ack = (gid: string, i: number): void => {
      acked.set(gid, i);
      all.set(gid, i);
    };
    const uri = (i: number) => server.url(`/c/${name(i)}`);
    for (let i = 0; i < 20; i++) ack(await call<string>(d, 'aria2.addUri', [uri(i)]), i);

    // Kill 1: while adds are in flight. Those answered must survive.
    const inFlight = Array.from({ length: 15 }, (_, k) =>
      call<string>(d, 'aria2.addUri', [uri(20 + k)]).then(
        (gid) => ack(gid, 20 + k),
        () => undefined,
      ),
    );
    await sleep(15);
    d.kill('SIGKILL');
    await Promise.all(inFlight);
    await d.exited;
    const restarts = 3;
    /** Downloads active with saved progress when the daemon was last killed. */
    let wasActive: string[] = [];
    /** Of those, how many came back with progress. */
    let kept = 0;
    for (let round = 0; round < restarts; round++) {
      d = await startFerryDaemon({ args: ARGS, dir: d.dir, stateDir: d.stateDir, secret: d.secret, port: d.port });
      daemon = d;
      const known = await everything(d);
      const gids = known.map((k) => k.gid);
      for (const gid of acked.keys()) expect(gids, `acknowledged ${gid} is back`).toContain(gid);
      expect(new Set(gids).size).toBe(gids.length);
      // Those that were active with saved progress are back with it (shown from the store until
      // their new run reports, which resumes from the control file).
      // (A control file may lag its last second of bytes: a download can come back with less, or
      // none when its first checkpoint had not landed yet; over the kills, some keep progress.)
      for (const gid of wasActive) {
        const k = known.find((x) => x.gid === gid);
        expect(k, `${gid} is back`).toBeDefined();
        if (Number(k?.completedLength) > 0) kept++;
      }
      // Add what is not there yet (an add answered by nobody may or may not have been committed).
      const present = new Set(known.map((k) => k.files[0].uris[0]?.uri));
      // Committed before the kill but never answered: it is there, once.
      for (const k of known) if (!all.has(k.gid)) all.set(k.gid, Number(/f(\d+)\.bin$/.exec(k.files[0].uris[0].uri)?.[1]));
      for (let i = 0; i < COUNT; i++) if (!present.has(uri(i))) ack(await call<string>(d, 'aria2.addUri', [uri(i)]), i);
      if (round === restarts - 1) break;
      // Kill 2 and 3: while downloads run, some finished, some active with bytes on disk.
      const before = (await call<Status[]>(d, 'aria2.tellStopped', 0, 1000, ['gid'])).length;
      await until(async () => (await call<Status[]>(d, 'aria2.tellStopped', 0, 1000, ['gid'])).length >= before + 3, 60_000, 'three more complete');
      await until(async () => (await call<Status[]>(d, 'aria2.tellActive', ['gid'])).length >= 2, 30_000, 'two active');
      // Kill while some download has been active with bytes for longer than a progress save (1 s).
      for (wasActive = []; wasActive.length === 0; ) {
        const moving = async () =>
          (await call<Status[]>(d, 'aria2.tellActive', ['gid', 'completedLength'])).filter((a) => Number(a.completedLength) > 0).map((a) => a.gid);
        const first = await moving();
        await sleep(1500);
        const still = new Set(await moving());
        wasActive = first.filter((g) => still.has(g));
      }
      d.kill('SIGKILL');
      await d.exited;
    }
    expect(kept, 'downloads back with their progress after a kill').toBeGreaterThan(0);
    expect(all.size).toBe(COUNT);
    expect(acked.size).toBeGreaterThanOrEqual(20);
    server.setFaults({ throttleBytesPerSec: undefined });
    await until(async () => (await call<{ numActive: string; numWaiting: string }>(d, 'aria2.getGlobalStat')).numWaiting === '0', 120_000, 'queue empty');
    await until(async () => (await call<{ numActive: string }>(d, 'aria2.getGlobalStat')).numActive === '0', 120_000, 'nothing active');
    const stopped = await call<Status[]>(d, 'aria2.tellStopped', 0, 1000, ['gid', 'status', 'files']);
    expect(stopped.length).toBe(COUNT);
    expect(new Set(stopped.map((s) => s.gid)).size).toBe(COUNT);
    for (const s of stopped) {
      const i = all.get(s.gid);
      expect(i, `${s.gid} was added`).toBeDefined();
      expect(s.status).toBe('complete');
      expect(s.files[0].path).toBe(path.join(d.dir, name(i as number)));
      expect(sha256(await readFile(s.files[0].path)), name(i as number)).toBe(sha256(body(i as number)));
    }
    // No leftovers and nothing downloaded twice under a second name.
    expect((await readdir(d.dir)).sort()).toEqual(Array.from({ length: COUNT }, (_, i) => name(i)));
  });
});
