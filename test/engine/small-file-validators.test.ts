/**
 * A small file whose server sends no Last-Modified keeps a control file beside it until the end:
 * a rerun could not tell it, finished at its final name, from a foreign file (no time to compare),
 * so a kill right after the rename must leave the control file that says it is ours.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRecognizableWhenFinished } from '../../src/core/resume.js';
import { createEngine, type Engine } from '../../src/index.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;

let dir: string;
let server: TestServer;
let engine: Engine | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-small-validators-'));
  server = await startTestServer();
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

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
    for (const [i, body] of bodies.entries()) server.setFile(`/g${i}`, { body, etag: `"e${i}"` });
    server.setFaults({ throttleBytesPerSec: 32 * KiB });
    engine = createEngine({ dir, maxActive: 2, connections: 4, minSplitSize: 16 * KiB, checkpointIntervalMs: 50 });
    const e = engine;
    const seen = new Set<string>();
    let going = true;
    const watch = (async () => {
      while (going) {
        for (const n of await readdir(dir).catch(() => [])) seen.add(n);
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    for (let i = 0; i < sizes.length; i++) e.add(server.url(`/g${i}`));
    await e.whenIdle();
    going = false;
    await watch;
    expect(e.list().map((d) => d.state)).toEqual(['complete', 'complete']);
    for (let i = 0; i < sizes.length; i++) expect(sha256(await readFile(path.join(dir, `g${i}`)))).toBe(sha256(bodies[i]));
    expect([...seen].filter((n) => n.endsWith('.ferry-tmp'))).toEqual([]);
    expect(seen.has('g1.ferry')).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['g0', 'g1']);
  });
});
