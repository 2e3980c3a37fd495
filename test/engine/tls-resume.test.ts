import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { useEngineFixture } from '../helpers/engine-fixture.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { makeTestCertificates } from '../helpers/tls.js';

const KiB = 1024;
const fx = useEngineFixture('ferry-tls-resume-');

/** An HTTPS server that closes every connection after its response, noting each handshake. */
interface ClosingServer {
  url(name: string): string;
  /** One entry per TLS handshake, in order: whether it resumed a session. */
  handshakes: boolean[];
  close(): Promise<void>;
}

/** `rotate`: new ticket keys at every request (the tickets handed out before are then unknown). */
async function startClosingServer(files: Record<string, Buffer>, tlsVersion: 'TLSv1.2' | 'TLSv1.3', rotate = false): Promise<ClosingServer> {
  const certs = await makeTestCertificates();
  const handshakes: boolean[] = [];
  const server = https.createServer({ cert: certs.certPem, key: certs.keyPem, minVersion: tlsVersion, maxVersion: tlsVersion }, (req, res) => {
    const body = files[new URL(req.url ?? '/', 'https://x').pathname];
    if (rotate) server.setTicketKeys(randomBytes(48));
    if (body === undefined) {
      res.writeHead(404, { Connection: 'close' }).end();
      return;
    }
    res.writeHead(200, { 'Content-Length': body.length, 'Accept-Ranges': 'bytes', 'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT', Connection: 'close' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.on('secureConnection', (socket: TLSSocket) => handshakes.push(socket.isSessionReused()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `https://127.0.0.1:${port}${name}`,
    handshakes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const servers: ClosingServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/**
 * Serve `bodies` as /NAME0, /NAME1, ... and download them one at a time over one connection each
 * with one engine; every file must be complete and byte-exact. Returns the server's handshakes.
 */
async function downloadOneByOne(bodies: Buffer[], name: string, version: 'TLSv1.2' | 'TLSv1.3', rotate = false): Promise<boolean[]> {
  const s = await startClosingServer(Object.fromEntries(bodies.map((b, i) => [`/${name}${i}`, b])), version, rotate);
  servers.push(s);
  const { caFile } = await makeTestCertificates();
  const engine = fx.engine({ maxActive: 1, connections: 1, caCertificate: caFile });
  for (let i = 0; i < bodies.length; i++) engine.add(s.url(`/${name}${i}`));
  await engine.whenIdle();
  for (const d of engine.list()) expect(d.state).toBe('complete');
  for (const [i, b] of bodies.entries()) expect(sha256(await readFile(path.join(fx.dir, `${name}${i}`)))).toBe(sha256(b));
  return s.handshakes;
}

describe('HTTPS connections of one engine resume the TLS session of their origin', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`${version}: every connection after the first resumes, files at the edges byte-exact`, async () => {
      const sizes = [0, 1, 16 * KiB - 1, 16 * KiB, 16 * KiB + 1, 200 * KiB];
      const bodies = sizes.map((n, i) => randomBytesSeeded(n, `tls-${version}-${i}`));
      const handshakes = await downloadOneByOne(bodies, 'f', version);
      // One connection per response (the server closes each): the first handshake is a full one.
      expect(handshakes.length).toBe(bodies.length);
      expect(handshakes[0]).toBe(false);
      expect(handshakes.slice(1)).toEqual(bodies.slice(1).map(() => true));
    });
  }

  it('a session the server no longer knows gets a full handshake, and the download goes on', async () => {
    const bodies = [0, 1, 2].map((i) => randomBytesSeeded(40 * KiB + i, `tls-rotate-${i}`));
    // New ticket keys at each request: no session can be resumed.
    expect(await downloadOneByOne(bodies, 'r', 'TLSv1.3', true)).toEqual([false, false, false]);
  });
});
