/**
 * The `kill-waste` scenario's plan and arithmetic (pure): its numbers, the seeded kill moments,
 * the summary of the runs, ferry's target and the table. The runs themselves are in kill-waste.ts.
 */
import { median } from './stats.js';
import { markdownTable } from './table.js';
import { check, type TargetCheck } from './targets.js';
import { fmt, formatBytes, KIB } from './units.js';

/** Kills per run, and the window of each kill after its attempt started (ms). */
export const KILLS = 5;
export const KILL_MIN_MS = 300;
export const KILL_MAX_MS = 1100;
/** ferry's target: all body bytes / file size. */
export const KILL_WASTE_TARGET = 1.1;

/** The per-connection cap and the connections of the scenario. */
export const KILL_WASTE_CAP = 512 * KIB;
export const KILL_WASTE_CONNECTIONS = 8;

/** One run of one participant. */
export interface KillWasteRecord {
  run: number;
  ok: boolean;
  failure?: string;
  /** Attempts that were killed (an attempt that finished before its moment ends the kills). */
  kills: number;
  /** Body bytes the server sent for every attempt of the run. */
  bytesSent: number;
  /** bytesSent / file size. */
  ratio: number;
  /** Wall time of all attempts. */
  wallSec: number;
}

export interface KillWasteSummary {
  participant: string;
  status: 'ok' | 'FAIL' | 'n/a';
  note?: string;
  runs: KillWasteRecord[];
  medianRatio?: number;
  maxRatio?: number;
  medianWallSec?: number;
}

export interface KillWasteResult {
  description: string;
  size: number;
  rows: KillWasteSummary[];
}

/**
 * The kill moments of run `run` (ms after each attempt's start): seeded, so every participant of
 * one run is killed at the same moments. Pure.
 */
export function killMoments(run: number, kills = KILLS, minMs = KILL_MIN_MS, maxMs = KILL_MAX_MS): number[] {
  let x = (0x9e3779b9 ^ Math.imul(run, 0x85ebca6b)) >>> 0;
  const out: number[] = [];
  for (let i = 0; i < kills; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out.push(Math.round(minMs + (x / 2 ** 32) * (maxMs - minMs)));
  }
  return out;
}

/** One sentence for the report. */
export function describeKillWaste(size: number): string {
  return (
    `${formatBytes(size)} from a paced server on 127.0.0.1 at ${formatBytes(KILL_WASTE_CAP)}/s per connection, ${KILL_WASTE_CONNECTIONS} connections ` +
    `(curl: one); each participant is killed with SIGKILL ${KILLS} times, each attempt at a seeded moment ${KILL_MIN_MS}-${KILL_MAX_MS} ms after its start ` +
    '(the same moments for every participant of a run), rerun with the same command each time, then run to the end. ' +
    'Sent = body bytes the server sent for all attempts / file size (1.000x wastes nothing); every file checked with SHA-256.'
  );
}

/** A participant's runs summarised (medians; FAIL when any run failed). Pure. */
export function summariseKillWaste(participant: string, runs: KillWasteRecord[]): KillWasteSummary {
  const failed = runs.find((r) => !r.ok);
  if (failed) {
    const others = runs.filter((r) => r.ok).map((r) => `${r.ratio.toFixed(3)}x`);
    const note = `run ${failed.run}: ${failed.failure ?? 'failed'}${others.length > 0 ? `; the other runs sent ${others.join(', ')}` : ''}`;
    return { participant, status: 'FAIL', note, runs };
  }
  if (runs.length === 0) return { participant, status: 'n/a', note: 'no runs', runs };
  const ratios = runs.map((r) => r.ratio);
  return {
    participant,
    status: 'ok',
    runs,
    medianRatio: median(ratios),
    maxRatio: Math.max(...ratios),
    medianWallSec: median(runs.map((r) => r.wallSec)),
  };
}

/** ferry's target: the worst run sends at most KILL_WASTE_TARGET x the file. Pure. */
export function killWasteTargets(rows: readonly KillWasteSummary[] | undefined): TargetCheck[] {
  if (rows === undefined) return [];
  const f = rows.find((r) => r.participant === 'ferry' && r.status === 'ok');
  const x = (n: number | undefined): string => (n === undefined ? 'n/a' : `${n.toFixed(3)}x`);
  const others = rows
    .filter((r) => r.participant !== 'ferry')
    .map((r) => `${r.participant} ${x(r.medianRatio)}`)
    .join(', ');
  return [
    check(
      `kill-waste: ${KILLS} kills, server sends at most ${KILL_WASTE_TARGET.toFixed(2)}x the file (every run)`,
      f?.maxRatio === undefined ? undefined : f.maxRatio <= KILL_WASTE_TARGET,
      `ferry median ${x(f?.medianRatio)}, worst ${x(f?.maxRatio)}; ${others}`,
    ),
  ];
}

/** The table: participant, median and worst sent / size, kills, wall time. Pure. */
export function renderKillWaste(rows: readonly KillWasteSummary[]): string {
  const x = (n: number | undefined): string => (n === undefined ? 'n/a' : `${n.toFixed(3)}x`);
  const header = ['participant', 'sent / size (median)', 'worst run', 'kills', 'wall s (all attempts)', 'SHA-256', 'runs'];
  const body = rows.map((r) => {
    if (r.status !== 'ok') {
      const word = r.status === 'FAIL' ? 'FAIL' : 'n/a';
      return [r.participant, word, word, word, word, r.status === 'FAIL' ? `FAIL: ${r.note ?? ''}` : (r.note ?? 'n/a'), String(r.runs.length)];
    }
    const kills = r.runs.map((k) => k.kills).join(', ');
    return [r.participant, x(r.medianRatio), x(r.maxRatio), kills, fmt(r.medianWallSec, 1), 'ok', String(r.runs.length)];
  });
  return markdownTable(header, body, ['l', 'r', 'r', 'r', 'r', 'l', 'r']);
}
