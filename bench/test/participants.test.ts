import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../lib/args.js';
import { startLatencyServer } from '../lib/latency-server.js';
import { participants, shortVersion, unavailable, which } from '../lib/participants.js';
import { describe as describeScenario, idealBytesPerSec, timeoutFor } from '../lib/scenarios.js';
import type { BenchConfig } from '../lib/types.js';

const job = { url: 'http://127.0.0.1:1/f?run=x', dir: '/out', file: 'out.bin', connections: 16 };

describe('participants', () => {
  const all = participants('/repo/dist/cli/ferry');
  const byName = (n: string) => all.find((p) => p.name === n);

  it('builds the documented command lines', () => {
    const line = (n: string): string => {
      const p = byName(n);
      if (!p) throw new Error(n);
      return [p.program, ...p.prefixArgs, ...p.args(job)].join(' ');
    };
    expect(line('ferry')).toBe('/repo/dist/cli/ferry http://127.0.0.1:1/f?run=x -n 16 -o out.bin -d /out -q');
    expect(line('aria2c')).toBe(
      'aria2c -x16 -s16 -k1M -d /out -o out.bin --quiet=true --summary-interval=0 --console-log-level=error http://127.0.0.1:1/f?run=x',
    );
    expect(line('axel')).toBe('axel -n 16 -q -o /out/out.bin http://127.0.0.1:1/f?run=x');
    expect(line('curl')).toBe('curl -sS -f -o /out/out.bin http://127.0.0.1:1/f?run=x');
    expect(line('wget')).toBe('wget -q -O /out/out.bin http://127.0.0.1:1/f?run=x');
    expect(line('lftp')).toBe('lftp -c pget -n 16 "http://127.0.0.1:1/f?run=x" -o "/out/out.bin"');
    expect(byName('lftp')?.scenarios).toEqual(['capped', 'latency']);
    const copy = byName('dd-fdatasync');
    expect(copy && [copy.program, ...copy.args({ ...job, source: '/data/f' })].join(' ')).toBe(
      'dd if=/data/f of=/out/out.bin bs=4M conv=fdatasync status=none',
    );
    expect(() => copy?.args(job)).toThrow(/needs the local file/);
  });

  it('keeps aria2c within its 16-connection limit', () => {
    expect(
      byName('aria2c')
        ?.args({ ...job, connections: 32 })
        .slice(0, 2),
    ).toEqual(['-x16', '-s32']);
  });

  it('takes part where it makes sense', () => {
    expect(byName('wget')?.scenarios).toEqual(['unthrottled', 'no-ranges']);
    expect(byName('curl')?.scenarios).not.toContain('resume');
    expect(byName('ferry')?.scenarios).toContain('resume');
  });

  it('reports a missing program or script as unavailable', async () => {
    expect(await which('sh')).toMatch(/\/sh$/);
    expect(await which('ferry-bench-no-such-tool')).toBeUndefined();
    const ferry = byName('ferry');
    if (!ferry) throw new Error('ferry');
    expect(await unavailable({ ...ferry, program: 'sh' })).toBe('not built: /repo/dist/cli/ferry (npm run build)');
    expect(await unavailable({ ...ferry, program: 'ferry-bench-no-such-tool', requires: '/' })).toBe('not installed: ferry-bench-no-such-tool');
    expect(await unavailable({ ...ferry, program: 'sh', requires: '/' })).toBeUndefined();
  });

  it('shortens version banners', () => {
    expect(shortVersion('curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/3.0.19\nRelease-Date: x')).toBe('curl 7.88.1');
    expect(shortVersion('\naria2 version 1.36.0\n')).toBe('aria2 version 1.36.0');
    expect(shortVersion('nginx version: nginx/1.22.1\n')).toBe('nginx version: nginx/1.22.1');
    expect(shortVersion('')).toBeUndefined();
  });
});

describe('scenarios', () => {
  const c = parseArgs([], '/r') as BenchConfig;
  it('has an ideal only where connections are capped', () => {
    expect(idealBytesPerSec('capped', c)).toBe(16 * 20 * 1024 * 1024);
    expect(idealBytesPerSec('latency', c)).toBe(16 * 20 * 1024 * 1024);
    expect(idealBytesPerSec('unthrottled', c)).toBeUndefined();
  });
  it('gives a single capped connection time to finish', () => {
    // 256 MiB at 20 MiB/s = 12.8 s for curl; the timeout leaves room.
    expect(timeoutFor('capped', 256 * 1024 * 1024, c)).toBe(30_000 + 3 * 12_800);
    expect(timeoutFor('capped', 1, { ...c, timeoutMs: 5 })).toBe(5);
  });
  it('describes each scenario with its numbers', () => {
    expect(describeScenario('capped', c)).toContain('ideal = 16 x cap = 320 MiB/s');
    expect(describeScenario('latency', c, 'S')).toContain('from S, 20 MiB/s per connection and 50 ms');
    expect(describeScenario('resume', c)).toContain('after 3.0 s');
    expect(describeScenario('files-500', c)).toContain('500 files of 64 KiB (31.3 MiB in all) from nginx on 127.0.0.1, no limits; 16 downloads at once');
    expect(describeScenario('files-500-latency', c, 'S')).toContain('from S, 20 ms before the first byte of every response');
    expect(describeScenario('ftp', c)).toMatch(/^256 MiB from vsftpd on 127\.0\.0\.1/);
    expect(describeScenario('ftps', c)).toContain('explicit FTPS');
  });
  it('gives a sequential list client time to finish', () => {
    // wget: 500 files one after another, each 20 ms late and 64 KiB at the slowest speed (20 MiB/s).
    expect(timeoutFor('files-500-latency', 64 * 1024, c)).toBe(Math.round(30_000 + 3 * 500 * (20 + 3.125)));
    expect(timeoutFor('files-500', 64 * 1024, c)).toBe(Math.round(30_000 + 3 * 500 * 3.125));
    expect(timeoutFor('ftp', 256 * 1024 * 1024, c)).toBe(30_000 + 3 * 12_800);
    expect(idealBytesPerSec('ftp', c)).toBeUndefined();
  });
});

describe('latency server', () => {
  const body = randomBytes(64 * 1024 + 1);
  const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
  for (const choice of ['auto', 'own'] as const) {
    it(`(${choice}) serves the file byte-exact after the first-byte delay`, async () => {
      const s = await startLatencyServer({ choice, files: { '/f': body }, rateBytesPerSec: 8 * 1024 * 1024, firstByteDelayMs: 50 });
      try {
        expect(s.label).toBe(choice === 'own' ? 'bench/lib/paced-server.ts' : 'test/helpers/http-server.ts');
        const t = performance.now();
        expect(s.url('/f', 'a b')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/f\?run=a%20b$/);
        const r = await fetch(s.url('/f', 'tag-1'), { headers: { Range: 'bytes=1-' } });
        expect(performance.now() - t).toBeGreaterThanOrEqual(45);
        expect(r.status).toBe(206);
        expect(sha(Buffer.from(await r.arrayBuffer()))).toBe(sha(body.subarray(1)));
      } finally {
        await s.close();
      }
    });
  }
});
