import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Every input the CLI entry point (src/cli/bin.ts) loads at start-up, as paths relative to the
 * repository: bin.ts's own imports, dynamic or not (it loads them at start), and beyond them only
 * what static imports reach (a dynamic import() elsewhere is loaded when used). From esbuild's
 * metafile of a bundle that is not written.
 */
export async function cliStaticImports(): Promise<Set<string>> {
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
