import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ByteRange } from '../../src/core/types.js';
import { rangeBytes } from '../../src/core/written-ranges.js';
import { BOOT_ID_FILE, readBootId } from '../../src/disk/boot-id.js';
import { type ControlState, decodeControl } from '../../src/disk/control-file.js';
import { runCli } from '../helpers/cli.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;
const MiB = 1024 * KiB;
let dir: string;
let server: TestServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-killwaste-'));
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A small seeded generator (the same kill moments on every run of the test). */
function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

async function control(name: string): Promise<ControlState | undefined> {
  const text = await readFile(path.join(dir, `${name}.ferry`), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : decodeControl(text, `${name}.ferry`);
}

/** Every byte the control file names (synced or written) is in the `.part` and equal to the source. */
async function expectClaimsHold(name: string, body: Buffer, state: ControlState): Promise<void> {
  const part = await readFile(path.join(dir, `${name}.part`));
  for (const r of [...state.done, ...(state.written ?? [])]) {
    expect(sha256(part.subarray(r.start, r.end)), `${name}.part [${r.start}, ${r.end})`).toBe(sha256(body.subarray(r.start, r.end)));
  }
}

describe('kill -9 wastes almost nothing', () => {
  it.each([
    { mode: 'fsync', flags: [] as string[], seed: 9 },
    { mode: '--no-fsync', flags: ['--no-fsync'], seed: 10 },
  ])(
    '5 SIGKILLs at random moments of 8 MiB over 8 connections at 512 KiB/s each ($mode): the server sends at most 1.10x the file, byte-exact',
    async ({ flags, seed }) => {
      const body = randomBytesSeeded(8 * MiB, seed);
      server.setFile('/big.bin', { body, etag: '"k1"' });
      server.setFaults({ throttleBytesPerSec: 512 * KiB });
      const args = [server.url('/big.bin'), '-d', dir, '-n', '8', '-q', ...flags];
      const random = seeded(seed);
      const boot = await readBootId(BOOT_ID_FILE);
      let kills = 0;
      let finished = false;
      for (let i = 0; i < 5 && !finished; i++) {
        const run = runCli(args);
        const delay = 350 + Math.floor(random() * 550);
        const timer = setTimeout(() => run.child.kill('SIGKILL'), delay);
        const exit = await run.exited;
        clearTimeout(timer);
        if (exit.code === 0) {
          // Finished before its kill. A rerun now would find a complete file without a control
          // file (this server sends no Last-Modified) and save it again as big.bin.1, as aria2 does.
          finished = true;
          break;
        }
        expect(exit.signal).toBe('SIGKILL');
        kills++;
        const state = await control('big.bin');
        // Killed after its last step (the control file removed) but before it exited: the file
        // is complete. (A rerun could not tell it from a foreign file: this server sends no
        // Last-Modified, so it would save the file again as big.bin.1, as aria2 does.)
        finished = state === undefined && (await readdir(dir)).join() === 'big.bin';
        if (state === undefined) continue;
        await expectClaimsHold('big.bin', body, state);
        if (state.written !== undefined) expect(state.boot).toBe(boot);
      }
      if (!finished) expect((await runCli(args).exited).code).toBe(0);
      expect(kills).toBeGreaterThanOrEqual(3);
      expect(sha256(await readFile(path.join(dir, 'big.bin')))).toBe(sha256(body));
      expect((await readdir(dir)).sort()).toEqual(['big.bin']);
      const ratio = server.stats.bodyBytesSent / body.length;
      expect(ratio, `sent ${server.stats.bodyBytesSent} bytes for ${body.length} over ${kills} kills`).toBeLessThanOrEqual(1.1);
    },
    60_000,
  );

  it('a simulated reboot (another boot id) trusts only synced bytes: lost page-cache bytes are fetched again, byte-exact', async () => {
    const body = randomBytesSeeded(4 * MiB, 11);
    server.setFile('/r.bin', { body, etag: '"r1"' });
    server.setFaults({ throttleBytesPerSec: 256 * KiB });
    const bootA = path.join(dir, 'boot-a');
    const bootB = path.join(dir, 'boot-b');
    await writeFile(bootA, '0a0a0a0a-1111-4111-8111-111111111111\n');
    await writeFile(bootB, '0b0b0b0b-2222-4222-8222-222222222222\n');
    const out = path.join(dir, 'out');
    const args = [server.url('/r.bin'), '-d', out, '-n', '4', '-q'];
    let state: ControlState | undefined;
    for (let attempt = 0; attempt < 3 && (state?.written ?? []).length === 0; attempt++) {
      const run = runCli(args, { env: { FERRY_BOOT_ID_FILE: bootA } });
      setTimeout(() => run.child.kill('SIGKILL'), 1200);
      await run.exited;
      state = await readFile(path.join(out, 'r.bin.ferry'), 'utf8').then(
        (t) => decodeControl(t, 'r.bin.ferry'),
        () => undefined,
      );
    }
    expect(state?.boot).toBe('0a0a0a0a-1111-4111-8111-111111111111');
    const written = state?.written ?? [];
    expect(rangeBytes(written)).toBeGreaterThan(0);
    // The power cut: what was only in the page cache is gone (zeros in the `.part`).
    const fh = await open(path.join(out, 'r.bin.part'), 'r+');
    try {
      for (const r of written as ByteRange[]) await fh.write(Buffer.alloc(r.end - r.start), 0, r.end - r.start, r.start);
    } finally {
      await fh.close();
    }
    server.setFaults({ throttleBytesPerSec: undefined });
    const rerun = await runCli(args, { env: { FERRY_BOOT_ID_FILE: bootB } }).exited;
    expect(rerun.code).toBe(0);
    expect(sha256(await readFile(path.join(out, 'r.bin')))).toBe(sha256(body));
  }, 60_000);
});
