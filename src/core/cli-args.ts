/**
 * The command line of `ferry`: one table of options drives parsing, `--help` (help.ts), shell
 * completion (completion.ts) and the man page (man.ts).
 * Pure: no I/O, no process access; every error is a FerryError USAGE with one clear line.
 */

import { type CompletionShell, esc, OPTION_NAMES, OPTIONS, type OptionSpec, q, usage } from './cli-option-table.js';
import type { DownloadOptions } from './options.js';

export { COMPLETION_SHELLS, type CompletionShell, GROUPS, type Group, OPTION_NAMES, OPTIONS, type OptionSpec } from './cli-option-table.js';

/** The result of parsing `argv` (the arguments after the program name). */
export interface ParsedArgs {
  /** URLs in command-line order (positional and `-u`), not yet validated. */
  urls: string[];
  /** Only the options given on the command line; fill the rest with resolveOptions(). */
  options: Partial<DownloadOptions>;
  /** `-i/--input-file`: a file with more URLs. */
  inputFile?: string;
  /** `-j/--max-concurrent-downloads`: downloads at once. */
  maxActive?: number;
  /** `--max-overall-download-limit`: bytes/s over all downloads. */
  overallLimit?: number;
  /** `--save-session`: where unfinished downloads are written (aria2 input format). */
  saveSession?: string;
  /** `--completion SHELL`: print that shell's completion script. */
  completion?: CompletionShell;
  quiet: boolean;
  json: boolean;
  debug: boolean;
  help: boolean;
  version: boolean;
}

/**
 * Whether the option `name` (`-d`, `--dir`, ...) takes a value: true or false for a known option,
 * undefined for an unknown one. Lets other command lines pass ferry's options through.
 */
export function optionTakesValue(name: string): boolean | undefined {
  const spec = OPTIONS.find((o) => o.names.includes(name));
  return spec === undefined ? undefined : spec.value !== undefined;
}

function findOption(name: string): OptionSpec {
  const spec = OPTIONS.find((o) => o.names.includes(name));
  if (spec) return spec;
  // The closest long name within two edits, if any.
  const near = !name.startsWith('--')
    ? undefined
    : OPTION_NAMES.filter((n) => n.startsWith('--'))
        .map((n) => ({ n, d: editDistance(n, name) }))
        .filter((c) => c.d <= 2)
        .sort((a, b) => a.d - b.d)[0]?.n;
  throw usage(`unknown option ${esc(name)} (${near ? `did you mean ${near}? ` : ''}see ferry --help)`);
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/**
 * Parse the arguments after the program name. Accepts `--opt value`, `--opt=value`, `-n 16`,
 * `-n16`, clustered flags (`-qk`), and `--` to end options. A repeated single-value option keeps
 * the last value. Only options actually given appear in `options`.
 * @throws FerryError USAGE with one line naming the bad option or value.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const args: ParsedArgs = { urls: [], options: {}, quiet: false, json: false, debug: false, help: false, version: false };
  const takeValue = (flag: string, spec: OptionSpec, i: number): string => {
    if (i >= argv.length) throw usage(`${flag} needs a value: ${flag} ${spec.value} (see ferry --help)`);
    return argv[i];
  };
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      if (arg === '') throw usage('empty URL argument (see ferry --help)');
      args.urls.push(arg);
    } else if (arg === '--') {
      optionsEnded = true;
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const flag = eq < 0 ? arg : arg.slice(0, eq);
      const spec = findOption(flag);
      if (spec.optionalValue !== undefined) {
        if (eq >= 0 && arg.length === eq + 1) throw usage(`${flag}= needs a value: ${flag}[=${spec.optionalValue}]`);
        spec.apply(args, eq >= 0 ? arg.slice(eq + 1) : '', flag);
      } else if (spec.value === undefined) {
        if (eq >= 0) throw usage(`${flag} takes no value, got ${q(arg)}`);
        spec.apply(args, '', flag);
      } else {
        spec.apply(args, eq >= 0 ? arg.slice(eq + 1) : takeValue(flag, spec, ++i), flag);
      }
    } else {
      // A cluster of short options; the first one that takes a value consumes the rest (`-n16`).
      const chars = Array.from(arg.slice(1));
      for (let j = 0; j < chars.length; j++) {
        const flag = `-${chars[j]}`;
        const spec = findOption(flag);
        if (spec.value === undefined) {
          spec.apply(args, '', flag);
          continue;
        }
        const rest = chars
          .slice(j + 1)
          .join('')
          .replace(/^=/, '');
        spec.apply(args, rest !== '' ? rest : takeValue(flag, spec, ++i), flag);
        break;
      }
    }
  }
  // -T/--timeout is one timeout for all (as in wget): it sets the connect timeout too, unless
  // --connect-timeout was given (in any order).
  if (args.options.timeoutMs !== undefined && args.options.connectTimeoutMs === undefined) args.options.connectTimeoutMs = args.options.timeoutMs;
  return args;
}
