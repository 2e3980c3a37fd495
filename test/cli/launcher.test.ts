/**
 * The installed command (dist/cli/ferry, a sh script) starts Node on the launcher
 * (dist/cli/ferry.cjs), which runs the bundle (ferry-main.cjs) with the code cache the build made
 * (ferry-main.cache): the cache must fit this Node under the command's flags (V8 accepts it), the
 * launcher must still work without it and lend `import()` to the bundle (subcommands, daemon), and
 * the command must find the launcher through the links npm makes to it.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAP_GROWTH_FLAGS } from '../../src/cli/heap-growth.js';
import { START_FLAGS } from '../../src/cli/jit-tiers.js';
import { NODE_START_FLAGS } from '../../src/cli/start-script.js';
import { BIN, BUNDLE, COMMAND } from '../helpers/cli.js';

/** Where the build puts the launcher, the bundle and the bundle's code cache. */
const CLI = path.dirname(BIN);
let copy: string;

beforeAll(async () => {
  copy = await mkdtemp(path.join(tmpdir(), 'ferry-launcher-'));
});
afterAll(async () => {
  await rm(copy, { recursive: true, force: true });
});

function run(
  bin: string,
  args: string[],
  file = process.execPath,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Whether V8 rejects the build's cache for the bundle at `file`, compiled as the launcher compiles
 * it: in a process of its own started with the command's Node flags, with the launcher's start
 * flags set before compiling.
 */
async function cacheRejected(file: string): Promise<boolean> {
  const check = [
    `require('node:v8').setFlagsFromString(${JSON.stringify(START_FLAGS)});`,
    `const { readFileSync } = require('node:fs');`,
    `const s = new (require('node:vm').Script)(require('node:module').wrap(readFileSync(process.argv[1], 'utf8')), { filename: ${JSON.stringify(BUNDLE)}, cachedData: readFileSync(process.argv[2]) });`,
    `process.stdout.write(String(s.cachedDataRejected));`,
  ].join('\n');
  const { code, stdout, stderr } = await run(NODE_START_FLAGS[0], [...NODE_START_FLAGS.slice(1), '-e', check, file, path.join(CLI, 'ferry-main.cache')]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout) as boolean;
}

/** What a preload saw of one run of the launcher. */
interface LaunchWatch {
  /** Its changes of V8's flags and its compile of the bundle (whether V8 rejected the cache), in order. */
  log: unknown[];
  /** The modules loaded after its first change of V8's flags (null: it changed none). */
  loadedAfterFlags: string[] | null;
}

let watches = 0;

/** Run the launcher under Node's `nodeArgs` with `args`, watched by a preload (see LaunchWatch). */
async function watchLaunch(nodeArgs: readonly string[], args: string[]): Promise<LaunchWatch> {
  const preload = path.join(copy, 'launch-watch.cjs');
  const out = path.join(copy, `launch-watch-${++watches}.json`);
  await writeFile(
    preload,
    [
      `const v8 = require('node:v8'); const vm = require('node:vm'); const set = v8.setFlagsFromString; const log = []; let at;`,
      `v8.setFlagsFromString = (flags) => { at ??= process.moduleLoadList.length; log.push(['flags', flags]); return set.call(v8, flags); };`,
      `const Script = vm.Script;`,
      `vm.Script = class extends Script { constructor(code, options) { super(code, options); log.push(['compile', this.cachedDataRejected]); } };`,
      `process.on('exit', () => require('node:fs').writeFileSync(process.env.FERRY_TEST_WATCH_OUT, JSON.stringify({ log, loadedAfterFlags: at === undefined ? null : process.moduleLoadList.slice(at) })));`,
    ].join('\n'),
  );
  const all = [...nodeArgs, '--require', preload, BIN, ...args];
  const result = await run(all[0], all.slice(1), process.execPath, { FERRY_TEST_WATCH_OUT: out });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(await readFile(out, 'utf8')) as LaunchWatch;
}

describe('the launcher and its code cache', () => {
  it('V8 accepts the cache the build made, under the flags the launcher starts with', { timeout: 30_000 }, async () => {
    expect(await cacheRejected(BUNDLE)).toBe(false);
  });

  it("the cache made under the command's Node flags does not fit a plain `node ferry.cjs` (the launcher then compiles)", { timeout: 30_000 }, async () => {
    expect(NODE_START_FLAGS.length).toBeGreaterThan(0);
    const check = [
      `require('node:v8').setFlagsFromString(${JSON.stringify(START_FLAGS)});`,
      `const { readFileSync } = require('node:fs');`,
      `const s = new (require('node:vm').Script)(require('node:module').wrap(readFileSync(${JSON.stringify(BUNDLE)}, 'utf8')), { filename: ${JSON.stringify(BUNDLE)}, cachedData: readFileSync(${JSON.stringify(path.join(CLI, 'ferry-main.cache'))}) });`,
      `process.stdout.write(String(s.cachedDataRejected));`,
    ].join('\n');
    expect(await run('-e', [check])).toEqual({ code: 0, stdout: 'true', stderr: '' });
  });

  it('the command finds the launcher through absolute and relative links, in other directories', { timeout: 30_000 }, async () => {
    const bin = path.join(copy, 'prefix', 'bin');
    await mkdir(bin, { recursive: true });
    // npm's global link: bin/ferry -> a relative path to the package's command; then a link to it.
    await symlink(path.relative(bin, COMMAND), path.join(bin, 'ferry'));
    await symlink(path.join(bin, 'ferry'), path.join(copy, 'abs-link'));
    await symlink('prefix/bin/ferry', path.join(copy, 'rel-link'));
    for (const link of [path.join(bin, 'ferry'), path.join(copy, 'abs-link'), path.join(copy, 'rel-link')]) {
      const version = await run(link, ['--version'], '/bin/sh');
      expect(version).toMatchObject({ code: 0, stderr: '' });
      expect(version.stdout).toMatch(/^ferry /);
    }
    const direct = await run('--version', [], COMMAND);
    expect(direct.stdout).toMatch(/^ferry /);
  });

  it('a cache that does not fit is rejected, not trusted', { timeout: 30_000 }, async () => {
    const edited = path.join(copy, 'edited.cjs');
    await writeFile(edited, `${await readFile(BUNDLE, 'utf8')}\n// edited`);
    expect(await cacheRejected(edited)).toBe(true);
  });

  it('runs without a cache file, and lends import() to the bundle (a subcommand)', { timeout: 30_000 }, async () => {
    await copyFile(BIN, path.join(copy, path.basename(BIN)));
    await copyFile(BUNDLE, path.join(copy, path.basename(BUNDLE)));
    const version = await run(path.join(copy, path.basename(BIN)), ['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(/^ferry /);
    // `ferry ls --help` is answered by the client module, loaded with import() at run time.
    const help = await run(BIN, ['ls', '--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/ls/);
  });

  it("loads the built-ins the bundle imports before it changes V8's flags (their code cache then fits)", { timeout: 30_000 }, async () => {
    const { loadedAfterFlags } = await watchLaunch([], ['--version']);
    expect(loadedAfterFlags).not.toBeNull();
    const imported = [...(await readFile(BUNDLE, 'utf8')).matchAll(/require\("node:([^"]+)"\)/g)].map((m) => `NativeModule ${m[1]}`);
    expect(new Set(imported).size).toBeGreaterThan(5);
    expect(loadedAfterFlags?.filter((m) => imported.includes(m))).toEqual([]);
  });

  it("limits V8's heap growth once the bundle is compiled with the cache (which still fits)", { timeout: 30_000 }, async () => {
    expect((await watchLaunch(NODE_START_FLAGS, ['--version'])).log).toEqual([
      ['flags', START_FLAGS],
      ['compile', false],
      ['flags', HEAP_GROWTH_FLAGS],
    ]);
  });

  it('leaves the heap growth to Node when given a flag for it', { timeout: 30_000 }, async () => {
    expect((await watchLaunch([...NODE_START_FLAGS, '--heap-growing-percent=80'], ['--version'])).log).toEqual([
      ['flags', START_FLAGS],
      ['compile', true],
    ]);
  });

  it("runs under a TurboFan flag of Node's own (the cache no longer fits: the bundle is compiled)", { timeout: 30_000 }, async () => {
    const version = await run('--turbofan', [BIN, '--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(/^ferry /);
  });
});
