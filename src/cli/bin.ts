#!/usr/bin/env node
// File writes, syncs and DNS share libuv's thread pool; with many connections writing while a
// checkpoint syncs, the default 4 threads queue up. Set before the pool's first use.
process.env.UV_THREADPOOL_SIZE ??= '8';

const { main } = await import('./main.js');
const { processIO } = await import('./io.js');
const { shown } = await import('./shown.js');

main(process.argv.slice(2), processIO()).then(
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
