import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { type ChecksumAlgorithm, hashFile, verifyChecksum } from '../../src/disk/checksum.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-sum-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Published test vectors (FIPS 180, RFC 1321). */
const VECTORS: [ChecksumAlgorithm, string, string][] = [
  ['sha-256', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['sha-256', 'a', 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb'],
  ['sha-256', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['sha-1', '', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ['sha-1', 'abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ['md5', '', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['md5', 'a', '0cc175b9c0f1b6a831c399e269772661'],
  ['md5', 'abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['sha-512', '', 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'],
  ['sha-512', 'abc', 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'],
];

describe('hashFile', () => {
  it.each(VECTORS)('%s of %j', async (algorithm, content, hex) => {
    const p = path.join(dir, 'f');
    await fs.writeFile(p, content);
    expect(await hashFile(p, algorithm)).toBe(hex);
  });

  it.each([1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1, 2 * 1024 * 1024 + 3])('hashes %i bytes across read boundaries', async (size) => {
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >>> 8)) & 0xff;
    const p = path.join(dir, 'big');
    await fs.writeFile(p, data);
    expect(await hashFile(p, 'sha-256')).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('reports a missing file as FILE_SYSTEM', async () => {
    const p = path.join(dir, 'missing');
    await expect(hashFile(p, 'sha-256')).rejects.toMatchObject({ code: 'FILE_SYSTEM' });
    await expect(hashFile(dir, 'md5')).rejects.toMatchObject({ code: 'FILE_SYSTEM' });
  });

  it('stops with ABORTED when the signal is aborted', async () => {
    const p = path.join(dir, 'f');
    await fs.writeFile(p, 'abc');
    const ac = new AbortController();
    ac.abort();
    await expect(hashFile(p, 'sha-256', { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('verifyChecksum', () => {
  it('passes on a match (any hex case) and fails with CHECKSUM on a mismatch', async () => {
    const p = path.join(dir, 'f');
    await fs.writeFile(p, 'abc');
    await verifyChecksum(p, { algorithm: 'sha-1', hex: 'A9993E364706816ABA3E25717850C26C9CD0D89D' });
    const e = await verifyChecksum(p, { algorithm: 'sha-1', hex: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(FerryError);
    expect((e as FerryError).code).toBe('CHECKSUM');
    expect((e as FerryError).message).toContain('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect((e as FerryError).message).toContain('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });
});
