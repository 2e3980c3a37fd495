/**
 * main() tells its entry point when a run pays for V8's optimizing compiler (see
 * src/cli/jit-tiers.ts): the daemon, and a one-URL run whose HTTPS download has at least
 * HTTPS_TURBOFAN_MIN_BYTES to fetch, once it starts. Real downloads from loopback servers.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTPS_TURBOFAN_MIN_BYTES } from '../../src/cli/jit-tiers.js';
import { main } from '../../src/cli/main.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { recordingIO } from '../helpers/recording-io.js';
import { makeTestCertificates, type ServerPair, startServerPair } from '../helpers/tls.js';

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
  it('a small HTTPS download does not ask, and is byte-exact', { timeout: 30_000 }, async () => {
    const r = await optimizeCalls([servers.secure.url('/f'), '--ca-certificate', servers.caFile, '-d', dir, '-o', 'tls.bin', '-q']);
    expect(r).toEqual({ code: 0, calls: 0, err: '' });
    expect(sha256(await readFile(path.join(dir, 'tls.bin')))).toBe(sha256(BODY));
  });

  it('an HTTPS download of HTTPS_TURBOFAN_MIN_BYTES asks once as it starts (here: then fails)', { timeout: 30_000 }, async () => {
    // A server that announces the size, sends a little and cuts the connection: one try only.
    const certs = await makeTestCertificates();
    const server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (_req, res) => {
      res.writeHead(200, { 'content-length': String(HTTPS_TURBOFAN_MIN_BYTES) });
      res.write(Buffer.alloc(1024));
      setTimeout(() => res.destroy(), 50);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const url = `https://127.0.0.1:${port}/big`;
      const r = await optimizeCalls([url, '--ca-certificate', certs.caFile, '-t', '1', '-d', dir, '-o', 'big.bin', '-q']);
      expect(r.calls).toBe(1);
      expect(r.code).not.toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a plain HTTP download does not ask', { timeout: 30_000 }, async () => {
    const r = await optimizeCalls([servers.plain.url('/f'), '-d', dir, '-o', 'plain.bin', '-q']);
    expect(r).toEqual({ code: 0, calls: 0, err: '' });
    expect(sha256(await readFile(path.join(dir, 'plain.bin')))).toBe(sha256(BODY));
  });

  it('a list with an HTTPS entry among plain ones does not ask', { timeout: 30_000 }, async () => {
    const list = path.join(dir, 'list.txt');
    await writeFile(list, `${servers.plain.url('/f')}\n  out=a.bin\n${servers.secure.url('/f')}\n  out=b.bin\n`);
    const r = await optimizeCalls(['-i', list, '--ca-certificate', servers.caFile, '-d', dir, '-q']);
    expect(r).toEqual({ code: 0, calls: 0, err: '' });
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
