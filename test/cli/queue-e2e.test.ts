import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;
let dir: string;
let server: TestServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-qcli-'));
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ferry -i (queue)', () => {
  it('hundreds of files from one input file mixing both formats, every byte checked, at most -j in flight', async () => {
    const bodies = new Map<string, Buffer>();
    const lines: string[] = ['# a list mixing ferry lines and aria2 entries', ''];
    for (let i = 0; i < 200; i++) {
      const name = `s${i}.bin`;
      const body = randomBytesSeeded(i % 50 === 0 ? i % 2 : 1000 + ((i * 7919) % 30_000), i);
      bodies.set(name, body);
      server.setFile(`/${name}`, { body });
      if (i % 2 === 0) lines.push(`-u ${server.url(`/${name}`)} -o ${name} -n 2`);
      else lines.push(`${server.url(`/src-${name}`)}\t${server.url(`/${name}`)}`, `  out=${name}`, '  split=2');
    }
    for (let i = 0; i < 3; i++) {
      const body = randomBytesSeeded(1024 * KiB + i, 1000 + i);
      bodies.set(`big${i}.bin`, body);
      server.setFile(`/big${i}.bin`, { body });
      lines.push(`--url "${server.url(`/big${i}.bin`)}" --concurrency 4`);
    }
    const list = path.join(dir, 'list.txt');
    await writeFile(list, lines.join('\n'));
    const out = path.join(dir, 'out');
    const r = await runCli(['-i', list, '-d', out, '-j', '5', '--min-split-size', '64k', '--retry-wait', '0.01']).exited;
    expect(r.stderr).toMatch(/203 files: 203 done/);
    expect(r.code).toBe(0);
    // Mirrors: the first URL of each aria2 entry does not exist, the second does (plus retries nothing).
    expect(server.stats.peakActiveResponses).toBeLessThanOrEqual(5 * 4);
    for (const [name, body] of bodies) expect(sha256(await readFile(path.join(out, name)))).toBe(sha256(body));
  });

  it('a bad input file: every bad line reported with its number, nothing downloaded', async () => {
    server.setFile('/ok', { body: Buffer.from('ok') });
    const list = path.join(dir, 'bad.txt');
    await writeFile(
      list,
      [`-u ${server.url('/ok')}`, '-u notaurl', `-u ${server.url('/ok')} -n 99`, '  out=orphan', `${server.url('/ok')}`, '  foo=bar'].join('\n'),
    );
    const r = await runCli(['-i', list, '-d', path.join(dir, 'out')]).exited;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.txt:2: /);
    expect(r.stderr).toMatch(/bad\.txt:3: /);
    expect(r.stderr).toMatch(/bad\.txt:4: /);
    expect(server.stats.requests).toBe(0);
    expect(await readdir(dir)).toEqual(['bad.txt']);
  });

  it('reads the list from stdin with -i -', async () => {
    server.setFile('/a', { body: Buffer.from('aaa') });
    server.setFile('/b', { body: Buffer.from('bbb') });
    const r = await runCli(['-i', '-', '-d', dir], { input: `${server.url('/a')}\n-u ${server.url('/b')}\n` }).exited;
    expect(r.code).toBe(0);
    expect(await readFile(path.join(dir, 'a'), 'utf8')).toBe('aaa');
    expect(await readFile(path.join(dir, 'b'), 'utf8')).toBe('bbb');
  });

  it('several URLs on the command line form one queue; a failure gives a non-zero exit and a table', async () => {
    server.setFile('/x', { body: Buffer.from('x') });
    const r = await runCli([server.url('/x'), server.url('/missing'), '-d', dir]).exited;
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/FAILED/);
    expect(r.stderr).toMatch(/2 files: 1 done, 1 failed/);
  });

  it('--save-session, SIGKILL, then -i SESSION continues every file byte-exact', async () => {
    const bodies = new Map<string, Buffer>();
    for (let i = 0; i < 4; i++) {
      const body = randomBytesSeeded(1024 * KiB, 50 + i);
      bodies.set(`k${i}.bin`, body);
      server.setFile(`/k${i}.bin`, { body, etag: `"k${i}"` });
    }
    server.setFaults({ throttleBytesPerSec: 300 * KiB });
    const session = path.join(dir, 'session.txt');
    const out = path.join(dir, 'out');
    const urls = [...bodies.keys()].map((n) => server.url(`/${n}`));
    const run = runCli([...urls, '-d', out, '-j', '2', '-n', '2', '--min-split-size', '64k', '--save-session', session, '-q']);
    await new Promise((r) => setTimeout(r, 1500));
    run.child.kill('SIGKILL');
    await run.exited;
    const saved = await readFile(session, 'utf8');
    expect(saved.split('\n').filter((l) => l.startsWith('http')).length).toBe(4);
    server.setFaults({ throttleBytesPerSec: undefined });
    const again = await runCli(['-i', session, '-q']).exited;
    expect(again.code).toBe(0);
    for (const [name, body] of bodies) expect(sha256(await readFile(path.join(out, name)))).toBe(sha256(body));
  });
});
