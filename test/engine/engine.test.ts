import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEngineFixture } from '../helpers/engine-fixture.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { sleep, waitFor } from '../helpers/wait-for.js';

const KiB = 1024;
const fast = { minSplitSize: 64 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 };

const fx = useEngineFixture('ferry-q-');

describe('engine queue', () => {
  it('runs many files, at most maxActive at once, every byte checked', async () => {
    const bodies = new Map<string, Buffer>();
    for (let i = 0; i < 120; i++) {
      const body = randomBytesSeeded(i === 7 ? 0 : (i * 997) % 20_000, i);
      bodies.set(`f${i}.bin`, body);
      fx.server.setFile(`/f${i}.bin`, { body });
    }
    const big = randomBytesSeeded(1024 * KiB, 999);
    bodies.set('big.bin', big);
    fx.server.setFile('/big.bin', { body: big });
    fx.server.setFaults({ firstByteDelayMs: 2 });
    const engine = fx.engine({ maxActive: 4, connections: 1, ...fast });
    for (const name of bodies.keys()) engine.add(fx.server.url(`/${name}`));
    await engine.whenIdle();
    expect(fx.server.stats.peakActiveResponses).toBeLessThanOrEqual(4);
    // Files of one queue reuse each other's keep-alive connections.
    expect(fx.server.stats.connections).toBeLessThanOrEqual(16);
    expect(engine.list().every((d) => d.state === 'complete')).toBe(true);
    for (const [name, body] of bodies) expect(sha256(await readFile(path.join(fx.dir, name)))).toBe(sha256(body));
  });

  it('the per-host limit holds across downloads', async () => {
    for (let i = 0; i < 4; i++) fx.server.setFile(`/m${i}`, { body: randomBytesSeeded(512 * KiB, i) });
    fx.server.setFaults({ throttleBytesPerSec: 1024 * KiB });
    const engine = fx.engine({ maxActive: 4, connections: 8, maxConnectionsPerHost: 6, ...fast });
    for (let i = 0; i < 4; i++) engine.add(fx.server.url(`/m${i}`));
    await engine.whenIdle();
    expect(fx.server.stats.peakActiveResponses).toBeLessThanOrEqual(6);
    expect(engine.list().map((d) => d.state)).toEqual(['complete', 'complete', 'complete', 'complete']);
  });

  it('pause mid-transfer: no bytes arrive while paused; resume completes byte-exact', async () => {
    const body = randomBytesSeeded(2048 * KiB, 5);
    fx.server.setFile('/p.bin', { body, etag: '"p"' });
    fx.server.setFaults({ throttleBytesPerSec: 512 * KiB });
    const engine = fx.engine({ connections: 4, ...fast });
    const id = engine.add(fx.server.url('/p.bin'));
    await waitFor(() => (engine.get(id)?.completedBytes ?? 0) > 200 * KiB);
    for (let round = 0; round < 3; round++) {
      await engine.pause(id);
      expect(engine.get(id)?.state).toBe('paused');
      const sent = fx.server.stats.bodyBytesSent;
      await sleep(300);
      expect(fx.server.stats.bodyBytesSent).toBe(sent);
      expect(fx.server.stats.activeResponses).toBe(0);
      await engine.pause(id); // idempotent
      engine.resume(id);
      engine.resume(id); // idempotent
      await sleep(150);
    }
    fx.server.setFaults({ throttleBytesPerSec: undefined });
    await engine.whenIdle();
    expect(engine.get(id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(fx.dir, 'p.bin')))).toBe(sha256(body));
  });

  it('cancel while active, paused and waiting removes partial files', async () => {
    for (const n of ['a', 'b', 'c']) fx.server.setFile(`/${n}`, { body: randomBytesSeeded(1024 * KiB, n) });
    fx.server.setFaults({ throttleBytesPerSec: 256 * KiB });
    const engine = fx.engine({ maxActive: 2, connections: 2, ...fast });
    const a = engine.add(fx.server.url('/a'));
    const b = engine.add(fx.server.url('/b'));
    const c = engine.add(fx.server.url('/c'));
    await waitFor(() => engine.get(a)?.state === 'active' && engine.get(b)?.state === 'active');
    await sleep(200);
    await engine.pause(b);
    expect(engine.get(b)?.state).toBe('paused');
    expect(engine.get(c)?.state).toBe('active');
    await engine.cancel(a);
    await engine.cancel(b);
    await engine.cancel(c);
    expect(engine.list().map((d) => d.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    await engine.cancel(a); // idempotent
    expect(await readdir(fx.dir)).toEqual([]);

    const w = engine.add(fx.server.url('/a'));
    engine.add(fx.server.url('/b'));
    const w3 = engine.add(fx.server.url('/c'));
    expect(engine.get(w3)?.state).toBe('waiting');
    await engine.cancel(w3);
    expect(engine.get(w3)?.state).toBe('cancelled');
    await engine.cancel(w);
  });

  it('the global rate limit holds over all downloads together', async () => {
    for (const n of ['r1', 'r2']) fx.server.setFile(`/${n}`, { body: randomBytesSeeded(384 * KiB, n) });
    const engine = fx.engine({ maxActive: 2, connections: 2, limitRate: 512 * KiB, ...fast });
    const t0 = performance.now();
    engine.add(fx.server.url('/r1'));
    engine.add(fx.server.url('/r2'));
    await engine.whenIdle();
    const seconds = (performance.now() - t0) / 1000;
    // 768 KiB at 512 KiB/s, less the 256 KiB burst the bucket allows at once: at least 1 s.
    expect(seconds).toBeGreaterThan(0.95);
    expect(engine.list().map((d) => d.state)).toEqual(['complete', 'complete']);
  });

  it('move puts a waiting download at the front', async () => {
    for (const n of ['1', '2', '3', '4']) fx.server.setFile(`/${n}`, { body: randomBytesSeeded(64 * KiB, n) });
    fx.server.setFaults({ throttleBytesPerSec: 256 * KiB });
    const engine = fx.engine({ maxActive: 1, connections: 1, ...fast });
    const started: string[] = [];
    engine.on('start', (d) => started.push(d.url.split('/').pop() ?? ''));
    engine.add(fx.server.url('/1'));
    engine.add(fx.server.url('/2'));
    engine.add(fx.server.url('/3'));
    const last = engine.add(fx.server.url('/4'));
    engine.move(last, 0);
    await engine.whenIdle();
    expect(started[0]).toBe('4');
    expect(started).toHaveLength(4);
  });

  it('a failing download does not stop the others; its error is reported', async () => {
    fx.server.setFile('/ok', { body: Buffer.from('ok') });
    const engine = fx.engine({ ...fast });
    const bad = engine.add(fx.server.url('/missing'));
    const good = engine.add(fx.server.url('/ok'));
    await engine.whenIdle();
    expect(engine.get(bad)).toMatchObject({ state: 'error', errorCode: 'HTTP_STATUS' });
    expect(engine.get(good)?.state).toBe('complete');
  });

  it('mirrors: the next URL is tried when one fails', async () => {
    const body = Buffer.from('mirrored');
    fx.server.setFile('/m', { body });
    const engine = fx.engine({ ...fast });
    const id = engine.add([fx.server.url('/gone'), fx.server.url('/m')], { out: 'm.txt' });
    await engine.whenIdle();
    expect(engine.get(id)?.state).toBe('complete');
    expect(await readFile(path.join(fx.dir, 'm.txt'), 'utf8')).toBe('mirrored');
  });
});
