import path from 'node:path';
import { mkdirOrFail } from './download-support.js';

/**
 * The output directories of one engine, each created (or found) once: the downloads of a list
 * into one directory ask the file system for it once instead of once per file. A creation that
 * failed is asked again next time. A directory removed while the engine runs makes the next open
 * in it fail with its own message (ENOENT: "the directory does not exist").
 */
export class MadeDirs {
  private readonly made = new Map<string, Promise<void>>();

  /** @param mkdir creates a directory and its parents (default: mkdirOrFail). */
  constructor(private readonly mkdir: (dir: string) => Promise<void> = mkdirOrFail) {}

  /** Resolves once `dir` exists (made by this call or an earlier one); rejects as `mkdir` does. */
  ensure(dir: string): Promise<void> {
    const key = path.resolve(dir);
    const known = this.made.get(key);
    if (known !== undefined) return known;
    const p = this.mkdir(dir);
    this.made.set(key, p);
    p.catch(() => {
      if (this.made.get(key) === p) this.made.delete(key);
    });
    return p;
  }
}
