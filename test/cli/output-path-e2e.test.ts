/** `-o` as users type it: absolute, relative to the current directory or to -d, with `..`. */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;
let dir: string;
let server: TestServer;
let body: Buffer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-outpath-'));
  server = await startTestServer();
  body = randomBytesSeeded(300 * KiB + 7, 'outpath');
  server.setFile('/linux.iso', { body });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** ferry with `args` in `cwd`; expects exit 0 and the file at `where` byte-exact, alone in its directory. */
async function expectSaved(args: string[], where: string, cwd = dir): Promise<void> {
  const r = await runCli([...args, '--min-split-size', '64k'], { cwd }).exited;
  expect(r.stderr).not.toMatch(/^ferry: .*(error|refus)/im);
  expect(r.code).toBe(0);
  expect(sha256(await readFile(where))).toBe(sha256(body));
  expect(await readdir(path.dirname(where))).toEqual([path.basename(where)]);
}

describe('ferry -o PATH', () => {
  it('an absolute path, its missing directories created, with 4 connections', async () => {
    const where = path.join(dir, 'data', 'new', 'deeper', 'linux.iso');
    await expectSaved([server.url('/linux.iso'), '-o', where, '-n', '4'], where);
  });

  it('an absolute path ignores -d (as curl and wget): nothing is created in DIR', async () => {
    const where = path.join(dir, 'abs', 'x.iso');
    await expectSaved([server.url('/linux.iso'), '-d', path.join(dir, 'ignored'), '-o', where], where);
    expect(existsSync(path.join(dir, 'ignored'))).toBe(false);
  });

  it('a relative path is relative to the current directory', async () => {
    await mkdir(path.join(dir, 'cwd'));
    await expectSaved([server.url('/linux.iso'), '-o', 'sub/x.iso'], path.join(dir, 'cwd', 'sub', 'x.iso'), path.join(dir, 'cwd'));
  });

  it('a relative path with -d is inside DIR', async () => {
    await expectSaved([server.url('/linux.iso'), '-d', 'dl', '-o', 'sub/x.iso', '-n', '3'], path.join(dir, 'dl', 'sub', 'x.iso'));
  });

  it('.. climbs from the current directory, or from DIR', async () => {
    await mkdir(path.join(dir, 'work'));
    await expectSaved([server.url('/linux.iso'), '-o', '../up/x.iso'], path.join(dir, 'up', 'x.iso'), path.join(dir, 'work'));
    await expectSaved([server.url('/linux.iso'), '-d', path.join(dir, 'd1', 'd2'), '-o', '../../side/y.iso'], path.join(dir, 'side', 'y.iso'));
  });

  it('a file named - (./-) is a file, not standard output', async () => {
    await mkdir(path.join(dir, 'dash'));
    const r = await runCli([server.url('/linux.iso'), '-o', './-'], { cwd: path.join(dir, 'dash') }).exited;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(sha256(await readFile(path.join(dir, 'dash', '-')))).toBe(sha256(body));
  });

  it('a path ending in / is one clear line, exit 2', async () => {
    const r = await runCli([server.url('/linux.iso'), '-o', `${dir}/data/`]).exited;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^ferry: output path '.*\/data\/' names a directory, not a file \(/)]);
    expect(server.stats.requests).toBe(0);
  });

  it('a server name stays a base name inside DIR whatever -d is', async () => {
    server.setFile('/cd', { body, contentDisposition: 'attachment; filename="../../escape.iso"' });
    const r = await runCli([server.url('/cd'), '-d', path.join(dir, 'in')]).exited;
    expect(r.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'in', 'escape.iso')))).toBe(sha256(body));
    expect(existsSync(path.join(dir, 'escape.iso'))).toBe(false);
  });
});

describe('ferry -i: the seed line format with absolute paths', () => {
  it('-u URL -o /abs/x -n N lines (and aria2 out= with dir=), 0, 1 and piece-edge sizes, each byte-exact', async () => {
    const sizes = [0, 1, 64 * KiB - 1, 64 * KiB + 1, 300 * KiB];
    const bodies = sizes.map((n, i) => randomBytesSeeded(n, `seed${i}`));
    for (const [i, b] of bodies.entries()) server.setFile(`/f${i}`, { body: b });
    const target = (i: number): string => path.join(dir, 'data', `set${i % 2}`, `file${i}.bin`);
    const lines = bodies.map((_, i) => `-u ${server.url(`/f${i}`)} -o ${target(i)} -n 4`);
    lines.push(server.url('/linux.iso'), `  dir=${path.join(dir, 'aria2')}`, '  out=sub/x.iso');
    const list = path.join(dir, 'list.txt');
    await writeFile(list, `${lines.join('\n')}\n`);
    const r = await runCli(['-i', list, '--min-split-size', '16k', '-q'], { cwd: dir }).exited;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const [i, b] of bodies.entries()) expect(sha256(await readFile(target(i))), `entry ${i}`).toBe(sha256(b));
    expect(sha256(await readFile(path.join(dir, 'aria2', 'sub', 'x.iso')))).toBe(sha256(body));
  });

  it('two entries with the same absolute -o (spelled differently): an error before anything starts', async () => {
    const list = path.join(dir, 'list.txt');
    const same = path.join(dir, 'data', 'x.iso');
    const spelled = path.join(dir, 'data', 'sub', '..', 'x.iso');
    await writeFile(list, [`-u ${server.url('/linux.iso')} -o ${same} -n 4`, `-u ${server.url('/linux.iso?2')} -o ${spelled}`].join('\n'));
    const r = await runCli(['-i', list]).exited;
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ferry: download 2 \(.*\): output .*x\.iso is also used by another download of this queue/);
    expect(server.stats.requests).toBe(0);
    expect(existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('an -o relative to -d and an absolute -o naming the same file collide too', async () => {
    const list = path.join(dir, 'list.txt');
    await writeFile(list, [`-u ${server.url('/linux.iso')} -o x.iso`, `-u ${server.url('/linux.iso?2')} -o ${path.join(dir, 'dl', 'x.iso')}`].join('\n'));
    const r = await runCli(['-i', list, '-d', path.join(dir, 'dl')]).exited;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is also used by another download of this queue/);
    expect(server.stats.requests).toBe(0);
  });
});
