import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { DataFile, type DataFileHandle, openDataFile } from '../../src/disk/data-file.js';
import { fileSystemError, finalizeFile, fsyncDir, removeIfExists, setMtime } from '../../src/disk/file-ops.js';
import { MemoryHandle } from '../helpers/memory-handle.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-data-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const fileSha256 = async (p: string): Promise<string> => sha256(await fs.readFile(p));

/** Deterministic bytes from a seed (xorshift32), so failures reproduce. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Split `data` into buffers of the given sizes (cycled), as views (no copy). */
function chunks(data: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length], data.length - at);
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

async function expectFsError(p: Promise<unknown>): Promise<FerryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FerryError);
  expect((e as FerryError).code).toBe('FILE_SYSTEM');
  return e as FerryError;
}

describe('openDataFile', () => {
  it('creates a missing file and preallocates it to size', async () => {
    const p = path.join(dir, 'a.part');
    const f = await openDataFile(p, { size: 100_000 });
    await f.close();
    expect((await fs.stat(p)).size).toBe(100_000);
    expect(await fileSha256(p)).toBe(sha256(new Uint8Array(100_000)));
  });

  it('creates an empty file without a size, and a 0-byte file with size 0', async () => {
    for (const opts of [{}, { size: 0 }]) {
      const p = path.join(dir, `z${Object.keys(opts).length}.part`);
      const f = await openDataFile(p, opts);
      await f.write([], 0);
      await f.sync();
      await f.close();
      expect((await fs.stat(p)).size).toBe(0);
      expect(await fileSha256(p)).toBe(EMPTY_SHA256);
    }
  });

  it('never truncates an existing partial file', async () => {
    const p = path.join(dir, 'keep.part');
    const data = bytes(4097, 7);
    await fs.writeFile(p, data);
    for (const opts of [{}, { size: 4097 }]) {
      const f = await openDataFile(p, opts);
      await f.close();
      expect(await fileSha256(p)).toBe(sha256(data));
    }
    // Growing keeps the bytes and adds zeros.
    const f = await openDataFile(p, { size: 5000 });
    await f.close();
    const want = new Uint8Array(5000);
    want.set(data);
    expect(await fileSha256(p)).toBe(sha256(want));
  });

  it('refuses invalid sizes', async () => {
    for (const size of [-1, 1.5, Number.NaN, 2 ** 53]) {
      await expectFsError(openDataFile(path.join(dir, 'x'), { size }));
    }
  });

  it('maps open failures to FILE_SYSTEM with the path and a hint', async () => {
    const missing = path.join(dir, 'no-such-dir', 'f.part');
    const e = await expectFsError(openDataFile(missing));
    expect(e.message).toContain(missing);
    expect(e.hint).toMatch(/directory does not exist/);
    const e2 = await expectFsError(openDataFile(dir));
    expect(e2.hint).toMatch(/directory is in the way/);
  });
});

describe('DataFile.write', () => {
  it.each([1, 2, 4095, 4096, 4097, 65_537])('scattered concurrent writes of %i bytes are byte-exact', async (size) => {
    const p = path.join(dir, 'f.part');
    const data = bytes(size, size);
    const f = await openDataFile(p, { size });
    // Cut into ranges of uneven length, write them in a shuffled order all at once,
    // each range itself as several buffers.
    const bounds = [0];
    for (let at = 0, i = 0; at < size; i++) {
      at = Math.min(size, at + 1 + ((i * 7919) % 5003));
      bounds.push(at);
    }
    const ranges = bounds.slice(1).map((end, i) => ({ start: bounds[i], end }));
    const order = ranges.map((r, i) => ({ r, k: (i * 2654435761) % 1009 })).sort((a, b) => a.k - b.k);
    await Promise.all(order.map(({ r }) => f.write(chunks(data.subarray(r.start, r.end), [1, 100, 3000]), r.start)));
    await f.sync();
    await f.close();
    expect(await fileSha256(p)).toBe(sha256(data));
  });

  it('writes at the end of a file of unknown size, extending it', async () => {
    const p = path.join(dir, 'grow.part');
    const f = await openDataFile(p);
    const data = bytes(10_000, 3);
    await f.write([data.subarray(5000)], 5000);
    await f.write([data.subarray(0, 1), data.subarray(1, 5000)], 0);
    await f.close();
    expect(await fileSha256(p)).toBe(sha256(data));
  });

  it('treats empty buffer lists and zero-length buffers as no-ops', async () => {
    const h = new MemoryHandle(4, 4);
    const f = new DataFile(h, 'mem');
    await f.write([], 0);
    await f.write([new Uint8Array(0), new Uint8Array(0)], 2);
    expect(h.calls).toHaveLength(0);
  });

  it.each([1, 3, 7, 4096])('continues short writes of at most %i bytes until every byte is written', async (max) => {
    const data = bytes(10_001, 11);
    const bufs = [new Uint8Array(0), ...chunks(data, [5, 1, 4096, 0, 333])];
    const h = new MemoryHandle(20_000, max);
    const f = new DataFile(h, 'mem');
    await f.write(bufs, 9_000);
    expect(sha256(h.data.subarray(9_000, 19_001))).toBe(sha256(data));
    expect(h.data.subarray(0, 9_000).every((b) => b === 0)).toBe(true);
    expect(h.data.subarray(19_001).every((b) => b === 0)).toBe(true);
    expect(h.calls).toHaveLength(Math.ceil(10_001 / max));
    // The fast path hands the caller's array to the kernel as is (no copy).
    expect(h.calls[0].buffers).toBe(bufs);
    // Each retry starts where the previous call stopped.
    for (const [i, c] of h.calls.entries()) expect(c.position).toBe(9_000 + i * max);
  });

  it('fails instead of looping when a write makes no progress', async () => {
    const h = new MemoryHandle(10, 0);
    const e = await expectFsError(new DataFile(h, '/x/f.part').write([bytes(5, 1)], 0));
    expect(e.message).toContain('/x/f.part');
    expect(e.message).toContain('no progress');
  });

  it('maps write errors with a hint (disk full, too many files)', async () => {
    const failing = (code: string): DataFileHandle => ({
      writev: async () => {
        throw Object.assign(new Error(`${code}: simulated, write`), { code });
      },
      datasync: async () => {
        throw Object.assign(new Error(`${code}: simulated, fdatasync`), { code });
      },
      truncate: async () => {},
      close: async () => {},
    });
    const full = new DataFile(failing('ENOSPC'), '/d/f.part');
    const e = await expectFsError(full.write([bytes(3, 1)], 0));
    expect(e.message).toContain('/d/f.part');
    expect(e.message).toContain('ENOSPC');
    expect(e.hint).toMatch(/disk is full/);
    expect(e.retryable).toBe(false);
    expect((e.cause as { code: string }).code).toBe('ENOSPC');
    const e2 = await expectFsError(full.sync());
    expect(e2.hint).toMatch(/disk is full/);
    const busy = await expectFsError(new DataFile(failing('EMFILE'), 'f').write([bytes(3, 1)], 0));
    expect(busy.retryable).toBe(true);
    expect(busy.hint).toMatch(/too many open files/);
  });

  it('refuses invalid positions', async () => {
    const f = new DataFile(new MemoryHandle(10, 10), 'mem');
    for (const pos of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expectFsError(f.write([bytes(1, 1)], pos));
    }
  });
});

describe('DataFile truncate, sync, close', () => {
  it('truncates, syncs, and closes once', async () => {
    const p = path.join(dir, 't.part');
    const data = bytes(1000, 5);
    const f = await openDataFile(p);
    await f.write([data], 0);
    await f.truncate(1);
    await f.sync();
    await f.close();
    await f.close();
    expect(await fileSha256(p)).toBe(sha256(data.subarray(0, 1)));
    await expectFsError(f.write([data], 0));
  });
});

describe('finalizeFile', () => {
  it('renames the partial file to its final name, replacing an old file', async () => {
    const part = path.join(dir, 'f.iso.part');
    const final = path.join(dir, 'f.iso');
    const data = bytes(4096, 9);
    await fs.writeFile(part, data);
    await fs.writeFile(final, 'old');
    await finalizeFile(part, final);
    expect(await fileSha256(final)).toBe(sha256(data));
    await expect(fs.access(part)).rejects.toThrow();
  });

  it('moves across directories of one file system', async () => {
    await fs.mkdir(path.join(dir, 'a'));
    await fs.mkdir(path.join(dir, 'b'));
    const part = path.join(dir, 'a', 'f.part');
    await fs.writeFile(part, bytes(1, 1));
    await finalizeFile(part, path.join(dir, 'b', 'f'));
    expect(await fileSha256(path.join(dir, 'b', 'f'))).toBe(sha256(bytes(1, 1)));
  });

  it('fails with FILE_SYSTEM when the partial file is missing', async () => {
    const e = await expectFsError(finalizeFile(path.join(dir, 'nope.part'), path.join(dir, 'nope')));
    expect(e.message).toContain('nope.part');
  });
});

describe('setMtime, removeIfExists, fsyncDir', () => {
  it('sets the modification time', async () => {
    const p = path.join(dir, 'm');
    await fs.writeFile(p, '');
    const date = new Date('2001-02-03T04:05:06.000Z');
    await setMtime(p, date);
    expect((await fs.stat(p)).mtime.getTime()).toBe(date.getTime());
    await expectFsError(setMtime(path.join(dir, 'missing'), date));
  });

  it('removes a file once, and a missing file is fine', async () => {
    const p = path.join(dir, 'r');
    await fs.writeFile(p, 'x');
    expect(await removeIfExists(p)).toBe(true);
    expect(await removeIfExists(p)).toBe(false);
    await expect(fs.access(p)).rejects.toThrow();
    await expectFsError(removeIfExists(dir));
  });

  it('syncs a directory, and reports a missing one', async () => {
    await fsyncDir(dir);
    await expectFsError(fsyncDir(path.join(dir, 'missing')));
  });

  it('passes FerryErrors through fileSystemError unchanged', () => {
    const inner = new FerryError('ABORTED', 'stop');
    expect(fileSystemError(inner, 'write', 'f')).toBe(inner);
    expect(fileSystemError('weird', 'write', 'f').message).toBe('cannot write f: weird');
  });
});
