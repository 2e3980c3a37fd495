/**
 * The daemon's signal handling, in process (a fake CliIO catches the handler and `exit`): the
 * first signal stops cleanly and resolves 0 after checkpointing; a second one exits at once,
 * without waiting for the stop in progress.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import type { DaemonConfig } from '../../src/core/daemon-config.js';
import { startDaemon } from '../../src/daemon/main.js';

let base: string;
beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'ferry-sig-'));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

function config(): DaemonConfig {
  return {
    rpcListenPort: 0,
    rpcSecret: 'x',
    rpcListenAll: false,
    rpcAllowOrigins: [],
    rpcAllowAnyDir: false,
    maxActive: 3,
    stateDir: path.join(base, 'state'),
    defaults: { dir: path.join(base, 'dl') },
    debug: false,
    help: false,
  };
}

function fakeIO() {
  const handlers: (() => void)[] = [];
  const exits: number[] = [];
  let err = '';
  const io: CliIO = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (err += s) },
    readStdin: async () => '',
    onInterrupt: (h) => {
      handlers.push(h);
      return () => handlers.splice(handlers.indexOf(h), 1);
    },
    exit: ((code: number) => {
      exits.push(code);
    }) as CliIO['exit'],
    env: {},
  };
  return { io, handlers, exits, stderr: () => err };
}

const listening = async (f: { stderr(): string }): Promise<void> => {
  while (!/listening on/.test(f.stderr())) await new Promise((r) => setTimeout(r, 10));
};

describe('daemon signals', () => {
  it('the first signal stops cleanly: resolves 0, nothing exits the process', async () => {
    const f = fakeIO();
    const running = startDaemon(config(), f.io);
    await listening(f);
    expect(f.handlers.length).toBe(1);
    f.handlers[0]();
    expect(await running).toBe(0);
    expect(f.exits).toEqual([]);
    expect(f.stderr()).toMatch(/stopping \(signal\): saving every download/);
    expect(f.stderr()).toMatch(/ stopped\n$/);
  });

  it('a second signal exits at once, before the first stop has finished', async () => {
    for (let round = 0; round < 5; round++) {
      const f = fakeIO();
      const running = startDaemon(config(), f.io);
      await listening(f);
      f.handlers[0]();
      f.handlers[0]();
      // exit() was asked synchronously, while the stop is still under way.
      expect(f.exits).toEqual([130]);
      expect(f.stderr()).not.toMatch(/ stopped\n/);
      await running;
    }
  });
});
