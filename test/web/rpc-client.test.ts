import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRpcClient, RpcError } from '../../web/src/rpc/rpc-client.js';
import { rpcUrl } from '../../web/src/rpc/rpc-url.js';

describe('rpcUrl', () => {
  it('uses the page host and port with /jsonrpc, ws or wss', () => {
    expect(rpcUrl('http://127.0.0.1:6800/')).toBe('ws://127.0.0.1:6800/jsonrpc');
    expect(rpcUrl('https://box.lan:8443/some/page?x=1#y')).toBe('wss://box.lan:8443/jsonrpc');
  });
  it('takes ?rpc= for development, turning http into ws and dropping credentials', () => {
    expect(rpcUrl('http://localhost:5173/?rpc=ws://127.0.0.1:6800/jsonrpc')).toBe('ws://127.0.0.1:6800/jsonrpc');
    expect(rpcUrl('http://localhost:5173/?rpc=https://u:pw@h:1/')).toBe('wss://h:1/jsonrpc');
    expect(rpcUrl('http://localhost:5173/?rpc=')).toBe('ws://localhost:5173/jsonrpc');
  });
});

/** A WebSocket stand-in: the test opens, answers and closes it. */
class FakeSocket {
  static all: FakeSocket[] = [];
  sent: { id: number; method: string; params: unknown[] }[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.onclose?.();
  }
  open(): void {
    this.onopen?.();
  }
  answer(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

const latest = (): FakeSocket => FakeSocket.all[FakeSocket.all.length - 1];

describe('createRpcClient', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  const open = (secret = 's3') => {
    const client = createRpcClient({
      url: 'ws://x/jsonrpc',
      secret,
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
      retryMs: 100,
      maxRetryMs: 400,
      timeoutMs: 1000,
    });
    latest().open();
    return client;
  };

  it('adds the token to every method but system.*, and matches answers by id', async () => {
    const client = open();
    const a = client.call('aria2.tellActive', [['gid']]);
    const b = client.call('system.listMethods');
    const [sa, sb] = latest().sent;
    expect(sa.params).toEqual(['token:s3', ['gid']]);
    expect(sb.params).toEqual([]);
    latest().answer({ jsonrpc: '2.0', id: sb.id, result: ['x'] });
    latest().answer({ jsonrpc: '2.0', id: sa.id, result: [] });
    expect(await b).toEqual(['x']);
    expect(await a).toEqual([]);
  });

  it("rejects with the daemon's error, and on a lost connection or a timeout", async () => {
    const client = open();
    const unauthorized = client.call('aria2.getVersion');
    latest().answer({ id: latest().sent[0].id, error: { code: 1, message: 'Unauthorized' } });
    await expect(unauthorized).rejects.toEqual(new RpcError(1, 'Unauthorized'));
    const slow = client.call('aria2.getVersion');
    vi.advanceTimersByTime(1001);
    await expect(slow).rejects.toThrow(/no answer in 1 s/);
    const lost = client.call('aria2.getVersion');
    latest().close();
    await expect(lost).rejects.toThrow(/lost/);
    await expect(client.call('aria2.getVersion')).rejects.toThrow(/not connected/);
  });

  it('puts the token into each call of a multicall and splits results from errors', async () => {
    const client = open();
    const p = client.multicall([
      ['aria2.tellActive', []],
      ['aria2.tellStatus', ['g']],
    ]);
    const sent = latest().sent[0];
    expect(sent.method).toBe('system.multicall');
    expect(sent.params).toEqual([
      [
        { methodName: 'aria2.tellActive', params: ['token:s3'] },
        { methodName: 'aria2.tellStatus', params: ['token:s3', 'g'] },
      ],
    ]);
    latest().answer({ id: sent.id, result: [[[]], { code: 1, message: 'GID g is not found' }] });
    const [ok, failed] = await p;
    expect(ok).toEqual({ ok: true, value: [] });
    expect(failed.ok === false && failed.error.message).toBe('GID g is not found');
  });

  it('hands notifications to listeners (also in a batch) and not answers', () => {
    const client = open();
    const heard: string[] = [];
    client.onNotification((m, params) => heard.push(`${m} ${JSON.stringify(params)}`));
    latest().answer([
      { jsonrpc: '2.0', method: 'aria2.onDownloadStart', params: [{ gid: 'a' }] },
      { id: 99, result: 'x' },
    ]);
    latest().onmessage?.({ data: 'not json' });
    expect(heard).toEqual(['aria2.onDownloadStart [{"gid":"a"}]']);
  });

  it('reconnects with back-off until the daemon is back, and stops after close()', () => {
    const client = open();
    const states: string[] = [];
    client.onState((s) => states.push(s));
    latest().close();
    expect(client.state()).toBe('closed');
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2);
    latest().close();
    vi.advanceTimersByTime(150);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(3);
    latest().open();
    expect(client.state()).toBe('open');
    expect(states).toEqual(['closed', 'connecting', 'closed', 'connecting', 'open']);
    client.close();
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('uses a new secret for the next calls', () => {
    const client = open('');
    void client.call('aria2.getVersion').catch(() => undefined);
    client.setSecret('new');
    void client.call('aria2.getVersion').catch(() => undefined);
    expect(latest().sent.map((s) => s.params)).toEqual([[], ['token:new']]);
  });
});
