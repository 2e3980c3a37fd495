import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every input the CLI entry point reaches through static imports (bin.ts's own imports included). */
async function staticallyReached(): Promise<Set<string>> {
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
  const inputs: Metafile['inputs'] = result.metafile.inputs;
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
  return seen;
}

describe('what a plain download loads at start-up', () => {
  it('neither the SOCKS nor the cookie library: each is loaded on first use', { timeout: 60_000 }, async () => {
    const seen = await staticallyReached();
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].filter((p) => /node_modules\/(socks|smart-buffer|ip-address|tough-cookie|tldts)/.test(p))).toEqual([]);
  });
});
