import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;
const DATE = 'Wed, 21 Oct 2015 07:28:00 GMT';
let dir: string;
let out: string;
let server: TestServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-pcli-'));
  out = path.join(dir, 'out');
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Run ferry and SIGKILL it after `ms` (if it is still running); resolves true when it was killed. */
async function runAndKill(args: string[], ms: number): Promise<boolean> {
  const run = runCli(args);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), ms);
  const { signal } = await run.exited;
  clearTimeout(timer);
  return signal === 'SIGKILL';
}

/**
 * The invariant a kill must never break: every byte the control file claims is in the partial
 * file, and is the byte of the version (ETag) the control file names.
 */
async function checkClaims(name: string, versions: Record<string, Buffer>): Promise<void> {
  const control = path.join(out, `${name}.ferry`);
  if (!existsSync(control)) return;
  const state = JSON.parse(await readFile(control, 'utf8')) as { etag?: string; done: [number, number][] };
  if (state.done.length === 0) return;
  const body = versions[state.etag ?? ''];
  expect(body, `a control file claiming bytes names a known version (${state.etag})`).toBeDefined();
  const part = await readFile(path.join(out, `${name}.part`));
  for (const [start, end] of state.done) expect(sha256(part.subarray(start, end)), `${name} bytes ${start}-${end}`).toBe(sha256(body.subarray(start, end)));
}

describe('ferry: output paths of a queue', () => {
  it('same names in one list: download, download.1 in --json, the summary and notes; each byte-exact', async () => {
    const bodies = [0, 1, 2].map((i) => randomBytesSeeded(10 * KiB + i, `j${i}`));
    for (const [i, body] of bodies.entries()) server.setFile(`/s${i}/download`, { body });
    const list = path.join(dir, 'list.txt');
    await writeFile(list, bodies.map((_, i) => server.url(`/s${i}/download?id=${i}`)).join('\n'));
    const r = await runCli(['-i', list, '-d', out, '--json']).exited;
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; name?: string; message?: string });
    // One result event per download, in queue order.
    expect(events.filter((e) => e.event === 'result').map((e) => e.name)).toEqual(['download', 'download.1', 'download.2']);
    expect(events.filter((e) => e.event === 'note').map((e) => `${e.name}: ${e.message}`)).toContain(
      'download.1: another download of this queue saves as download; saving as download.1',
    );
    for (const [i, body] of bodies.entries()) expect(sha256(await readFile(path.join(out, i === 0 ? 'download' : `download.${i}`)))).toBe(sha256(body));
    const human = await runCli(['-i', list, '-d', path.join(dir, 'out2')]).exited;
    // The summary table names each file as saved.
    expect(human.stderr).toMatch(/^download\.2 +done/m);
    expect(human.stderr).toMatch(/^download\.1 +done/m);
  });

  it('an explicit -o used by two entries: one clear line, exit 2, nothing downloaded', async () => {
    server.setFile('/a', { body: Buffer.from('a') });
    server.setFile('/b', { body: Buffer.from('b') });
    const list = path.join(dir, 'list.txt');
    await writeFile(list, [`-u ${server.url('/a')} -o same.bin`, `-u ${server.url('/b')} -o ./same.bin`].join('\n'));
    const r = await runCli(['-i', list, '-d', out]).exited;
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ferry: download 2 \(http:\/\/127\.0\.0\.1:\d+\/b\): output .*same\.bin is also used by another download of this queue/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(server.stats.requests).toBe(0);
    expect(existsSync(out)).toBe(false);
  });

  it('--auto-file-renaming=false: an existing file is an error (use --overwrite), as before', async () => {
    server.setFile('/f.bin', { body: Buffer.from('new') });
    await mkdir(out);
    await writeFile(path.join(out, 'f.bin'), 'mine');
    const r = await runCli([server.url('/f.bin'), '-d', out, '--auto-file-renaming=false']).exited;
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/f\.bin already exists \(use --overwrite to replace it/);
    const renamed = await runCli([server.url('/f.bin'), '-d', out]).exited;
    expect(renamed.code).toBe(0);
    expect(renamed.stderr).toMatch(/f\.bin exists; saving as f\.bin\.1/);
    expect(await readFile(path.join(out, 'f.bin'), 'utf8')).toBe('mine');
    expect(await readFile(path.join(out, 'f.bin.1'), 'utf8')).toBe('new');
  });
});

describe('ferry: SIGKILL at random moments', () => {
  it('around a restart (the file changed on the server): no kill leaves a control file claiming bytes that are not there', async () => {
    const size = 1024 * KiB;
    const oldBody = randomBytesSeeded(size, 'old');
    const newBody = randomBytesSeeded(size, 'new');
    server.setFile('/f.bin', { body: newBody, etag: '"new"' });
    server.setFaults({ throttleBytesPerSec: 512 * KiB });
    const url = server.url('/f.bin');
    const args = [url, '-d', out, '-n', '4', '--min-split-size', '64k', '--no-fsync', '-q'];
    const versions = { '"old"': oldBody, '"new"': newBody };
    let killed = 0;
    for (let i = 0; i < 8; i++) {
      // An earlier run saved half of the old version.
      await rm(out, { recursive: true, force: true });
      await mkdir(out);
      const part = Buffer.alloc(size);
      oldBody.copy(part, 0, 0, size / 2);
      await writeFile(path.join(out, 'f.bin.part'), part);
      await writeFile(path.join(out, 'f.bin.ferry'), JSON.stringify({ ferry: 'control', version: 1, url, size, etag: '"old"', done: [[0, size / 2]] }));
      if (await runAndKill(args, 150 + Math.floor(Math.random() * 700))) killed++;
      await checkClaims('f.bin', versions);
      expect(await readdir(out)).not.toContain('f.bin.1');
    }
    expect(killed).toBeGreaterThanOrEqual(6);
    server.setFaults({ throttleBytesPerSec: undefined });
    const r = await runCli(args).exited;
    expect(r.code).toBe(0);
    expect(sha256(await readFile(path.join(out, 'f.bin')))).toBe(sha256(newBody));
    expect((await readdir(out)).sort()).toEqual(['f.bin']);
  });

  it('a crowded queue (20 files, 5 with one name) killed again and again: every file byte-exact at its own name', async () => {
    const expected = new Map<string, Buffer>();
    const lines: string[] = [];
    let same = 0;
    for (let i = 0; i < 20; i++) {
      const body = randomBytesSeeded(i % 7 === 0 ? i % 2 : 40 * KiB + ((i * 7919) % (300 * KiB)), `crowd-${i}`);
      if (i % 4 === 1) {
        server.setFile(`/m${i}/data.bin`, { body, etag: `"${i}"`, lastModified: DATE });
        lines.push(server.url(`/m${i}/data.bin?id=${i}`));
        expected.set(same === 0 ? 'data.bin' : `data.bin.${same}`, body);
        same++;
      } else {
        server.setFile(`/f${i}.bin`, { body, etag: `"${i}"`, lastModified: DATE });
        lines.push(server.url(`/f${i}.bin`));
        expected.set(`f${i}.bin`, body);
      }
    }
    expect(same).toBe(5);
    const list = path.join(dir, 'list.txt');
    await writeFile(list, lines.join('\n'));
    // Slow enough that five kills land before the list is done, however fast this machine is.
    server.setFaults({ throttleBytesPerSec: 64 * KiB });
    const args = ['-i', list, '-d', out, '-j', '5', '-n', '2', '--min-split-size', '16k', '--retry-wait', '0.01', '--no-fsync', '-q'];
    let killed = 0;
    for (let kill = 0; kill < 5; kill++) if (await runAndKill(args, 200 + Math.floor(Math.random() * 900))) killed++;
    expect(killed).toBeGreaterThanOrEqual(3);
    server.setFaults({ throttleBytesPerSec: undefined });
    let code: number | null = null;
    for (let run = 0; run < 3 && code !== 0; run++) code = (await runCli(args).exited).code;
    expect(code).toBe(0);
    expect((await readdir(out)).sort()).toEqual([...expected.keys()].sort());
    for (const [name, body] of expected) expect(sha256(await readFile(path.join(out, name))), name).toBe(sha256(body));
    // Once more: everything is already complete at its name, nothing new appears.
    const again = await runCli(args).exited;
    expect(again.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual([...expected.keys()].sort());
  }, 120_000);
});
