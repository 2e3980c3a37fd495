/**
 * Choosing where a download writes, once the remote file is known: the first candidate name that
 * no other download of the engine claims and whose files on disk are free or ferry's own for this
 * URL. Files that ferry did not write for this download are never reused or deleted.
 */
import { lstatSync, type Stats } from 'node:fs';
import { FerryError } from '../core/errors.js';
import { isAlreadyComplete, isControlFor, isFinishedBeside } from '../core/resume.js';
import type { RemoteInfo } from '../core/types.js';
import { type ControlState, loadControl } from './control-file.js';
import { errnoCode, fileSystemError } from './file-ops.js';
import { candidateName, MAX_CANDIDATES, type OutputClaim, type OutputClaims } from './output-claims.js';

/** What is on disk at one candidate. */
export interface OutputOnDisk {
  /** Our control file for this download, when there is one. */
  control?: ControlState;
  /** Why the candidate's files are not ours (a foreign `.part` or control file), if they are not. */
  foreign?: string;
  /** The final file, when something is at its name (lstat: a symlink is not followed). */
  final?: Stats;
  /** The partial file, when something is at its name. */
  part?: Stats;
}

/** The outcome: the claim held, and what to do with it. */
export interface OutputChoice {
  claim: OutputClaim;
  /**
   * `complete`: the final file is this download, already whole; `write`: download into it;
   * `continue`: the final file is a partial file ferry did not write (`continuePartial`), to be
   * continued (see continuePartialFile).
   */
  action: 'complete' | 'write' | 'continue';
  /** The final file, for `continue`. */
  final?: Stats;
  /** Our control file found there (a resume candidate, or a leftover beside a complete file). */
  control?: ControlState;
  /** Why an earlier candidate was passed over (for a note), when the name is not candidate 0. */
  renamed?: string;
}

export interface OutputRequest {
  claims: OutputClaims;
  owner: object;
  dir: string;
  name: string;
  explicit: boolean;
  /** `autoFileRenaming`: pass over a taken name that came from the server or the URL. */
  rename: boolean;
  overwrite: boolean;
  /** `continuePartial`: an existing final file without our `.part` is continued. */
  continuePartial?: boolean;
  /** The download's URLs (the URL and its mirrors): a control file for any of them is ours. */
  urls: readonly string[];
  remote: RemoteInfo;
  /** The first candidate to try (the one claimed at add time). */
  from?: number;
}

/**
 * Look at what is on disk for `paths`. A control file that cannot be read, or one for another
 * URL, makes the candidate foreign; so does a `.part` (file or symlink) without our control file.
 */
export async function inspectOutput(paths: { final: string; part: string; control: string }, urls: readonly string[]): Promise<OutputOnDisk> {
  const finalStat = lstatOrUndefined(paths.final);
  const partStat = lstatOrUndefined(paths.part);
  const controlStat = lstatOrUndefined(paths.control);
  const out: OutputOnDisk = { final: finalStat, part: partStat };
  if (controlStat) {
    let state: ControlState | undefined;
    try {
      state = controlStat.isFile() ? await loadControl(paths.control) : undefined;
    } catch {
      state = undefined;
    }
    if (!state) return { ...out, foreign: `${paths.control} is not a control file of ferry's` };
    if (!isControlFor([state.source, state.url], urls))
      return { ...out, foreign: `${paths.control} belongs to another download (${state.source ?? state.url})` };
    out.control = state;
  }
  if (partStat && !out.control) return { ...out, foreign: `${paths.part} was not written by ferry for this download` };
  if (partStat && !partStat.isFile()) return { ...out, foreign: `${paths.part} is not a regular file` };
  return out;
}

/**
 * Claim and return the output of a download (see the module comment). In claim order, an existing
 * final file counts as "already complete" only at the candidate this download holds.
 * @throws FerryError FILE_EXISTS when the name is taken and may not be renamed (explicit `out`,
 *   or `rename` false), USAGE for an explicit name another download of the queue holds.
 */
export async function chooseOutput(req: OutputRequest): Promise<OutputChoice> {
  const renaming = req.rename && !req.explicit;
  const from = req.from ?? 0;
  // A later candidate claimed at add time: an earlier download of the queue has the name.
  let renamed = from > 0 ? `another download of this queue saves as ${req.name}` : undefined;
  for (let i = from; i < from + MAX_CANDIDATES; i++) {
    const claim = req.claims.tryClaim(req.owner, req.dir, req.name, i, req.explicit);
    if (!claim) {
      if (!renaming) throw req.claims.conflict(req.owner, req.dir, req.name, i, req.explicit);
      renamed ??= `another download of this queue saves as ${candidateName(req.name, i)}`;
      continue;
    }
    const disk = await inspectOutput(claim.paths, req.urls);
    // Only the final file's length is trusted; our control file without a `.part` (a kill while
    // a file was being taken over) is rewritten from it.
    if (req.continuePartial && !disk.part && disk.final?.isFile() && !disk.foreign) {
      return { claim, action: 'continue', control: disk.control, final: disk.final, renamed: note(renamed, claim) };
    }
    if (disk.foreign) {
      if (!renaming) {
        req.claims.release(req.owner);
        throw new FerryError('FILE_EXISTS', `${disk.foreign}; ferry will not touch it`, { hint: 'remove it, or choose another name with -o' });
      }
      renamed ??= disk.foreign;
      continue;
    }
    if (disk.final) {
      const finished =
        disk.final.isFile() &&
        (isAlreadyComplete(disk.final, req.remote) || (!disk.part && disk.control !== undefined && isFinishedBeside(disk.final, disk.control, req.remote)));
      if (finished && !req.overwrite) {
        return { claim, action: 'complete', control: disk.control, renamed: note(renamed, claim) };
      }
      if (!(req.overwrite && disk.final.isFile())) {
        if (!renaming) {
          req.claims.release(req.owner);
          throw new FerryError('FILE_EXISTS', `${claim.paths.final} already exists`, { hint: 'use --overwrite to replace it, or -o to choose another name' });
        }
        renamed ??= `${candidateName(req.name, i)} exists`;
        continue;
      }
    }
    return { claim, action: 'write', control: disk.control, renamed: note(renamed, claim) };
  }
  req.claims.release(req.owner);
  throw new FerryError('FILE_EXISTS', `no free name for ${req.name} in ${req.dir} (tried ${MAX_CANDIDATES})`, { hint: 'choose a name with -o/--output' });
}

/** "download exists; saving as download.1", when the name is not the one asked for. */
function note(reason: string | undefined, claim: OutputClaim): string | undefined {
  return reason === undefined ? undefined : `${reason}; saving as ${candidateName(claim.name, claim.index)}`;
}

/**
 * lstat on the calling thread (see file-ops.ts); undefined when nothing is at `p`. A missing name,
 * the common case, is answered without an exception (building one cost more than the call).
 */
function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p, { throwIfNoEntry: false });
  } catch (e) {
    // A part of the path that is a file: nothing can be at `p` either.
    if (errnoCode(e) === 'ENOTDIR') return undefined;
    throw fileSystemError(e, 'look at', p);
  }
}
