import * as fs from 'node:fs/promises';
import path from 'node:path';
import { fileSystemError, fsyncDir } from './data-file.js';

/**
 * Replace `filePath` with `text` atomically: write `filePath.tmp-<pid>`, fsync it, rename it over
 * `filePath`, fsync the directory. A crash at any instant leaves either the old or the new file.
 * Invariant: callers do not write the same path twice at once. `durable: false` skips the syncs
 * (still atomic against a process crash, not against a power cut): for content that claims nothing.
 * `mode` is the new file's permission bits (before the umask).
 */
export async function writeFileAtomic(filePath: string, text: string, options: { durable?: boolean; mode?: number } = {}): Promise<void> {
  const durable = options.durable ?? true;
  const tmp = `${filePath}.tmp-${process.pid}`;
  try {
    const handle = await fs.open(tmp, 'w', options.mode ?? 0o666);
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
