/**
 * The participants of the list (queue) scenarios: each reads one list file of URLs and saves every
 * file under its given name in one output directory, with a given number of downloads at once.
 * Pure: command lines and list texts only.
 */
import { fileURLToPath } from 'node:url';
import type { Participant } from './participants.js';
import type { ListScenarioName } from './types.js';

/** One file of a list: where it comes from and the name it must get in the output directory. */
export interface ListEntry {
  url: string;
  name: string;
}

/** One list download: the list file (already written), the output directory, downloads at once. */
export interface ListJob {
  listFile: string;
  dir: string;
  jobs: number;
}

/** Like a Participant, but for a whole list; `list` renders the file its `args` read. */
export interface ListParticipant extends Pick<Participant, 'name' | 'program' | 'prefixArgs' | 'requires' | 'versionArgs'> {
  scenarios: readonly ListScenarioName[];
  /** The text of the list file, in the format this tool reads. */
  list(entries: readonly ListEntry[]): string;
  args(job: ListJob): string[];
}

/** aria2's input format (ferry reads it too): the URL, then an indented `out=NAME` line. */
export function aria2List(entries: readonly ListEntry[]): string {
  return entries.map((e) => `${e.url}\n  out=${e.name}\n`).join('');
}

/** A value of a curl config file: double-quoted, with `\` and `"` escaped. */
function curlQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A curl config file (`-K`): a `url` and an `output` line per file. */
export function curlList(entries: readonly ListEntry[]): string {
  return entries.map((e) => `url = ${curlQuote(e.url)}\noutput = ${curlQuote(e.name)}\n`).join('');
}

/** One URL per line (wget names each file after the last path segment of its URL). */
export function urlList(entries: readonly ListEntry[]): string {
  return entries.map((e) => `${e.url}\n`).join('');
}

/**
 * aria2c's arguments for the list of `j`: the list file, then `perList` (downloads at once,
 * connections, split), the directory; overwriting, quiet, no summary.
 */
export function aria2cListArgs(j: ListJob, perList: string[]): string[] {
  return ['-i', j.listFile, ...perList, '-d', j.dir, '--allow-overwrite=true', '--quiet=true', '--summary-interval=0', '--console-log-level=error'];
}

const BOTH: readonly ListScenarioName[] = ['files-500', 'files-500-latency'];

/** The participant name of the list floor of a Node process, and its script. */
export const LIST_FLOOR = 'node-floor';
export const LIST_FLOOR_SCRIPT = fileURLToPath(new URL('../list-floor.mjs', import.meta.url));

/**
 * All list participants. `ferryCommand` is the built command (dist/cli/ferry). wget downloads
 * one file after another, so it only takes part in `files-500` (with a first-byte delay its time
 * is the number of files times the delay, whatever the client does). `node-floor` is not a
 * download manager: Node's own HTTP client and the durable file work of ferry's default in a bare
 * script (bench/list-floor.mjs), the floor of any Node process that keeps ferry's guarantee.
 */
export function listParticipants(ferryCommand: string): ListParticipant[] {
  return [
    {
      name: 'ferry',
      program: ferryCommand,
      prefixArgs: [],
      requires: ferryCommand,
      scenarios: BOTH,
      list: aria2List,
      args: (j) => ['-i', j.listFile, '-j', String(j.jobs), '-n', '1', '-d', j.dir, '-q'],
      versionArgs: ['--version'],
    },
    {
      name: 'aria2c',
      program: 'aria2c',
      prefixArgs: [],
      scenarios: BOTH,
      list: aria2List,
      args: (j) => aria2cListArgs(j, [`-j${j.jobs}`, '-x1', '-s1']),
      versionArgs: ['--version'],
    },
    {
      name: 'curl',
      program: 'curl',
      prefixArgs: [],
      scenarios: BOTH,
      list: curlList,
      // -s alone does not silence the parallel progress meter of curl 7.88.
      args: (j) => ['--parallel', '--parallel-max', String(j.jobs), '-sS', '--no-progress-meter', '-f', '--output-dir', j.dir, '-K', j.listFile],
      versionArgs: ['--version'],
    },
    {
      name: LIST_FLOOR,
      program: 'node',
      prefixArgs: [LIST_FLOOR_SCRIPT],
      requires: LIST_FLOOR_SCRIPT,
      scenarios: BOTH,
      list: aria2List,
      args: (j) => ['durable', 'all', j.dir, j.listFile, String(j.jobs)],
      versionArgs: ['--version'],
    },
    {
      name: 'wget',
      program: 'wget',
      prefixArgs: [],
      scenarios: ['files-500'],
      list: urlList,
      args: (j) => ['-q', '-nd', '-P', j.dir, '-i', j.listFile],
      versionArgs: ['--version'],
    },
  ];
}
