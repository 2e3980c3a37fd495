import { lstat, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FerryError } from '../../src/core/errors.js';
import { download } from '../../src/index.js';
import { useEngineFixture } from '../helpers/engine-fixture.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';

const KiB = 1024;
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 };
const DATE = 'Wed, 21 Oct 2015 07:28:00 GMT';

const fx = useEngineFixture('ferry-out-');

const hashOf = async (name: string): Promise<string> => sha256(await readFile(path.join(fx.dir, name)));

/** Serve `n` different files that all end in the same name: /s0/download, /s1/download, ... */
function sameNameFiles(n: number, sizes: (i: number) => number): Buffer[] {
  const bodies: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const body = randomBytesSeeded(sizes(i), `same-${i}`);
    bodies.push(body);
    fx.server.setFile(`/s${i}/download`, { body, etag: `"s${i}"`, lastModified: DATE });
  }
  return bodies;
}

describe('one engine: same-name downloads get their own files', () => {
  it('different files with one name, at the edges (0, 1, piece-1, piece+1 bytes): download, download.1, ... each byte-exact', async () => {
    const sizes = [0, 1, 16 * KiB - 1, 16 * KiB + 1, 300 * KiB];
    const bodies = sameNameFiles(sizes.length, (i) => sizes[i]);
    fx.server.setFaults({ throttleBytesPerSec: 2048 * KiB });
    const engine = fx.engine({ maxActive: 5, connections: 4, ...fast });
    const notes: string[] = [];
    engine.on('note', (_d, m) => notes.push(m));
    const ids = bodies.map((_, i) => engine.add(fx.server.url(`/s${i}/download?id=${i}`)));
    // The names are claimed at add time, in queue order, before any probe returns.
    expect(ids.map((id) => engine.get(id)?.name)).toEqual(['download', 'download.1', 'download.2', 'download.3', 'download.4']);
    await engine.whenIdle();
    const list = engine.list();
    expect(list.map((d) => d.state)).toEqual(Array(5).fill('complete'));
    expect(list.map((d) => d.name)).toEqual(['download', 'download.1', 'download.2', 'download.3', 'download.4']);
    for (let i = 0; i < bodies.length; i++) expect(await hashOf(i === 0 ? 'download' : `download.${i}`)).toBe(sha256(bodies[i]));
    expect(notes).toContain('another download of this queue saves as download; saving as download.1');
    expect((await readdir(fx.dir)).sort()).toEqual(['download', 'download.1', 'download.2', 'download.3', 'download.4']);
  });

  it('the same URL twice: two byte-exact copies, never one file written twice', async () => {
    const body = randomBytesSeeded(400 * KiB + 3, 'twice');
    fx.server.setFile('/twice.bin', { body, lastModified: DATE });
    fx.server.setFaults({ throttleBytesPerSec: 2048 * KiB });
    const engine = fx.engine({ maxActive: 2, connections: 4, ...fast });
    engine.add(fx.server.url('/twice.bin'));
    engine.add(fx.server.url('/twice.bin'));
    await engine.whenIdle();
    expect(engine.list().map((d) => [d.state, d.name])).toEqual([
      ['complete', 'twice.bin'],
      ['complete', 'twice.bin.1'],
    ]);
    expect(await hashOf('twice.bin')).toBe(sha256(body));
    expect(await hashOf('twice.bin.1')).toBe(sha256(body));
  });

  it('a rerun of the same list gives every entry the same name: complete ones are already complete, none is downloaded again', async () => {
    const bodies = sameNameFiles(3, (i) => 50 * KiB + i);
    const run = async (): Promise<string[]> => {
      const e = fx.engine({ maxActive: 3, connections: 2, ...fast });
      const results: string[] = [];
      e.on('complete', (d, r) => results.push(`${d.name}:${r.status}`));
      for (let i = 0; i < 3; i++) e.add(fx.server.url(`/s${i}/download`));
      await e.whenIdle();
      await e.close();
      return results.sort();
    };
    expect(await run()).toEqual(['download.1:complete', 'download.2:complete', 'download:complete']);
    expect(await run()).toEqual(['download.1:already-complete', 'download.2:already-complete', 'download:already-complete']);
    expect((await readdir(fx.dir)).sort()).toEqual(['download', 'download.1', 'download.2']);
    for (let i = 0; i < 3; i++) expect(await hashOf(i === 0 ? 'download' : `download.${i}`)).toBe(sha256(bodies[i]));
  });

  it('a paused entry keeps its name: a later entry with the same name never takes it', async () => {
    const bodies = sameNameFiles(2, () => 1024 * KiB);
    fx.server.setFaults({ throttleBytesPerSec: 128 * KiB });
    const engine = fx.engine({ maxActive: 2, connections: 2, ...fast }, { progressIntervalMs: 20 });
    const a = engine.add(fx.server.url('/s0/download'));
    await new Promise<void>((resolve) => engine.on('progress', (d, p) => d.id === a && p.completedBytes > 20 * KiB && resolve()));
    await engine.pause(a);
    const b = engine.add(fx.server.url('/s1/download'));
    expect(engine.get(b)?.name).toBe('download.1');
    fx.server.setFaults({ throttleBytesPerSec: undefined });
    await engine.whenIdle();
    engine.resume(a);
    await engine.whenIdle();
    expect(engine.get(a)?.state).toBe('complete');
    expect(await hashOf('download')).toBe(sha256(bodies[0]));
    expect(await hashOf('download.1')).toBe(sha256(bodies[1]));
  });

  it('Content-Disposition names are claimed when the probe returns', async () => {
    const bodies = [0, 1, 2].map((i) => randomBytesSeeded(20 * KiB + i, `cd${i}`));
    for (const [i, body] of bodies.entries()) fx.server.setFile(`/get/${i}`, { body, contentDisposition: 'attachment; filename="report.pdf"' });
    const engine = fx.engine({ maxActive: 3, connections: 2, ...fast });
    for (let i = 0; i < 3; i++) engine.add(fx.server.url(`/get/${i}`));
    await engine.whenIdle();
    const names = engine.list().map((d) => d.name);
    expect([...names].sort()).toEqual(['report.pdf', 'report.pdf.1', 'report.pdf.2']);
    for (let i = 0; i < 3; i++) expect(await hashOf(names[i] as string)).toBe(sha256(bodies[i]));
  });

  it('a finished file is never taken for another download of the same name, size and date', async () => {
    // Same name (from the server), same size, same Last-Modified, different bytes.
    const bodies = [0, 1].map((i) => randomBytesSeeded(40 * KiB, `alike${i}`));
    for (const [i, body] of bodies.entries()) {
      fx.server.setFile(`/get/alike${i}`, { body, lastModified: DATE, contentDisposition: 'attachment; filename="report.txt"' });
    }
    const engine = fx.engine({ maxActive: 2, connections: 2, ...fast });
    engine.add(fx.server.url('/get/alike0'));
    await engine.whenIdle();
    // The second arrives after the first finished: its name is taken, whatever the file looks like.
    engine.add(fx.server.url('/get/alike1'));
    await engine.whenIdle();
    expect(engine.list().map((d) => [d.state, d.name])).toEqual([
      ['complete', 'report.txt'],
      ['complete', 'report.txt.1'],
    ]);
    expect(await hashOf('report.txt')).toBe(sha256(bodies[0]));
    expect(await hashOf('report.txt.1')).toBe(sha256(bodies[1]));
  });

  it('races: many same-name downloads whose names only the server reveals, probes finishing in any order, run many times', async () => {
    const n = 8;
    const bodies = Array.from({ length: n }, (_, i) => randomBytesSeeded(i * 3 * KiB + (i % 2), `race${i}`));
    for (const [i, body] of bodies.entries()) fx.server.setFile(`/r/${i}`, { body, contentDisposition: 'attachment; filename="same.bin"' });
    for (let round = 0; round < 10; round++) {
      const roundDir = path.join(fx.dir, `round${round}`);
      const e = fx.engine({ dir: roundDir, maxActive: n, connections: 2, ...fast });
      for (let i = 0; i < n; i++) e.add(fx.server.url(`/r/${i}`));
      await e.whenIdle();
      const list = e.list();
      await e.close();
      expect(list.every((d) => d.state === 'complete')).toBe(true);
      expect(new Set(list.map((d) => d.name)).size).toBe(n);
      for (const [i, d] of list.entries()) expect(sha256(await readFile(d.path as string))).toBe(sha256(bodies[i]));
      expect((await readdir(roundDir)).sort()).toEqual(['same.bin', ...Array.from({ length: n - 1 }, (_, i) => `same.bin.${i + 1}`)].sort());
    }
  });

  it('a server without ranges: same-name entries still get their own files', async () => {
    const bodies = sameNameFiles(3, (i) => 40 * KiB + i);
    fx.server.setFaults({ ranges: false });
    const engine = fx.engine({ maxActive: 3, ...fast });
    for (let i = 0; i < 3; i++) engine.add(fx.server.url(`/s${i}/download`));
    await engine.whenIdle();
    expect(engine.list().map((d) => [d.state, d.name])).toEqual([
      ['complete', 'download'],
      ['complete', 'download.1'],
      ['complete', 'download.2'],
    ]);
    for (let i = 0; i < 3; i++) expect(await hashOf(i === 0 ? 'download' : `download.${i}`)).toBe(sha256(bodies[i]));
    expect((await readdir(fx.dir)).sort()).toEqual(['download', 'download.1', 'download.2']);
  });

  it('a server name ending in .part or .ferry cannot collide with the files of another download', async () => {
    const a = randomBytesSeeded(300 * KiB, 'a');
    const b = randomBytesSeeded(10 * KiB, 'b');
    fx.server.setFile('/x', { body: a });
    fx.server.setFile('/y', { body: b, contentDisposition: 'attachment; filename="x.part"' });
    fx.server.setFaults({ throttleBytesPerSec: 1024 * KiB });
    const engine = fx.engine({ maxActive: 2, connections: 2, ...fast });
    engine.add(fx.server.url('/x'));
    engine.add(fx.server.url('/y'));
    await engine.whenIdle();
    expect(engine.list().map((d) => d.name)).toEqual(['x', 'x.part_']);
    expect(await hashOf('x')).toBe(sha256(a));
    expect(await hashOf('x.part_')).toBe(sha256(b));
  });

  it('an explicit output used twice in one queue is a clear USAGE error before it is queued', async () => {
    fx.server.setFile('/f', { body: Buffer.from('x') });
    const engine = fx.engine({ ...fast });
    engine.add(fx.server.url('/f'), { out: 'same.bin' });
    let err: FerryError | undefined;
    try {
      engine.add(fx.server.url('/g'), { out: './same.bin' });
    } catch (e) {
      err = e as FerryError;
    }
    expect(err?.code).toBe('USAGE');
    expect(err?.message).toMatch(/same\.bin is also used by another download of this queue/);
    expect(engine.list()).toHaveLength(1);
    // A derived name that an explicit one holds is renamed instead.
    engine.add(fx.server.url('/same.bin'));
    expect(engine.list()[1].name).toBe('same.bin.1');
  });

  it('auto-file-renaming off: the second entry with a taken name fails clearly, the first is intact', async () => {
    const bodies = sameNameFiles(2, (i) => 30 * KiB + i);
    const engine = fx.engine({ maxActive: 2, autoFileRenaming: false, ...fast });
    engine.add(fx.server.url('/s0/download'));
    engine.add(fx.server.url('/s1/download'));
    await engine.whenIdle();
    const [first, second] = engine.list();
    expect(first.state).toBe('complete');
    expect(second.state).toBe('error');
    expect(second.errorCode).toBe('FILE_EXISTS');
    expect(second.errorMessage).toMatch(/download is used by another download of this queue/);
    expect(await hashOf('download')).toBe(sha256(bodies[0]));
  });
});

describe('files ferry did not write are never reused or deleted', () => {
  it('an existing file of the same name: saved as NAME.1, with a note', async () => {
    const body = randomBytesSeeded(5000, 'exists');
    fx.server.setFile('/f.bin', { body });
    await writeFile(path.join(fx.dir, 'f.bin'), 'mine');
    const h = download(fx.server.url('/f.bin'), { dir: fx.dir, ...fast });
    const notes: string[] = [];
    h.on('note', (m) => notes.push(m));
    const r = await h.done;
    expect(r.path).toBe(path.join(fx.dir, 'f.bin.1'));
    expect(h.snapshot().name).toBe('f.bin.1');
    expect(notes).toContain('f.bin exists; saving as f.bin.1');
    expect(await readFile(path.join(fx.dir, 'f.bin'), 'utf8')).toBe('mine');
    expect(await hashOf('f.bin.1')).toBe(sha256(body));
  });

  it('a foreign .part (no control file): left alone, saved as NAME.1', async () => {
    const body = randomBytesSeeded(200 * KiB, 'fp');
    fx.server.setFile('/f.bin', { body, etag: '"1"' });
    await writeFile(path.join(fx.dir, 'f.bin.part'), 'not ferry');
    const r = await download(fx.server.url('/f.bin'), { dir: fx.dir, connections: 4, ...fast }).done;
    expect(r.path).toBe(path.join(fx.dir, 'f.bin.1'));
    expect(await readFile(path.join(fx.dir, 'f.bin.part'), 'utf8')).toBe('not ferry');
    expect(await hashOf('f.bin.1')).toBe(sha256(body));
  });

  it('a symlinked .part is never followed: its target is untouched', async () => {
    const body = randomBytesSeeded(100 * KiB, 'sl');
    fx.server.setFile('/f.bin', { body, etag: '"1"' });
    const target = path.join(fx.dir, 'victim');
    await writeFile(target, 'precious');
    await symlink(target, path.join(fx.dir, 'f.bin.part'));
    const r = await download(fx.server.url('/f.bin'), { dir: fx.dir, connections: 4, ...fast }).done;
    expect(r.path).toBe(path.join(fx.dir, 'f.bin.1'));
    expect(await readFile(target, 'utf8')).toBe('precious');
    expect((await lstat(path.join(fx.dir, 'f.bin.part'))).isSymbolicLink()).toBe(true);
    expect(await hashOf('f.bin.1')).toBe(sha256(body));
    // With renaming off it is a clear error, and still nothing is written through the link.
    const err = (await download(fx.server.url('/f.bin'), { dir: fx.dir, autoFileRenaming: false, ...fast }).done.catch((e: unknown) => e)) as FerryError;
    expect(err.code).toBe('FILE_EXISTS');
    expect(err.message).toMatch(/f\.bin\.part was not written by ferry/);
    expect(await readFile(target, 'utf8')).toBe('precious');
  });

  it('a control file for another URL: left alone with its .part, saved as NAME.1', async () => {
    const body = randomBytesSeeded(100 * KiB, 'fc');
    fx.server.setFile('/f.bin', { body, etag: '"1"' });
    const foreign = `{"ferry": "control", "version": 1, "url": "https://elsewhere.example/f.bin", "size": ${body.length}, "done": [[0, 1024]]}\n`;
    await writeFile(path.join(fx.dir, 'f.bin.ferry'), foreign);
    await writeFile(path.join(fx.dir, 'f.bin.part'), Buffer.alloc(body.length, 7));
    const h = download(fx.server.url('/f.bin'), { dir: fx.dir, ...fast });
    const notes: string[] = [];
    h.on('note', (m) => notes.push(m));
    const r = await h.done;
    expect(r.path).toBe(path.join(fx.dir, 'f.bin.1'));
    expect(notes.join('\n')).toMatch(/f\.bin\.ferry belongs to another download \(https:\/\/elsewhere\.example\/f\.bin\); saving as f\.bin\.1/);
    expect(await readFile(path.join(fx.dir, 'f.bin.ferry'), 'utf8')).toBe(foreign);
    expect((await stat(path.join(fx.dir, 'f.bin.part'))).size).toBe(body.length);
    expect(await hashOf('f.bin.1')).toBe(sha256(body));
  });

  it('an explicit -o onto a foreign control file is a clear error', async () => {
    fx.server.setFile('/f.bin', { body: Buffer.from('abc'), etag: '"1"' });
    await writeFile(path.join(fx.dir, 'out.ferry'), 'garbage');
    const err = (await download(fx.server.url('/f.bin'), { dir: fx.dir, out: 'out', ...fast }).done.catch((e: unknown) => e)) as FerryError;
    expect(err.code).toBe('FILE_EXISTS');
    expect(err.message).toMatch(/out\.ferry is not a control file of ferry's; ferry will not touch it/);
    expect(await readFile(path.join(fx.dir, 'out.ferry'), 'utf8')).toBe('garbage');
  });
});

describe('resume checks what it resumes', () => {
  it('a .part of the wrong size is not trusted: starts over and says why', async () => {
    const body = randomBytesSeeded(64 * KiB, 'ws');
    fx.server.setFile('/f.bin', { body, etag: '"1"' });
    const control = `{"ferry": "control", "version": 1, "url": "${fx.server.url('/f.bin')}", "size": ${body.length}, "etag": "\\"1\\"", "done": [[0, ${body.length - 1}]]}\n`;
    await writeFile(path.join(fx.dir, 'f.bin.ferry'), control);
    // Truncated: the done range claims bytes past its end (they would read as zeros).
    await writeFile(path.join(fx.dir, 'f.bin.part'), body.subarray(0, 1000));
    const h = download(fx.server.url('/f.bin'), { dir: fx.dir, ...fast });
    const notes: string[] = [];
    h.on('note', (m) => notes.push(m));
    const r = await h.done;
    expect(r.resumedBytes).toBe(0);
    expect(notes).toContain(`starting over: the partial file has 1000 bytes, expected ${body.length}`);
    expect(await hashOf('f.bin')).toBe(sha256(body));
  });

  it('a mirror of the same entry resumes what the first URL saved', async () => {
    const body = randomBytesSeeded(256 * KiB, 'mir');
    fx.server.setFile('/m1/f.bin', { body, etag: '"1"' });
    fx.server.setFile('/m2/f.bin', { body, etag: '"1"' });
    const half = 128 * KiB;
    const control = `{"ferry": "control", "version": 1, "url": "${fx.server.url('/m1/f.bin')}", "size": ${body.length}, "etag": "\\"1\\"", "done": [[0, ${half}]]}\n`;
    await writeFile(path.join(fx.dir, 'f.bin.ferry'), control);
    const part = Buffer.alloc(body.length);
    body.copy(part, 0, 0, half);
    await writeFile(path.join(fx.dir, 'f.bin.part'), part);
    const r = await download(fx.server.url('/m2/f.bin'), { dir: fx.dir, ...fast }, { mirrors: [fx.server.url('/m1/f.bin'), fx.server.url('/m2/f.bin')] }).done;
    expect(r.path).toBe(path.join(fx.dir, 'f.bin'));
    expect(r.resumedBytes).toBe(half);
    expect(await hashOf('f.bin')).toBe(sha256(body));
  });
});

describe('a kill between the final rename and the control file removal', () => {
  it('the rerun finds the complete file at its name: already complete, and our leftover control file is removed', async () => {
    const body = randomBytesSeeded(64 * KiB, 'left');
    fx.server.setFile('/f.bin', { body, etag: '"1"', lastModified: DATE });
    await download(fx.server.url('/f.bin'), { dir: fx.dir, ...fast }).done;
    // What a kill right after the rename leaves: the file (with its time, set before the rename)
    // and a control file of ours claiming every byte.
    const control = `{"ferry": "control", "version": 1, "url": "${fx.server.url('/f.bin')}", "size": ${body.length}, "etag": "\\"1\\"", "done": [[0, ${body.length}]]}\n`;
    await writeFile(path.join(fx.dir, 'f.bin.ferry'), control);
    const r = await download(fx.server.url('/f.bin'), { dir: fx.dir, ...fast }).done;
    expect(r.status).toBe('already-complete');
    expect(r.path).toBe(path.join(fx.dir, 'f.bin'));
    expect(await readdir(fx.dir)).toEqual(['f.bin']);
    expect(await hashOf('f.bin')).toBe(sha256(body));
  });
});

describe('a kill between the final rename and the control file removal, without Last-Modified', () => {
  it('the rerun knows the file by its size and our control file: already complete, never NAME.1', async () => {
    const body = randomBytesSeeded(64 * KiB, 'left-nodate');
    fx.server.setFile('/n.bin', { body, etag: '"1"' });
    await download(fx.server.url('/n.bin'), { dir: fx.dir, ...fast }).done;
    // The control file as the last checkpoint before the rename may have left it: not every byte.
    const control = `{"ferry": "control", "version": 1, "url": "${fx.server.url('/n.bin')}", "size": ${body.length}, "etag": "\\"1\\"", "done": [[0, ${body.length / 2}]]}\n`;
    await writeFile(path.join(fx.dir, 'n.bin.ferry'), control);
    const r = await download(fx.server.url('/n.bin'), { dir: fx.dir, ...fast }).done;
    expect(r.status).toBe('already-complete');
    expect(await readdir(fx.dir)).toEqual(['n.bin']);
    expect(await hashOf('n.bin')).toBe(sha256(body));
  });
});

describe('control files', () => {
  it('are 0600 and never hold the userinfo of the URL; resume matches without it', async () => {
    const body = randomBytesSeeded(1024 * KiB, 'sec');
    fx.server.setFile('/s.bin', { body, etag: '"1"' });
    fx.server.setFaults({ throttleBytesPerSec: 128 * KiB });
    const url = fx.server.url('/s.bin').replace('http://', 'http://alice:s3cret@');
    const h = download(url, { dir: fx.dir, connections: 2, ...fast }, { progressIntervalMs: 20 });
    await new Promise<void>((resolve) => h.on('progress', (p) => p.completedBytes > 20 * KiB && resolve()));
    await new Promise((r) => setTimeout(r, 150));
    await h.stop();
    const controlPath = path.join(fx.dir, 's.bin.ferry');
    const text = await readFile(controlPath, 'utf8');
    expect(text).not.toMatch(/alice|s3cret/);
    expect(text).toMatch(/"done": \[\[/);
    expect((await stat(controlPath)).mode & 0o777).toBe(0o600);
    fx.server.setFaults({ throttleBytesPerSec: undefined });
    // Another password: still the same download (compared without userinfo).
    const r = await download(url.replace('s3cret', 'other'), { dir: fx.dir, ...fast }).done;
    expect(r.resumedBytes).toBeGreaterThan(0);
    expect(await hashOf('s.bin')).toBe(sha256(body));
  });
});
