/**
 * From raw runs to the reported numbers, and the targets ferry is held to. Pure functions.
 * Invariant: a cell with any failed run is FAIL and carries no time, speed or percentage.
 */
import { DURABLE_COPY } from './durable-copy.js';
import { copyNote } from './single-file-targets.js';
import { median, percent } from './stats.js';
import { check, f1, listAndFtpTargets, mirrorTargets, type TargetCheck } from './targets.js';
import type { CellSummary, ResumeRecord, ResumeSummary, RunRecord, ScenarioName } from './types.js';
import { MIB } from './units.js';

export type { TargetCheck } from './targets.js';

/**
 * Summarise one participant's runs in one scenario (percentages are added by `withPercentages`).
 * `size` is the bytes of one run (a list: all its files); `files`, for a list, the number of files.
 */
export function summariseCell(scenario: ScenarioName, participant: string, runs: RunRecord[], size: number, files?: number): CellSummary {
  const failed = runs.filter((r) => !r.ok);
  if (runs.length === 0) return { scenario, participant, status: 'n/a', runs };
  if (failed.length > 0) {
    const reasons = [...new Set(failed.map((r) => r.failure ?? 'failed'))];
    return { scenario, participant, status: 'FAIL', note: `${failed.length}/${runs.length} runs: ${reasons.join('; ')}`, runs };
  }
  const wall = median(runs.map((r) => r.wallSec));
  const cpu = median(runs.map((r) => (r.userSec === undefined || r.sysSec === undefined ? undefined : r.userSec + r.sysSec)));
  const rss = median(runs.map((r) => (r.maxRssKiB === undefined ? undefined : r.maxRssKiB / 1024)));
  return {
    scenario,
    participant,
    status: 'ok',
    runs,
    medianWallSec: wall,
    mibPerSec: wall !== undefined && wall > 0 ? size / MIB / wall : undefined,
    ...(files !== undefined ? { filesPerSec: wall !== undefined && wall > 0 ? files / wall : undefined } : {}),
    medianCpuSec: cpu,
    medianRssMiB: rss,
  };
}

/** An n/a cell: the participant cannot run here (missing program, missing server, unsupported). */
export function naCell(scenario: ScenarioName, participant: string, note: string): CellSummary {
  return { scenario, participant, status: 'n/a', note, runs: [] };
}

/**
 * Add `pctIdeal`: against `idealBytesPerSec` when given (capped, latency), else against the
 * fastest successful participant of the scenario (100 = the fastest).
 */
export function withPercentages(cells: CellSummary[], size: number, idealBytesPerSec?: number): CellSummary[] {
  const ok = cells.filter((c) => c.status === 'ok' && c.medianWallSec !== undefined && c.participant !== DURABLE_COPY);
  const fastest = Math.min(...ok.map((c) => c.medianWallSec as number));
  return cells.map((c) => {
    if (c.status !== 'ok' || c.medianWallSec === undefined) return c;
    const pct = idealBytesPerSec !== undefined ? percent(size / c.medianWallSec, idealBytesPerSec) : percent(fastest, c.medianWallSec);
    return { ...c, pctIdeal: pct };
  });
}

/** Summarise the kill -9 resume runs of one participant. */
export function summariseResume(participant: string, runs: ResumeRecord[]): ResumeSummary {
  if (runs.length === 0) return { participant, status: 'n/a', runs };
  const failed = runs.filter((r) => !r.ok);
  if (failed.length > 0) {
    const reasons = [...new Set(failed.map((r) => r.failure ?? 'failed'))];
    return { participant, status: 'FAIL', note: `${failed.length}/${runs.length} runs: ${reasons.join('; ')}`, runs };
  }
  return {
    participant,
    status: 'ok',
    runs,
    medianRedownloadedBytes: median(runs.map((r) => r.redownloadedBytes)),
    medianRedownloadedSec: median(runs.map((r) => r.redownloadedSec)),
    medianRerunWallSec: median(runs.map((r) => r.rerunWallSec)),
  };
}

const f2 = (x: number | undefined): string => (x === undefined ? 'n/a' : x.toFixed(2));

/** The targets of docs/benchmarks.md, judged on the medians. */
export function evaluateTargets(cells: CellSummary[], resume: ResumeSummary[] | undefined): TargetCheck[] {
  const cell = (s: ScenarioName, p: string): CellSummary | undefined => cells.find((c) => c.scenario === s && c.participant === p && c.status === 'ok');
  const out: TargetCheck[] = [];
  const scenarios = new Set(cells.map((c) => c.scenario));
  if (scenarios.has('capped')) {
    const f = cell('capped', 'ferry');
    const a = cell('capped', 'aria2c');
    out.push(check('capped: >= 97% of ideal', f?.pctIdeal === undefined ? undefined : f.pctIdeal >= 97, `ferry ${f1(f?.pctIdeal)} %`));
    out.push(
      check(
        'capped: faster than aria2c',
        f && a ? (f.medianWallSec as number) < (a.medianWallSec as number) : undefined,
        `ferry ${f1(f?.mibPerSec)} MiB/s, aria2c ${f1(a?.mibPerSec)} MiB/s`,
      ),
    );
  }
  if (scenarios.has('latency')) {
    const f = cell('latency', 'ferry');
    out.push(check('latency: >= 93% of ideal', f?.pctIdeal === undefined ? undefined : f.pctIdeal >= 93, `ferry ${f1(f?.pctIdeal)} %`));
  }
  if (scenarios.has('unthrottled')) {
    const f = cell('unthrottled', 'ferry');
    const c = cell('unthrottled', 'curl');
    const a = cell('unthrottled', 'aria2c');
    const fw = f?.medianWallSec;
    const fc = f?.medianCpuSec;
    const ac = a?.medianCpuSec;
    out.push(
      check(
        'unthrottled: wall no worse than curl',
        fw !== undefined && c ? fw <= (c.medianWallSec as number) : undefined,
        `ferry ${f2(fw)} s, curl ${f2(c?.medianWallSec)} s${copyNote(cells.filter((c) => c.scenario === 'unthrottled'))}`,
      ),
    );
    out.push(
      check('unthrottled: CPU no worse than aria2c', fc !== undefined && ac !== undefined ? fc <= ac : undefined, `ferry ${f2(fc)} s, aria2c ${f2(ac)} s`),
    );
  }
  if (resume !== undefined) {
    const r = resume.find((x) => x.participant === 'ferry' && x.status === 'ok');
    out.push(
      check(
        'resume: re-downloads <= ~1 s of data',
        r?.medianRedownloadedSec === undefined ? undefined : r.medianRedownloadedSec <= 1,
        `ferry ${r?.medianRedownloadedSec === undefined ? 'n/a' : r.medianRedownloadedSec.toFixed(2)} s`,
      ),
    );
  }
  out.push(...listAndFtpTargets(cells), ...mirrorTargets(cells));
  return out;
}
