import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built command as installed (npm test builds first): the sh script that starts Node on BIN. */
export const COMMAND = fileURLToPath(new URL('../../dist/cli/ferry', import.meta.url));
/** The command's launcher, for tests that start Node on it themselves (`node BIN ARGS`). */
export const BIN = fileURLToPath(new URL('../../dist/cli/ferry.cjs', import.meta.url));
/** The bundle of the command's code that BIN runs (what the start-up checks read). */
export const BUNDLE = fileURLToPath(new URL('../../dist/cli/ferry-main.cjs', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Start `ferry ARGS` as a real process (`env`: variables added to this process's environment). */
export function runCli(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): CliRun {
  const env = options.env === undefined ? undefined : { ...process.env, ...options.env };
  const child = spawn(COMMAND, args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited };
}
