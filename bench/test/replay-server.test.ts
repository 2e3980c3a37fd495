import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ENTRY_BYTES, startReplayServer } from '../lib/replay-server.js';
import { httpRpcClient, wsRpcClient } from '../lib/rpc-client.js';

/** A daemon that only answers getGlobalStat with the counts in `counts`. */
async function statDaemon(counts: { active: number; waiting: number }) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.end(JSON.stringify({ id: 1, jsonrpc: '2.0', result: { numActive: String(counts.active), numWaiting: String(counts.waiting) } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('the replay server of the daemon-load floor', () => {
  it('answers with pre-encoded lists sized after the daemon, over HTTP and WebSocket, ids spliced', async () => {
    const counts = { active: 3, waiting: 40 };
    const daemon = await statDaemon(counts);
    const replay = await startReplayServer({ port: daemon.port, secret: 's' }, 50);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const http = httpRpcClient({ port: replay.port, secret: 's' });
      const ws = await wsRpcClient({ port: replay.port, secret: 's' });
      for (const c of [http, ws]) {
        const waiting = await c.call('aria2.tellWaiting', [0, 1000], true);
        expect(waiting.ok).toBe(true);
        expect(waiting.value).toHaveLength(40);
        const active = await c.call('aria2.tellActive', [], true);
        expect(active.value).toHaveLength(3);
        const one = JSON.stringify((active.value as unknown[])[0]);
        expect(one.length).toBe(ENTRY_BYTES);
      }
      counts.waiting = 0;
      await new Promise((r) => setTimeout(r, 300));
      expect((await http.call('aria2.tellWaiting', [0, 1000], true)).value).toEqual([]);
      // More waiting than the server holds: capped at its maximum.
      counts.waiting = 70;
      await new Promise((r) => setTimeout(r, 300));
      expect((await ws.call('aria2.tellWaiting', [0, 1000], true)).value).toHaveLength(50);
      http.close();
      ws.close();
    } finally {
      await replay.close();
      await daemon.close();
    }
  });
});
