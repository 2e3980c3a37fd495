import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUNDLE } from '../helpers/cli.js';
import { cliStaticImports } from '../helpers/cli-static-imports.js';

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
    // bin.ts loads its own imports at start, dynamic or not; beyond them only static imports count
    // (a dynamic import() elsewhere is loaded when used, as the daemon will load the store).
    const seen = await cliStaticImports();
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].filter((p) => p.startsWith('src/store/') || p.includes('better-sqlite3'))).toEqual([]);
    // Nor the daemon (its config is parsed by the client commands, which are loaded dynamically too).
    expect([...seen].filter((p) => p.startsWith('src/daemon/') || p.startsWith('src/rpc/') || p.includes('node_modules/ws/'))).toEqual([]);
  });

  it('the built CLI bundle holds no daemon, RPC server or store code, and dist/daemon/main.js exists', async () => {
    const bin = await fs.readFile(BUNDLE, 'utf8');
    for (const marker of ['class DaemonService', 'startRpcServer', 'createSqliteStore', 'better-sqlite3']) expect(bin.includes(marker), marker).toBe(false);
    const daemon = await fs.readFile(path.join(ROOT, 'dist/daemon/main.js'), 'utf8');
    expect(daemon).toMatch(/export async function startDaemon/);
    // The store is loaded by the daemon with a dynamic import only.
    expect(daemon).toMatch(/await import\('\.\.\/store\/index\.js'\)/);
    expect(daemon).not.toMatch(/^import .*store\//m);
  });
});
