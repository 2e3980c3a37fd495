/** `-c/--continue`: continue a partial file that ferry did not write (here: one curl wrote). */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;
const DATE = 'Wed, 21 Oct 2015 07:28:00 GMT';
const run = promisify(execFile);
let dir: string;
let server: TestServer;
let body: Buffer;
let url: string;
let file: string;

/** Our control file for `file`, as a run of this URL writes it, claiming bytes [0, `done`). */
const writeOurControl = (done: number): Promise<void> =>
  writeFile(
    `${file}.ferry`,
    JSON.stringify({
      ferry: 'control',
      version: 1,
      url,
      source: url,
      size: body.length,
      etag: '"c1"',
      lastModified: DATE,
      done: [[0, done]],
      createdAt: new Date().toISOString(),
    }),
  );

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-continue-'));
  server = await startTestServer();
  body = randomBytesSeeded(400 * KiB + 5, 'continue');
  server.setFile('/f.iso', { body, etag: '"c1"', lastModified: DATE });
  url = server.url('/f.iso');
  file = path.join(dir, 'f.iso');
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ferry -c', () => {
  it.each([0, 1, 64 * KiB - 1, 64 * KiB, 400 * KiB + 3])('after curl -r 0-%i: keeps those bytes, downloads the rest, byte-exact', async (last) => {
    await run('curl', ['-s', '-r', `0-${last}`, '-o', file, url]);
    expect((await stat(file)).size).toBe(last + 1);
    server.resetStats();
    const r = await runCli([url, '-c', '-o', file, '-n', '4', '--min-split-size', '16k']).exited;
    expect(r.stderr).toMatch(new RegExp(`continuing .*f\\.iso after its ${last + 1} bytes \\(-c\\)`));
    expect(r.code).toBe(0);
    expect(sha256(await readFile(file))).toBe(sha256(body));
    expect(await readdir(dir)).toEqual(['f.iso']);
    // The missing bytes are asked for by range (the probe's own body, from 0, is dropped).
    expect(server.stats.rangesRequested.some((r) => r.startsWith(`bytes=${last + 1}-`))).toBe(true);
  });

  it('a local file longer than the server file: one clear line, exit 6, the file untouched', async () => {
    const longer = Buffer.concat([body, Buffer.from('extra')]);
    await writeFile(file, longer);
    const before = await stat(file);
    const r = await runCli([url, '-c', '-o', file]).exited;
    expect(r.code).toBe(6);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ferry: cannot continue .*f\.iso: it has 409610 bytes, the server's file only 409605; the file is left as it is \(/);
    const after = await stat(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(sha256(await readFile(file))).toBe(sha256(longer));
    expect(await readdir(dir)).toEqual(['f.iso']);
  });

  it('a local file of the server length: already complete, untouched', async () => {
    await writeFile(file, body);
    const before = await stat(file);
    server.resetStats();
    const r = await runCli([url, '-c', '-o', file]).exited;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/already has the server's 409605 bytes \(-c\): nothing to do/);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
    expect(sha256(await readFile(file))).toBe(sha256(body));
    expect(await readdir(dir)).toEqual(['f.iso']);
  });

  it('a server without ranges: one clear line, the file untouched', async () => {
    await writeFile(file, body.subarray(0, 1000));
    server.setFaults({ ranges: false });
    const r = await runCli([url, '-c', '-o', file]).exited;
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^ferry: cannot continue .*: the server does not support ranges; the file is left as it is \(/),
    ]);
    expect(sha256(await readFile(file))).toBe(sha256(body.subarray(0, 1000)));
    expect(await readdir(dir)).toEqual(['f.iso']);
  });

  it('without -c the same file is refused as before (exists), untouched', async () => {
    await writeFile(file, body.subarray(0, 1000));
    const r = await runCli([url, '-o', file]).exited;
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/already exists/);
    expect((await readFile(file)).length).toBe(1000);
  });

  it('the name from the URL is continued too (no .1 rename), in -d', async () => {
    await writeFile(file, body.subarray(0, 5000));
    const r = await runCli([url, '-c', '-d', dir]).exited;
    expect(r.code).toBe(0);
    expect(sha256(await readFile(file))).toBe(sha256(body));
    expect(await readdir(dir)).toEqual(['f.iso']);
  });

  it('with ferry own control file, -c is a normal resume', async () => {
    // A ferry run stopped part-way (kill -9 while throttled), then -c.
    server.setFaults({ throttleBytesPerSec: 100 * KiB });
    const first = runCli([url, '-o', file, '-n', '2', '--min-split-size', '16k']);
    await waitFor(() => existsSync(`${file}.ferry`) && existsSync(`${file}.part`), 10_000);
    await new Promise((r) => setTimeout(r, 1200));
    first.child.kill('SIGKILL');
    await first.exited;
    server.setFaults({ throttleBytesPerSec: undefined });
    const r = await runCli([url, '-c', '-o', file]).exited;
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\(-c\)/);
    expect(r.stderr).toMatch(/resuming/);
    expect(sha256(await readFile(file))).toBe(sha256(body));
    expect(await readdir(dir)).toEqual(['f.iso']);
  });

  it('kill -9 at any moment of a -c continuation, then the same command: byte-exact (many times)', async () => {
    server.setFaults({ throttleBytesPerSec: 150 * KiB });
    let killed = 0;
    for (let round = 0; round < 6; round++) {
      await rm(file, { force: true });
      await writeFile(file, body.subarray(0, 20 * KiB + round));
      const first = runCli([url, '-c', '-o', file, '-n', '3', '--min-split-size', '16k']);
      const timer = setTimeout(() => first.child.kill('SIGKILL'), 150 + round * 120);
      if ((await first.exited).signal === 'SIGKILL') killed++;
      clearTimeout(timer);
      const again = await runCli([url, '-c', '-o', file, '-n', '3', '--min-split-size', '16k']).exited;
      expect(again.code, again.stderr).toBe(0);
      expect(sha256(await readFile(file)), `round ${round}`).toBe(sha256(body));
      expect(await readdir(dir)).toEqual(['f.iso']);
    }
    expect(killed).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('a kill after the control file is saved and before the rename: the rerun takes the file over again', async () => {
    // The state that kill leaves: our control file (claiming the bytes), the file at its final name, no .part.
    await writeFile(file, body.subarray(0, 7000));
    await writeOurControl(7000);
    const r = await runCli([url, '-c', '-o', file]).exited;
    expect(r.code, r.stderr).toBe(0);
    expect(sha256(await readFile(file))).toBe(sha256(body));
    expect(await readdir(dir)).toEqual(['f.iso']);
  });

  it('a .part shorter than the file whose claimed bytes it holds (a kill before it was extended) resumes', async () => {
    await writeFile(`${file}.part`, body.subarray(0, 9000));
    await writeOurControl(9000);
    server.resetStats();
    const r = await runCli([url, '-o', file]).exited;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming .* \(8.8 KiB already on disk\)/);
    expect(sha256(await readFile(file))).toBe(sha256(body));
  });

  it('a .part shorter than the bytes its control file claims is never trusted', async () => {
    await writeFile(`${file}.part`, body.subarray(0, 9000));
    await truncate(`${file}.part`, 8000);
    await writeOurControl(9000);
    const r = await runCli([url, '-o', file]).exited;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/starting over: the partial file has 8000 bytes/);
    expect(sha256(await readFile(file))).toBe(sha256(body));
  });
});

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
