/**
 * The floor of `daemon-load`: a JSON-RPC server that builds nothing. Every call is answered with
 * pre-encoded bytes of the size a daemon's answer would have (`tellWaiting` and `tellStopped`:
 * one status entry of `entryBytes` per waiting download, `tellActive` one per active one, as the
 * real daemon reports them in its getGlobalStat, asked every 100 ms), over HTTP POST and
 * WebSocket at /jsonrpc like a daemon. The pollers of a run poll it while a real daemon downloads
 * with no clients: what the downloads lose then is what the load's bytes alone cost this machine
 * (sending, receiving and the pollers' own work), which no daemon can avoid.
 *
 * Invariant: an answer costs one small JSON.parse of the request and one socket write of
 * pre-encoded bytes; nothing is built or encoded per request.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { httpRpcClient, type RpcEndpoint } from './rpc-client.js';

/** Bytes of one status entry as a daemon encodes it without a key list (ferry: ~360). */
export const ENTRY_BYTES = 360;

export interface ReplayServer {
  port: number;
  close(): Promise<void>;
}

/** One status entry of exactly `size` bytes (a plausible aria2 status, its dir padded). */
function entry(i: number, size: number): string {
  const gid = i.toString(16).padStart(16, '0');
  const base = (dir: string): string =>
    JSON.stringify({
      gid,
      status: 'waiting',
      totalLength: '0',
      completedLength: '0',
      uploadLength: '0',
      downloadSpeed: '0',
      uploadSpeed: '0',
      connections: '0',
      dir,
      files: [
        { index: '1', path: '', length: '0', completedLength: '0', selected: 'true', uris: [{ uri: `http://127.0.0.1/plain/f${i}.bin`, status: 'waiting' }] },
      ],
    });
  const bare = base('').length;
  return base('/'.repeat(Math.max(1, size - bare)));
}

/** Pre-encoded `[e0,e1,...]` prefixes: `list(n)` is the array of the first n entries, no copy. */
function entryList(max: number, size: number): (n: number) => Buffer {
  const parts = Array.from({ length: max }, (_, i) => entry(i, size));
  const all = Buffer.from(`[${parts.join(',')}]`);
  const ends = [1];
  for (const p of parts) ends.push(ends[ends.length - 1] + Buffer.byteLength(p) + 1);
  const lists = new Map<number, Buffer>();
  return (n) => {
    const k = Math.max(0, Math.min(max, n));
    let b = lists.get(k);
    if (b === undefined) {
      b = k === 0 ? Buffer.from('[]') : Buffer.concat([all.subarray(0, ends[k] - 1), Buffer.from(']')]);
      lists.set(k, b);
    }
    return b;
  };
}

/**
 * Start a replay server on a free port of 127.0.0.1 sized after the daemon at `daemon` (up to
 * `maxEntries` entries per answer).
 */
export async function startReplayServer(daemon: RpcEndpoint, maxEntries: number, entryBytes = ENTRY_BYTES): Promise<ReplayServer> {
  const list = entryList(maxEntries, entryBytes);
  const counts = { active: 0, waiting: 0 };
  const control = httpRpcClient(daemon);
  let closed = false;
  const poll = async (): Promise<void> => {
    while (!closed) {
      const a = await control.call('aria2.getGlobalStat', [], true);
      const v = a.value as { numActive?: string; numWaiting?: string } | undefined;
      if (a.ok && v) {
        counts.active = Number(v.numActive ?? 0);
        counts.waiting = Number(v.numWaiting ?? 0);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const polling = poll();
  const small = Buffer.from('"OK"');
  /** The answer to one request text: its id spliced around the pre-encoded result. */
  const answer = (text: string): Buffer => {
    let id: unknown = null;
    let method = '';
    try {
      const req = JSON.parse(text) as { id?: unknown; method?: string };
      id = req.id ?? null;
      method = req.method ?? '';
    } catch {
      // answered like any call: the load only sends valid requests
    }
    const result =
      method === 'aria2.tellActive' ? list(counts.active) : method === 'aria2.tellWaiting' || method === 'aria2.tellStopped' ? list(counts.waiting) : small;
    return Buffer.concat([Buffer.from(`{"id":${JSON.stringify(id)},"jsonrpc":"2.0","result":`), result, Buffer.from('}')]);
  };
  const read = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  const server: Server = createServer((req, res) => {
    void read(req).then((text) => {
      const body = answer(text);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    });
  });
  const wss = new WebSocketServer({ server, path: '/jsonrpc', perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (data: Buffer) => ws.send(answer(data.toString('utf8')))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    async close() {
      closed = true;
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await polling;
      control.close();
    },
  };
}

/** Run as a script: `replay-server.ts DAEMON_PORT SECRET MAX_ENTRIES`; prints its port, serves until killed. */
async function main(argv: string[]): Promise<void> {
  const [daemonPort, secret, max] = argv;
  const s = await startReplayServer({ port: Number(daemonPort), secret }, Number(max));
  process.stdout.write(`${s.port}\n`);
  process.on('SIGTERM', () => void s.close().then(() => process.exit(0)));
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) void main(process.argv.slice(2));
