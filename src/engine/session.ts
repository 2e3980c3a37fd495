import { encodeSession, type SessionEntry } from '../core/session-file.js';
import { writeFileAtomic } from '../disk/atomic-write.js';
import type { Engine } from './engine.js';

export type { SessionEntry };

/**
 * The unfinished downloads of an engine (waiting, active, paused, failed), with their options
 * merged over `defaults`, ready for `encodeSession`. Partial files resume when they run again.
 */
export function unfinishedEntries(engine: Engine, defaults: SessionEntry['options'] = {}): SessionEntry[] {
  return engine
    .list()
    .filter((d) => d.state !== 'complete' && d.state !== 'cancelled')
    .map((d) => ({ urls: d.urls, options: { ...defaults, ...d.options } }));
}

/** Write the session file atomically, in aria2's input format (read back with `-i`). */
export async function saveSessionFile(filePath: string, entries: SessionEntry[]): Promise<void> {
  const text = encodeSession(entries);
  // It may hold passwords (FTP, headers): readable by its owner only.
  await writeFileAtomic(filePath, text === '' || text.endsWith('\n') ? text : `${text}\n`, { mode: 0o600 });
}
