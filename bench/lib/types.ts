/** Shapes shared by the benchmark modules: configuration, one measured run, one summarised cell. */

/** The scenarios, in the order they run. */
export const SCENARIOS = ['unthrottled', 'capped', 'latency', 'no-ranges', 'resume', 'files-500', 'files-500-latency', 'ftp', 'ftps'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Scenarios that download a list (queue) of small files instead of one file. */
export const LIST_SCENARIOS = ['files-500', 'files-500-latency'] as const;
export type ListScenarioName = (typeof LIST_SCENARIOS)[number];

/** Scenarios served by vsftpd (plain FTP and explicit FTPS). */
export const FTP_SCENARIOS = ['ftp', 'ftps'] as const;
export type FtpScenarioName = (typeof FTP_SCENARIOS)[number];

/** True for `files-500` and `files-500-latency`. */
export function isListScenario(name: ScenarioName): name is ListScenarioName {
  return (LIST_SCENARIOS as readonly string[]).includes(name);
}

/** True for `ftp` and `ftps`. */
export function isFtpScenario(name: ScenarioName): name is FtpScenarioName {
  return (FTP_SCENARIOS as readonly string[]).includes(name);
}

/** Which server plays the `latency` scenario. `auto` prefers the project's test server when present. */
export type LatencyServerChoice = 'auto' | 'helper' | 'own';

/** Everything a benchmark run is parameterised by (see `parseArgs` for flags and defaults). */
export interface BenchConfig {
  /** Scenarios to run, in SCENARIOS order. */
  only: ScenarioName[];
  /** Repetitions of each participant in each scenario; the median is reported. */
  runs: number;
  quick: boolean;
  /** File size per scenario, bytes (list scenarios: the size of each file of the list). */
  sizes: Record<ScenarioName, number>;
  /** Files in each list scenario (`files-500`: 500). */
  listFiles: number;
  /** Downloads at once in the list scenarios (ferry and aria2c `-j`, curl `--parallel-max`). */
  listJobs: number;
  /** Delay before the first byte of every response in `files-500-latency`, ms. */
  listDelayMs: number;
  /** Per-connection cap of `capped` and `latency`, bytes/s. */
  capBytesPerSec: number;
  /** Connections for the segmented participants. */
  connections: number;
  /** Delay before the first byte of every response in `latency`, ms. */
  firstByteDelayMs: number;
  /** Per-connection cap of the `resume` scenario, bytes/s (low enough that the kill lands mid-file). */
  resumeCapBytesPerSec: number;
  /** When the first `resume` attempt is killed, ms after its start. */
  killAfterMs: number;
  /** Restrict to these participants (undefined: all). */
  participants?: string[];
  latencyServer: LatencyServerChoice;
  /** Keep generated data here and reuse it across invocations (undefined: a temp dir removed at exit). */
  dataDir?: string;
  /** Where the JSON and Markdown results go. */
  resultsDir: string;
  /** Per-run timeout override, ms (undefined: derived from size and rate). */
  timeoutMs?: number;
}

/** One execution of one participant. `ok` means exit 0 and a byte-exact file (SHA-256 matched). */
export interface RunRecord {
  run: number;
  ok: boolean;
  /** Why the run is a FAIL (exit status, timeout, missing file, hash mismatch). */
  failure?: string;
  wallSec: number;
  userSec?: number;
  sysSec?: number;
  /** Largest resident set of the child or any descendant it waited for, KiB (GNU time %M). */
  maxRssKiB?: number;
  sha256?: string;
}

/** One participant in one scenario, summarised over its runs. */
export interface CellSummary {
  scenario: ScenarioName;
  participant: string;
  /** `n/a`: not installed or not part of this scenario; `FAIL`: at least one run failed. */
  status: 'ok' | 'FAIL' | 'n/a';
  note?: string;
  runs: RunRecord[];
  medianWallSec?: number;
  mibPerSec?: number;
  /** List scenarios: files / median wall time. */
  filesPerSec?: number;
  /** Capped/latency: percent of connections x cap; others: percent of the fastest participant. */
  pctIdeal?: number;
  medianCpuSec?: number;
  medianRssMiB?: number;
}

/** One attempt pair of the kill -9 resume scenario. */
export interface ResumeRecord {
  run: number;
  ok: boolean;
  failure?: string;
  /** Seconds from start to SIGKILL of the first attempt. */
  killedAtSec: number;
  /** Wall time of the second attempt. */
  rerunWallSec: number;
  /** Body bytes the server sent for both attempts. */
  bytesSent: number;
  /** bytesSent - file size. */
  redownloadedBytes: number;
  /** bytesSent / (killedAtSec + rerunWallSec). */
  observedBytesPerSec: number;
  /** redownloadedBytes / observedBytesPerSec. */
  redownloadedSec: number;
}

export interface ResumeSummary {
  participant: string;
  status: 'ok' | 'FAIL' | 'n/a';
  note?: string;
  runs: ResumeRecord[];
  medianRedownloadedBytes?: number;
  medianRedownloadedSec?: number;
  medianRerunWallSec?: number;
}
