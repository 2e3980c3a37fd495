/** One RPC server over a fake service per test, with small limits so that tests reach them fast. */
import { afterEach, beforeEach } from 'vitest';
import { type RpcServer, type RpcServerOptions, startRpcServer } from '../../src/rpc/server.js';
import { FakeService } from './fake-service.js';
import { WsClient } from './rpc-client.js';

export const SECRET = 's3cret';
export const T = `token:${SECRET}`;
export const stat = { id: 1, method: 'aria2.getGlobalStat', params: [T] };

export class TestServer {
  service = new FakeService();
  server!: RpcServer;
  readonly clients: WsClient[] = [];

  /** (Re)start the server over `this.service`, with the test limits overridden by `extra`. */
  async start(extra: Partial<RpcServerOptions> = {}): Promise<void> {
    await this.server?.close();
    this.server = await startRpcServer({
      service: this.service,
      downloadRoot: '/srv/dl',
      secret: SECRET,
      version: '0.1.0',
      port: 0,
      maxBodyBytes: 64 * 1024,
      readTimeoutMs: 600,
      maxWebSockets: 3,
      auth: { delayMs: 300, maxFailures: 3, windowMs: 60_000 },
      progressIntervalMs: 100,
      ...extra,
    });
  }

  /** A WebSocket client, closed after the test. */
  async open(headers: Record<string, string> = {}): Promise<WsClient> {
    const c = await WsClient.open(this.server.port, headers);
    this.clients.push(c);
    return c;
  }
}

/** A fresh server (and service) for each test of the file. */
export function useTestServer(): TestServer {
  const t = new TestServer();
  beforeEach(async () => {
    t.service = new FakeService();
    await t.start();
  });
  afterEach(async () => {
    for (const c of t.clients.splice(0)) c.close();
    await t.server.close();
  });
  return t;
}
