/**
 * `import()` of a module that is loaded only when used (the subcommands, the daemon, the SOCKS and
 * cookie libraries). The command's launcher (src/cli/launcher.ts) compiles the bundle with
 * `node:vm` so that it can use a code cache; Node 20 gives `import()` inside such code a loader
 * only behind a flag, so the launcher lends its own `import()` under the registered symbol
 * `ferry.runTimeImport` before it runs the bundle. Everywhere else (the library, the tests) this
 * is the plain `import()`. A relative specifier is resolved against `base` (the importing module's
 * `import.meta.url`), never against this module or the launcher.
 */

/** The registered symbol under which the launcher lends its `import()`. */
export const RUN_TIME_IMPORT = Symbol.for('ferry.runTimeImport');

type Importer = (specifier: string) => Promise<unknown>;

/** `import(specifier)` as `base` would do it, through the launcher's `import()` when it lent one. */
export function runTimeImport<T>(specifier: string, base?: string): Promise<T> {
  const target = base !== undefined && (specifier.startsWith('./') || specifier.startsWith('../')) ? new URL(specifier, base).href : specifier;
  const lent = (globalThis as Record<symbol, Importer | undefined>)[RUN_TIME_IMPORT];
  return (lent === undefined ? import(target) : lent(target)) as Promise<T>;
}
