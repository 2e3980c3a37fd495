/**
 * The `ferry` command's code. Bundled as CommonJS (dist/cli/ferry-main.cjs) and run by the
 * launcher (launcher.ts, dist/cli/ferry.cjs) with a code cache: Node starts a CommonJS entry point
 * without setting up its ES module loader, which is measurably quicker than an ES module entry
 * (the daemon and the subcommands are still ES modules, imported when used). The imports are
 * static so that the bundle is one scope, as an ES module bundle would be.
 */
import './thread-pool-size.js';
import { v8Module } from '../lazy-builtins.js';
import { processIO } from './io.js';
import { optimizer } from './jit-tiers.js';
import { main } from './main.js';
import { shown } from './shown.js';

const optimize = optimizer({ execArgv: process.execArgv, setFlags: (flags) => v8Module().setFlagsFromString(flags) });

main(process.argv.slice(2), processIO(), { optimize }).then(
  (code) => {
    // Standard streams are synchronous for files and pipes on POSIX: nothing is lost by leaving
    // now instead of waiting for idle keep-alive sockets and timers to wind down.
    process.exit(code);
  },
  (e: unknown) => {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`ferry: internal error: ${text.split('\n').map(shown).join('\n')}\n`);
    process.exit(1);
  },
);
