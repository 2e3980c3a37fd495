import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDataFile, hashFile } from '../lib/data.js';

/** Deterministic "random" bytes: a running counter, so chunk boundaries show in the hash. */
function counter(): (n: number) => Buffer {
  const state = { next: 0 };
  return (n) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = (state.next++ * 7 + 3) & 0xff;
    return b;
  };
}

function expected(size: number): Buffer {
  return counter()(size);
}

describe('ensureDataFile', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-bench-data-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const size of [0, 1, 8 * 1024 * 1024 - 1, 8 * 1024 * 1024, 8 * 1024 * 1024 + 1]) {
    it(`writes exactly ${size} bytes and records their SHA-256`, async () => {
      const f = await ensureDataFile(dir, size, counter());
      const want = createHash('sha256').update(expected(size)).digest('hex');
      const bytes = await readFile(f.path);
      expect(bytes.length).toBe(size);
      expect(f.sha256).toBe(want);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(want);
      expect(await hashFile(f.path)).toBe(want);
      expect(f.name).toBe(`data-${size}.bin`);
    });
  }

  it('reuses a file of the right size without generating it again', async () => {
    const first = await ensureDataFile(dir, 4096, counter());
    const again = await ensureDataFile(dir, 4096, () => {
      throw new Error('must not regenerate');
    });
    expect(again).toEqual(first);
  });

  it('regenerates when the recorded hash is missing', async () => {
    const first = await ensureDataFile(dir, 100, counter());
    await writeFile(`${first.path}.sha256`, 'garbage');
    const second = await ensureDataFile(dir, 100, () => Buffer.alloc(100, 1));
    expect(second.sha256).toBe(createHash('sha256').update(Buffer.alloc(100, 1)).digest('hex'));
    expect(second.sha256).not.toBe(first.sha256);
  });
});
