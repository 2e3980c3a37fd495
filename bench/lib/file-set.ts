/**
 * Test data of the list scenarios: `count` files of `size` random bytes each, in one directory
 * `files-<count>x<size>` of the data directory, generated once and reused by every run. A
 * `SHA256SUMS` manifest (written last, so a half-made set is never trusted) records every hash,
 * so a kept `--data-dir` is not re-hashed on the next invocation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RandomSource } from './data.js';

/** One file of a set: its name (also its URL path segment) and reference hash. */
export interface SetFile {
  name: string;
  size: number;
  sha256: string;
}

/** A generated set of files. */
export interface FileSet {
  /** Absolute path of the set's directory. */
  dir: string;
  /** The directory's name inside the data directory (what nginx exposes under /plain/). */
  dirName: string;
  size: number;
  /** In name order; names sort the same as numbers (`f0001.bin`, ...). */
  files: SetFile[];
}

/** `f0001.bin` ... with as many digits as the count needs (at least 4). */
export function setFileName(index: number, count: number): string {
  return `f${String(index + 1).padStart(Math.max(4, String(count).length), '0')}.bin`;
}

/** Parse a `sha256sum`-style manifest; undefined unless it names exactly `names` in order. */
export function parseManifest(text: string, names: readonly string[]): string[] | undefined {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== names.length) return undefined;
  const hashes: string[] = [];
  for (const [i, line] of lines.entries()) {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (!m || m[2] !== names[i]) return undefined;
    hashes.push(m[1]);
  }
  return hashes;
}

/** Reuse `files-<count>x<size>` in `dataDir` when its manifest and sizes match, else (re)create it. */
export async function ensureFileSet(dataDir: string, count: number, size: number, random: RandomSource = randomBytes): Promise<FileSet> {
  const dirName = `files-${count}x${size}`;
  const dir = join(dataDir, dirName);
  const names = Array.from({ length: count }, (_, i) => setFileName(i, count));
  const manifest = join(dir, 'SHA256SUMS');
  const recorded = parseManifest(await readFile(manifest, 'utf8').catch(() => ''), names);
  if (recorded !== undefined) {
    const sizes = await Promise.all(
      names.map((n) =>
        stat(join(dir, n)).then(
          (s) => s.size,
          () => -1,
        ),
      ),
    );
    if (sizes.every((s) => s === size)) return { dir, dirName, size, files: names.map((name, i) => ({ name, size, sha256: recorded[i] })) };
  }
  await mkdir(dir, { recursive: true });
  const files: SetFile[] = [];
  for (const name of names) {
    const body = random(size);
    await writeFile(join(dir, name), body, { mode: 0o644 });
    files.push({ name, size, sha256: createHash('sha256').update(body).digest('hex') });
  }
  await writeFile(manifest, files.map((f) => `${f.sha256}  ${f.name}\n`).join(''));
  return { dir, dirName, size, files };
}
