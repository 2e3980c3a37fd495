/**
 * `dd-fdatasync`: not a downloader, the same bytes copied from the local file with
 * `dd conv=fdatasync`, so that each table shows what writing the file durably through the page
 * cache costs on this disk in that run (it varies a lot on a virtual disk, and the peers never
 * wait for it). It is not a floor: ferry syncs while it downloads and can finish before it. It is
 * left out of "% of fastest" and of the best peer.
 */
import { join } from 'node:path';
import type { Participant } from './participants.js';
import type { ScenarioName } from './types.js';

export const DURABLE_COPY = 'dd-fdatasync';

/** The dd conv=fdatasync as a participant of `scenarios` (their jobs must name their `source`). */
export function durableCopy(scenarios: readonly ScenarioName[]): Participant {
  return {
    name: DURABLE_COPY,
    program: 'dd',
    prefixArgs: [],
    scenarios,
    args: (j) => {
      if (j.source === undefined) throw new Error(`${DURABLE_COPY} needs the local file of ${j.url}`);
      return [`if=${j.source}`, `of=${join(j.dir, j.file)}`, 'bs=4M', 'conv=fdatasync', 'status=none'];
    },
    versionArgs: ['--version'],
  };
}
