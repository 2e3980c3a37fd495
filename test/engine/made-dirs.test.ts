import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { mkdirOrFail } from '../../src/engine/download-support.js';
import { MadeDirs } from '../../src/engine/made-dirs.js';
import { createEngine } from '../../src/index.js';
import { randomBytesSeeded, sha256, startTestServer } from '../helpers/http-server.js';

describe('MadeDirs', () => {
  it('makes a directory once for any number of callers and spellings', async () => {
    const calls: string[] = [];
    const dirs = new MadeDirs(async (d) => void calls.push(d));
    await Promise.all([dirs.ensure('/a/b'), dirs.ensure('/a/b/'), dirs.ensure('/a/./b'), dirs.ensure('/a/c')]);
    await dirs.ensure('/a/b');
    expect(calls).toEqual(['/a/b', '/a/c']);
  });

  it('asks again after a failure', async () => {
    let n = 0;
    const dirs = new MadeDirs(async () => {
      n++;
      if (n === 1) throw new FerryError('FILE_SYSTEM', 'cannot create directory /x');
    });
    await expect(dirs.ensure('/x')).rejects.toThrow('cannot create directory');
    await dirs.ensure('/x');
    await dirs.ensure('/x');
    expect(n).toBe(2);
  });

  it('an engine makes the output directory of a list once, and every file lands in it byte-exact', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ferry-dirs-'));
    const server = await startTestServer();
    try {
      const bodies = Array.from({ length: 30 }, (_, i) => randomBytesSeeded(i * 97, `d${i}`));
      for (const [i, body] of bodies.entries()) server.setFile(`/f${i}`, { body });
      const made: string[] = [];
      const dir = path.join(root, 'new', 'sub');
      const engine = createEngine(
        { dir, maxActive: 8 },
        {
          dirs: new MadeDirs(async (d) => {
            made.push(d);
            await mkdirOrFail(d);
          }),
        },
      );
      for (let i = 0; i < bodies.length; i++) engine.add(server.url(`/f${i}`));
      await engine.whenIdle();
      await engine.close();
      expect(engine.list().map((d) => d.state)).toEqual(Array(bodies.length).fill('complete'));
      for (const [i, body] of bodies.entries()) expect(sha256(await readFile(path.join(dir, `f${i}`)))).toBe(sha256(body));
      expect(made).toEqual([dir]);
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
