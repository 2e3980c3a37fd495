/**
 * The participants of the `mirrors` scenarios: one aria2-style list entry whose TAB-separated
 * URIs are the mirrors of one file, with `split=N`. ferry reads it with `-i` (and `-n N`, at most
 * `per-host` connections to each mirror), aria2c with `-i -sN -x<per-host>`. Pure: command lines
 * and list texts only.
 */
import { aria2cListArgs, type ListEntry, type ListParticipant } from './list-participants.js';

/** How the mirrors are used: connections in all, and at most per mirror. */
export interface MirrorSplit {
  split: number;
  perHost: number;
  /** Smallest piece either tool splits off (the same for both). */
  minSplit: string;
}

/** The entry of a list: the mirrors' URLs joined with TABs (ListEntry.url), `out=` and `split=`. */
export function mirrorList(entries: readonly ListEntry[], split: number): string {
  return entries.map((e) => `${e.url}\n  out=${e.name}\n  split=${split}\n`).join('');
}

/** One list entry for the URLs of all mirrors of one file named `name`. */
export function mirrorEntry(urls: readonly string[], name: string): ListEntry {
  return { url: urls.join('\t'), name };
}

/** ferry and aria2c, for the `mirrors` scenarios. */
export function mirrorParticipants(ferryCommand: string, m: MirrorSplit): ListParticipant[] {
  const scenarios = [] as const;
  return [
    {
      name: 'ferry',
      program: ferryCommand,
      prefixArgs: [],
      requires: ferryCommand,
      scenarios,
      list: (entries) => mirrorList(entries, m.split),
      args: (j) => [
        '-i',
        j.listFile,
        '-n',
        String(m.split),
        '--max-connections-per-host',
        String(m.perHost),
        '--min-split-size',
        m.minSplit,
        '-d',
        j.dir,
        '-q',
      ],
      versionArgs: ['--version'],
    },
    {
      name: 'aria2c',
      program: 'aria2c',
      prefixArgs: [],
      scenarios,
      list: (entries) => mirrorList(entries, m.split),
      args: (j) => aria2cListArgs(j, [`-x${m.perHost}`, `-s${m.split}`, `--min-split-size=${m.minSplit}`]),
      versionArgs: ['--version'],
    },
  ];
}
