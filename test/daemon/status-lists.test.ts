/**
 * The status lists keep the texts of downloads that are not active between answers: through a
 * random run of every queue action against a real engine and store (downloads starting,
 * finishing and failing meanwhile), every tellActive, tellWaiting and tellStopped answer is
 * exactly the list the service gave for it, encoded afresh at the moment it was given.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DaemonService } from '../../src/daemon/service.js';
import { createEngine } from '../../src/engine/engine.js';
import type { RpcContext } from '../../src/rpc/context.js';
import { handle } from '../../src/rpc/handle.js';
import type { RpcDownload, RpcService } from '../../src/rpc/service.js';
import { EncodedResult, encodeBody } from '../../src/rpc/shared-answers.js';
import { toAria2Status } from '../../src/rpc/status.js';
import { StatusTexts } from '../../src/rpc/status-texts.js';
import { openStore, type Store } from '../../src/store/index.js';
import { randomBytesSeeded, startTestServer, type TestServer } from '../helpers/http-server.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { until } from './ferry-daemon.js';

const KiB = 1024;
let base: string;
let server: TestServer;
let store: Store;
let service: DaemonService;
let context: RpcContext;
/** The key list of the next list call, and each list the service gave, encoded afresh at once. */
let keysNow: string[] | undefined;
let given: string[];

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'ferry-lists-'));
  const dir = path.join(base, 'dl');
  server = await startTestServer();
  server.setFile('/small.bin', { body: randomBytesSeeded(3 * KiB, 'small') });
  server.setFile('/big.bin', { body: randomBytesSeeded(4096 * KiB, 'big') });
  server.setFaults({ throttleBytesPerSec: 512 * KiB });
  store = openStore(path.join(base, 'state', 'ferry.db'));
  const engine = createEngine({ dir, maxActive: 3, retryWaitMs: 10, maxTries: 1, checkpointIntervalMs: 50 });
  service = new DaemonService({ engine, store, global: { dir, maxActive: 3 }, shutdown: () => undefined, progressIntervalMs: 50 });
  given = [];
  const record = (list: RpcDownload[]) => {
    given.push(JSON.stringify(list.map((d) => toAria2Status(d, keysNow))));
    return list;
  };
  const lists: Partial<RpcService> = {
    active: () => record(service.active()),
    waiting: (o, n) => record(service.waiting(o, n)),
    stopped: (o, n) => record(service.stopped(o, n)),
  };
  const watched = new Proxy(service, {
    get(target, prop) {
      if (Object.hasOwn(lists, prop)) return lists[prop as keyof RpcService];
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  context = { service: watched, downloadRoot: dir, sessionId: 'ab'.repeat(20), version: '0.1.0', statuses: new StatusTexts() };
});
afterEach(async () => {
  await service.close(true);
  store.close();
  await server.close();
  // A forced close can resolve while a cancelled download's last file operation is still landing
  // in the directory (ENOTEMPTY once in a fresh-clone run): removal retries.
  await rm(base, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

/** A call's result, or its error (a remove of a stopped download fails, as it should). */
async function call(method: string, ...params: unknown[]): Promise<unknown> {
  const r = await handle({ id: 1, jsonrpc: '2.0', method, params }, context);
  const body = JSON.parse(encodeBody(r.body)) as { result?: unknown; error?: { message: string } };
  return body.error ? body.error : body.result;
}

it('every list answer equals the list encoded afresh, through a random run of queue actions', async () => {
  const rnd = seededRandom(7);
  const url = (i: number) => {
    const which = rnd(5);
    const name = which === 0 ? 'missing.bin' : which < 3 ? 'small.bin' : 'big.bin';
    return server.url(`/${name}?n=${i}`);
  };
  const gids: string[] = [];
  const add = async (i: number, options: Record<string, string>) => {
    const gid = await call('aria2.addUri', [url(i)], options);
    expect(gid).toMatch(/^[0-9a-f]{16}$/);
    gids.push(gid as string);
  };
  // One failed download in the history from the start, whatever the random run does.
  const failed = (await call('aria2.addUri', [server.url('/missing.bin?first')], { out: 'failed.bin' })) as string;
  await until(
    async () => ((await call('aria2.tellStatus', failed, ['status'])) as { status: string }).status === 'error',
    10_000,
    'the first download failing',
  );
  for (let i = 0; i < 30; i++) await add(i, { out: `f${i}.bin`, pause: String(rnd(3) === 0) });
  const keyLists = [[], [['gid', 'status', 'files']], [['gid', 'totalLength', 'completedLength', 'dir', 'errorCode', 'errorMessage']]];
  let compared = 0;
  for (let step = 0; step < 150; step++) {
    const gid = gids[rnd(gids.length)];
    switch (rnd(9)) {
      case 0:
        await call('aria2.pause', gid);
        break;
      case 1:
        await call('aria2.unpause', gid);
        break;
      case 2:
        await call('aria2.changeOption', gid, { out: `renamed-${step}.bin` });
        break;
      case 3:
        await call('aria2.changeUri', gid, 1, [], [server.url(`/small.bin?m=${step}`)]);
        break;
      case 4:
        await call('aria2.remove', gid);
        break;
      case 5:
        await call('aria2.changePosition', gid, rnd(10), 'POS_SET');
        break;
      case 6:
        await add(100 + step, { out: `g${step}.bin` });
        break;
      case 7:
        await call('aria2.changeGlobalOption', { 'max-concurrent-downloads': String(1 + rnd(4)) });
        break;
      default:
        await sleep(rnd(40));
    }
    for (const keys of keyLists) {
      keysNow = keys[0] as string[] | undefined;
      for (const [method, params] of [
        ['aria2.tellWaiting', [0, 1000]],
        ['aria2.tellStopped', [0, 1000]],
        ['aria2.tellActive', []],
      ] as const) {
        given = [];
        const r = await handle({ id: 2, jsonrpc: '2.0', method, params: [...params, ...keys] }, context);
        expect((r.body as { result: unknown }).result).toBeInstanceOf(EncodedResult);
        // An empty page is answered without asking the service.
        expect(given.length).toBeLessThanOrEqual(1);
        expect(encodeBody(r.body)).toBe(`{"id":2,"jsonrpc":"2.0","result":${given[0] ?? '[]'}}`);
        if (given.length === 1) compared++;
      }
    }
  }
  expect(compared).toBeGreaterThan(1000);
  // The run went through the states whose texts are kept.
  const stopped = (await call('aria2.tellStopped', 0, 1000, ['status'])) as { status: string }[];
  expect(new Set(stopped.map((s) => s.status))).toEqual(new Set(['complete', 'error', 'removed']));
}, 60_000);
