/**
 * The participants: ferry and the peers it is measured against, each as a command line built
 * from one job (URL, output directory, file name, connections). A participant whose program is
 * missing is reported as `n/a`, never as a failure.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { durableCopy } from './durable-copy.js';
import { lftpQuote } from './ftp-participants.js';
import type { ScenarioName } from './types.js';

/** One download to perform: write `url` to `dir/file`. */
export interface Job {
  url: string;
  dir: string;
  file: string;
  connections: number;
  /** A local copy of the same bytes (the file the server serves), where the scenario has one. */
  source?: string;
}

export interface Participant {
  name: string;
  /** Executable looked up on PATH (or an absolute path). */
  program: string;
  /** Arguments given before the job's (e.g. the script of a Node program). */
  prefixArgs: string[];
  /** A file that must exist too (a Node program's script), else the participant is `n/a`. */
  requires?: string;
  /** Scenarios where this participant makes sense. */
  scenarios: readonly ScenarioName[];
  /** Command-line arguments for one job; rerunning the same arguments must resume. */
  args(job: Job): string[];
  /** Arguments that print a version on the first line of stdout. */
  versionArgs: string[];
}

const MATRIX: readonly ScenarioName[] = ['unthrottled', 'capped', 'latency', 'no-ranges'];

/**
 * All participants. `ferryCommand` is the built command (dist/cli/ferry), run as a user runs it.
 * Peers keep their defaults except what a fair, quiet, non-interactive run needs.
 */
export function participants(ferryCommand: string): Participant[] {
  return [
    {
      name: 'ferry',
      program: ferryCommand,
      prefixArgs: [],
      requires: ferryCommand,
      scenarios: [...MATRIX, 'resume', 'kill-waste'],
      args: (j) => [j.url, '-n', String(j.connections), '-o', j.file, '-d', j.dir, '-q'],
      versionArgs: ['--version'],
    },
    {
      // The same without waiting for the disk (no fdatasync/fsync), as the peers do: shows what
      // power-cut safety costs, not a different download path.
      name: 'ferry-nofsync',
      program: ferryCommand,
      prefixArgs: [],
      requires: ferryCommand,
      scenarios: [...MATRIX],
      args: (j) => [j.url, '-n', String(j.connections), '-o', j.file, '-d', j.dir, '-q', '--no-fsync'],
      versionArgs: ['--version'],
    },
    {
      name: 'aria2c',
      program: 'aria2c',
      prefixArgs: [],
      scenarios: [...MATRIX, 'resume', 'kill-waste'],
      args: (j) => [
        `-x${Math.min(j.connections, 16)}`, // aria2c refuses more than 16 connections per server
        `-s${j.connections}`,
        '-k1M',
        '-d',
        j.dir,
        '-o',
        j.file,
        '--quiet=true',
        '--summary-interval=0',
        '--console-log-level=error',
        j.url,
      ],
      versionArgs: ['--version'],
    },
    {
      name: 'axel',
      program: 'axel',
      prefixArgs: [],
      scenarios: [...MATRIX, 'resume', 'kill-waste'],
      args: (j) => ['-n', String(j.connections), '-q', '-o', join(j.dir, j.file), j.url],
      versionArgs: ['--version'],
    },
    {
      // lftp's segmented HTTP get, with as many connections as the others.
      name: 'lftp',
      program: 'lftp',
      prefixArgs: [],
      scenarios: ['capped', 'latency'],
      args: (j) => ['-c', `pget -n ${j.connections} ${lftpQuote(j.url)} -o ${lftpQuote(join(j.dir, j.file))}`],
      versionArgs: ['--version'],
    },
    {
      name: 'curl',
      program: 'curl',
      prefixArgs: [],
      scenarios: [...MATRIX, 'kill-waste'],
      args: (j) => ['-sS', '-f', '-o', join(j.dir, j.file), j.url],
      versionArgs: ['--version'],
    },
    {
      // Single connection like curl; only where a single connection is the natural choice.
      name: 'wget',
      program: 'wget',
      prefixArgs: [],
      scenarios: ['unthrottled', 'no-ranges'],
      args: (j) => ['-q', '-O', join(j.dir, j.file), j.url],
      versionArgs: ['--version'],
    },
    durableCopy([...MATRIX]),
  ];
}

/**
 * Whether `--participants` selects `name`: no filter, the exact name, or its family (`ferry`
 * selects `ferry-n4`, `ferry-n8` and `ferry-n1`).
 */
export function isSelected(filter: readonly string[] | undefined, name: string): boolean {
  return filter === undefined || filter.some((f) => name === f || name.startsWith(`${f}-`));
}

/** Absolute path of an executable: itself if it contains a slash, else the first match on PATH. */
export async function which(program: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  const candidates = program.includes('/')
    ? [program]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, program));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Why a participant cannot run here (`not installed: ...`), or undefined when it can. */
export async function unavailable(p: Pick<Participant, 'program' | 'requires'>): Promise<string | undefined> {
  // First: ferry's program is the built command itself.
  if (
    p.requires !== undefined &&
    !(await access(p.requires).then(
      () => true,
      () => false,
    ))
  ) {
    return `not built: ${p.requires} (npm run build)`;
  }
  if ((await which(p.program)) === undefined) return `not installed: ${p.program}`;
  return undefined;
}

/** The first line of a `--version` output, cut after the first version number. */
export function shortVersion(output: string): string | undefined {
  const line = output
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
  if (line === undefined) return undefined;
  return /^(.*?\d+\.\d+(?:\.\d+)*)/.exec(line)?.[1] ?? line.slice(0, 60);
}

/** Short version of `program ...args` (stdout, else stderr), or undefined if it fails within 5 s. */
export function versionOf(program: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(program, args, { timeout: 5000 }, (err, stdout, stderr) => {
      resolve(err ? undefined : shortVersion(String(stdout) || String(stderr)));
    });
  });
}
