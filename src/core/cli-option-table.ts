/**
 * Every option of the `ferry` command line, one entry each: the one source of parsing
 * (cli-args.ts), `--help` (cli/help.ts), completion (cli/completion.ts) and the man page
 * (cli/man.ts). Pure.
 */
import type { OptionSpec } from './cli-option-spec.js';
import { DOWNLOAD_OPTIONS } from './cli-options-download.js';
import { PROTOCOL_OPTIONS } from './cli-options-protocol.js';

export { COMPLETION_SHELLS, type CompletionShell, esc, GROUPS, type Group, type OptionSpec, q, usage } from './cli-option-spec.js';

/** Every option ferry accepts. Order within a group is the order of `--help`. */
export const OPTIONS: readonly OptionSpec[] = [...DOWNLOAD_OPTIONS, ...PROTOCOL_OPTIONS];

/** Every option name (`-n`, `--connections`, ...), for completion and tests. */
export const OPTION_NAMES: readonly string[] = OPTIONS.flatMap((o) => o.names);
