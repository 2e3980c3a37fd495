/**
 * Group commit of directory syncs: downloads that rename their files into one directory at about
 * the same time share one fsync of that directory instead of one each.
 */
import path from 'node:path';
import { fsyncDir } from './file-ops.js';

/** One directory's sync in flight, and the one queued to start after it, if any. */
interface Pending {
  running: Promise<void>;
  next?: Promise<void>;
}

const ignore = (): void => undefined;

/** Directories whose keys are kept (a queue uses a few; a long-running daemon may use many). */
const MAX_KEYS = 256;

/**
 * Invariant: `sync(dir)` resolves only after an fsync of `dir` that *began* after the call has
 * completed, so every rename (or creation) in `dir` made before the call is durable once it
 * resolves. Callers that arrive while a sync runs share the one queued behind it (that running
 * sync may have begun before their rename), so at most two syncs per directory are ever pending.
 * Directory keys are resolved paths. One instance per engine; nothing is module-level.
 */
export class DirSyncs {
  private readonly pending = new Map<string, Pending>();
  /** The keys of absolute directories asked for (their resolution does not depend on the working directory). */
  private readonly keys = new Map<string, string>();

  /** @param syncDir the sync itself (default: fsyncDir, tolerant of file systems that cannot). */
  constructor(private readonly syncDir: (dir: string) => Promise<void> = fsyncDir) {}

  /** Make everything renamed into `dir` so far durable; rejects with the sync's error. */
  sync(dir: string): Promise<void> {
    const key = this.keyOf(dir);
    const p = this.pending.get(key);
    if (p === undefined) return this.start(key);
    p.next ??= p.running.then(ignore, ignore).then(() => this.start(key));
    return p.next;
  }

  /** How many directories have a sync in flight (for tests). */
  get busy(): number {
    return this.pending.size;
  }

  private keyOf(dir: string): string {
    if (!path.isAbsolute(dir)) return path.resolve(dir);
    let key = this.keys.get(dir);
    if (key === undefined) {
      if (this.keys.size >= MAX_KEYS) this.keys.clear();
      key = path.resolve(dir);
      this.keys.set(dir, key);
    }
    return key;
  }

  private start(key: string): Promise<void> {
    const running = this.syncDir(key);
    const p: Pending = { running };
    this.pending.set(key, p);
    void running.then(ignore, ignore).then(() => {
      if (this.pending.get(key) === p && p.next === undefined) this.pending.delete(key);
    });
    return running;
  }
}
