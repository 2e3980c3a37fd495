/**
 * The results of one benchmark invocation: environment, configuration, per-scenario cells,
 * resume rows and target checks; written as JSON (everything, every run) and Markdown (medians).
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { renderDaemonTable } from './daemon-summary.js';
import { type KillWasteResult, renderKillWaste } from './kill-waste-plan.js';
import type { TargetCheck } from './summary.js';
import { renderCells, renderListCells, renderResume, renderTargets } from './table.js';
import type { BenchConfig, CellSummary, DaemonScenarioResult, ResumeSummary, ScenarioName } from './types.js';
import { formatBytes, MIB } from './units.js';

export interface ScenarioResult {
  name: ScenarioName;
  /** One sentence: server, size, conditions. */
  description: string;
  /** Bytes of one run (a list: all its files). */
  size: number;
  /** List scenarios: the number of files (each `size / files` bytes). */
  files?: number;
  /** connections x cap, bytes/s, for capped and latency. */
  idealBytesPerSec?: number;
  cells: CellSummary[];
}

export interface BenchResults {
  date: string;
  command: string;
  environment: {
    node: string;
    cpu: string;
    cores: number;
    kernel: string;
    timeBin?: string;
    latencyServer?: string;
    /** Server of `files-500-latency`. */
    listLatencyServer?: string;
    /** Median wall time of `node -e 0` in this run, seconds (single-file scenarios only). */
    nodeStartupSec?: number;
    versions: Record<string, string | undefined>;
  };
  config: BenchConfig;
  scenarios: ScenarioResult[];
  resume?: { description: string; size: number; results: ResumeSummary[] };
  killWaste?: KillWasteResult;
  daemon?: DaemonScenarioResult;
  targets: TargetCheck[];
}

/** Machine facts recorded with every result. */
export function environment(): Pick<BenchResults['environment'], 'node' | 'cpu' | 'cores' | 'kernel'> {
  const c = cpus();
  return { node: process.version, cpu: c[0]?.model ?? 'unknown', cores: c.length, kernel: release() };
}

/** The Markdown report: one table per scenario, the resume table, the target checks. */
export function renderReport(r: BenchResults): string {
  const parts: string[] = [
    `Date: ${r.date}  `,
    `Command: \`${r.command}\`  `,
    `Machine: ${r.environment.cores} cores, ${r.environment.cpu}, Linux ${r.environment.kernel}, Node ${r.environment.node}  `,
    `Runs: ${r.config.runs} per cell (median shown); CPU and RSS: ${r.environment.timeBin ? `GNU time (${r.environment.timeBin})` : 'n/a (GNU time not installed)'}  `,
    `Versions: ${Object.entries(r.environment.versions)
      .map(([k, v]) => `${k}: ${v ?? 'n/a'}`)
      .join('; ')}`,
  ];
  const startup = r.environment.nodeStartupSec;
  if (startup !== undefined) parts.splice(parts.length - 1, 0, `Node start-up (\`node -e 0\`, median): ${startup.toFixed(3)} s  `);
  for (const s of r.scenarios) {
    if (s.files !== undefined) {
      const each = s.files > 0 ? formatBytes(s.size / s.files) : '0 B';
      parts.push(`\n### ${s.name} (${s.files} x ${each})\n\n${s.description}\n\n${renderListCells(s.cells)}`);
      continue;
    }
    const pct = s.idealBytesPerSec !== undefined ? `% of ideal (${(s.idealBytesPerSec / MIB).toFixed(0)} MiB/s)` : '% of fastest';
    parts.push(`\n### ${s.name} (${formatBytes(s.size)})\n\n${s.description}\n\n${renderCells(s.cells, pct)}`);
  }
  if (r.resume) parts.push(`\n### resume (kill -9) (${formatBytes(r.resume.size)})\n\n${r.resume.description}\n\n${renderResume(r.resume.results)}`);
  if (r.killWaste) {
    const k = r.killWaste;
    parts.push(`\n### kill-waste (${formatBytes(k.size)})\n\n${k.description}\n\n${renderKillWaste(k.rows)}`);
  }
  if (r.daemon) {
    const d = r.daemon;
    parts.push(`\n### daemon-load (${d.files} x ${formatBytes(d.size)})\n\n${d.description}\n\n${renderDaemonTable(d.rows)}`);
  }
  if (r.targets.length > 0) parts.push(`\n### targets (ferry)\n\n${renderTargets(r.targets)}`);
  return `${parts.join('\n')}\n`;
}

/** Write `<stamp>.json` and `<stamp>.md` into `dir`; returns both paths. */
export async function writeResults(dir: string, r: BenchResults): Promise<{ json: string; md: string }> {
  await mkdir(dir, { recursive: true });
  const stamp = r.date.replace(/[:.]/g, '-');
  const json = join(dir, `${stamp}.json`);
  const md = join(dir, `${stamp}.md`);
  await writeFile(json, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(md, renderReport(r));
  return { json, md };
}
