/**
 * What the built CLI loads: a plain HTTP download loads neither `node:tls` nor `node:crypto`
 * (each is loaded on first use, see src/lazy-builtins.ts), and an HTTPS download still loads TLS.
 * The modules are read from `process.moduleLoadList` at exit, through a preloaded script.
 */

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { type ServerPair, startServerPair } from '../helpers/tls.js';

const BODY = randomBytesSeeded(3 * 1024 * 1024 + 1, 'startup-modules');

let dir: string;
let servers: ServerPair;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-startup-modules-'));
  await writeFile(
    path.join(dir, 'preload.cjs'),
    `process.on('exit', () => require('node:fs').writeFileSync(process.env.MODULES_OUT, process.moduleLoadList.join('\\n')));\n`,
  );
  servers = await startServerPair({ '/f': { body: BODY } });
});

afterAll(async () => {
  await servers.close();
  await rm(dir, { recursive: true, force: true });
});

/** Download `url` with -n 4 through the built CLI; the built-in modules it loaded. */
async function modulesOf(url: string, name: string, extra: string[] = []): Promise<string[]> {
  const out = path.join(dir, `${name}.modules`);
  const child = spawn(process.execPath, ['--require', path.join(dir, 'preload.cjs'), BIN, url, '-n', '4', '-d', dir, '-o', name, '-q', ...extra], {
    env: { ...process.env, MODULES_OUT: out },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(sha256(await readFile(path.join(dir, name)))).toBe(sha256(BODY));
  return (await readFile(out, 'utf8')).split('\n').filter((m) => m.startsWith('NativeModule '));
}

describe('built-in modules the CLI loads', () => {
  it('a plain HTTP download loads neither node:tls nor node:crypto', { timeout: 30_000 }, async () => {
    const modules = await modulesOf(servers.plain.url('/f'), 'plain.bin');
    expect(modules).toContain('NativeModule net');
    expect(modules.filter((m) => /^NativeModule (tls|_tls_wrap|crypto|internal\/crypto\/)/.test(m))).toEqual([]);
  });

  it('an HTTPS download loads TLS on first use and is byte-exact', { timeout: 30_000 }, async () => {
    const modules = await modulesOf(servers.secure.url('/f'), 'secure.bin', ['--ca-certificate', servers.caFile]);
    expect(modules).toContain('NativeModule tls');
  });
});
