import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FerryError } from '../../src/core/errors.js';
import { saveControl } from '../../src/disk/control-file.js';
import { openDataFile } from '../../src/disk/data-file.js';
import { chooseOutput, inspectOutput } from '../../src/disk/output-choice.js';
import { candidateName, joinPrefix, OutputClaims, outputPathsFor, resolvePrefix } from '../../src/disk/output-claims.js';
import { reserveOutput } from '../../src/engine/output-reservation.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-claims-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const thrown = (fn: () => unknown): FerryError => {
  try {
    fn();
  } catch (e) {
    return e as FerryError;
  }
  throw new Error('expected an error');
};

describe('OutputClaims', () => {
  it('candidates are the name, then NAME.1, NAME.2 (suffix after the whole name)', () => {
    expect([0, 1, 2, 10].map((i) => candidateName('a.tar.gz', i))).toEqual(['a.tar.gz', 'a.tar.gz.1', 'a.tar.gz.2', 'a.tar.gz.10']);
  });

  it('same names in queue order: each owner its own candidate; a released name is free again', () => {
    const claims = new OutputClaims();
    const [a, b, c] = [{}, {}, {}];
    expect(claims.reserve(a, dir, 'x', { explicit: false, rename: true }).index).toBe(0);
    expect(claims.reserve(b, dir, 'x', { explicit: false, rename: true }).index).toBe(1);
    claims.release(a);
    expect(claims.reserve(c, dir, 'x', { explicit: false, rename: true }).paths.final).toBe(path.join(dir, 'x'));
    // Claiming again replaces an owner's claim (it never holds two).
    expect(claims.reserve(b, dir, 'y', { explicit: false, rename: true }).index).toBe(0);
    expect(claims.reserve(a, dir, 'x', { explicit: false, rename: true }).index).toBe(1);
  });

  it('keys are resolved paths: ./d/x and d/x are one claim', () => {
    const claims = new OutputClaims();
    const rel = path.relative(process.cwd(), dir);
    claims.reserve({}, dir, 'x', { explicit: true, rename: false });
    const err = thrown(() => claims.reserve({}, `./${rel}`, 'x', { explicit: true, rename: false }));
    expect(err.code).toBe('USAGE');
    expect(err.message).toMatch(/^output .*x is also used by another download of this queue$/);
  });

  it('the .part and control keys follow the resolved final path: x in ./d and x.part in d clash', () => {
    const claims = new OutputClaims();
    const rel = path.relative(process.cwd(), dir);
    claims.reserve({}, `./${rel}`, 'x', { explicit: true, rename: false });
    expect(thrown(() => claims.reserve({}, dir, 'x.part', { explicit: true, rename: false })).code).toBe('USAGE');
    expect(thrown(() => claims.reserve({}, `${rel}/.`, 'x.ferry', { explicit: true, rename: false })).code).toBe('USAGE');
    expect(claims.reserve({}, dir, 'x.partial', { explicit: true, rename: false }).index).toBe(0);
  });

  it('a name that ends in a separator: its .part and control files are names inside it', () => {
    const claims = new OutputClaims();
    const held = claims.reserve({}, dir, 'sub/', { explicit: true, rename: false });
    expect(held.paths.part).toBe(path.join(dir, 'sub', '.part'));
    expect(thrown(() => claims.reserve({}, dir, 'sub/.part', { explicit: true, rename: false })).code).toBe('USAGE');
    expect(thrown(() => claims.reserve({}, dir, 'sub/.ferry', { explicit: true, rename: false })).code).toBe('USAGE');
    expect(claims.reserve({}, dir, 'sub.part', { explicit: true, rename: false }).index).toBe(0);
  });

  it('a directory prefix plus a plain name is the join and the resolution of the two, for any directory', () => {
    const dirs = [
      '',
      '.',
      './',
      '..',
      '../..',
      'a',
      'a/',
      'a//b',
      './a/./b/',
      'a/..',
      'a/../..',
      '/',
      '//',
      '/a',
      '/a/',
      '/a/../b',
      '/..',
      '/a/b/../../..',
      dir,
    ];
    const names = ['x', 'x.1', '.x', '..x', 'x..', ' ', 'x y', 'é', '.part'];
    for (const d of dirs) {
      for (const n of names) {
        expect(joinPrefix(d) + n, `${d} + ${n}`).toBe(path.join(d, n));
        expect(resolvePrefix(d) + n, `${d} + ${n}`).toBe(path.resolve(d, n));
      }
    }
  });

  it('claims through kept prefixes match the paths and keys of the plain join (the same directory spelled two ways clashes)', () => {
    const c = new OutputClaims();
    const [a, b, e] = [{}, {}, {}];
    const claim = c.tryClaim(a, dir, 'f', 0, false);
    expect(claim?.paths).toEqual(outputPathsFor(dir, 'f'));
    expect(c.tryClaim(a, dir, 'f', 3, false)?.paths).toEqual(outputPathsFor(dir, 'f.3'));
    // The same directory through `..`, and the .part of another name: both held by a.
    expect(c.tryClaim(b, `${dir}/sub/..`, 'f.3', 0, false)).toBeUndefined();
    expect(c.tryClaim(e, `${dir}/`, 'f.3.part', 0, false)).toBeUndefined();
    expect(c.tryClaim(e, `${dir}/`, 'f', 0, false)?.paths.final).toBe(path.join(dir, 'f'));
  });

  it('an explicit name that another download takes from its URL says so, and which to rename', () => {
    const claims = new OutputClaims();
    claims.reserve({}, dir, 'a.bin', { explicit: false, rename: true });
    const err = thrown(() => claims.reserve({}, dir, 'a.bin', { explicit: true, rename: false }));
    expect(err.code).toBe('USAGE');
    expect(err.message).toMatch(/^output .*a\.bin is also the name another download of this queue takes from its URL$/);
    expect(err.hint).toBe('give that download its own -o/out name, or choose another name for this one');
  });

  it('a final name that is another download’s .part or control path is taken too', () => {
    const claims = new OutputClaims();
    claims.reserve({}, dir, 'x', { explicit: false, rename: true });
    expect(claims.reserve({}, dir, 'x.part', { explicit: false, rename: true }).index).toBe(1);
    expect(thrown(() => claims.reserve({}, dir, 'x.ferry', { explicit: true, rename: false })).code).toBe('USAGE');
    expect(thrown(() => claims.reserve({}, dir, 'x', { explicit: false, rename: false })).code).toBe('FILE_EXISTS');
  });

  it('reserveOutput: an explicit out twice throws, a derived name is renamed, renaming off claims nothing', () => {
    const claims = new OutputClaims();
    reserveOutput(claims, {}, 'http://h/a/f.bin', { dir, out: 'f.bin' });
    expect(reserveOutput(claims, {}, 'http://h/b/f.bin', { dir })?.index).toBe(1);
    expect(reserveOutput(claims, {}, 'http://h/c/f.bin', { dir, autoFileRenaming: false })).toBeUndefined();
    expect(thrown(() => reserveOutput(claims, {}, 'http://h/d', { dir, out: 'f.bin' })).code).toBe('USAGE');
    // A name that is not valid is not claimed now (the download reports it when it starts).
    expect(reserveOutput(claims, {}, 'http://h/d', { dir, out: 'x/' })).toBeUndefined();
  });
});

describe('inspectOutput / chooseOutput', () => {
  const remote = { size: 3, acceptsRanges: true, etag: '"1"', url: 'http://h/f' };
  const url = 'http://user:pw@h/f';

  it('our control file (compared without userinfo) is ours; one for another URL or an unreadable one is foreign', async () => {
    const paths = { final: path.join(dir, 'f'), part: path.join(dir, 'f.part'), control: path.join(dir, 'f.ferry') };
    expect(await inspectOutput(paths, [url])).toEqual({ final: undefined });
    await saveControl(paths.control, { version: 1, url: 'http://other:x@h/f', done: [] });
    expect((await inspectOutput(paths, [url])).control?.url).toBe('http://h/f');
    await saveControl(paths.control, { version: 1, url: 'http://h/g', source: 'http://h/mirror', done: [] });
    expect((await inspectOutput(paths, [url, 'http://h/mirror'])).control).toBeDefined();
    expect((await inspectOutput(paths, [url])).foreign).toBe(`${paths.control} belongs to another download (http://h/mirror)`);
    await fs.writeFile(paths.control, '{');
    expect((await inspectOutput(paths, [url])).foreign).toBe(`${paths.control} is not a control file of ferry's`);
  });

  it('passes over foreign files and claimed names, keeping the first reason for the note', async () => {
    const claims = new OutputClaims();
    claims.reserve({}, dir, 'f.1', { explicit: false, rename: true });
    await fs.writeFile(path.join(dir, 'f.part'), 'x');
    await fs.writeFile(path.join(dir, 'f.2'), 'user file');
    const choice = await chooseOutput({ claims, owner: {}, dir, name: 'f', explicit: false, rename: true, overwrite: false, urls: [url], remote });
    expect(choice.claim.paths.final).toBe(path.join(dir, 'f.3'));
    expect(choice.action).toBe('write');
    expect(choice.renamed).toBe(`${path.join(dir, 'f.part')} was not written by ferry for this download; saving as f.3`);
  });
});

describe('fresh files never follow a planted symlink', () => {
  it('openDataFile fresh refuses anything at the name; saveControl replaces a planted temp link without writing through it', async () => {
    const victim = path.join(dir, 'victim');
    await fs.writeFile(victim, 'precious');
    await fs.symlink(victim, path.join(dir, 'f.part'));
    await expect(openDataFile(path.join(dir, 'f.part'), { size: 10, fresh: true })).rejects.toMatchObject({ code: 'FILE_SYSTEM' });
    await expect(openDataFile(path.join(dir, 'f.part'), { size: 10 })).rejects.toMatchObject({ code: 'FILE_SYSTEM' });
    const control = path.join(dir, 'f.ferry');
    await fs.symlink(victim, `${control}.tmp`);
    await saveControl(control, { version: 1, url: 'http://a:b@h/f', done: [] });
    expect(await fs.readFile(victim, 'utf8')).toBe('precious');
    expect((await fs.stat(control)).mode & 0o777).toBe(0o600);
    expect(await fs.readFile(control, 'utf8')).toContain('"url": "http://h/f"');
  });
});
