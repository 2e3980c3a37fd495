/**
 * Output-path ownership inside one engine: which download owns which final, `.part` and control
 * path. Keys are resolved absolute paths, so `./a/x` and `a/x` are one claim.
 */
import * as path from 'node:path';
import { FerryError } from '../core/errors.js';
import { controlPathFor, isPlainName, partPathFor, resolveInside } from './paths.js';

/** The three files of one download. */
export interface OutputPaths {
  final: string;
  part: string;
  control: string;
}

/** One owner's claim: the name asked for, which candidate of it is held, and its paths. */
export interface OutputClaim {
  dir: string;
  /** The name asked for (candidate 0). */
  name: string;
  /** Which candidate is held: 0 = `name`, n = `name.n`. */
  index: number;
  /** An explicit name (`-o`): never renamed. */
  explicit: boolean;
  paths: OutputPaths;
}

/** Candidate `index` of `name`: the name itself, then `name.1`, `name.2`, ... (wget style). */
export function candidateName(name: string, index: number): string {
  return index === 0 ? name : `${name}.${index}`;
}

/** The final, partial and control paths of `name` inside `dir` (see resolveInside). */
export function outputPathsFor(dir: string, name: string): OutputPaths {
  return pathsOf(resolveInside(dir, name));
}

function pathsOf(final: string): OutputPaths {
  return { final, part: partPathFor(final), control: controlPathFor(final) };
}

/**
 * What `path.join(dir, name)` puts before a plain name (see isPlainName): a plain last segment is
 * never changed by the join, so `joinPrefix(dir) + name` is the join.
 */
export function joinPrefix(dir: string): string {
  return path.join(dir, 'x').slice(0, -1);
}

/** The same for `path.resolve(dir, name)`, at the working directory of the moment. */
export function resolvePrefix(dir: string): string {
  return path.resolve(dir, 'x').slice(0, -1);
}

/** A directory's two prefixes; `key` only for an absolute one (it does not depend on the working directory). */
interface DirPrefix {
  join: string;
  key?: string;
}

/** Directories whose prefixes are kept (a queue uses a few; a long-running daemon may use many). */
const MAX_DIRS = 256;

/** Most candidates tried before giving up on a name. */
export const MAX_CANDIDATES = 10_000;

/**
 * The output paths claimed by the downloads of one engine (a standalone download has its own).
 * Invariant: no two owners hold a common path (final, part or control, in any combination), so no
 * two downloads ever write one file. An owner holds at most one claim; claiming again replaces it.
 */
export class OutputClaims {
  private readonly byPath = new Map<string, object>();
  /** Each owner's claim and the resolved keys of its paths (in byPath). */
  private readonly byOwner = new Map<object, { claim: OutputClaim; keys: string[] }>();
  /** Each directory's join and key prefixes: a long list claims each entry three times in one directory. */
  private readonly prefixes = new Map<string, DirPrefix>();

  /**
   * Claim for `owner` the first candidate of `name` in `dir`, from `from` on, that no other owner
   * holds. An explicit name (or `rename: false`) only tries candidate `from`.
   * @throws FerryError USAGE when an explicit name is held by another owner; FILE_EXISTS when a
   *   name that may not be renamed is; USAGE for a name outside `dir`.
   */
  reserve(owner: object, dir: string, name: string, options: { explicit: boolean; rename: boolean; from?: number }): OutputClaim {
    const renaming = options.rename && !options.explicit;
    const from = options.from ?? 0;
    for (let i = from; i < from + MAX_CANDIDATES; i++) {
      const claim = this.tryClaim(owner, dir, name, i, options.explicit);
      if (claim) return claim;
      if (!renaming) throw this.conflict(owner, dir, name, i, options.explicit);
    }
    throw new FerryError('FILE_EXISTS', `no free name for ${name} in ${dir} (tried ${MAX_CANDIDATES})`, { hint: 'choose a name with -o/--output' });
  }

  /** Claim candidate `index` of `name` for `owner` when no other owner holds any of its paths. */
  tryClaim(owner: object, dir: string, name: string, index: number, explicit: boolean): OutputClaim | undefined {
    const candidate = candidateName(name, index);
    const prefix = isPlainName(candidate) ? this.prefixOf(dir) : undefined;
    const paths = prefix ? pathsOf(prefix.join + candidate) : outputPathsFor(dir, candidate);
    const keys = prefix?.key !== undefined ? suffixed(prefix.key + candidate) : pathKeys(paths);
    for (const k of keys) {
      const holder = this.byPath.get(k);
      if (holder !== undefined && holder !== owner) return undefined;
    }
    this.release(owner);
    const claim: OutputClaim = { dir, name, index, explicit, paths };
    for (const k of keys) this.byPath.set(k, owner);
    this.byOwner.set(owner, { claim, keys });
    return claim;
  }

  private prefixOf(dir: string): DirPrefix {
    let prefix = this.prefixes.get(dir);
    if (!prefix) {
      if (this.prefixes.size >= MAX_DIRS) this.prefixes.clear();
      prefix = { join: joinPrefix(dir), key: path.isAbsolute(dir) ? resolvePrefix(dir) : undefined };
      this.prefixes.set(dir, prefix);
    }
    return prefix;
  }

  /** The claim `owner` holds, if any. */
  current(owner: object): OutputClaim | undefined {
    return this.byOwner.get(owner)?.claim;
  }

  /** Drop `owner`'s claim (nothing happens when it holds none). */
  release(owner: object): void {
    const held = this.byOwner.get(owner);
    if (!held) return;
    this.byOwner.delete(owner);
    for (const k of held.keys) if (this.byPath.get(k) === owner) this.byPath.delete(k);
  }

  /** The owner other than `self` that holds `p`, if any. */
  private holderOf(p: string, self: object): object | undefined {
    const holder = this.byPath.get(key(p));
    return holder === self ? undefined : holder;
  }

  /** The error for candidate `index` of `name` being held by another owner than `owner`. */
  conflict(owner: object, dir: string, name: string, index: number, explicit: boolean): FerryError {
    const paths = outputPathsFor(dir, candidateName(name, index));
    const other = Object.values(paths)
      .map((p) => this.holderOf(p, owner))
      .find((h) => h !== undefined);
    const held = other ? this.byOwner.get(other)?.claim : undefined;
    const theirs = held?.paths.final;
    const clash = theirs === undefined || key(theirs) === key(paths.final) ? '' : ` (as ${theirs})`;
    // The other one may have the name from its URL or server, not from an -o of its own.
    if (explicit && held !== undefined && !held.explicit) {
      return new FerryError('USAGE', `output ${paths.final} is also the name another download of this queue takes from its URL${clash}`, {
        hint: 'give that download its own -o/out name, or choose another name for this one',
      });
    }
    return explicit
      ? new FerryError('USAGE', `output ${paths.final} is also used by another download of this queue${clash}`, {
          hint: 'give each download its own -o/out name',
        })
      : new FerryError('FILE_EXISTS', `${paths.final} is used by another download of this queue${clash}`, {
          hint: 'allow --auto-file-renaming, or choose another name with -o',
        });
  }
}

function key(p: string): string {
  return path.resolve(p);
}

/**
 * The keys of a claim's three paths. The part and control files are the final path with a suffix,
 * so their keys are its key with that suffix (one resolution instead of three), unless the final
 * path ends with a separator (then the suffix is a name of its own inside it).
 */
function pathKeys(paths: OutputPaths): string[] {
  if (paths.final.endsWith(path.sep) || paths.final.endsWith('/')) return [key(paths.final), key(paths.part), key(paths.control)];
  return suffixed(key(paths.final));
}

/** The keys of a final path's three files, from its own key. */
function suffixed(final: string): string[] {
  return [final, partPathFor(final), controlPathFor(final)];
}
