/** The hermetic FTP server helper itself, spoken to over raw sockets. */
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { startFtpServer, type TestFtpServer } from '../helpers/ftp-server.js';
import { makeTestCertificates } from '../helpers/tls.js';

let server: TestFtpServer;
afterEach(() => server.close());

/** A line-oriented raw client: `next()` is the next reply line. */
function client(socket: net.Socket) {
  let buf = '';
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  socket.on('data', (d) => {
    buf += d.toString();
    for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 2);
    }
    wake?.();
  });
  const next = async (): Promise<string> => {
    while (lines.length === 0) await new Promise<void>((r) => (wake = r));
    return lines.shift() as string;
  };
  return {
    next,
    async send(line: string): Promise<string> {
      socket.write(`${line}\r\n`);
      return next();
    },
  };
}

async function plain(): Promise<ReturnType<typeof client>> {
  const s = net.connect(server.port, '127.0.0.1');
  const c = client(s);
  expect(await c.next()).toMatch(/^220 /);
  return c;
}

describe('test FTP server', () => {
  it('requires a login, then announces the switched PASV address', async () => {
    server = await startFtpServer({ files: { '/f': { body: Buffer.alloc(10), mtime: new Date(0) } } });
    const c = await plain();
    expect(await c.send('SIZE f')).toMatch(/^530 /);
    expect(await c.send('USER anonymous')).toMatch(/^331 /);
    expect(await c.send('PASS x@')).toMatch(/^230 /);
    expect(await c.send('SIZE f')).toBe('213 10');
    expect(await c.send('PASV')).toMatch(/^227 .*\(127,0,0,1,\d+,\d+\)/);
    server.switches.announcePrivateAddress = true;
    expect(await c.send('PASV')).toMatch(/^227 .*\(10,0,0,1,\d+,\d+\)/);
    server.switches.epsv = false;
    expect(await c.send('EPSV')).toMatch(/^502 /);
    expect(server.stats.commands).toContain('PASS ****');
  });

  it('aborts a running transfer on ABOR with 426 then 226', async () => {
    server = await startFtpServer({
      files: { '/f': { body: Buffer.alloc(100_000, 1), mtime: new Date(0) } },
      switches: { dataBytesPerSec: 10_000 },
    });
    const c = await plain();
    await c.send('USER anonymous');
    await c.send('PASS x@');
    expect(await c.send('ABOR')).toMatch(/^225 /);
    const port = Number(/\|\|\|(\d+)\|/.exec(await c.send('EPSV'))?.[1]);
    const data = net.connect(port, '127.0.0.1');
    let got = 0;
    data.on('data', (d) => (got += d.length));
    expect(await c.send('RETR f')).toMatch(/^150 /);
    await new Promise((r) => setTimeout(r, 120));
    expect(await c.send('ABOR')).toMatch(/^426 /);
    expect(await c.next()).toMatch(/^226 /);
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(100_000);
    expect(server.stats.retrOffsets).toEqual([0]);
  });

  it('refuses connections over maxConnections with 421', async () => {
    server = await startFtpServer({ switches: { maxConnections: 1 } });
    await plain();
    const second = client(net.connect(server.port, '127.0.0.1'));
    expect(await second.next()).toMatch(/^421 /);
    expect([server.stats.refused, server.stats.peakSessions]).toEqual([1, 1]);
  });

  it('speaks implicit TLS from the first byte', async () => {
    const { caPem } = await makeTestCertificates();
    server = await startFtpServer({ switches: { tls: 'implicit' } });
    const s = tls.connect({ host: '127.0.0.1', port: server.port, ca: caPem });
    const c = client(s);
    expect(await c.next()).toMatch(/^220 /);
    expect(s.authorized).toBe(true);
    expect(await c.send('PROT P')).toMatch(/^200 /);
  });
});
