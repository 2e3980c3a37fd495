/**
 * The daemon's persistent store: queue, history and global settings in one SQLite database.
 * Only the daemon loads this module, with a dynamic `import()`: the one-shot command line never
 * pays for SQLite.
 */
export { isGid, newGid } from './gid.js';
export { type OpenStoreDeps, openStore } from './open-store.js';
export { SCHEMA_VERSION } from './schema.js';
export {
  isStopped,
  type NewDownload,
  type PrefixMatch,
  type ProgressUpdate,
  type QueuedStatus,
  type StatusExtra,
  type StoppedEntry,
  type StoppedPage,
  type StoppedStatus,
  type Store,
  type StoredDownload,
  type StoredStatus,
} from './types.js';
