/** The paths phase of a Download: where its files go, before and once the server answered. */
import path from 'node:path';
import { chooseLocation, STDOUT_OUT } from '../core/filename.js';
import type { DownloadOptions } from '../core/options.js';
import type { ProbeResult } from '../core/types.js';
import type { ControlState } from '../disk/control-file.js';
import { chooseOutput } from '../disk/output-choice.js';
import type { OutputClaims, OutputPaths } from '../disk/output-claims.js';
import { controlPathFor, resolveInside } from '../disk/paths.js';
import { mkdirOrFail } from './download-support.js';
import type { MadeDirs } from './made-dirs.js';

/**
 * The final path the URL (or `out`) names before the server answers, or undefined when it names
 * none (standard output, or a name that is not valid: that fails later with its own message).
 */
export function guessFinalPath(options: DownloadOptions, url: string): string | undefined {
  if (options.out === STDOUT_OUT) return undefined;
  try {
    const { dir, name } = chooseLocation(options.dir, { out: options.out, url });
    return resolveInside(dir, name);
  } catch {
    return undefined;
  }
}

/** The control file of guessFinalPath (the probe of a resume asks for what it lacks). */
export function guessControlPath(options: DownloadOptions, url: string): string | undefined {
  const final = guessFinalPath(options, url);
  return final === undefined ? undefined : controlPathFor(final);
}

/** What claimPaths decided. */
export interface PathsChoice {
  paths: OutputPaths;
  /** The final file is this download, already whole. */
  complete: boolean;
  /** `-c`: the final file is a foreign partial file of this many bytes, to be continued. */
  continueFrom?: number;
  /** Our control file found at the chosen name (a resume candidate). */
  control?: ControlState;
  /** Why the name is not the one asked for, for a note. */
  renamed?: string;
}

export interface ClaimRequest {
  options: DownloadOptions;
  claims: OutputClaims;
  owner: object;
  /** Every URL of the download (it and its mirrors). */
  mirrors: readonly string[];
  probe: ProbeResult;
  /** The paths an earlier attempt of this run holds, if any. */
  current?: OutputPaths;
  /** The directories the engine already made (default: make the directory every time). */
  dirs?: MadeDirs;
}

/**
 * Claim the output (see chooseOutput): the name claimed at add time when the server agrees with
 * it, else the server's name, claimed now; its directory is created. A later attempt of the same
 * run keeps its paths (undefined is returned: nothing changed).
 */
export async function claimPaths(req: ClaimRequest): Promise<PathsChoice | undefined> {
  const { options, claims, owner, probe } = req;
  const { dir, name } = chooseLocation(options.dir, { out: options.out, contentDispositionName: probe.filename, url: probe.url });
  const held = claims.current(owner);
  const same = held !== undefined && held.name === name && (held.dir === dir || path.resolve(held.dir) === path.resolve(dir));
  if (same && req.current?.final === held.paths.final) return undefined;
  const choice = await chooseOutput({
    claims,
    owner,
    dir,
    name,
    explicit: options.out !== undefined,
    rename: options.autoFileRenaming,
    overwrite: options.overwrite,
    continuePartial: options.continuePartial,
    urls: req.mirrors,
    remote: probe,
    from: same ? held.index : 0,
  });
  const parent = path.dirname(choice.claim.paths.final);
  await (req.dirs ? req.dirs.ensure(parent) : mkdirOrFail(parent));
  return {
    paths: choice.claim.paths,
    complete: choice.action === 'complete',
    continueFrom: choice.action === 'continue' ? choice.final?.size : undefined,
    control: choice.control,
    renamed: choice.renamed,
  };
}

/** A control file for the remote file as it is now that claims no bytes. */
export function emptyControl(probe: ProbeResult, source: string, createdAt: string): ControlState {
  return {
    version: 1,
    url: probe.url,
    source,
    size: probe.size,
    etag: probe.etag,
    lastModified: probe.lastModified,
    done: [],
    createdAt,
  };
}
