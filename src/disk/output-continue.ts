/**
 * Taking over a partial file that ferry did not write (`-c/--continue`, as wget does): the bytes
 * from 0 to the file's length are kept, the rest is downloaded like any resume.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FerryError } from '../core/errors.js';
import type { RemoteInfo } from '../core/types.js';
import { type ControlState, saveControl } from './control-file.js';
import { fileSystemError, fsyncDir } from './file-ops.js';
import type { OutputPaths } from './output-claims.js';

/** What to continue: the remote file as probed, and who records the control file. */
export interface ContinueRequest {
  paths: OutputPaths;
  /** The length of the local file at the final name (all that is trusted of it). */
  localBytes: number;
  remote: RemoteInfo;
  /** The URL the download was given (recorded as the control file's source). */
  source: string;
  /** Sync the control file and the directory (`fsync`). */
  durable: boolean;
}

/**
 * Take over the final file as the partial file of this download, or say that it is whole.
 *
 * Order (each step survives a kill): (1) the control file is saved, claiming bytes
 * `[0, localBytes)` of the `.part`; (2) the final file is renamed to the `.part`. After a kill
 * between the two, the final file is still there with all its bytes and `-c` takes it over again
 * (our control file without a `.part` is rewritten); after (2), it is an ordinary resume whose
 * `.part` is shorter than the file (the claimed bytes are all in it). The caller checked, just
 * before, that no `.part` exists (so the rename replaces nothing).
 * @returns 'complete' when the local file has the server's length (nothing is changed), else the
 *   control state now on disk.
 * @throws FerryError UNSUPPORTED when the server cannot do ranges or gave no length, FILE_EXISTS
 *   when the local file is longer than the server's (in both cases nothing is changed).
 */
export async function continuePartialFile(req: ContinueRequest): Promise<'complete' | ControlState> {
  const { paths, remote, localBytes } = req;
  if (!remote.acceptsRanges || remote.size === undefined) {
    throw new FerryError(
      'UNSUPPORTED',
      `cannot continue ${paths.final}: the server ${remote.size === undefined ? 'did not say the size' : 'does not support ranges'}; the file is left as it is`,
      { hint: 'remove the file to download it again, or run without -c' },
    );
  }
  if (localBytes > remote.size) {
    throw new FerryError(
      'FILE_EXISTS',
      `cannot continue ${paths.final}: it has ${localBytes} bytes, the server's file only ${remote.size}; the file is left as it is`,
      {
        hint: 'it is not the start of this file: remove it, or choose another name with -o',
      },
    );
  }
  if (localBytes === remote.size) return 'complete';
  const state: ControlState = {
    version: 1,
    url: remote.url,
    source: req.source,
    size: remote.size,
    etag: remote.etag,
    lastModified: remote.lastModified,
    done: localBytes > 0 ? [{ start: 0, end: localBytes }] : [],
    createdAt: new Date().toISOString(),
  };
  await saveControl(paths.control, state, { durable: req.durable });
  try {
    await fs.rename(paths.final, paths.part);
  } catch (e) {
    throw fileSystemError(e, `rename ${paths.final} to`, paths.part);
  }
  if (req.durable) await fsyncDir(path.dirname(paths.part));
  return state;
}
