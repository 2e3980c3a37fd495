/**
 * The targets of one big file (docs/benchmarks.md, "Targets for ferry"), judged on the medians of
 * one run against the peers. Pure.
 *
 * - capped and latency with a file of at least 1 GiB (the steady state): ferry's throughput at
 *   least axel's and lftp's (the best segmented peers, 16 connections each);
 * - capped and latency with a smaller file (what a user waits for, start-up included): ferry's
 *   wall time within Node's start-up (`node -e 0`, measured in the same run) of the best peer's;
 * - every single-file scenario (unthrottled, capped, latency): ferry's peak RSS at most 64 MiB.
 */
import { DURABLE_COPY } from './durable-copy.js';
import { check, f1, type TargetCheck } from './targets.js';
import type { CellSummary, ScenarioName } from './types.js';

/** From this size on, capped and latency are judged on throughput alone (the steady state). */
export const STEADY_STATE_BYTES = 1024 * 1024 * 1024;
/** The peak resident set ferry may reach in each single-file scenario, MiB. */
export const MAX_RSS_MIB = 64;
/** The peers ferry is held to in capped and latency. */
export const SEGMENTED_PEERS = ['axel', 'lftp'] as const;

/** One scenario as the targets see it: its name, its file size, and its cells. */
export interface SizedScenario {
  name: ScenarioName;
  size: number;
  cells: readonly CellSummary[];
}

const s2 = (x: number | undefined): string => (x === undefined ? 'n/a' : `${x.toFixed(2)} s`);

/**
 * The checks for the single-file scenarios present in `scenarios`; `nodeStartupSec` is the median
 * wall time of `node -e 0` in the same run (undefined: not measured, those checks are n/a).
 */
export function singleFileTargets(scenarios: readonly SizedScenario[], nodeStartupSec: number | undefined): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const s of scenarios) {
    if (s.name !== 'unthrottled' && s.name !== 'capped' && s.name !== 'latency') continue;
    const ok = (p: string): CellSummary | undefined => s.cells.find((c) => c.participant === p && c.status === 'ok');
    const ferry = ok('ferry');
    if (s.name !== 'unthrottled') {
      if (s.size >= STEADY_STATE_BYTES) {
        for (const peer of SEGMENTED_PEERS) {
          const f = ferry?.mibPerSec;
          const p = ok(peer)?.mibPerSec;
          out.push(
            check(
              `${s.name} (1 GiB+): at least ${peer}'s throughput`,
              f !== undefined && p !== undefined ? f >= p : undefined,
              `ferry ${f1(f)} MiB/s, ${peer} ${f1(p)} MiB/s`,
            ),
          );
        }
      } else {
        const best = bestPeer(s.cells);
        const f = ferry?.medianWallSec;
        const pass = f !== undefined && best !== undefined && nodeStartupSec !== undefined ? f <= (best.medianWallSec as number) + nodeStartupSec : undefined;
        out.push(
          check(
            `${s.name}: wall within Node's start-up of the best peer`,
            pass,
            `ferry ${s2(f)}, ${best?.participant ?? 'best peer'} ${s2(best?.medianWallSec)}, node -e 0 ${s2(nodeStartupSec)}${copyNote(s.cells)}`,
          ),
        );
      }
    }
    const rss = ferry?.medianRssMiB;
    out.push(check(`${s.name}: peak RSS <= ${MAX_RSS_MIB} MiB`, rss === undefined ? undefined : rss <= MAX_RSS_MIB, `ferry ${f1(rss)} MiB`));
  }
  return out;
}

/** `, dd conv=fdatasync X s` when the run timed the durable copy (see DURABLE_COPY), else nothing. */
export function copyNote(cells: readonly CellSummary[]): string {
  const copy = cells.find((c) => c.participant === DURABLE_COPY && c.status === 'ok')?.medianWallSec;
  return copy === undefined ? '' : `, dd conv=fdatasync ${s2(copy)}`;
}

/** The fastest cell that is not ferry (any ferry variant), among those that finished. */
function bestPeer(cells: readonly CellSummary[]): CellSummary | undefined {
  let best: CellSummary | undefined;
  for (const c of cells) {
    if (c.status !== 'ok' || c.medianWallSec === undefined || c.participant === 'ferry' || c.participant.startsWith('ferry-') || c.participant === DURABLE_COPY)
      continue;
    if (best === undefined || c.medianWallSec < (best.medianWallSec as number)) best = c;
  }
  return best;
}
