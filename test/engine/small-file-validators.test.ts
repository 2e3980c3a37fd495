/**
 * A small file whose server sends no Last-Modified keeps a control file beside it until the end:
 * a rerun could not tell it, finished at its final name, from a foreign file (no time to compare),
 * so a kill right after the rename must leave the control file that says it is ours.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRecognizableWhenFinished } from '../../src/core/resume.js';
import { useEngineFixture } from '../helpers/engine-fixture.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { namesDuring } from '../helpers/names-during.js';

const KiB = 1024;

const fx = useEngineFixture('ferry-small-validators-');

describe('isRecognizableWhenFinished', () => {
  it('needs a size and a Last-Modified that parses', () => {
    const lastModified = 'Wed, 21 Oct 2015 07:28:00 GMT';
    expect(isRecognizableWhenFinished({ size: 1, lastModified })).toBe(true);
    expect(isRecognizableWhenFinished({ size: 0, lastModified })).toBe(true);
    expect(isRecognizableWhenFinished({ size: undefined, lastModified })).toBe(false);
    expect(isRecognizableWhenFinished({ size: 1 })).toBe(false);
    expect(isRecognizableWhenFinished({ size: 1, lastModified: 'yesterday' })).toBe(false);
  });
});

describe('a small file without Last-Modified', () => {
  it('is written through a .part with its control file (never NAME.ferry-tmp), byte-exact, at the edges', async () => {
    const sizes = [1, 16 * KiB];
    const bodies = sizes.map((n, i) => randomBytesSeeded(n, `small-nolm-${i}`));
    for (const [i, body] of bodies.entries()) fx.server.setFile(`/g${i}`, { body, etag: `"e${i}"` });
    fx.server.setFaults({ throttleBytesPerSec: 32 * KiB });
    const e = fx.engine({ maxActive: 2, connections: 4, minSplitSize: 16 * KiB, checkpointIntervalMs: 50 });
    const seen = await namesDuring(fx.dir, async () => {
      for (let i = 0; i < sizes.length; i++) e.add(fx.server.url(`/g${i}`));
      await e.whenIdle();
    });
    expect(e.list().map((d) => d.state)).toEqual(['complete', 'complete']);
    for (let i = 0; i < sizes.length; i++) expect(sha256(await readFile(path.join(fx.dir, `g${i}`)))).toBe(sha256(bodies[i]));
    expect([...seen].filter((n) => n.endsWith('.ferry-tmp'))).toEqual([]);
    expect(seen.has('g1.ferry')).toBe(true);
    expect((await readdir(fx.dir)).sort()).toEqual(['g0', 'g1']);
  });
});
