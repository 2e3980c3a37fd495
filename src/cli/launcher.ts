#!/usr/bin/env node
/**
 * The `ferry` command as installed (dist/cli/ferry.cjs): compiles the bundle beside it
 * (ferry-main.cjs, built from bin.ts) with the V8 code cache the build made for it
 * (ferry-main.cache), then runs it. With the cache Node neither parses the bundle nor compiles the
 * functions a download runs: the second connection of a download started 20-40 ms earlier on the
 * benchmark machine (medians of 12 runs). A
 * cache that does not fit this Node (another version or flags) is rejected by V8 and the bundle
 * is compiled as usual; a missing one is the same.
 *
 * The build runs this with FERRY_CODE_CACHE_OUT=FILE on a small loopback download (see
 * scripts/build-cli.mjs): the cache is written at exit, holding what that run compiled.
 *
 * Before anything is compiled, TurboFan is turned off for the first seconds of the run (see
 * jit-tiers.ts); the build's cache run has the same flags, so the cache fits. Node's own code
 * cache for its built-in modules was made under the default flags, so the built-ins the bundle
 * requires as it loads are loaded first: compiled after the change, each was compiled anew (about
 * 4 ms more for `ferry --version`, in a CPU profile).
 *
 * Once the bundle is compiled, V8's heap is held to smaller growth steps (heap-growth.ts).
 */
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { RUN_TIME_IMPORT } from '../run-time-import.js';
import { limitHeapGrowth } from './heap-growth.js';
import { startCompilerTiers } from './jit-tiers.js';

/** The `node:` modules the bundle imports (set by the build, scripts/build-cli.mjs). */
declare const FERRY_BUNDLE_BUILTINS: readonly string[];

// NODE_EXTRA_CA_CERTS as the `ferry` command hands it on (see start-script.ts). Node warns at start
// about a file it cannot read and goes on without it; so does ferry, which reads it later.
const extraCa = process.env.FERRY_EXTRA_CA_CERTS;
if (extraCa) {
  try {
    accessSync(extraCa, constants.R_OK);
  } catch (e) {
    const name = JSON.stringify(extraCa).slice(1, -1);
    process.stderr.write(`ferry: warning: ignoring the extra CA certificates of NODE_EXTRA_CA_CERTS (${name}): ${(e as NodeJS.ErrnoException).code}\n`);
  }
}

const bundle = path.join(__dirname, 'ferry-main.cjs');
const cacheOut = process.env.FERRY_CODE_CACHE_OUT;
for (const id of FERRY_BUNDLE_BUILTINS) require(id);
startCompilerTiers(
  { execArgv: process.execArgv, setFlags: (flags) => v8.setFlagsFromString(flags), later: (fn, ms) => setTimeout(fn, ms).unref() },
  cacheOut !== undefined,
);
let cachedData: Buffer | undefined;
if (cacheOut === undefined) {
  try {
    cachedData = readFileSync(path.join(__dirname, 'ferry-main.cache'));
  } catch {
    cachedData = undefined;
  }
}
const script = new vm.Script(wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
if (cacheOut === undefined) {
  // Only now: flags set before the compile would not match the cache's.
  limitHeapGrowth({ execArgv: process.execArgv, setFlags: (flags) => v8.setFlagsFromString(flags) });
} else {
  // The cache carries the flags it was made under: they stay as the compile had them.
  delete process.env.FERRY_CODE_CACHE_OUT;
  process.on('exit', () => writeFileSync(cacheOut, script.createCachedData()));
}
// import() inside code compiled by node:vm has no loader on Node 20 (see run-time-import.ts).
(globalThis as Record<symbol, unknown>)[RUN_TIME_IMPORT] = (specifier: string) => import(specifier);
const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
const mod = { exports: {} };
run.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, __dirname);
