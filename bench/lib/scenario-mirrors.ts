/**
 * The mirror scenarios: one file on three mirrors (127.0.0.1, .2 and .3), each admitting
 * MIRROR_SLOTS connections of MIRROR_RATE bytes/s (more requests are queued until one ends), given
 * as one aria2-style entry with its three URIs and `split=6`. `mirrors`: three equal mirrors;
 * `mirrors-mixed`: first-byte delays of 0, 30 and 80 ms, and the third mirror fails mid-way (its
 * responses are cut and it answers 404 once it has sent a sixth of the file). Every run starts
 * with fresh mirrors (counters reset, the failed one working again) and ends with a SHA-256 check.
 */
import { readFile } from 'node:fs/promises';
import type { DataFile } from './data.js';
import type { ListTarget } from './list-runner.js';
import { runListOnce } from './list-runner.js';
import { mirrorEntry, mirrorParticipants } from './mirror-participants.js';
import { type MirrorServer, startMirrorServer } from './mirror-server.js';
import { isSelected, unavailable } from './participants.js';
import type { ScenarioResult } from './report.js';
import { inOrder, type ScenarioEnv } from './scenario-env.js';
import { describe, idealBytesPerSec, timeoutFor } from './scenarios.js';
import { naCell, summariseCell, withPercentages } from './summary.js';
import type { CellSummary, MirrorScenarioName, RunRecord } from './types.js';

/** Connections each mirror serves at once. */
export const MIRROR_SLOTS = 2;
/** Bytes/s of each connection (10 MB/s). */
export const MIRROR_RATE = 10_000_000;
/** Connections of the download (aria2's split): every slot of the three mirrors. */
export const MIRROR_SPLIT = 6;
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
/** `mirrors-mixed`: first-byte delay of each mirror, ms. */
export const MIXED_DELAYS_MS = [0, 30, 80];

/** Run one mirror scenario with ferry and aria2c (each as selected and installed). */
export async function runMirrorScenario(env: ScenarioEnv, name: MirrorScenarioName, file: DataFile): Promise<ScenarioResult> {
  const { config, ctx } = env;
  const members = mirrorParticipants(env.ferryCommand, { split: MIRROR_SPLIT, perHost: MIRROR_SLOTS, minSplit: '1M' }).filter((p) =>
    isSelected(config.participants, p.name),
  );
  const why = new Map<string, string>();
  for (const p of members) {
    const w = await unavailable(p);
    if (w !== undefined) why.set(p.name, w);
  }
  const body = await readFile(file.path);
  const mixed = name === 'mirrors-mixed';
  const servers: MirrorServer[] = [];
  const cells: CellSummary[] = [];
  try {
    for (const [i, host] of HOSTS.entries()) {
      servers.push(
        await startMirrorServer({
          host,
          path: '/f',
          body,
          rateBytesPerSec: MIRROR_RATE,
          slots: MIRROR_SLOTS,
          firstByteDelayMs: mixed ? MIXED_DELAYS_MS[i] : 0,
          failAfterBytes: mixed && i === 2 ? Math.floor(body.length / 6) : undefined,
        }),
      );
    }
    const target: ListTarget = {
      label: name,
      entries: [
        mirrorEntry(
          servers.map((s) => s.url),
          file.name,
        ),
      ],
      files: [{ name: file.name, size: file.size, sha256: file.sha256 }],
      jobs: 1,
      timeoutMs: timeoutFor(name, file.size, config),
    };
    const runnable = members.filter((p) => !why.has(p.name));
    const runs = new Map<string, RunRecord[]>(runnable.map((p) => [p.name, []]));
    for (let run = 1; run <= config.runs && !ctx.signal.aborted; run++) {
      for (const p of runnable) {
        if (ctx.signal.aborted) break;
        for (const s of servers) s.reset();
        const r = await runListOnce(ctx, p, target, run, `${name}-${p.name}-${run}-${Date.now().toString(36)}`);
        if (ctx.signal.aborted) break;
        runs.get(p.name)?.push(r);
        const per = servers.map((s) => `${(s.bytesSent() / 1e6).toFixed(0)} MB/${s.peakActive()}`).join(' ');
        const what = r.ok ? `${r.wallSec.toFixed(2)} s  ${(file.size / 1e6 / r.wallSec).toFixed(1)} MB/s  ok` : `FAIL (${r.failure})`;
        ctx.log(`${name.padEnd(13)} ${p.name.padEnd(7)} run ${run}/${config.runs}  ${what}  (per mirror: sent/peak ${per})`);
      }
    }
    for (const p of runnable) cells.push(summariseCell(name, p.name, runs.get(p.name) ?? [], file.size));
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  for (const p of members) {
    const w = why.get(p.name);
    if (w !== undefined) cells.push(naCell(name, p.name, w));
  }
  const ordered = inOrder(
    cells,
    members.map((p) => p.name),
  );
  const ideal = idealBytesPerSec(name, config);
  return { name, description: describe(name, config), size: file.size, idealBytesPerSec: ideal, cells: withPercentages(ordered, file.size, ideal) };
}
