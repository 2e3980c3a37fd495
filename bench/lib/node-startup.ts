/**
 * Node's own start-up on this machine, measured in the same run as the downloads: the wall time
 * of `node -e 0` (spawn to exit), the floor under any Node program's wall time.
 */
import { execFile } from 'node:child_process';
import { median } from './stats.js';

/** The wall time of one `node -e 0`, seconds; undefined when it failed. */
function once(node: string, signal?: AbortSignal): Promise<number | undefined> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile(node, ['-e', '0'], { signal, timeout: 10_000 }, (err) => {
      resolve(err ? undefined : Number(process.hrtime.bigint() - t0) / 1e9);
    });
  });
}

/** The median wall time of `runs` runs of `node -e 0` (one after another), seconds. */
export async function measureNodeStartup(node: string, runs: number, signal?: AbortSignal): Promise<number | undefined> {
  const times: Array<number | undefined> = [];
  for (let i = 0; i < runs && !signal?.aborted; i++) times.push(await once(node, signal));
  return median(times);
}
