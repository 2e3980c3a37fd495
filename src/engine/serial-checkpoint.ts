/**
 * The checkpoints of a segmented download, two kinds, one at a time:
 *
 * - durable (`save`): data synced first, then the control file saved atomically (and synced),
 *   claiming in `done` every byte written before the sync began;
 * - light (`record`): the control file saved atomically without any sync, keeping the last durable
 *   claim in `done` and listing the bytes written since in `written`, stamped with the boot id.
 *   It costs one small file write and a rename, so it runs often: a process killed at any moment
 *   loses only the bytes of the last few milliseconds (the rerun trusts `written` during the same
 *   boot, see core/written-ranges.ts).
 *
 * Invariants: `done` only ever names bytes that were synced (with `fsync` off: written);
 * `written` only names bytes whose positional write had returned before the state was read (the
 * piece map marks bytes done only then); saves never overlap, so a later save never loses to an
 * earlier one.
 */

import type { ByteRange } from '../core/types.js';
import { rangeBytes, rangesWithout } from '../core/written-ranges.js';
import { type ControlState, saveControl } from '../disk/control-file.js';
import type { DataFile } from '../disk/data-file.js';

/** A checkpoint writer: saves in order, never two at once. */
export interface SerialCheckpoint {
  /** Durable checkpoint (unless nothing changed since the last one and `force` is false). */
  save(force: boolean): Promise<void>;
  /**
   * Light checkpoint: record the bytes written since the last durable one (when anything changed).
   * Resolves with how long the save itself took (ms; 0 when nothing needed saving), not counting
   * the wait for an earlier save.
   */
  record(): Promise<number>;
  /** Resolves once no save is running (whether the last one failed or not). */
  settled(): Promise<void>;
  /** True once a control file exists on disk for this download. */
  written(): boolean;
}

export interface CheckpointSpec {
  file: DataFile;
  controlPath: string;
  /** The state now, `done` being every byte whose write returned. */
  state: () => ControlState;
  /** What the control file on disk claims as synced (`done`). */
  synced: ByteRange[];
  /** Whether a control file exists on disk already. */
  written: boolean;
  fsync: boolean;
  /** The boot id of now; undefined: written ranges would never be trusted, so none are recorded. */
  bootId: string | undefined;
  /** Clock of the light saves' durations (ms; default performance.now). */
  now?: () => number;
}

/**
 * Checkpoints never overlap; a durable one syncs the data before saving the ranges it claims are
 * on disk, a light one claims nothing new in `done`.
 */
export function serialCheckpoint(spec: CheckpointSpec): SerialCheckpoint {
  const { file, controlPath, state, fsync, bootId } = spec;
  const now = spec.now ?? (() => performance.now());
  // Two queues: durable checkpoints one after another (each syncs the data), and every write of
  // the control file one after another. A data sync runs outside the second queue, so light
  // checkpoints go on while it takes its time; its claim is saved once the sync returned.
  let durables: Promise<void> = Promise.resolve();
  let writes: Promise<void> = Promise.resolve();
  let synced = spec.synced;
  let syncedBytes = rangeBytes(synced);
  /** Bytes the control file on disk covers (`done` plus `written`). */
  let recordedBytes = syncedBytes;
  let written = spec.written;
  /** A light checkpoint queued and not started yet: one is enough, it reads the state when it runs. */
  let lightQueued: Promise<number> | undefined;

  // A failed save does not stop the later ones (each rereads the state and saves it whole).
  const enqueueWrite = <T>(step: () => Promise<T>): Promise<T> => {
    const run = writes.then(step);
    // The queue only orders the saves: a failure is the caller's (through `run`), not the next one's.
    writes = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };

  const durable = async (force: boolean): Promise<void> => {
    const snapshot = state();
    const bytes = rangeBytes(snapshot.done);
    if (!force && bytes === syncedBytes && written) return;
    // A control file that claims no bytes protects nothing yet: no syncs needed for it.
    const sync = fsync && bytes > 0;
    if (sync) await file.sync();
    await enqueueWrite(async () => {
      // Bytes written during the sync go in `written` (never in `done`: the sync may have missed them).
      const now = state().done;
      const extra = sync && bootId !== undefined ? rangesWithout(now, snapshot.done) : [];
      const record = extra.length > 0 ? { ...snapshot, boot: bootId, written: extra } : snapshot;
      await saveControl(controlPath, record, { durable: sync });
      synced = snapshot.done;
      syncedBytes = bytes;
      recordedBytes = bytes + rangeBytes(extra);
      written = true;
    });
  };

  const light = async (): Promise<number> => {
    const start = now();
    const snapshot = state();
    const bytes = rangeBytes(snapshot.done);
    if (bytes === recordedBytes && written) return 0;
    // Without fsync `done` claims written bytes anyway: the light checkpoint is a full one, unsynced.
    if (!fsync) {
      await saveControl(controlPath, snapshot, { durable: false });
      synced = snapshot.done;
      syncedBytes = bytes;
    } else {
      if (bootId === undefined) return 0;
      const extra = rangesWithout(snapshot.done, synced);
      await saveControl(controlPath, { ...snapshot, done: synced, boot: bootId, written: extra }, { durable: false });
    }
    recordedBytes = bytes;
    written = true;
    return now() - start;
  };

  return {
    save(force: boolean): Promise<void> {
      durables = durables.catch(() => undefined).then(() => durable(force));
      return durables;
    },
    record(): Promise<number> {
      lightQueued ??= enqueueWrite(() => {
        lightQueued = undefined;
        return light();
      });
      return lightQueued;
    },
    async settled(): Promise<void> {
      await durables.catch(() => undefined);
      await writes; // never rejects
    },
    written: (): boolean => written,
  };
}
