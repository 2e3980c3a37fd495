/**
 * The list (queue) scenarios: `files-500` from nginx, `files-500-latency` from the latency server
 * with a first-byte delay on every response. Every participant downloads the same list of files
 * into a fresh directory; every file is checked with SHA-256.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureFileSet, type SetFile } from './file-set.js';
import { startLatencyServer } from './latency-server.js';
import { listParticipants } from './list-participants.js';
import { type ListTarget, runListMatrix } from './list-runner.js';
import { isSelected, unavailable } from './participants.js';
import type { ScenarioResult } from './report.js';
import { inOrder, once, type ScenarioEnv } from './scenario-env.js';
import { describe, timeoutFor } from './scenarios.js';
import { naCell, summariseCell, withPercentages } from './summary.js';
import type { CellSummary, ListScenarioName } from './types.js';

/** The result of a list scenario and, for `files-500-latency`, which server played it. */
export interface ListScenarioOutcome {
  result: ScenarioResult;
  serverLabel?: string;
}

/** Run one list scenario with every selected, installed participant. */
export async function runListScenario(env: ScenarioEnv, name: ListScenarioName): Promise<ListScenarioOutcome> {
  const { config, ctx } = env;
  const set = await ensureFileSet(env.dataDir, config.listFiles, config.sizes[name]);
  const members = listParticipants(env.ferryCommand).filter((p) => p.scenarios.includes(name) && isSelected(config.participants, p.name));
  const why = new Map<string, string>();
  for (const p of members) {
    const w = await unavailable(p);
    if (w !== undefined) why.set(p.name, w);
  }
  let urlOf: ((f: SetFile) => string) | undefined;
  let close = async (): Promise<void> => undefined;
  let serverLabel: string | undefined;
  if (name === 'files-500') {
    const base = env.nginx === undefined ? undefined : `${env.nginx.baseUrl}/plain/${set.dirName}`;
    if (base !== undefined) urlOf = (f) => `${base}/${f.name}`;
  } else {
    const files: Record<string, Buffer> = {};
    for (const f of set.files) files[`/${f.name}`] = await readFile(join(set.dir, f.name));
    const server = await startLatencyServer({ choice: config.latencyServer, files, rateBytesPerSec: 0, firstByteDelayMs: config.listDelayMs });
    serverLabel = server.label;
    close = once(() => server.close());
    env.onCleanup(close);
    urlOf = (f) => server.url(`/${f.name}`);
  }
  const total = set.size * set.files.length;
  const cells: CellSummary[] = [];
  try {
    if (urlOf !== undefined) {
      const u = urlOf;
      const runnable = members.filter((p) => !why.has(p.name));
      const target: ListTarget = {
        label: name,
        entries: set.files.map((f) => ({ url: u(f), name: f.name })),
        files: set.files,
        jobs: config.listJobs,
        timeoutMs: timeoutFor(name, set.size, config),
      };
      const runs = await runListMatrix(ctx, target, runnable, config.runs);
      for (const p of runnable) cells.push(summariseCell(name, p.name, runs.get(p.name) ?? [], total, set.files.length));
    }
  } finally {
    await close();
  }
  for (const p of members) {
    const w = why.get(p.name) ?? (urlOf === undefined ? 'nginx not installed' : undefined);
    if (w !== undefined) cells.push(naCell(name, p.name, w));
  }
  const ordered = inOrder(
    cells,
    members.map((p) => p.name),
  );
  return {
    result: { name, description: describe(name, config, serverLabel), size: total, files: set.files.length, cells: withPercentages(ordered, total) },
    serverLabel,
  };
}
