/**
 * Checksums of finished files: parsing `algorithm=hex` and hashing a file by streaming it.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { FerryError, abortedError } from '../core/errors.js';
import type { Checksum } from '../core/options.js';
import { fileSystemError } from './data-file.js';

/** A supported hash algorithm, by its canonical name. */
export type ChecksumAlgorithm = Checksum['algorithm'];

/** Canonical name -> Node.js crypto name and hex digest length. */
const ALGORITHMS: Readonly<Record<ChecksumAlgorithm, { node: string; hexLength: number }>> = {
  'sha-256': { node: 'sha256', hexLength: 64 },
  'sha-1': { node: 'sha1', hexLength: 40 },
  md5: { node: 'md5', hexLength: 32 },
  'sha-512': { node: 'sha512', hexLength: 128 },
};

/** Accepted spellings (lower case) -> canonical name. */
const ALIASES: Readonly<Record<string, ChecksumAlgorithm>> = {
  'sha-256': 'sha-256',
  sha256: 'sha-256',
  'sha-1': 'sha-1',
  sha1: 'sha-1',
  md5: 'md5',
  'sha-512': 'sha-512',
  sha512: 'sha-512',
};

/** Read size of {@link hashFile}: large reads keep the per-byte cost of the loop negligible. */
const READ_SIZE = 1024 * 1024;

/**
 * Parse `algorithm=hex`: algorithm `sha-256`/`sha256`, `sha-1`/`sha1`, `md5`, `sha-512`/`sha512`
 * (any case), hex digits in any case. The result has the canonical algorithm name and lower-case
 * hex. Anything else throws FerryError USAGE saying what is wrong.
 */
export function parseChecksum(text: string): Checksum {
  const trimmed = text.trim();
  const eq = trimmed.indexOf('=');
  if (eq < 0) throw usage(text, 'expected ALGORITHM=HEX, e.g. sha-256=e3b0c442...');
  const name = trimmed.slice(0, eq).trim().toLowerCase();
  const hex = trimmed.slice(eq + 1).trim();
  const algorithm = Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
  if (algorithm === undefined) {
    throw usage(text, `unknown algorithm ${JSON.stringify(name)} (use sha-256, sha-1, md5 or sha-512)`);
  }
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw usage(text, `the ${algorithm} digest must be hexadecimal digits only`);
  const want = ALGORITHMS[algorithm].hexLength;
  if (hex.length !== want) {
    throw usage(text, `a ${algorithm} digest has ${want} hex digits, this one has ${hex.length}`);
  }
  return { algorithm, hex: hex.toLowerCase() };
}

/**
 * Hash the file at `filePath`, reading it sequentially in large chunks through one reused buffer.
 * Resolves the lower-case hex digest. I/O errors throw FerryError FILE_SYSTEM; an abort through
 * `options.signal` throws FerryError ABORTED.
 */
export async function hashFile(
  filePath: string,
  algorithm: ChecksumAlgorithm,
  options: { signal?: AbortSignal } = {},
): Promise<string> {
  const spec = ALGORITHMS[algorithm];
  if (spec === undefined) throw new FerryError('USAGE', `unknown checksum algorithm ${JSON.stringify(algorithm)}`);
  const { signal } = options;
  const hash = createHash(spec.node);
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
export async function verifyChecksum(
  filePath: string,
  expected: Checksum,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const actual = await hashFile(filePath, expected.algorithm, options);
  if (actual !== expected.hex.toLowerCase()) {
    throw new FerryError(
      'CHECKSUM',
      `${expected.algorithm} of ${filePath} is ${actual}, expected ${expected.hex.toLowerCase()}`,
      { hint: 'the file is corrupt or not the one expected: check the checksum, then download it again' },
    );
  }
}

function usage(text: string, why: string): FerryError {
  return new FerryError('USAGE', `invalid checksum ${JSON.stringify(text)}: ${why}`, {
    hint: 'give the checksum as ALGORITHM=HEX, e.g. --checksum sha-256=<64 hex digits>',
  });
}
