import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureFileSet, parseManifest, setFileName } from '../lib/file-set.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Deterministic bytes: a counter whose start moves with every call, so every file differs. */
function counter(): (n: number) => Buffer {
  const state = { call: 0 };
  return (n) => {
    const start = 37 * state.call++;
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = (start + i * 13 + 1) & 0xff;
    return b;
  };
}

describe('file sets', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-bench-set-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names files so that they sort like numbers', () => {
    expect(setFileName(0, 500)).toBe('f0001.bin');
    expect(setFileName(499, 500)).toBe('f0500.bin');
    expect(setFileName(0, 12345)).toBe('f00001.bin');
  });

  for (const size of [0, 1, 65535, 65536, 65537]) {
    it(`writes 3 files of exactly ${size} bytes with their SHA-256`, async () => {
      const set = await ensureFileSet(dir, 3, size, counter());
      expect(set.dirName).toBe(`files-3x${size}`);
      expect(set.files.map((f) => f.name)).toEqual(['f0001.bin', 'f0002.bin', 'f0003.bin']);
      const want = counter();
      for (const f of set.files) {
        const bytes = await readFile(join(set.dir, f.name));
        const expected = want(size);
        expect(bytes.length).toBe(size);
        expect(bytes.equals(expected)).toBe(true);
        expect(f.sha256).toBe(sha(expected));
        expect(f.size).toBe(size);
      }
      if (size > 1) expect(new Set(set.files.map((f) => f.sha256)).size).toBe(3);
    });
  }

  it('reuses a complete set and regenerates a damaged one', async () => {
    const first = await ensureFileSet(dir, 2, 100, counter());
    const again = await ensureFileSet(dir, 2, 100, () => {
      throw new Error('must not regenerate');
    });
    expect(again).toEqual(first);
    await writeFile(join(first.dir, 'f0002.bin'), Buffer.alloc(99)); // wrong size
    const fixed = await ensureFileSet(dir, 2, 100, () => Buffer.alloc(100, 7));
    expect(fixed.files.map((f) => f.sha256)).toEqual([sha(Buffer.alloc(100, 7)), sha(Buffer.alloc(100, 7))]);
    expect((await readFile(join(first.dir, 'f0002.bin'))).length).toBe(100);
  });

  it('trusts a manifest only when it names exactly the expected files', () => {
    const h = 'a'.repeat(64);
    expect(parseManifest(`${h}  f0001.bin\n`, ['f0001.bin'])).toEqual([h]);
    expect(parseManifest(`${h}  f0002.bin\n`, ['f0001.bin'])).toBeUndefined();
    expect(parseManifest(`${h}  f0001.bin\n${h}  f0002.bin\n`, ['f0001.bin'])).toBeUndefined();
    expect(parseManifest('xyz  f0001.bin\n', ['f0001.bin'])).toBeUndefined();
    expect(parseManifest('', [])).toEqual([]);
  });
});
