/**
 * The memory target of the scenarios that single-file-targets.ts does not judge (it checks
 * unthrottled, capped and latency): ferry's peak RSS at most `MAX_RSS_MIB` in the lists, FTP and
 * FTPS (the `-n 4` row the throughput targets judge), no-ranges, the mirrors, and each load of
 * `daemon-load` (the daemon process, from /proc). Pure.
 */
import { MAX_RSS_MIB } from './single-file-targets.js';
import { check, f1, type TargetCheck } from './targets.js';
import { type CellSummary, type DaemonRow, FTP_SCENARIOS, LIST_SCENARIOS, MIRROR_SCENARIOS, type ScenarioName } from './types.js';

/** The scenarios judged here, each with the ferry row it judges. */
const JUDGED: readonly { scenario: ScenarioName; participant: string }[] = [
  ...LIST_SCENARIOS.map((scenario) => ({ scenario, participant: 'ferry' })),
  ...FTP_SCENARIOS.map((scenario) => ({ scenario, participant: 'ferry-n4' })),
  { scenario: 'no-ranges', participant: 'ferry' },
  ...MIRROR_SCENARIOS.map((scenario) => ({ scenario, participant: 'ferry' })),
];

const rssCheck = (what: string, rss: number | undefined): TargetCheck =>
  check(`${what}: peak RSS <= ${MAX_RSS_MIB} MiB`, rss === undefined ? undefined : rss <= MAX_RSS_MIB, `ferry ${f1(rss)} MiB`);

/** The checks for the scenarios of `cells` and the `daemon-load` rows (each absent one is skipped). */
export function peakRssTargets(cells: readonly CellSummary[], daemonRows: readonly DaemonRow[] | undefined): TargetCheck[] {
  const present = new Set(cells.map((c) => c.scenario));
  const out: TargetCheck[] = [];
  for (const { scenario, participant } of JUDGED) {
    if (!present.has(scenario)) continue;
    const cell = cells.find((c) => c.scenario === scenario && c.participant === participant && c.status === 'ok');
    out.push(rssCheck(participant === 'ferry' ? scenario : `${scenario} (${participant})`, cell?.medianRssMiB));
  }
  for (const row of daemonRows ?? []) {
    if (row.participant !== 'ferry') continue;
    out.push(rssCheck(`daemon-load, ${row.clients} clients`, row.status === 'ok' ? row.peakRssMiB : undefined));
  }
  return out;
}
