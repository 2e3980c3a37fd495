import { describe, expect, it } from 'vitest';
import { type ConnectionState, type MulticallResult, type RpcClient, RpcError } from '../../web/src/rpc/rpc-client.js';
import { createActions } from '../../web/src/store/actions.js';
import type { Aria2Status } from '../../web/src/store/download.js';
import { createDownloadsStore } from '../../web/src/store/downloads-store.js';
import { createSession, FULL_EVERY } from '../../web/src/store/session.js';

type Handler = (method: string, params: unknown[]) => unknown;

/** An RpcClient that answers from `handler` and records every call (method and params, no token). */
function fakeClient(handler: Handler, methods: string[] = []) {
  const calls: string[] = [];
  let notify: (m: string, p: unknown[]) => void = () => undefined;
  const answer = async (method: string, params: unknown[]): Promise<unknown> => {
    calls.push(`${method} ${JSON.stringify(params)}`);
    if (method === 'system.listMethods') return ['aria2.addUri', ...methods];
    if (method === 'system.listNotifications') return [];
    return handler(method, params);
  };
  const client: RpcClient = {
    call: <T>(method: string, params: unknown[] = []) => answer(method, params) as Promise<T>,
    async multicall(list) {
      const out: MulticallResult[] = [];
      for (const [m, p] of list) {
        try {
          out.push({ ok: true, value: await answer(m, p) });
        } catch (e) {
          out.push({ ok: false, error: e as RpcError });
        }
      }
      return out;
    },
    setSecret: () => undefined,
    onNotification(l) {
      notify = l;
      return () => undefined;
    },
    onState: () => () => undefined,
    state: (): ConnectionState => 'open',
    close: () => undefined,
  };
  return { client, calls, notify: (m: string, p: unknown[]) => notify(m, p) };
}

const status = (gid: string, state: string): Aria2Status => ({
  gid,
  status: state,
  totalLength: '10',
  completedLength: '5',
  files: [{ path: `/d/${gid}`, uris: [{ uri: `http://h/${gid}`, status: 'used' }] }],
});

/** A daemon with one download of each kind. */
const daemon: Handler = (method, params) => {
  switch (method) {
    case 'aria2.getVersion':
      return { version: '1.36.0' };
    case 'aria2.getGlobalOption':
      return { 'max-concurrent-downloads': '5' };
    case 'aria2.tellActive':
      return [status('act', 'active')];
    case 'aria2.tellWaiting':
      return [status('wait', 'waiting')];
    case 'aria2.tellStopped':
      return [status('bad', 'error'), status('done', 'complete')];
    case 'aria2.getGlobalStat':
      return { downloadSpeed: '2048', numActive: '1', numWaiting: '1', numStopped: '2' };
    case 'aria2.tellStatus':
      return status(String(params[0]), 'complete');
    case 'aria2.getOption':
      return { split: '4', pause: 'true', dir: '/d' };
    case 'aria2.addUri':
      return 'fresh';
    case 'ferry.getSegments':
      return [{ id: 1, state: 'active', start: '0', end: '10', received: '5', speed: '1' }];
    default:
      return 'OK';
  }
};

const settle = () => new Promise((r) => setTimeout(r, 20));

async function setUp(methods: string[] = [], handler: Handler = daemon) {
  const fake = fakeClient(handler, methods);
  const store = createDownloadsStore();
  const session = createSession({ client: fake.client, store, setTimer: () => 0, clearTimer: () => undefined });
  const actions = createActions(fake.client, store, session);
  await settle();
  return { ...fake, store, session, actions };
}

describe('session', () => {
  it('loads the list, the global speed and options on connect', async () => {
    const { store, session } = await setUp();
    expect(session.state().auth).toBe('ok');
    expect(session.state().version).toBe('1.36.0');
    expect(session.state().speedSamples).toEqual([2048]);
    expect(session.state().globalOptions['max-concurrent-downloads']).toBe('5');
    expect(store.list().map((d) => d.gid)).toEqual(['act', 'wait', 'done', 'bad']);
    expect(session.state().features.remove).toBe(false);
  });

  it('asks for a secret on Unauthorized and says when a typed one is refused', async () => {
    const refuse: Handler = () => {
      throw new RpcError(1, 'Unauthorized');
    };
    const { session } = await setUp([], refuse);
    expect(session.state().auth).toBe('needed');
    expect(session.state().authError).toBeUndefined();
    session.useSecret('wrong');
    await settle();
    expect(session.state().authError).toMatch(/refused/);
  });

  it('follows notifications: state changes, progress and removals', async () => {
    const { store, notify, calls } = await setUp(['ferry.remove']);
    notify('aria2.onDownloadComplete', [{ gid: 'act' }]);
    await settle();
    expect(calls).toContain(
      'aria2.tellStatus ["act",["gid","status","totalLength","completedLength","downloadSpeed","connections","dir","files","errorCode","errorMessage"]]',
    );
    expect(store.get('act')?.state).toBe('complete');
    notify('ferry.onProgress', [{ downloads: [{ gid: 'wait', completedLength: '9', totalLength: '10', downloadSpeed: '1', connections: '1' }] }]);
    expect(store.get('wait')?.completed).toBe(9);
    notify('ferry.onDownloadRemoved', [{ gid: 'wait' }]);
    expect(store.get('wait')).toBeUndefined();
  });
});

describe('session.refresh', () => {
  it('polls once more after a running poll when asked during it, and only once', async () => {
    let release: () => void = () => undefined;
    let polls = 0;
    const slow: Handler = async (m, p) => {
      if (m === 'aria2.tellActive') {
        polls++;
        if (polls === 2) await new Promise<void>((r) => (release = r));
      }
      return daemon(m, p);
    };
    const { session } = await setUp([], slow);
    expect(polls).toBe(1);
    const running = session.refresh();
    await settle();
    const queued = [session.refresh(), session.refresh(), session.refresh()];
    release();
    await Promise.all([running, ...queued]);
    expect(polls).toBe(3);
  });
});

describe('timer polls', () => {
  it('read only the active downloads while the global numbers match, and everything when not', async () => {
    let numWaiting = '1';
    const handler: Handler = (m, p) => (m === 'aria2.getGlobalStat' ? { downloadSpeed: '0', numActive: '1', numWaiting, numStopped: '2' } : daemon(m, p));
    const fake = fakeClient(handler);
    const store = createDownloadsStore();
    let tick: () => void = () => undefined;
    createSession({ client: fake.client, store, setTimer: (fn) => (tick = fn), clearTimer: () => undefined });
    await settle();
    const waitingReads = () => fake.calls.filter((c) => c.startsWith('aria2.tellWaiting')).length;
    expect(waitingReads()).toBe(1);
    tick();
    await settle();
    expect(waitingReads()).toBe(1);
    expect(fake.calls.filter((c) => c.startsWith('aria2.tellActive')).length).toBe(2);
    // Someone added a download elsewhere: the numbers no longer match, so the next poll is full.
    numWaiting = '2';
    tick();
    await settle();
    expect(waitingReads()).toBe(1);
    tick();
    await settle();
    expect(waitingReads()).toBe(2);
  });

  it('read everything every FULL_EVERY-th time even when the numbers match', async () => {
    const fake = fakeClient(daemon);
    let tick: () => void = () => undefined;
    createSession({ client: fake.client, store: createDownloadsStore(), setTimer: (fn) => (tick = fn), clearTimer: () => undefined });
    await settle();
    for (let i = 0; i < FULL_EVERY; i++) {
      tick();
      await settle();
    }
    expect(fake.calls.filter((c) => c.startsWith('aria2.tellWaiting')).length).toBe(2);
  });

  it('asks for a download that left tellActive without a notification', async () => {
    let active = [status('act', 'active')];
    const handler: Handler = (m, p) => (m === 'aria2.tellActive' ? active : daemon(m, p));
    const fake = fakeClient(handler);
    const store = createDownloadsStore();
    let tick: () => void = () => undefined;
    createSession({ client: fake.client, store, setTimer: (fn) => (tick = fn), clearTimer: () => undefined });
    await settle();
    active = [];
    tick();
    await settle();
    expect(fake.calls.some((c) => c.startsWith('aria2.tellStatus ["act"'))).toBe(true);
    expect(store.get('act')?.state).toBe('complete');
  });
});

describe('actions', () => {
  it('cancels with ferry.remove and deleteFiles when the daemon lists it', async () => {
    const { actions, calls, store } = await setUp(['ferry.remove']);
    await actions.cancel('act', true);
    expect(calls).toContain('ferry.remove ["act",{"deleteFiles":true}]');
    expect(calls.some((c) => c.startsWith('aria2.forceRemove'))).toBe(false);
    expect(store.get('act')).toBeUndefined();
  });

  it('cancels with aria2 forceRemove then removeDownloadResult without it', async () => {
    const { actions, calls } = await setUp();
    await actions.cancel('act', true);
    expect(calls.filter((c) => /forceRemove|removeDownloadResult|ferry\./.test(c))).toEqual([
      'aria2.forceRemove ["act"]',
      'aria2.removeDownloadResult ["act"]',
    ]);
  });

  it('only forgets a stopped download (nothing to remove)', async () => {
    const { actions, calls } = await setUp();
    await actions.cancel('done', false);
    expect(calls.filter((c) => /forceRemove|removeDownloadResult/.test(c))).toEqual(['aria2.removeDownloadResult ["done"]']);
  });

  it('retries with the same URIs and options (not paused) and forgets the failed one', async () => {
    const { actions, calls, store } = await setUp();
    expect(await actions.retry('bad')).toBe('fresh');
    expect(calls).toContain('aria2.addUri [["http://h/bad"],{"split":"4","dir":"/d"}]');
    expect(calls).toContain('aria2.removeDownloadResult ["bad"]');
    expect(store.get('bad')).toBeUndefined();
  });

  it('purges finished ones and keeps failed ones', async () => {
    const { actions, calls } = await setUp();
    await actions.purgeFinished();
    expect(calls.filter((c) => c.startsWith('aria2.removeDownloadResult'))).toEqual(['aria2.removeDownloadResult ["done"]']);
  });

  it('moves with changePosition POS_SET and reports failures to the session', async () => {
    const failing: Handler = (m, p) => {
      if (m === 'aria2.changePosition') throw new RpcError(1, 'GID wait is not found');
      return daemon(m, p);
    };
    const { actions, calls, session } = await setUp([], failing);
    await actions.move('wait', 0);
    expect(calls).toContain('aria2.changePosition ["wait",0,"POS_SET"]');
    expect(session.state().message).toBe('GID wait is not found');
  });

  it('asks for segments only when ferry.getSegments is listed', async () => {
    const plain = await setUp();
    expect((await plain.actions.details('act')).segments).toBeUndefined();
    expect(plain.calls.some((c) => c.startsWith('ferry.getSegments'))).toBe(false);
    const ferry = await setUp(['ferry.getSegments']);
    expect((await ferry.actions.details('act')).segments).toHaveLength(1);
  });

  it('answers the lines the daemon refused when adding', async () => {
    const picky: Handler = (m, p) => {
      if (m === 'aria2.addUri' && (p[0] as string[])[0].endsWith('/2')) throw new RpcError(1, 'bad option');
      return daemon(m, p);
    };
    const { actions } = await setUp([], picky);
    const refused = await actions.add([
      { uris: ['http://h/1'], options: {}, line: 1 },
      { uris: ['http://h/2'], options: {}, line: 2 },
    ]);
    expect(refused).toEqual([{ line: 2, message: 'bad option' }]);
  });
});
