/**
 * Imported first by the command's entry point (bin.ts), so it runs before any other module: the
 * syncs of data files and directories, control-file saves, DNS, and the writes of a file system
 * slow enough to have sent them off the main thread (see disk/data-file.ts) share libuv's thread
 * pool; with many downloads syncing at once the default 4 threads queue up. Takes effect at the
 * pool's first use.
 */
process.env.UV_THREADPOOL_SIZE ??= '8';
