import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { fileSystemError, fsyncDir } from './file-ops.js';

/**
 * Replace `filePath` with `text` atomically: write `filePath.tmp-<pid>` (or `tmpPath`), fsync it, rename it over
 * `filePath`, fsync the directory. A crash at any instant leaves either the old or the new file.
 * Invariant: callers do not write the same path twice at once. `durable: false` skips the syncs
 * (still atomic against a process crash, not against a power cut): for content that claims nothing.
 * `mode` is the new file's permission bits (before the umask). The temp file is created with
 * O_EXCL | O_NOFOLLOW: a file or symlink planted at its name is removed (unlink never follows a
 * link), never written through.
 */
export async function writeFileAtomic(filePath: string, text: string, options: { durable?: boolean; mode?: number; tmpPath?: string } = {}): Promise<void> {
  const durable = options.durable ?? true;
  const tmp = options.tmpPath ?? `${filePath}.tmp-${process.pid}`;
  try {
    const handle = await openExclusive(tmp, options.mode ?? 0o666);
    try {
      await handle.writeFile(text, 'utf8');
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, filePath);
  } catch (e) {
    await fs.unlink(tmp).catch(() => undefined);
    throw fileSystemError(e, 'save', filePath);
  }
  if (durable) await fsyncDir(path.dirname(filePath));
}

const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Create `file` anew; a leftover at its name (a crashed save, a planted link) is unlinked first. */
async function openExclusive(file: string, mode: number): Promise<fs.FileHandle> {
  try {
    return await fs.open(file, EXCLUSIVE, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    await fs.unlink(file);
    return await fs.open(file, EXCLUSIVE, mode);
  }
}
