import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ByteRange } from '../../src/core/types.js';
import { type ControlState, decodeControl } from '../../src/disk/control-file.js';
import type { DataFile } from '../../src/disk/data-file.js';
import { serialCheckpoint } from '../../src/engine/serial-checkpoint.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const BOOT = '0f6a5d1e-3c1b-4d7e-9a55-2b1f0c8e7d64';

/** A data file whose syncs are counted and can be held open; `done` is what the piece map says. */
function setup(options: { fsync?: boolean; bootId?: string | undefined; synced?: ByteRange[]; now?: () => number } = {}) {
  let done: ByteRange[] = [];
  const events: string[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const file = {
    async sync() {
      events.push('sync');
      if (hold) await new Promise<void>((r) => (release = r));
    },
  } as unknown as DataFile;
  const controlPath = path.join(dir, 'f.ferry');
  const state = (): ControlState => ({ version: 1, url: 'http://h/f', size: 100, done });
  const ck = serialCheckpoint({
    file,
    controlPath,
    state,
    synced: options.synced ?? [],
    written: true,
    fsync: options.fsync ?? true,
    bootId: 'bootId' in options ? options.bootId : BOOT,
    now: options.now,
  });
  return {
    ck,
    events,
    setDone: (r: Array<[number, number]>) => (done = r.map(([start, end]) => ({ start, end }))),
    holdSync: () => (hold = true),
    releaseSync: () => {
      hold = false;
      release?.();
    },
    read: async (): Promise<ControlState | undefined> =>
      readFile(controlPath, 'utf8').then(
        (t) => decodeControl(t, 'f.ferry'),
        () => undefined,
      ),
  };
}

describe('serialCheckpoint', () => {
  it('a light checkpoint resolves with its own duration, 0 when nothing changed', async () => {
    let clock = 100;
    const t = setup({ now: () => (clock += 7) });
    t.setDone([[0, 30]]);
    // One clock reading before the save, one after it.
    expect(await t.ck.record()).toBe(7);
    expect(await t.read()).toMatchObject({ written: [{ start: 0, end: 30 }] });
    expect(await t.ck.record()).toBe(0);
  });

  it('a light checkpoint never syncs, keeps the synced claim in done and lists the rest as written, with the boot id', async () => {
    const t = setup({ synced: [{ start: 0, end: 10 }] });
    t.setDone([[0, 30]]);
    await t.ck.record();
    expect(t.events).toEqual([]);
    expect(await t.read()).toMatchObject({ done: [{ start: 0, end: 10 }], boot: BOOT, written: [{ start: 10, end: 30 }] });
  });

  it('a durable checkpoint syncs first, claims in done only what was written before the sync, and lists bytes of the sync as written', async () => {
    const t = setup();
    t.setDone([[0, 20]]);
    t.holdSync();
    const saving = t.ck.save(false);
    await new Promise((r) => setTimeout(r, 5));
    expect(t.events).toEqual(['sync']);
    expect(await t.read()).toBeUndefined(); // nothing saved before the sync returned
    t.setDone([[0, 50]]); // written while the sync ran
    t.releaseSync();
    await saving;
    expect(await t.read()).toMatchObject({ done: [{ start: 0, end: 20 }], boot: BOOT, written: [{ start: 20, end: 50 }] });
    // The next light checkpoint keeps 0-20 as the synced claim.
    t.setDone([[0, 60]]);
    await t.ck.record();
    expect(await t.read()).toMatchObject({ done: [{ start: 0, end: 20 }], written: [{ start: 20, end: 60 }] });
  });

  it('light checkpoints go on while a durable one waits for its sync', async () => {
    const t = setup();
    t.setDone([[0, 20]]);
    t.holdSync();
    const saving = t.ck.save(false);
    await new Promise((r) => setTimeout(r, 5));
    t.setDone([[0, 40]]);
    await t.ck.record();
    expect(await t.read()).toMatchObject({ done: [], written: [{ start: 0, end: 40 }] });
    t.releaseSync();
    await saving;
    expect((await t.read())?.done).toEqual([{ start: 0, end: 20 }]);
  });

  it('without a boot id a light checkpoint saves nothing (written bytes could never be trusted)', async () => {
    const t = setup({ bootId: undefined });
    t.setDone([[0, 30]]);
    await t.ck.record();
    expect(await t.read()).toBeUndefined();
  });

  it('without fsync a light checkpoint claims every written byte in done, with no written list', async () => {
    const t = setup({ fsync: false });
    t.setDone([[0, 30]]);
    await t.ck.record();
    const s = await t.read();
    expect(s?.done).toEqual([{ start: 0, end: 30 }]);
    expect(s?.written).toBeUndefined();
    expect(t.events).toEqual([]);
  });

  it('a failed save does not stop the next one', async () => {
    const t = setup();
    t.setDone([[0, 10]]);
    await rm(dir, { recursive: true, force: true }); // the directory is gone: the save fails
    await expect(t.ck.record()).rejects.toThrow();
    await mkdir(dir);
    t.setDone([[0, 20]]);
    await t.ck.record();
    expect((await t.read())?.written).toEqual([{ start: 0, end: 20 }]);
  });
});
