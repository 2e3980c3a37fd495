/**
 * Imported first by the command's entry point (bin.ts), so it runs before any other module: file
 * writes, syncs and DNS share libuv's thread pool, and with many connections writing while a
 * checkpoint syncs the default 4 threads queue up. Takes effect at the pool's first use.
 */
process.env.UV_THREADPOOL_SIZE ??= '8';
