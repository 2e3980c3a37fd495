/**
 * main() tells its entry point when a run pays for V8's optimizing compiler from its start (see
 * src/cli/jit-tiers.ts): work through TLS, and the daemon. Real downloads from loopback servers.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { recordingIO } from '../helpers/recording-io.js';
import { type ServerPair, startServerPair } from '../helpers/tls.js';

const BODY = randomBytesSeeded(64 * 1024 + 1, 'main-optimize');

let dir: string;
let servers: ServerPair;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-main-optimize-'));
  servers = await startServerPair({ '/f': { body: BODY } });
});

afterAll(async () => {
  await servers.close();
  await rm(dir, { recursive: true, force: true });
});

/** Run main with `argv`; how many times it asked for the optimizing compiler, and the exit code. */
async function optimizeCalls(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; calls: number; err: string }> {
  const { io, err } = recordingIO();
  Object.assign(io.env, env);
  let calls = 0;
  const code = await main(argv, io, { optimize: () => calls++, startDaemon: async () => 0 });
  return { code, calls, err: err() };
}

describe('main and the optimizing compiler', () => {
  it('an HTTPS download asks for it once, and is byte-exact', { timeout: 30_000 }, async () => {
    const r = await optimizeCalls([servers.secure.url('/f'), '--ca-certificate', servers.caFile, '-d', dir, '-o', 'tls.bin', '-q']);
    expect(r).toEqual({ code: 0, calls: 1, err: '' });
    expect(sha256(await readFile(path.join(dir, 'tls.bin')))).toBe(sha256(BODY));
  });

  it('a plain HTTP download does not ask', { timeout: 30_000 }, async () => {
    const r = await optimizeCalls([servers.plain.url('/f'), '-d', dir, '-o', 'plain.bin', '-q']);
    expect(r).toEqual({ code: 0, calls: 0, err: '' });
    expect(sha256(await readFile(path.join(dir, 'plain.bin')))).toBe(sha256(BODY));
  });

  it('a list with one HTTPS entry among plain ones asks once', { timeout: 30_000 }, async () => {
    const list = path.join(dir, 'list.txt');
    await writeFile(list, `${servers.plain.url('/f')}\n  out=a.bin\n${servers.secure.url('/f')}\n  out=b.bin\n`);
    const r = await optimizeCalls(['-i', list, '--ca-certificate', servers.caFile, '-d', dir, '-q']);
    expect(r).toEqual({ code: 0, calls: 1, err: '' });
    for (const f of ['a.bin', 'b.bin']) expect(sha256(await readFile(path.join(dir, f)))).toBe(sha256(BODY));
  });

  it('the daemon asks for it', async () => {
    const home = await mkdtemp(path.join(dir, 'home-'));
    const r = await optimizeCalls(['daemon'], { HOME: home });
    expect(r).toMatchObject({ code: 0, calls: 1 });
  });

  it('usage errors and --help do not', async () => {
    expect(await optimizeCalls(['--help'])).toMatchObject({ code: 0, calls: 0 });
    expect(await optimizeCalls(['--no-such-option', 'https://127.0.0.1/x'])).toMatchObject({ code: 2, calls: 0 });
  });
});
