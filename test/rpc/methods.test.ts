import { beforeEach, describe, expect, it } from 'vitest';
import type { RpcContext } from '../../src/rpc/context.js';
import { handle, type RpcResponse } from '../../src/rpc/handle.js';
import { METHODS, NOTIFICATIONS } from '../../src/rpc/methods.js';
import { StatusTexts } from '../../src/rpc/status-texts.js';
import { answerChecks } from './answer-checks.js';
import { FakeService } from './fake-service.js';

let service: FakeService;
let context: RpcContext;
let after: (() => void)[];

beforeEach(() => {
  service = new FakeService();
  context = { service, downloadRoot: '/srv/dl', sessionId: 'ab'.repeat(20), version: '0.1.0', statuses: new StatusTexts() };
});

async function call(method: string, ...params: unknown[]): Promise<RpcResponse> {
  const r = await handle({ id: 1, method, params }, context);
  after = r.after;
  return r.body as RpcResponse;
}
const { ok, error } = answerChecks(call);
const fails = async (method: string, ...params: unknown[]): Promise<string> => (await error(method, ...params)).message;
const add = async (uri = 'http://127.0.0.1/a', options: Record<string, unknown> = {}, pos?: number): Promise<string> =>
  (await ok('aria2.addUri', [uri], options, ...(pos === undefined ? [] : [pos]))) as string;
const gidsOf = (list: unknown): string[] => (list as { gid: string }[]).map((s) => s.gid);

describe('adding and the queue', () => {
  it('addUri queues mirrors, at a position, paused when asked, with options read from aria2 strings', async () => {
    const a = await add();
    const b = await add('http://127.0.0.1/b', { pause: 'true', split: '4', header: ['X-A: 1', 'X-B: 2'], 'no-such-option': 'x' });
    const c = await add('http://127.0.0.1/c', {}, 0);
    expect(service.queue).toEqual([c, a, b]);
    expect(service.get(b)).toMatchObject({ state: 'paused', options: { connections: 4, headers: { 'X-A': '1', 'X-B': '2' } } });
    const mirrors = (await ok('aria2.addUri', ['http://h1/f', 'ftp://h2/f'])) as string;
    expect(await ok('aria2.getUris', mirrors)).toEqual([
      { uri: 'http://h1/f', status: 'waiting' },
      { uri: 'ftp://h2/f', status: 'waiting' },
    ]);
    expect(await fails('aria2.addUri', ['http://h/x'], { split: 'abc' })).toMatch(/^We encountered a problem while processing the option '--split'\./);
    expect(await fails('aria2.addUri', ['http://h/x'], { split: 4 })).toMatch(/^We encountered a problem while processing the option '--split'\./);
  });

  it('tellStatus: string numbers, key filtering, files, stopped-only error keys, unique prefixes', async () => {
    const g = await add('http://127.0.0.1/big.iso');
    service.activate(g, 1000, '/srv/dl/big.iso');
    service.progress(g, 250, 99.6);
    const s = (await ok('aria2.tellStatus', g)) as Record<string, unknown>;
    expect(s).toMatchObject({
      gid: g,
      status: 'active',
      totalLength: '1000',
      completedLength: '250',
      uploadLength: '0',
      downloadSpeed: '100',
      uploadSpeed: '0',
      connections: '2',
      dir: '/srv/dl',
    });
    expect(s).not.toHaveProperty('errorCode');
    expect(s.files).toEqual([
      {
        index: '1',
        path: '/srv/dl/big.iso',
        length: '1000',
        completedLength: '250',
        selected: 'true',
        uris: [{ uri: 'http://127.0.0.1/big.iso', status: 'used' }],
      },
    ]);
    expect(await ok('aria2.tellStatus', g.slice(0, 5), ['gid', 'nosuch', 'totalLength'])).toEqual({ gid: g, totalLength: '1000' });
    service.fail(g, 'HTTP_STATUS', 'HTTP 404 Not Found');
    expect(await ok('aria2.tellStatus', g, ['status', 'errorCode', 'errorMessage'])).toEqual({
      status: 'error',
      errorCode: '3',
      errorMessage: 'HTTP 404 Not Found',
    });
    const w = await add();
    expect(await ok('aria2.tellStatus', w, ['files'])).toEqual({
      files: [{ index: '1', path: '', length: '0', completedLength: '0', selected: 'true', uris: [{ uri: 'http://127.0.0.1/a', status: 'waiting' }] }],
    });
  });

  it('a prefix matching two gids is refused', async () => {
    service.downloads.set('aaaa000000000001', { ...(service.get(await add()) as object), id: 'aaaa000000000001' } as never);
    service.downloads.set('aaaa000000000002', { ...(service.get(await add()) as object), id: 'aaaa000000000002' } as never);
    expect(await fails('aria2.tellStatus', 'aaaa')).toBe('GID aaaa is not unique.');
    expect(await ok('aria2.tellStatus', 'aaaa000000000002', ['gid'])).toEqual({ gid: 'aaaa000000000002' });
  });

  it('tellWaiting and tellStopped page like aria2: negative offsets count from the end, reversed', async () => {
    const g = [await add(), await add(), await add()];
    expect(gidsOf(await ok('aria2.tellWaiting', 0, 10, ['gid']))).toEqual(g);
    expect(gidsOf(await ok('aria2.tellWaiting', 1, 1, ['gid']))).toEqual([g[1]]);
    expect(gidsOf(await ok('aria2.tellWaiting', -1, 2, ['gid']))).toEqual([g[2], g[1]]);
    expect(gidsOf(await ok('aria2.tellWaiting', -1, 1000, ['gid']))).toEqual([g[2], g[1], g[0]]);
    expect(await ok('aria2.tellWaiting', -5, 2)).toEqual([]);
    expect(await ok('aria2.tellWaiting', 3, 2)).toEqual([]);
    expect(await ok('aria2.tellWaiting', 0, 0)).toEqual([]);
    for (const x of g) await ok('aria2.remove', x);
    expect(gidsOf(await ok('aria2.tellStopped', -1, 1000, ['gid']))).toEqual([g[2], g[1], g[0]]);
    expect(gidsOf(await ok('aria2.tellStopped', 0, 1000, ['gid']))).toEqual(g);
    expect(await ok('aria2.tellStopped', 0, 1, ['status', 'errorCode'])).toEqual([{ status: 'removed', errorCode: '31' }]);
  });

  it('tellActive lists active downloads with keys', async () => {
    const g = await add();
    expect(await ok('aria2.tellActive')).toEqual([]);
    service.activate(g, 10);
    expect(await ok('aria2.tellActive', ['gid', 'status'])).toEqual([{ gid: g, status: 'active' }]);
  });

  it('changePosition: POS_SET, POS_CUR, POS_END clamped; integers; waiting only', async () => {
    const g = [await add(), await add(), await add()];
    expect(await ok('aria2.changePosition', g[2], 0, 'POS_SET')).toBe(0);
    expect(service.queue).toEqual([g[2], g[0], g[1]]);
    expect(await ok('aria2.changePosition', g[2], -10, 'POS_CUR')).toBe(0);
    expect(await ok('aria2.changePosition', g[2], 10, 'POS_END')).toBe(2);
    expect(await ok('aria2.changePosition', g[2], -1, 'POS_END')).toBe(1);
    expect(await fails('aria2.changePosition', g[2], 0, 'BAD')).toBe('Illegal argument.');
    expect(await fails('aria2.changePosition', g[2], '0', 'POS_SET')).toBe('The parameter at 1 has wrong type.');
    service.activate(g[0]);
    expect(await fails('aria2.changePosition', g[0], 0, 'POS_SET')).toBe(`GID#${g[0]} not found in the waiting queue.`);
  });

  it('changeUri removes then adds mirrors and answers integers', async () => {
    const g = (await ok('aria2.addUri', ['http://a/f', 'http://b/f'])) as string;
    expect(await ok('aria2.changeUri', g, 1, ['http://a/f', 'http://nope/f'], ['http://c/f'], 0)).toEqual([1, 1]);
    expect(service.get(g)?.urls).toEqual(['http://c/f', 'http://b/f']);
    expect(await fails('aria2.changeUri', g, 2, [], [])).toBe('fileIndex is out of range');
  });
});

describe('pause, unpause, remove', () => {
  it('pause and unpause follow aria2 states and texts', async () => {
    const [a, b] = [await add(), await add()];
    service.activate(a, 100);
    expect(await ok('aria2.pause', a)).toBe(a);
    expect(service.queue[0]).toBe(a);
    expect(await fails('aria2.pause', a)).toBe(`GID#${a} cannot be paused now`);
    expect(await ok('aria2.forcePause', b)).toBe(b);
    expect(await ok('aria2.unpause', a)).toBe(a);
    expect(await fails('aria2.unpause', a)).toBe(`GID#${a} cannot be unpaused now`);
    expect(await ok('aria2.pauseAll')).toBe('OK');
    expect(service.queue.map((g) => service.get(g)?.state)).toEqual(['paused', 'paused']);
    expect(await ok('aria2.unpauseAll')).toBe('OK');
    expect(service.queue.map((g) => service.get(g)?.state)).toEqual(['waiting', 'waiting']);
    expect(await ok('aria2.forcePauseAll')).toBe('OK');
  });

  it('remove, forceRemove and ferry.remove with deleteFiles; a stopped one cannot be removed', async () => {
    const [a, b, c] = [await add(), await add(), await add()];
    expect(await ok('aria2.remove', a)).toBe(a);
    expect(await ok('aria2.forceRemove', b)).toBe(b);
    expect(await ok('ferry.remove', c, { deleteFiles: true })).toBe(c);
    expect(service.deleted).toEqual([c]);
    expect(await fails('aria2.remove', a)).toBe(`Active Download not found for GID#${a}`);
    expect(await ok('aria2.removeDownloadResult', a)).toBe('OK');
    expect(await fails('aria2.tellStatus', a)).toBe(`GID ${a} is not found`);
    expect(await fails('aria2.removeDownloadResult', a)).toBe(`GID ${a} is not found`);
    const d = await add();
    expect(await fails('aria2.removeDownloadResult', d)).toBe(`Could not remove download result of GID#${d}`);
    expect(await ok('aria2.purgeDownloadResult')).toBe('OK');
    expect(await ok('aria2.tellStopped', 0, 10)).toEqual([]);
  });
});

describe('files, servers, peers, segments', () => {
  it('getFiles, getServers (active only), getPeers [] and ferry.getSegments', async () => {
    const g = await add('http://127.0.0.1/f');
    expect(await fails('aria2.getServers', g)).toBe(`No active download for GID#${g}`);
    expect(await fails('ferry.getSegments', g)).toBe(`No active download for GID#${g}`);
    service.activate(g, 20, '/srv/dl/f');
    service.progress(g, 5, 150);
    expect(await ok('aria2.getFiles', g)).toMatchObject([{ index: '1', path: '/srv/dl/f', length: '20', completedLength: '5' }]);
    expect(await ok('aria2.getServers', g)).toEqual([
      { index: '1', servers: [{ uri: 'http://127.0.0.1/f', currentUri: 'http://127.0.0.1/f', downloadSpeed: '150' }] },
    ]);
    expect(await ok('aria2.getPeers', g)).toEqual([]);
    expect(await ok('ferry.getSegments', g)).toEqual([
      { id: '1', state: 'active', start: '0', end: '10', received: '4', downloadSpeed: '100' },
      { id: '2', state: 'retrying', start: '10', end: '20', received: '1', downloadSpeed: '50' },
    ]);
  });
});

describe('options', () => {
  it('getOption (also stopped), changeOption, global options without any secret', async () => {
    const g = await add('http://h/x', { split: '3', 'max-download-limit': '1K', 'check-certificate': 'false' });
    expect(await ok('aria2.getOption', g)).toEqual({ split: '3', 'max-download-limit': '1024', 'check-certificate': 'false', dir: '/srv/dl' });
    expect(await ok('aria2.changeOption', g, { split: '5', bogus: 'x' })).toBe('OK');
    expect(service.get(g)?.options.connections).toBe(5);
    await ok('aria2.remove', g);
    expect(await ok('aria2.getOption', g)).toMatchObject({ split: '5' });
    expect(await fails('aria2.changeOption', g, { split: '2' })).toBe(`Cannot change option for GID#${g}`);
    expect(await ok('aria2.changeGlobalOption', { 'max-concurrent-downloads': '5', 'max-overall-download-limit': '2M', 'max-download-limit': '100' })).toBe(
      'OK',
    );
    expect(service.global).toMatchObject({ maxActive: 5, limitRate: 2 * 1024 * 1024, downloadLimitRate: 100 });
    const global = (await ok('aria2.getGlobalOption')) as Record<string, string>;
    expect(global).toMatchObject({ 'max-concurrent-downloads': '5', 'max-overall-download-limit': '2097152', 'max-download-limit': '100', dir: '/srv/dl' });
    expect(Object.keys(global).some((k) => k.startsWith('rpc'))).toBe(false);
    expect(await fails('aria2.changeGlobalOption', { 'max-concurrent-downloads': 'x' })).toMatch(
      /^We encountered a problem while processing the option '--max-concurrent-downloads'\./,
    );
  });

  it('paths are confined to the download root unless any dir is allowed', async () => {
    const inside = await add('http://h/x', { dir: 'sub', out: 'a/b.bin' });
    expect(service.get(inside)?.options).toMatchObject({ dir: '/srv/dl/sub', out: 'a/b.bin' });
    const refused = [
      [{ dir: '/etc' }, 'dir'],
      [{ dir: '../x' }, 'dir'],
      [{ out: '../../etc/cron.d/x' }, 'out'],
      [{ dir: 'sub', out: '../../x' }, 'out'],
      [{ out: '/etc/passwd' }, 'out'],
    ] as const;
    for (const [options, key] of refused) {
      expect(await fails('aria2.addUri', ['http://h/x'], options)).toBe(
        `The option '${key}' names a path outside the download root /srv/dl: give a path inside it.`,
      );
    }
    expect(await fails('aria2.changeOption', inside, { dir: '/tmp' })).toMatch(/^The option 'dir' names a path outside/);
    for (const key of ['dir', 'save-session', 'log', 'netrc-path', 'on-download-complete']) {
      expect(await fails('aria2.changeGlobalOption', { [key]: '/etc/x' })).toMatch(new RegExp(`^The option '${key}' names a path outside`));
    }
    expect(await ok('aria2.changeGlobalOption', { 'save-session': 'session.txt' })).toBe('OK');
    expect(service.global.saveSession).toBe('/srv/dl/session.txt');
    context.anyDir = true;
    const anywhere = await add('http://h/x', { dir: '/tmp/else' });
    expect(service.get(anywhere)?.dir).toBe('/tmp/else');
  });
});

describe('daemon methods', () => {
  it('getGlobalStat, getVersion, getSessionInfo, saveSession, shutdown after the answer', async () => {
    const g = await add();
    service.activate(g, 10);
    service.progress(g, 1, 10.4);
    await add();
    expect(await ok('aria2.getGlobalStat')).toEqual({
      downloadSpeed: '10',
      uploadSpeed: '0',
      numActive: '1',
      numWaiting: '1',
      numStopped: '0',
      numStoppedTotal: '0',
    });
    expect(await ok('aria2.getVersion')).toEqual({ version: '0.1.0', enabledFeatures: ['HTTPS', 'Message Digest'] });
    expect(await ok('aria2.getSessionInfo')).toEqual({ sessionId: 'ab'.repeat(20) });
    expect(await fails('aria2.saveSession')).toBe('Filename is not given.');
    service.global.saveSession = '/srv/dl/s.txt';
    expect(await ok('aria2.saveSession')).toBe('OK');
    expect(service.sessionsSaved).toBe(1);
    expect(await ok('aria2.shutdown')).toBe('OK');
    expect(service.shutdowns).toEqual([]);
    for (const fn of after) fn();
    expect(service.shutdowns).toEqual([false]);
    await ok('aria2.forceShutdown');
    for (const fn of after) fn();
    expect(service.shutdowns).toEqual([false, true]);
  });

  it('addTorrent and addMetalink answer a clear error; listMethods lists the table; listNotifications', async () => {
    expect(await fails('aria2.addTorrent', 'abc')).toMatch(/ferry does not download torrents/);
    expect(await fails('aria2.addMetalink', 'abc')).toMatch(/ferry does not read Metalink/);
    const methods = (await ok('system.listMethods')) as string[];
    expect(methods.sort()).toEqual(Object.keys(METHODS).sort());
    for (const m of ['aria2.addUri', 'aria2.getPeers', 'aria2.changeUri', 'system.multicall', 'ferry.getSegments', 'ferry.remove'])
      expect(methods).toContain(m);
    expect(await ok('system.listNotifications')).toEqual([...NOTIFICATIONS]);
  });
});
