/** The checkpoint of a segmented download: data synced first, then the control file saved atomically. */
import { type ControlState, saveControl } from '../disk/control-file.js';
import type { DataFile } from '../disk/data-file.js';

/** A checkpoint writer: saves in order, never two at once. */
export interface SerialCheckpoint {
  /** Save the control file (unless nothing changed and `force` is false). */
  save(force: boolean): Promise<void>;
  /** Resolves once no save is running (whether the last one failed or not). */
  settled(): Promise<void>;
  /** True once a control file exists on disk for this download. */
  written(): boolean;
}

/**
 * Checkpoints never overlap; each syncs the data before saving the ranges it claims are on disk.
 * `savedBytes` and `written` describe the control file already on disk.
 */
export function serialCheckpoint(
  file: DataFile,
  controlPath: string,
  state: () => ControlState,
  savedBytes: number,
  written: boolean,
  fsync: boolean,
): SerialCheckpoint {
  let chain: Promise<void> = Promise.resolve();
  return {
    save(force: boolean): Promise<void> {
      chain = chain.then(async () => {
        const snapshot = state();
        const bytes = snapshot.done.reduce((n, r) => n + r.end - r.start, 0);
        if (!force && bytes === savedBytes && written) return;
        // A control file that claims no bytes protects nothing yet: no syncs needed for it.
        const durable = fsync && bytes > 0;
        if (durable) await file.sync();
        await saveControl(controlPath, snapshot, { durable });
        savedBytes = bytes;
        written = true;
      });
      return chain;
    },
    settled(): Promise<void> {
      return chain.catch(() => undefined);
    },
    written: (): boolean => written,
  };
}
