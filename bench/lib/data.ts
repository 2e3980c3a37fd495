/**
 * Test data: files of random bytes, generated once per size and reused by every run and scenario
 * that needs that size. A `.sha256` file beside each data file records its hash, so a kept
 * `--data-dir` is not re-hashed on the next invocation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A generated source file and its reference hash. */
export interface DataFile {
  path: string;
  /** Name inside the data directory (what servers expose). */
  name: string;
  size: number;
  sha256: string;
}

/** Random bytes source; injected so tests can make deterministic data. */
export type RandomSource = (n: number) => Buffer;

const CHUNK = 8 * 1024 * 1024;

/** SHA-256 (hex) of a whole file, streamed. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Return `data-<size>.bin` in `dir`, creating it (random bytes, written in 8 MiB chunks) unless
 * a file of that exact size with a recorded hash already exists.
 */
export async function ensureDataFile(dir: string, size: number, random: RandomSource = randomBytes): Promise<DataFile> {
  const name = `data-${size}.bin`;
  const path = join(dir, name);
  const shaPath = `${path}.sha256`;
  const existing = await stat(path).catch(() => undefined);
  if (existing?.size === size) {
    const recorded = (await readFile(shaPath, 'utf8').catch(() => '')).trim();
    if (/^[0-9a-f]{64}$/.test(recorded)) return { path, name, size, sha256: recorded };
  }
  const hash = createHash('sha256');
  const fh = await open(path, 'w');
  try {
    for (let done = 0; done < size; ) {
      const chunk = random(Math.min(CHUNK, size - done));
      hash.update(chunk);
      await fh.writeFile(chunk); // loops until the whole chunk is written, at the current position
      done += chunk.length;
    }
  } finally {
    await fh.close();
  }
  const sha256 = hash.digest('hex');
  await writeFile(shaPath, `${sha256}\n`);
  return { path, name, size, sha256 };
}
