import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Nginx, parseAccessLog, renderNginxConf, startNginx } from '../lib/nginx.js';
import { which } from '../lib/participants.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('nginx config and log', () => {
  it('renders the locations with the configured caps', () => {
    const conf = renderNginxConf({ prefix: '/p', port: 8123, dataDir: '/d', capBytesPerSec: 20971520, resumeCapBytesPerSec: 2097152 });
    expect(conf).toContain('daemon off;');
    expect(conf).toContain('master_process off;');
    expect(conf).toContain('listen 127.0.0.1:8123;');
    expect(conf).toMatch(/location \/capped\/ \{ alias \/d\/; limit_rate 20971520;/);
    expect(conf).toMatch(/location \/resume\/ \{ alias \/d\/; limit_rate 2097152;/);
    expect(conf).toMatch(/location \/noranges\/ \{ alias \/d\/; max_ranges 0; \}/);
    expect(conf).toContain("log_format bench '$arg_run\\t$status\\t$bytes_sent\\t$body_bytes_sent\\t$request_time\\t$http_range';");
  });
  it('parses tab-separated lines and skips junk', () => {
    const entries = parseAccessLog('t1\t206\t1300\t1000\t0.010\tbytes=0-999\nnot a line\n-\t200\t240\t0\t0.000\t-\n');
    expect(entries).toEqual([
      { tag: 't1', status: 206, bytesSent: 1300, bodyBytesSent: 1000, requestTimeSec: 0.01, range: 'bytes=0-999' },
      { tag: '-', status: 200, bytesSent: 240, bodyBytesSent: 0, requestTimeSec: 0, range: '-' },
    ]);
  });
});

describe('nginx (real, loopback)', () => {
  const body = randomBytes(1024 * 1024 + 3);
  let dir = '';
  let nginx: Nginx;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-bench-nginx-'));
    await mkdir(join(dir, 'data'));
    await writeFile(join(dir, 'data', 'f.bin'), body);
    const bin = await which('nginx', `${process.env.PATH ?? ''}:/usr/sbin`);
    if (bin === undefined) throw new Error('nginx is required by the benchmark (apt-get install -y nginx-light)');
    nginx = await startNginx(bin, {
      prefix: join(dir, 'nginx'),
      dataDir: join(dir, 'data'),
      capBytesPerSec: 4 * 1024 * 1024,
      resumeCapBytesPerSec: 2 * 1024 * 1024,
    });
  });
  afterAll(async () => {
    await nginx?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the file byte-exact and honours ranges on /plain/', async () => {
    const whole = await fetch(`${nginx.baseUrl}/plain/f.bin?run=a`);
    expect(sha(Buffer.from(await whole.arrayBuffer()))).toBe(sha(body));
    const part = await fetch(`${nginx.baseUrl}/plain/f.bin?run=a`, { headers: { Range: 'bytes=1-1' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(body.subarray(1, 2));
  });

  it('ignores ranges on /noranges/ and does not advertise them', async () => {
    const r = await fetch(`${nginx.baseUrl}/noranges/f.bin?run=b`, { headers: { Range: 'bytes=10-20' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('accept-ranges')).toBeNull();
    expect(sha(Buffer.from(await r.arrayBuffer()))).toBe(sha(body));
  });

  it('caps each connection on /capped/ and logs body bytes per tag', async () => {
    const t = performance.now();
    const r = await fetch(`${nginx.baseUrl}/capped/f.bin?run=c`);
    expect(sha(Buffer.from(await r.arrayBuffer()))).toBe(sha(body));
    // 1 MiB at 4 MiB/s: ~250 ms (one 128 KiB chunk of head start allowed).
    expect(performance.now() - t).toBeGreaterThanOrEqual(200);
    await (await fetch(`${nginx.baseUrl}/capped/f.bin?run=c`, { headers: { Range: 'bytes=0-99' } })).arrayBuffer();
    await new Promise((res) => setTimeout(res, 100));
    expect(await nginx.bodyBytesFor('c')).toBe(body.length + 100);
    expect(await nginx.bodyBytesFor('a')).toBe(body.length + 1);
    expect(await nginx.bodyBytesFor('nobody')).toBe(0);
  });

  it('stops by PID and frees the port', async () => {
    const port = Number(new URL(nginx.baseUrl).port);
    await nginx.stop();
    const refused = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
