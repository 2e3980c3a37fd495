import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PacedServer, startPacedServer } from '../lib/paced-server.js';
import type { Participant } from '../lib/participants.js';
import { resumeOnce } from '../lib/resume.js';
import { type RunContext, runMatrix, runOnce, type Target, verifyOutput } from '../lib/runner.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A participant that runs a shell snippet with $1 = URL, $2 = output path. */
function shell(name: string, script: string): Participant {
  return {
    name,
    program: 'sh',
    prefixArgs: [],
    scenarios: ['capped', 'resume'],
    versionArgs: [],
    args: (j) => ['-c', script, 'sh', j.url, join(j.dir, j.file)],
  };
}

describe('runner and resume (real processes, loopback)', () => {
  const body = randomBytes(1024 * 1024);
  let dir = '';
  let src = '';
  let ctx: RunContext;
  let server: PacedServer;
  const lines: string[] = [];
  const target = (): Target => ({ label: 't', url: (tag) => `${server.url('/f')}?run=${tag}`, size: body.length, sha256: sha(body), timeoutMs: 10_000 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-bench-runner-'));
    src = join(dir, 'src.bin');
    await writeFile(src, body);
    ctx = { workDir: dir, timeBin: '/usr/bin/time', signal: new AbortController().signal, connections: 4, log: (l) => lines.push(l) };
    server = await startPacedServer({ files: { '/f': body }, rateBytesPerSec: 1024 * 1024, firstByteDelayMs: 0 });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies the output by size and SHA-256', async () => {
    expect(await verifyOutput(src, body.length, sha(body))).toEqual({ ok: true, sha256: sha(body) });
    expect((await verifyOutput(src, body.length + 1, sha(body))).failure).toMatch(/wrong size/);
    expect((await verifyOutput(src, body.length, sha(Buffer.alloc(1)))).failure).toBe('SHA-256 mismatch');
    expect((await verifyOutput(join(dir, 'none'), 0, sha(Buffer.alloc(0)))).failure).toBe('no output file');
  });

  it('runs beforeRun before each command, untimed and in order', async () => {
    const events: string[] = [];
    const marker = join(dir, 'marker');
    const c = {
      ...ctx,
      beforeRun: async () => {
        events.push('before');
        await writeFile(marker, 'x');
      },
    };
    // The command only succeeds when the marker exists (beforeRun ran first), and removes it.
    const p = shell('needs-marker', `test -f ${marker} && rm ${marker} && cp ${src} "$2"`);
    const runs = await runMatrix(c, target(), [p], 2);
    expect(runs.get('needs-marker')?.map((r) => r.ok)).toEqual([true, true]);
    expect(events).toEqual(['before', 'before']);
  });

  it('reports a right file as ok with time, CPU and RSS, and a wrong one as FAIL', async () => {
    const good = await runOnce(ctx, shell('good', `cp ${src} "$2"`), target(), 1, 'good-1');
    expect(good.ok).toBe(true);
    expect(good.sha256).toBe(sha(body));
    expect(good.maxRssKiB).toBeGreaterThan(0);
    const flipped = await runOnce(
      ctx,
      shell('bad', `cp ${src} "$2" && printf 'x' | dd of="$2" bs=1 seek=524288 conv=notrunc 2>/dev/null`),
      target(),
      1,
      'bad-1',
    );
    expect(flipped).toMatchObject({ ok: false, failure: 'SHA-256 mismatch' });
    const short = await runOnce(ctx, shell('short', `head -c 1048575 ${src} > "$2"`), target(), 1, 'short-1');
    expect(short.failure).toMatch(/wrong size 1048575/);
    const failing = await runOnce(ctx, shell('exit', `cp ${src} "$2"; echo broken pipe >&2; exit 4`), target(), 1, 'exit-1');
    expect(failing).toMatchObject({ ok: false, failure: 'exit 4: broken pipe' });
    const slow = await runOnce(ctx, shell('slow', 'sleep 20'), { ...target(), timeoutMs: 200 }, 1, 'slow-1');
    expect(slow.failure).toMatch(/^timeout/);
  });

  it('interleaves runs and logs each one', async () => {
    lines.length = 0;
    const runs = await runMatrix(ctx, { ...target(), url: () => 'unused' }, [shell('a', `cp ${src} "$2"`), shell('b', 'exit 1')], 2);
    expect(runs.get('a')?.map((r) => r.ok)).toEqual([true, true]);
    expect(runs.get('b')?.map((r) => r.ok)).toEqual([false, false]);
    expect(lines.map((l) => l.replace(/\s+/g, ' ').split(' ').slice(1, 4).join(' '))).toEqual(['a run 1/2', 'b run 1/2', 'a run 2/2', 'b run 2/2']);
  });

  it('measures a kill -9 and a resumed rerun with curl -C -', async () => {
    const curl = shell('curl', 'exec curl -sS -f -C - -o "$2" "$1"');
    const base = server.bytesSent();
    const r = await resumeOnce(ctx, curl, { ...target(), killAfterMs: 400, bodyBytesFor: async () => server.bytesSent() - base }, 1);
    expect(r.failure).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.killedAtSec).toBeGreaterThanOrEqual(0.39);
    expect(r.killedAtSec).toBeLessThan(1);
    expect(r.bytesSent).toBeGreaterThanOrEqual(body.length);
    // curl keeps what it wrote before the kill: only in-flight bytes come again.
    expect(r.redownloadedBytes).toBeLessThan(body.length / 4);
    expect(r.redownloadedSec).toBeCloseTo(r.redownloadedBytes / r.observedBytesPerSec, 6);
  });

  it('counts a restart from zero as re-downloaded, and flags a download that ends before the kill', async () => {
    const restart = shell('restart', 'exec curl -sS -f -o "$2" "$1"');
    const base = server.bytesSent();
    const r = await resumeOnce(ctx, restart, { ...target(), killAfterMs: 400, bodyBytesFor: async () => server.bytesSent() - base }, 1);
    expect(r.ok).toBe(true);
    expect(r.redownloadedBytes).toBeGreaterThan(300 * 1024);
    expect(r.redownloadedSec).toBeGreaterThan(0.2);
    const quick = await resumeOnce(ctx, shell('quick', `cp ${src} "$2"`), { ...target(), killAfterMs: 5000, bodyBytesFor: async () => 0 }, 1);
    expect(quick.ok).toBe(false);
    expect(quick.failure).toMatch(/finished before the kill/);
  });
});
