import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { httpRpcClient, judgeAnswer, wsRpcClient } from '../lib/rpc-client.js';
import { startRpcLoad } from '../lib/rpc-load.js';

const SECRET = 's3cret';

/** A big tellWaiting answer (well over the decode limit), like 1000 waiting downloads. */
const BIG = JSON.stringify(
  Array.from({ length: 400 }, (_, i) => ({ gid: i.toString(16).padStart(16, '0'), status: 'waiting', files: [{ path: '/x'.repeat(100) }] })),
);

interface Fake {
  port: number;
  /** Requests seen per transport and method. */
  seen: { http: number; ws: number; methods: string[] };
  close(): Promise<void>;
}

/**
 * A JSON-RPC server on /jsonrpc over HTTP and WebSocket: `Unauthorized` without the token,
 * tellWaiting after `delayMs` with a big array, an error for the methods in `failing`.
 */
async function fake(delayMs: number, failing: string[] = []): Promise<Fake> {
  const seen = { http: 0, ws: 0, methods: [] as string[] };
  const answer = async (text: string): Promise<string> => {
    const req = JSON.parse(text) as { id: number; method: string; params: unknown[] };
    seen.methods.push(req.method);
    const head = `{"id":${req.id},"jsonrpc":"2.0",`;
    if (req.params[0] !== `token:${SECRET}`) return `${head}"error":{"code":1,"message":"Unauthorized"}}`;
    if (failing.includes(req.method)) return `${head}"error":{"code":1,"message":"no ${req.method} today"}}`;
    if (req.method === 'aria2.tellWaiting') {
      await new Promise((r) => setTimeout(r, delayMs));
      return `${head}"result":${BIG}}`;
    }
    return `${head}"result":[]}`;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.http++;
      void answer(Buffer.concat(chunks).toString()).then((body) =>
        res.writeHead(200, { 'Content-Type': 'application/json-rpc', 'Content-Length': Buffer.byteLength(body) }).end(body),
      );
    });
  });
  const wss = new WebSocketServer({ server, path: '/jsonrpc' });
  wss.on('connection', (ws) =>
    ws.on('message', (data: Buffer) => {
      seen.ws++;
      void answer(data.toString()).then((body) => ws.send(body));
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('judgeAnswer', () => {
  it('decodes short answers and reports their errors', () => {
    expect(judgeAnswer(Buffer.from('{"id":1,"jsonrpc":"2.0","result":["a"]}'), false)).toEqual({ ok: true, bytes: 39, value: ['a'] });
    expect(judgeAnswer(Buffer.from('{"id":1,"jsonrpc":"2.0","error":{"code":1,"message":"Unauthorized"}}'), false)).toMatchObject({
      ok: false,
      error: 'Unauthorized',
    });
    expect(judgeAnswer(Buffer.from('{"id":1}'), false)).toMatchObject({ ok: false, error: 'answer without result' });
    expect(judgeAnswer(Buffer.from('<html>'), false)).toMatchObject({ ok: false });
  });
  it('judges a big answer by its first bytes, and counts its whole size', () => {
    const head = Buffer.from('{"id":7,"jsonrpc":"2.0","result":[{"gid":"');
    expect(judgeAnswer(head, false, 500_000)).toEqual({ ok: true, bytes: 500_000 });
    expect(judgeAnswer(Buffer.from('{"id":7,"jsonrpc":"2.0","oops":[{"gid":"'), false, 500_000)).toMatchObject({ ok: false, bytes: 500_000 });
  });
});

describe('RPC clients and pollers (loopback)', () => {
  let server: Fake | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('HTTP and WebSocket clients send the token and get decoded answers', async () => {
    server = await fake(0);
    const ep = { port: server.port, secret: SECRET };
    const h = httpRpcClient(ep);
    const w = await wsRpcClient(ep);
    expect(await h.call('aria2.tellActive', [], true)).toMatchObject({ ok: true, value: [] });
    expect(await w.call('aria2.tellActive', [], true)).toMatchObject({ ok: true, value: [] });
    const big = await w.call('aria2.tellWaiting', [0, 1000]);
    expect(big.ok).toBe(true);
    expect(big.bytes).toBeGreaterThan(64 * 1024);
    expect(big.value).toBeUndefined();
    const wrong = httpRpcClient({ ...ep, secret: 'wrong' });
    expect(await wrong.call('aria2.tellActive', [])).toMatchObject({ ok: false, error: 'Unauthorized' });
    wrong.close();
    h.close();
    w.close();
    expect(await w.call('aria2.tellActive', [])).toMatchObject({ ok: false });
  });

  it('polls tellActive then tellWaiting at the given rate, half over each transport', async () => {
    server = await fake(20);
    const load = await startRpcLoad({ port: server.port, secret: SECRET }, { clients: 4, hz: 10 });
    await sleep(300); // warm-up, not recorded
    load.startRecording();
    await sleep(2000);
    const s = await load.stop();
    expect(s).toMatchObject({ clients: 4, httpClients: 2, wsClients: 2, errors: 0 });
    expect(s.recordedSec).toBeGreaterThan(1.9);
    // 4 clients x 10 polls/s x 2 requests x 2 s = 160; generous margins for a loaded machine.
    expect(s.requests).toBeGreaterThan(80);
    expect(s.requests).toBeLessThanOrEqual(170);
    expect(s.all.count).toBe(s.requests);
    expect((s.http.count ?? 0) + (s.ws.count ?? 0)).toBe(s.requests);
    expect(s.http.count).toBeGreaterThan(20);
    expect(s.ws.count).toBeGreaterThan(20);
    // Half the requests wait 20 ms on the server: p99 is at least that, p50 about the fast half.
    expect(s.all.p99).toBeGreaterThanOrEqual(19);
    expect(s.bytes).toBeGreaterThan((s.requests / 2) * 64 * 1024);
    const polls = server.seen.methods.filter((m) => m !== 'aria2.getVersion');
    expect(polls.filter((m) => m === 'aria2.tellActive').length - polls.filter((m) => m === 'aria2.tellWaiting').length).toBeLessThanOrEqual(4);
    expect(server.seen.http).toBeGreaterThan(0);
    expect(server.seen.ws).toBeGreaterThan(0);
    // After stop, nothing more is sent.
    const after = server.seen.methods.length;
    await sleep(300);
    expect(server.seen.methods.length).toBe(after);
  });

  it('skips ticks instead of queueing requests when the daemon is slow', async () => {
    server = await fake(350);
    const load = await startRpcLoad({ port: server.port, secret: SECRET }, { clients: 2, hz: 10 });
    load.startRecording();
    await sleep(1600);
    const s = await load.stop();
    // Each poll takes >= 350 ms: at most ~5 polls per client in 1.6 s instead of 16.
    expect(s.requests).toBeLessThanOrEqual(2 * 2 * 6);
    expect(s.skippedTicks).toBeGreaterThan(10);
    expect(s.all.p99).toBeGreaterThanOrEqual(340);
  });

  it('counts failed requests and keeps a sample of their errors', async () => {
    server = await fake(0, ['aria2.tellActive']);
    const load = await startRpcLoad({ port: server.port, secret: SECRET }, { clients: 2, hz: 10 });
    load.startRecording();
    await sleep(800);
    const s = await load.stop();
    expect(s.errors).toBeGreaterThan(4);
    expect(s.errorSamples).toEqual(['no aria2.tellActive today']);
    expect(s.requests).toBeGreaterThan(4); // the tellWaiting halves
  });
});
