/**
 * The RPC thread's replica against the main thread's publisher, in one thread: every message goes
 * through a structured clone, as between threads. A model of the daemon's state changes at random;
 * after each flush the replica must answer every read exactly as the model, and every event must
 * find the replica already showing it.
 */
import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { fromWire, type ReplicaCall, type ToRpcThread, toWire } from '../../src/daemon/replica-protocol.js';
import { ReplicaPublisher, type ReplicaSource } from '../../src/daemon/replica-publisher.js';
import { ReplicaService } from '../../src/daemon/replica-service.js';
import { RpcError } from '../../src/rpc/rpc-error.js';
import type { RpcDownload, RpcEvent } from '../../src/rpc/service.js';
import { seededRandom } from '../helpers/seeded-random.js';

type State = RpcDownload['state'];

function view(id: string, state: State, completedBytes = 0): RpcDownload {
  return {
    id,
    url: `http://127.0.0.1/${id}`,
    urls: [`http://127.0.0.1/${id}`],
    state,
    completedBytes,
    speed: state === 'active' ? 100 : 0,
    connections: 0,
    elapsedMs: 0,
    options: {},
    dir: '/dl',
  };
}

/** The main thread's truth: live downloads in order, and a history with stop orders. */
class Model implements ReplicaSource {
  order: string[] = [];
  readonly views = new Map<string, RpcDownload>();
  history: Array<{ stopOrder: number; download: RpcDownload }> = [];
  nextStop = 1;
  total = 0;
  dir = '/dl';
  live(gid: string) {
    return this.views.has(gid) ? structuredClone(this.views.get(gid)) : undefined;
  }
  liveIds() {
    return [...this.order];
  }
  stoppedSince(after: number) {
    return this.history.filter((e) => e.stopOrder > after);
  }
  stoppedTotal() {
    return this.total;
  }
  globalOptions() {
    return { dir: this.dir };
  }
  finish(gid: string, state: State): void {
    const v = { ...(this.views.get(gid) as RpcDownload), state, speed: 0 };
    this.views.delete(gid);
    this.order = this.order.filter((g) => g !== gid);
    this.history.push({ stopOrder: this.nextStop++, download: v });
    this.total++;
  }
}

function pair(model: Model) {
  const replica = new ReplicaService(() => undefined);
  const posted: ToRpcThread[] = [];
  const publisher = new ReplicaPublisher(model, (m) => {
    const copy = structuredClone(m);
    posted.push(copy);
    replica.receive(copy);
  });
  return { replica, publisher, posted };
}

function expectSame(model: Model, replica: ReplicaService): void {
  const live = model.order.map((g) => model.views.get(g) as RpcDownload);
  expect(replica.active()).toEqual(live.filter((d) => d.state === 'active'));
  const waiting = live.filter((d) => d.state === 'waiting' || d.state === 'paused');
  expect(replica.waiting(0, 10_000)).toEqual(waiting);
  expect(replica.stopped(0, 10_000)).toEqual(model.history.map((e) => e.download));
  expect([...replica.gids()].sort()).toEqual([...model.order, ...model.history.map((e) => e.download.id)].sort());
  const stat = replica.stat();
  expect(stat).toEqual({
    downloadSpeed: live.filter((d) => d.state === 'active').reduce((n, d) => n + d.speed, 0),
    numActive: live.filter((d) => d.state === 'active').length,
    numWaiting: waiting.length,
    numStopped: model.history.length,
    numStoppedTotal: model.total,
  });
  for (const d of [...live, ...model.history.map((e) => e.download)]) expect(replica.get(d.id)).toEqual(d);
  expect(replica.globalOptions()).toEqual({ dir: model.dir });
}

describe('replica of the queue views', () => {
  it('a first flush copies everything; an event arrives after the delta that shows it', () => {
    const model = new Model();
    for (const [g, s] of [
      ['a', 'active'],
      ['b', 'waiting'],
      ['c', 'paused'],
    ] as const) {
      model.order.push(g);
      model.views.set(g, view(g, s));
    }
    model.finish('a', 'complete');
    const { replica, publisher } = pair(model);
    publisher.flush();
    expectSame(model, replica);
    const seen: Array<[RpcEvent, RpcDownload | undefined]> = [];
    replica.subscribe((e) => seen.push([e, e.type === 'progress' ? undefined : replica.get(e.gid)]));
    model.views.set('b', view('b', 'active'));
    publisher.event({ type: 'start', gid: 'b' });
    model.finish('b', 'error');
    publisher.event({ type: 'error', gid: 'b' });
    expect(seen.map(([e, d]) => [e.type, d?.state])).toEqual([
      ['start', 'active'],
      ['error', 'error'],
    ]);
    expectSame(model, replica);
    publisher.close();
  });

  it('progress updates active views without a delta, and is dropped for a download whose state changed', async () => {
    const model = new Model();
    model.order.push('a');
    model.views.set('a', view('a', 'active'));
    const { replica, publisher, posted } = pair(model);
    publisher.flush();
    const progress: string[] = [];
    replica.subscribe((e) => {
      if (e.type === 'progress') progress.push(`${e.download.id}:${e.download.completedBytes}`);
    });
    posted.length = 0;
    publisher.progress(view('a', 'active', 10));
    publisher.progress(view('a', 'active', 20));
    await new Promise((r) => setTimeout(r, 150));
    expect(posted.map((m) => m.t)).toEqual(['progress']);
    expect(replica.get('a')?.completedBytes).toBe(20);
    expect(progress).toEqual(['a:20']);
    // A stale progress (the download was paused meanwhile) does not undo the pause.
    model.views.set('a', view('a', 'paused', 20));
    publisher.touch('a');
    publisher.flush();
    replica.receive({ t: 'progress', downloads: [view('a', 'active', 30)] });
    expect(replica.get('a')?.state).toBe('paused');
    expect(replica.active()).toEqual([]);
    // Progress of a download the same flush posts anyway is not sent.
    posted.length = 0;
    publisher.progress(view('a', 'paused', 25));
    publisher.touch('a');
    publisher.flush();
    expect(posted.map((m) => m.t)).toEqual(['delta']);
    publisher.close();
  });

  it('follows 3000 random changes of state, order, history and settings (5 seeds)', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const rnd = seededRandom(seed);
      const model = new Model();
      const { replica, publisher } = pair(model);
      publisher.flush();
      let n = 0;
      for (let step = 0; step < 600; step++) {
        const op = rnd(9);
        const live = model.order;
        const pick = live.length > 0 ? live[rnd(live.length)] : undefined;
        if (op === 0 || live.length === 0) {
          const g = `g${seed}-${n++}`;
          model.order.splice(rnd(live.length + 1), 0, g);
          model.views.set(g, view(g, rnd(2) === 0 ? 'waiting' : 'paused'));
          publisher.event({ type: 'added', gid: g });
        } else if (op === 1 && pick) {
          model.views.set(pick, view(pick, 'active', rnd(1000)));
          publisher.touchSoon(pick);
        } else if (op === 2 && pick) {
          model.finish(pick, (['complete', 'error', 'cancelled'] as const)[rnd(3)]);
          publisher.touch(pick);
        } else if (op === 3 && pick) {
          const rest = model.order.filter((g) => g !== pick);
          rest.splice(rnd(rest.length + 1), 0, pick);
          model.order = rest;
          publisher.touch(pick);
        } else if (op === 4 && pick && model.views.get(pick)?.state === 'active') {
          publisher.progress({ ...(model.views.get(pick) as RpcDownload), completedBytes: rnd(5000) });
          model.views.set(pick, { ...(model.views.get(pick) as RpcDownload), completedBytes: rnd(5000) });
          publisher.touch(pick);
        } else if (op === 5 && model.history.length > 0) {
          // removeResult, often of the newest entry.
          const i = rnd(2) === 0 ? model.history.length - 1 : rnd(model.history.length);
          const gid = model.history[i].download.id;
          model.history.splice(i, 1);
          publisher.historyRemoved([gid]);
        } else if (op === 6 && rnd(10) === 0) {
          model.history = [];
          publisher.historyRemoved('all');
        } else if (op === 7 && rnd(5) === 0) {
          model.dir = `/dl${rnd(3)}`;
          for (const g of model.order) model.views.set(g, { ...(model.views.get(g) as RpcDownload), dir: model.dir });
          publisher.touchAll();
        }
        if (rnd(3) === 0) {
          publisher.flush();
          expectSame(model, replica);
        }
      }
      publisher.flush();
      expectSame(model, replica);
      publisher.close();
    }
  });
});

describe('calls across threads', () => {
  it('a forwarded call resolves with the reply to its id; errors keep their kind, text and hint', async () => {
    const sent: ReplicaCall[] = [];
    const replica = new ReplicaService((c) => sent.push(c));
    const moved = replica.move('a', 2, 'POS_SET');
    const removed = replica.removeResult('b');
    expect(sent.map((c) => [c.method, c.args])).toEqual([
      ['move', ['a', 2, 'POS_SET']],
      ['removeResult', ['b']],
    ]);
    replica.receive({ t: 'reply', id: sent[1].id, ok: false, error: toWire(new FerryError('USAGE', 'no such thing', { hint: 'look again' })) });
    replica.receive({ t: 'reply', id: sent[0].id, ok: true, value: 2 });
    expect(await moved).toBe(2);
    const e = await removed.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FerryError);
    expect(e).toMatchObject({ code: 'USAGE', message: 'no such thing', hint: 'look again' });
    expect(fromWire(toWire(new RpcError('GID#x not found', 1)))).toEqual(new RpcError('GID#x not found', 1));
    expect(fromWire(toWire(new TypeError('boom'))).message).toBe('boom');
    const waiting = replica.durable();
    replica.close(new Error('the daemon is stopping'));
    await expect(waiting).rejects.toThrow('the daemon is stopping');
    await expect(replica.unpause('a')).rejects.toThrow('the daemon is stopping');
  });
});
