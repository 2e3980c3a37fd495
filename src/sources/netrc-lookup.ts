/**
 * The one netrc lookup of ferry, for FTP and HTTP hosts alike: read the user's netrc file (with
 * curl's `--netrc-optional` meaning: a missing default `~/.netrc` is no error) and find the entry
 * for a host.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FerryError } from '../core/errors.js';
import { findNetrcEntry, type NetrcEntry, parseNetrc } from '../core/netrc.js';

/** Where the netrc file is. */
export interface NetrcOptions {
  /** Default `<homeDir>/.netrc`. */
  netrcPath?: string;
  /** Default `os.homedir()`. */
  homeDir?: string;
}

/**
 * The netrc entry for `host` (a host name, no port), else its `default` entry, else undefined.
 * With `login`, only entries for that login (or naming none) match. A missing default file is no
 * error; an explicit `netrcPath` that cannot be read is (FerryError USAGE).
 */
export async function lookupNetrc(host: string, options: NetrcOptions, login?: string): Promise<NetrcEntry | undefined> {
  const file = options.netrcPath ?? path.join(options.homeDir ?? os.homedir(), '.netrc');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (options.netrcPath === undefined) return undefined;
    throw new FerryError('USAGE', `cannot read netrc file ${file}: ${(err as Error).message}`, {
      hint: 'check the path given to --netrc-file',
      cause: err,
    });
  }
  return findNetrcEntry(parseNetrc(text), host, login);
}
