// Builds the `ferry` command: the bundle of src/cli/bin.ts (dist/cli/ferry-main.cjs), the daemon's
// RPC thread (dist/cli/ferry-rpc-worker.cjs), its
// launcher (dist/cli/ferry.cjs), the script that starts Node on the launcher (dist/cli/ferry, from
// src/cli/ferry.sh and src/cli/start-script.ts), and the launcher's V8 code cache
// (dist/cli/ferry-main.cache), made by one small download from a loopback server with the command
// itself. Runs after tsc (it reads dist/cli/start-script.js).
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startScript } from '../dist/cli/start-script.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'cli');
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', absWorkingDir: root };

const bundled = await build({
  ...common,
  metafile: true,
  entryPoints: ['src/cli/bin.ts'],
  outfile: path.join(cli, 'ferry-main.cjs'),
  // Loaded on first use, from node_modules.
  external: ['socks', 'tough-cookie'],
  // CommonJS has no import.meta: the sources' import.meta.url is the bundle's own file URL.
  inject: ['scripts/cjs-import-meta-url.js'],
  define: { 'import.meta.url': 'ferryModuleUrl' },
});
// The daemon's RPC thread (src/daemon/rpc-worker.ts), started by the bundle from the file beside it.
await build({
  ...common,
  entryPoints: ['src/daemon/rpc-worker.ts'],
  outfile: path.join(cli, 'ferry-rpc-worker.cjs'),
  inject: ['scripts/cjs-import-meta-url.js'],
  define: { 'import.meta.url': 'ferryModuleUrl' },
});
// The built-in modules the bundle requires as it loads: the launcher loads them before it changes
// V8's flags, so that Node's own code cache for them still fits (see src/cli/launcher.ts).
const builtins = [
  ...new Set(Object.values(bundled.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && i.path.startsWith('node:')).map((i) => i.path))),
].sort();
await build({
  ...common,
  entryPoints: ['src/cli/launcher.ts'],
  outfile: path.join(cli, 'ferry.cjs'),
  define: { FERRY_BUNDLE_BUILTINS: JSON.stringify(builtins) },
});
writeFileSync(path.join(cli, 'ferry'), startScript(readFileSync(path.join(root, 'src', 'cli', 'ferry.sh'), 'utf8')));
chmodSync(path.join(cli, 'ferry'), 0o755);
// Without a cache the command still works (it compiles the bundle), so a failed run only warns;
// the tests check that the cache is there and fits.
await makeCodeCache(path.join(cli, 'ferry-main.cache')).catch((e) => console.warn(`ferry build: no code cache: ${e.message}`));

/** Run one segmented download with the launcher, which writes its code cache to `out` at exit. */
async function makeCodeCache(out) {
  rmSync(out, { force: true });
  const size = 2 * 1024 * 1024;
  const body = Buffer.alloc(size, 7);
  const server = http.createServer((req, res) => {
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] !== '' ? Math.min(Number(m[2]) + 1, size) : size;
    const headers = { 'Accept-Ranges': 'bytes', 'Content-Length': end - start, 'Last-Modified': new Date(0).toUTCString() };
    if (m) res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end - 1}/${size}` });
    else res.writeHead(200, headers);
    res.end(body.subarray(start, end));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-build-'));
  try {
    const url = `http://127.0.0.1:${server.address().port}/f`;
    const args = [url, '-n', '4', '--min-split-size', '256K', '-d', dir, '-o', 'f', '-q'];
    // The loopback server is asked directly, whatever proxy the building user's environment names.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?|ftp|all|no)_proxy$/i.test(k)));
    // Asynchronous: the server answers from this process meanwhile. Through the command itself,
    // so that the cache is made under the Node flags it starts with.
    const child = spawn(path.join(cli, 'ferry'), args, { env: { ...env, FERRY_CODE_CACHE_OUT: out }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const status = await new Promise((resolve) => child.on('close', resolve));
    if (status !== 0) throw new Error(`the code-cache run failed (exit ${status}): ${stderr}`);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
