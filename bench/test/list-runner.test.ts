import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFileSet, type FileSet } from '../lib/file-set.js';
import { type LatencyServer, startLatencyServer } from '../lib/latency-server.js';
import { type ListParticipant, listParticipants, urlList } from '../lib/list-participants.js';
import { type ListTarget, runListMatrix, runListOnce, verifyList } from '../lib/list-runner.js';
import type { RunContext } from '../lib/runner.js';

/** A list participant that runs a shell snippet with $1 = list file, $2 = output dir. */
function shell(name: string, script: string): ListParticipant {
  return {
    name,
    program: 'sh',
    prefixArgs: [],
    scenarios: ['files-500'],
    versionArgs: [],
    list: urlList,
    args: (j) => ['-c', script, 'sh', j.listFile, j.dir],
  };
}

describe('list runner (real tools, loopback)', () => {
  let dir = '';
  let ctx: RunContext;
  const lines: string[] = [];
  const sets: FileSet[] = [];
  const servers: LatencyServer[] = [];

  /** A set of `count` files of `size` bytes and a server for them (first-byte delay `delayMs`). */
  async function serve(count: number, size: number, delayMs = 0): Promise<{ set: FileSet; target: ListTarget }> {
    const set = await ensureFileSet(join(dir, 'data'), count, size);
    const files: Record<string, Buffer> = {};
    for (const f of set.files) files[`/${f.name}`] = await readFile(join(set.dir, f.name));
    const server = await startLatencyServer({ choice: 'own', files, rateBytesPerSec: 0, firstByteDelayMs: delayMs });
    servers.push(server);
    sets.push(set);
    const entries = set.files.map((f) => ({ url: server.url(`/${f.name}`), name: f.name }));
    return { set, target: { label: 'files-500', entries, files: set.files, jobs: 4, timeoutMs: 20_000 } };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-bench-list-'));
    ctx = { workDir: dir, timeBin: '/usr/bin/time', signal: new AbortController().signal, connections: 1, log: (l) => lines.push(l) };
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  const tools = listParticipants('/nonexistent/bin.js').filter((p) => p.name !== 'ferry');
  for (const size of [0, 1, 64 * 1024 + 1]) {
    it(`aria2c, curl, wget and the Node floor fetch a list of 12 files of ${size} bytes byte-exact`, async () => {
      const { target } = await serve(12, size);
      const runs = await runListMatrix(ctx, target, tools, 1);
      for (const p of tools) {
        const r = runs.get(p.name)?.[0];
        expect(r?.failure, p.name).toBeUndefined();
        expect(r?.ok, p.name).toBe(true);
        expect(r?.maxRssKiB, p.name).toBeGreaterThan(0);
      }
    });
  }

  it('fails a run with a corrupted, a missing or a short file, and a non-zero exit', async () => {
    const { set, target } = await serve(5, 1000);
    const copy = `cp ${set.dir}/f000*.bin "$2"/`;
    const good = await runListOnce(ctx, shell('good', copy), target, 1, 'good');
    expect(good).toMatchObject({ ok: true });
    const flipped = await runListOnce(
      ctx,
      shell('flip', `${copy} && printf x | dd of="$2"/f0003.bin bs=1 seek=10 conv=notrunc 2>/dev/null`),
      target,
      1,
      'flip',
    );
    expect(flipped).toMatchObject({ ok: false, failure: '1/5 files wrong: f0003.bin SHA-256 mismatch' });
    const missing = await runListOnce(ctx, shell('miss', `${copy} && rm "$2"/f0001.bin "$2"/f0005.bin`), target, 1, 'miss');
    expect(missing.failure).toBe('2/5 files wrong: f0001.bin no output file; f0005.bin no output file');
    const none = await runListOnce(ctx, shell('none', 'true'), target, 1, 'none');
    expect(none.failure).toMatch(/^5\/5 files wrong: f0001.bin no output file; f0002.bin no output file; f0003.bin no output file; \.\.\.$/);
    const short = await runListOnce(ctx, shell('short', `${copy} && truncate -s 999 "$2"/f0002.bin`), target, 1, 'short');
    expect(short.failure).toBe('1/5 files wrong: f0002.bin wrong size 999 (expected 1000)');
    const exit = await runListOnce(ctx, shell('exit', `${copy}; echo oops >&2; exit 3`), target, 1, 'exit');
    expect(exit.failure).toBe('exit 3: oops');
    expect(await verifyList(join(dir, 'nowhere'), [])).toBeUndefined();
  });

  it('gives each tool the list in its own format, and interleaves runs', async () => {
    const { target } = await serve(3, 10);
    lines.length = 0;
    const seen = shell('seen', 'cat "$1" >&2; exit 1');
    const runs = await runListMatrix(ctx, target, [seen, shell('ok', `for u in $(cat "$1"); do curl -sS -o "$2/\${u##*/}" "$u"; done`)], 2);
    expect(runs.get('seen')?.[0].failure).toMatch(/^exit 1: http:\/\/127\.0\.0\.1:\d+\/f0003\.bin$/);
    expect(runs.get('ok')?.map((r) => r.ok)).toEqual([true, true]);
    expect(lines.map((l) => l.replace(/\s+/g, ' ').split(' ').slice(1, 4).join(' '))).toEqual(['seen run 1/2', 'ok run 1/2', 'seen run 2/2', 'ok run 2/2']);
    expect(lines[1]).toMatch(/files\/s {2}ok$/);
  });

  it('pays the first-byte delay once per file: 16 files, 4 at once, 60 ms each', async () => {
    const { target } = await serve(16, 100, 60);
    const curl = tools.find((p) => p.name === 'curl') as ListParticipant;
    const r = await runListOnce(ctx, curl, target, 1, 'delay');
    expect(r.ok).toBe(true);
    // 4 rounds of 4 parallel requests cannot take less than 4 x 60 ms.
    expect(r.wallSec).toBeGreaterThanOrEqual(0.24);
  });
});
