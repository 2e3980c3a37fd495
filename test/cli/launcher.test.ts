/**
 * The installed command (dist/cli/ferry.cjs) runs the bundle (ferry-main.cjs) with the code cache
 * the build made (ferry-main.cache): the cache must fit this Node (V8 accepts it), and the
 * launcher must still work without it, and lend `import()` to the bundle (subcommands, daemon).
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { wrap } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, BUNDLE } from '../helpers/cli.js';

/** Where the build puts the launcher, the bundle and the bundle's code cache. */
const CLI = path.dirname(BIN);
let copy: string;

beforeAll(async () => {
  copy = await mkdtemp(path.join(tmpdir(), 'ferry-launcher-'));
});
afterAll(async () => {
  await rm(copy, { recursive: true, force: true });
});

function run(bin: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the launcher and its code cache', () => {
  it('V8 accepts the cache the build made for the bundle', async () => {
    const script = new vm.Script(wrap(await readFile(BUNDLE, 'utf8')), { filename: BUNDLE, cachedData: await readFile(path.join(CLI, 'ferry-main.cache')) });
    expect(script.cachedDataRejected).toBe(false);
  });

  it('a cache that does not fit is rejected, not trusted', async () => {
    const cache = await readFile(path.join(CLI, 'ferry-main.cache'));
    const script = new vm.Script(wrap(`${await readFile(BUNDLE, 'utf8')}\n// edited`), { filename: BUNDLE, cachedData: cache });
    expect(script.cachedDataRejected).toBe(true);
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
});
