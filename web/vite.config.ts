/**
 * Builds ferry's web page into dist/web/: static files the daemon serves at `/`, nothing loaded
 * from elsewhere. The build prints the gzipped size of everything it wrote and fails past the budget.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = join(here, '..', 'dist', 'web');

/** The bundle's budget, gzipped (bytes). */
const BUDGET = 100 * 1024;

/** All files under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Print the gzipped total of dist/web and fail the build when it is over budget. */
function sizeReport(): Plugin {
  return {
    name: 'ferry-size-report',
    apply: 'build',
    closeBundle() {
      const sizes = filesUnder(outDir).map((f) => ({ f, raw: readFileSync(f).length, gz: gzipSync(readFileSync(f), { level: 9 }).length }));
      const raw = sizes.reduce((a, s) => a + s.raw, 0);
      const gz = sizes.reduce((a, s) => a + s.gz, 0);
      const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
      console.log(`ferry web page: ${sizes.length} files, ${kb(raw)} raw, ${kb(gz)} gzipped (budget ${kb(BUDGET)})`);
      if (gz > BUDGET) throw new Error(`the web page is ${kb(gz)} gzipped, over its budget of ${kb(BUDGET)}`);
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [sizeReport()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1' },
});
