import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeControl } from '../../src/disk/control-file.js';
import { runCli } from '../helpers/cli.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;
let dir: string;
let server: TestServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-cli-'));
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ferry command line', () => {
  it('downloads a file and prints a summary', async () => {
    const body = randomBytesSeeded(300 * KiB, 1);
    server.setFile('/a/file.bin', { body });
    const r = await runCli([server.url('/a/file.bin'), '-d', dir, '-n', '4', '--min-split-size', '16k']).exited;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/file\.bin.*300\.0 KiB/);
    expect(sha256(await readFile(path.join(dir, 'file.bin')))).toBe(sha256(body));
  });

  it('bad input: one clear line, exit 2, no stack trace', async () => {
    const r = await runCli(['-n', 'lots', 'http://127.0.0.1:1/x']).exited;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^ferry: .*-n/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('a 404 is one line with exit code 4', async () => {
    const r = await runCli([server.url('/missing'), '-d', dir]).exited;
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/404/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('--json prints newline-delimited events ending with the result', async () => {
    server.setFile('/j', { body: Buffer.from('json please') });
    const r = await runCli([server.url('/j'), '-d', dir, '--json']).exited;
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; status?: string });
    expect(events[0].event).toBe('start');
    expect(events.at(-1)).toMatchObject({ event: 'result', status: 'complete' });
  });

  it('SIGKILL at random moments, rerun the same command: byte-exact, and the control file never lies', async () => {
    const body = randomBytesSeeded(3 * 1024 * KiB, 42);
    server.setFile('/big.iso', { body, etag: '"e1"' });
    server.setFaults({ throttleBytesPerSec: 384 * KiB });
    const args = [server.url('/big.iso'), '-d', dir, '-n', '4', '--min-split-size', '64k', '-q'];
    for (const delay of [700, 450, 900]) {
      const run = runCli(args);
      await new Promise((r) => setTimeout(r, delay));
      run.child.kill('SIGKILL');
      await run.exited;
      const files = await readdir(dir);
      if (!files.includes('big.iso.ferry')) continue;
      // Every byte the control file claims is on disk and equal to the source.
      const state = decodeControl(await readFile(path.join(dir, 'big.iso.ferry'), 'utf8'), 'control');
      const part = await readFile(path.join(dir, 'big.iso.part'));
      for (const r of state.done) expect(sha256(part.subarray(r.start, r.end))).toBe(sha256(body.subarray(r.start, r.end)));
    }
    server.setFaults({ throttleBytesPerSec: undefined });
    const final = await runCli(args).exited;
    expect(final.code).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'big.iso')))).toBe(sha256(body));
    expect((await readdir(dir)).sort()).toEqual(['big.iso']);
  });

  it('SIGINT stops cleanly with exit 130 and a resume hint; the rerun completes', async () => {
    const body = randomBytesSeeded(2 * 1024 * KiB, 43);
    server.setFile('/s.bin', { body });
    server.setFaults({ throttleBytesPerSec: 256 * KiB });
    const args = [server.url('/s.bin'), '-d', dir, '-n', '2', '--min-split-size', '64k'];
    const run = runCli(args);
    await new Promise((r) => setTimeout(r, 800));
    run.child.kill('SIGINT');
    const stopped = await run.exited;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/run the same command again to resume/);
    server.setFaults({ throttleBytesPerSec: undefined });
    const again = await runCli(args).exited;
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/resum/);
    expect(sha256(await readFile(path.join(dir, 's.bin')))).toBe(sha256(body));
  });

  it('rerunning a completed command is idempotent', async () => {
    server.setFile('/done', { body: Buffer.from('x'.repeat(100)), lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT' });
    expect((await runCli([server.url('/done'), '-d', dir]).exited).code).toBe(0);
    const again = await runCli([server.url('/done'), '-d', dir]).exited;
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already complete/);
  });
});
