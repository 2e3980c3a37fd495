/** What the scenario modules share with the main program of the benchmark. */
import type { Nginx } from './nginx.js';
import type { RunContext } from './runner.js';
import type { BenchConfig } from './types.js';

export interface ScenarioEnv {
  config: BenchConfig;
  ctx: RunContext;
  /** Where generated data lives (and is reused). */
  dataDir: string;
  /** The Node binary and the built CLI of ferry. */
  node: string;
  ferryCommand: string;
  /** The running nginx, when installed. */
  nginx?: Nginx;
  /** Register a cleanup that runs at exit, also after a signal (it must tolerate a second call). */
  onCleanup(fn: () => Promise<void>): void;
}

/** `fn` made safe to call more than once: later calls return the first call's promise. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/** Sort cells (or anything with a participant) in the order of `names`. */
export function inOrder<T extends { participant: string }>(items: T[], names: readonly string[]): T[] {
  return [...items].sort((a, b) => names.indexOf(a.participant) - names.indexOf(b.participant));
}
