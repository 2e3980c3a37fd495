import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(p)));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('the store stays out of the one-shot path', () => {
  it('nothing outside src/store imports better-sqlite3', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(path.join(ROOT, 'src'))) {
      const rel = path.relative(ROOT, file);
      if (rel.startsWith(`src${path.sep}store${path.sep}`)) continue;
      if (/['"]better-sqlite3['"]/.test(await fs.readFile(file, 'utf8'))) offenders.push(rel);
    }
    expect(offenders).toEqual([]);
  });

  it('the CLI entry point reaches neither src/store nor better-sqlite3 through static imports', { timeout: 60_000 }, async () => {
    const result = await build({
      entryPoints: [path.join(ROOT, 'src/cli/bin.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: ROOT,
    });
    const inputs = result.metafile.inputs;
    // bin.ts loads its own imports at start, dynamic or not; beyond them, walk only static imports
    // (a dynamic import() elsewhere is loaded when used, as the daemon will load the store).
    const entry = (inputs['src/cli/bin.ts']?.imports ?? []).map((i) => i.path);
    const seen = new Set<string>(['src/cli/bin.ts', ...entry]);
    const todo = [...entry];
    while (todo.length > 0) {
      const current = todo.pop() as string;
      for (const imp of inputs[current]?.imports ?? []) {
        if (imp.kind === 'dynamic-import' || seen.has(imp.path)) continue;
        seen.add(imp.path);
        todo.push(imp.path);
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].filter((p) => p.startsWith('src/store/') || p.includes('better-sqlite3'))).toEqual([]);
    // Nor the daemon (its config is parsed by the client commands, which are loaded dynamically too).
    expect([...seen].filter((p) => p.startsWith('src/daemon/') || p.startsWith('src/rpc/') || p.includes('node_modules/ws/'))).toEqual([]);
  });

  it('the built dist/cli/ferry-main.cjs holds no daemon, RPC server or store code, and dist/daemon/main.js exists', async () => {
    const bin = await fs.readFile(path.join(ROOT, 'dist/cli/ferry-main.cjs'), 'utf8');
    for (const marker of ['class DaemonService', 'startRpcServer', 'createSqliteStore', 'better-sqlite3']) expect(bin.includes(marker), marker).toBe(false);
    const daemon = await fs.readFile(path.join(ROOT, 'dist/daemon/main.js'), 'utf8');
    expect(daemon).toMatch(/export async function startDaemon/);
    // The store is loaded by the daemon with a dynamic import only.
    expect(daemon).toMatch(/await import\('\.\.\/store\/index\.js'\)/);
    expect(daemon).not.toMatch(/^import .*store\//m);
  });
});
