import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;
let dir: string;
let servers: TestServer[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-mcli-'));
  servers = await Promise.all(['127.0.0.1', '127.0.0.2', '127.0.0.3'].map((host) => startTestServer({ host })));
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

function serveEverywhere(name: string, body: Buffer): string[] {
  for (const s of servers) {
    s.setFile(name, { body });
    s.setFaults({ throttleBytesPerSec: 512 * KiB });
  }
  return servers.map((s) => s.url(name));
}

describe('ferry -i with mirrors', () => {
  it("an aria2 entry's TAB-separated URIs with split=6: every mirror serves ranges, the file is exact", async () => {
    const body = randomBytesSeeded(2 * 1024 * KiB + 1, 'tab');
    const urls = serveEverywhere('/t.bin', body);
    const list = path.join(dir, 'list.txt');
    await writeFile(list, `${urls.join('\t')}\n  out=t.bin\n  split=6\n`);
    const r = await runCli(['-i', list, '-d', dir, '--max-connections-per-host', '2', '--min-split-size', '64k', '--retry-wait', '0.01']).exited;
    expect(r.stderr).toMatch(/1 file: 1 done|1 files: 1 done/);
    expect(r.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 't.bin')))).toBe(sha256(body));
    for (const s of servers) {
      expect(s.stats.bodyBytesSent).toBeGreaterThan(128 * KiB);
      expect(s.stats.peakActiveResponses).toBeLessThanOrEqual(2);
    }
  });

  it('a ferry line with several -u: a mirror of another size is not used (said on stderr), the file is exact', async () => {
    const body = randomBytesSeeded(1024 * KiB, 'dash-u');
    const urls = serveEverywhere('/u.bin', body);
    servers[2].setFile('/u.bin', { body: body.subarray(1) });
    const list = path.join(dir, 'list.txt');
    await writeFile(list, `-u ${urls[0]} -u ${urls[1]} -u ${urls[2]} -n 4 --max-connections-per-host 2 -o u.bin\n`);
    const r = await runCli(['-i', list, '-d', dir, '--min-split-size', '64k', '--retry-wait', '0.01']).exited;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`mirror ${urls[2]} reports ${body.length - 1} bytes, not ${body.length}: not used`);
    expect(sha256(await readFile(path.join(dir, 'u.bin')))).toBe(sha256(body));
    expect(servers[1].stats.bodyBytesSent).toBeGreaterThan(128 * KiB);
    expect(servers[2].stats.requests).toBe(1);
  });

  it('every mirror missing: one clear failure, exit non-zero, no stack trace', async () => {
    const list = path.join(dir, 'list.txt');
    await writeFile(list, `${servers.map((s) => s.url('/none')).join('\t')}\n`);
    const r = await runCli(['-i', list, '-d', dir, '--retry-wait', '0.01']).exited;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/404/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
