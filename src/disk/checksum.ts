/**
 * Checksums of finished files: hashing a file by streaming it (parsing `algorithm=hex` is
 * `parseChecksumSpec` in src/core/input-file-values.ts).
 */

import { promises as fs } from 'node:fs';
import { abortedError, FerryError } from '../core/errors.js';
import type { Checksum } from '../core/options.js';
import { cryptoModule } from '../lazy-builtins.js';
import { fileSystemError } from './file-ops.js';

/** A supported hash algorithm, by its canonical name. */
export type ChecksumAlgorithm = Checksum['algorithm'];

/** Canonical name -> Node.js crypto name. */
const ALGORITHMS: Readonly<Record<ChecksumAlgorithm, { node: string }>> = {
  'sha-256': { node: 'sha256' },
  'sha-1': { node: 'sha1' },
  md5: { node: 'md5' },
  'sha-512': { node: 'sha512' },
};

/** Read size of {@link hashFile}: large reads keep the per-byte cost of the loop negligible. */
const READ_SIZE = 1024 * 1024;

/**
 * Hash the file at `filePath`, reading it sequentially in large chunks through one reused buffer.
 * Resolves the lower-case hex digest. I/O errors throw FerryError FILE_SYSTEM; an abort through
 * `options.signal` throws FerryError ABORTED.
 */
export async function hashFile(filePath: string, algorithm: ChecksumAlgorithm, options: { signal?: AbortSignal } = {}): Promise<string> {
  const spec = ALGORITHMS[algorithm];
  if (spec === undefined) throw new FerryError('USAGE', `unknown checksum algorithm ${JSON.stringify(algorithm)}`);
  const { signal } = options;
  const hash = cryptoModule().createHash(spec.node);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(filePath, 'r');
    const buffer = Buffer.allocUnsafe(READ_SIZE);
    for (;;) {
      if (signal?.aborted) throw abortedError();
      const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, null);
      if (bytesRead === 0) break;
      // update() consumes the bytes synchronously, so the buffer can be reused right after.
      hash.update(buffer.subarray(0, bytesRead));
    }
  } catch (e) {
    throw fileSystemError(e, 'read', filePath);
  } finally {
    await handle?.close().catch(() => undefined);
  }
  return hash.digest('hex');
}

/**
 * Hash `filePath` and compare with `expected`; throws FerryError CHECKSUM on a mismatch, naming
 * both digests.
 */
export async function verifyChecksum(filePath: string, expected: Checksum, options: { signal?: AbortSignal } = {}): Promise<void> {
  const actual = await hashFile(filePath, expected.algorithm, options);
  if (actual !== expected.hex.toLowerCase()) {
    throw new FerryError('CHECKSUM', `${expected.algorithm} of ${filePath} is ${actual}, expected ${expected.hex.toLowerCase()}`, {
      hint: 'the file is corrupt or not the one expected: check the checksum, then download it again',
    });
  }
}
