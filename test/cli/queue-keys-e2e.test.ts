/**
 * The queue view's keys through the real command line on a terminal: p pauses, p resumes, q and
 * Ctrl-C quit; any of them at any moment ends stopped (exit 130, resumable), never as a failure.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { runCliTty } from '../helpers/cli-tty.js';
import { useEngineFixture } from '../helpers/engine-fixture.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { sleep, waitFor } from '../helpers/wait-for.js';

const KiB = 1024;
/** How long (and how often) this file's waits look. */
const patience = { ms: 15_000, everyMs: 5 };
const fx = useEngineFixture('ferry-keys-');

describe('queue view keys on a terminal', () => {
  it.each([
    ['p p q', 'ppq'],
    ['p q', 'pq'],
    ['q', 'q'],
    ['Ctrl-C', '\u0003'],
    ['p p Ctrl-C', 'pp\u0003'],
  ])('%s in quick succession while the downloads start: stopped, exit 130, resumable byte-exact', async (_name, keys) => {
    const bodies = [0, 1, 64 * KiB + 1].map((n, i) => randomBytesSeeded(n, i));
    bodies.forEach((body, i) => {
      fx.server.setFile(`/k${i}.bin`, { body, etag: `"k${i}"` });
    });
    // The keys arrive while the first download is in its probe and the others wait for the one
    // connection the host allows.
    fx.server.setFaults({ firstByteDelayMs: 1500 });
    const urls = bodies.map((_b, i) => fx.server.url(`/k${i}.bin`));
    const run = runCliTty([...urls, '-d', fx.dir, '--retry-wait', '0.01', '--max-connections-per-host', '1']);
    await waitFor(() => fx.server.stats.requests >= 1, patience);
    await sleep(100);
    for (const k of keys) {
      run.type(k);
      await sleep(15);
    }
    const r = await run.exited;
    expect(r.output).not.toMatch(/ferry: FAILED|aborted/);
    expect(r.output).toMatch(/stopped; run the same command again to resume/);
    expect(r.code).toBe(130);
    fx.server.setFaults({ firstByteDelayMs: undefined });
    const again = await runCli([...urls, '-d', fx.dir, '-q']).exited;
    expect(again.code).toBe(0);
    for (const [i, body] of bodies.entries()) expect(sha256(await readFile(path.join(fx.dir, `k${i}.bin`)))).toBe(sha256(body));
  });
});

describe('Ctrl-C (SIGINT) at any moment', () => {
  it.each([
    ['during the retry backoff of the probe (Retry-After: 30)', { failFirst: { status: 503, retryAfter: 30, count: 1 } }],
    ['during the probe', { firstByteDelayMs: 3000 }],
  ])('%s: one download, exit 130, no error line', async (_name, faults) => {
    const body = randomBytesSeeded(32 * KiB, 9);
    fx.server.setFile('/one.bin', { body });
    fx.server.setFaults(faults);
    const run = runCli([fx.server.url('/one.bin'), '-d', fx.dir]);
    await waitFor(() => fx.server.stats.requests >= 1, patience);
    await sleep(200);
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.stderr).not.toMatch(/error|aborted/i);
    expect(r.code).toBe(130);
  });

  it('during the wait for a host slot in a queue: exit 130, nothing failed', async () => {
    const urls = [0, 1, 2].map((i) => {
      fx.server.setFile(`/h${i}.bin`, { body: randomBytesSeeded(16 * KiB, i) });
      return fx.server.url(`/h${i}.bin`);
    });
    fx.server.setFaults({ firstByteDelayMs: 3000 });
    const run = runCli([...urls, '-d', fx.dir, '--max-connections-per-host', '1']);
    await waitFor(() => fx.server.stats.requests >= 1, patience);
    await sleep(200);
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.stderr).not.toMatch(/FAILED|aborted/);
    expect(r.stderr).toMatch(/3 stopped/);
    expect(r.code).toBe(130);
  });
});
